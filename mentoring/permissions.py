"""Who may do what on an enrolment. Pure functions; services call them and refuse with a message."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from trainingsite.permissions import lines_led_by
from trainingsite.roles import Role, has_role

from .models import Enrolment

AnyUser = AbstractBaseUser | AnonymousUser


def led_line_ids(user: AnyUser) -> frozenset[int]:
    """The lines `user` leads, cached on the instance for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_mentoring_led_line_ids", None)
    if cached is None:
        cached = frozenset(lines_led_by(user).values_list("pk", flat=True))
        user._mentoring_led_line_ids = cached
    return cached


def learner_line_id(enrolment: Enrolment) -> int | None:
    return enrolment.learner.profile.line_id


def is_lead_of_learner(user: AnyUser, enrolment: Enrolment) -> bool:
    return user.is_authenticated and learner_line_id(enrolment) in led_line_ids(user)


def is_learner(user: AnyUser, enrolment: Enrolment) -> bool:
    return user.is_authenticated and enrolment.learner_id == user.pk


def is_mentor(user: AnyUser, enrolment: Enrolment) -> bool:
    return user.is_authenticated and enrolment.mentor_id is not None and enrolment.mentor_id == user.pk


def can_view_enrolment(user: AnyUser, enrolment: Enrolment) -> bool:
    return is_learner(user, enrolment) or is_mentor(user, enrolment) or is_lead_of_learner(user, enrolment)


def can_sign_off(user: AnyUser, enrolment: Enrolment) -> bool:
    """The assigned mentor or a team lead of the learner's line, and never the learner."""
    if not user.is_authenticated or not user.is_active or is_learner(user, enrolment):
        return False
    return is_mentor(user, enrolment) or is_lead_of_learner(user, enrolment)


def can_withdraw(user: AnyUser, enrolment: Enrolment) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not is_learner(user, enrolment)
        and has_role(user, Role.TEAM_LEAD)
        and is_lead_of_learner(user, enrolment)
    )


def can_manage_enrolment(user: AnyUser, enrolment: Enrolment) -> bool:
    """Enrol, reassign the mentor, cancel: a team lead of the learner's line."""
    return can_withdraw(user, enrolment)
