"""The user of each request, loaded with their roles in one query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F


class RoleModelBackend(ModelBackend):
    """Django's ModelBackend whose `get_user` (run on every request with a session) also reads the
    user's group names, so the role checks of the header, `role_required` and the pages
    (`trainingsite.roles.user_roles`) do not query them again.

    It authenticates exactly as ModelBackend does: django-axes' backend stays in front of it.
    """

    def get_user(self, user_id) -> AbstractBaseUser | None:
        # One row per group (a LEFT JOIN: a person without a group still gets their row).
        rows = list(
            get_user_model()._default_manager.filter(pk=user_id).annotate(_role_name=F("groups__name"))
        )
        if not rows:
            return None
        roles = frozenset(row._role_name for row in rows if row._role_name is not None)
        user = rows[0]
        del user._role_name
        user._training_roles = roles
        return user if self.user_can_authenticate(user) else None
