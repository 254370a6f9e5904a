"""Roles are Django groups, created by a data migration so that a fresh database is usable.

The group names below are identifiers (stable across languages); people see `Role.label`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "Agents", _("Agent")
    MENTOR = "Mentors", _("Mentor")
    TEAM_LEAD = "Team leads", _("Team lead")
    EDITOR = "Content editors", _("Content editor")


# Roles a team lead may give or take away for people of their lines. Team lead and editor
# rights are granted by an administrator, so nobody raises their own privileges.
ROLES_GRANTED_BY_TEAM_LEAD = (Role.AGENT, Role.MENTOR)


def user_roles(user) -> frozenset[str]:
    """The roles of `user`, cached on the instance for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_training_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._training_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role.value in user_roles(user)
