"""May this user do X to that object? Pure functions, no writes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from trainingsite.permissions import can_lead_line
from trainingsite.roles import Role, has_role

from .models import Certificate

UserLike = AbstractBaseUser | AnonymousUser


def can_take_quizzes(user: UserLike) -> bool:
    return user.is_authenticated and user.is_active and has_role(user, Role.AGENT)


def can_edit_bank(user: UserLike) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.EDITOR))


def can_download_certificate(user: UserLike, certificate: Certificate) -> bool:
    return user.is_authenticated and (certificate.user_id == user.pk or can_lead_line(user, certificate.line))


def can_manage_certificate(user: UserLike, certificate: Certificate) -> bool:
    return can_lead_line(user, certificate.line)


def can_take_quiz(user: UserLike, quiz) -> bool:
    """Agents take the quizzes of the programmes assigned to them (their line and group, or a path
    they are enrolled on): never another line's certification, which would issue that line's
    certificate to someone nobody trained for it."""
    from courses.selectors import programmes_for

    if not can_take_quizzes(user):
        return False
    if programmes_for(user).filter(pk=quiz.programme_id).exists():
        return True
    # Someone moving lines is enrolled on the new line's onboarding path before their profile moves
    # (a rotation's refresher is not a certification).
    from mentoring.models import Enrolment

    return Enrolment.objects.filter(
        learner=user,
        programme_id=quiz.programme_id,
        status=Enrolment.Status.ACTIVE,
        kind=Enrolment.Kind.ONBOARDING,
    ).exists()
