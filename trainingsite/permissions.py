"""May this user do X to that object? Pure functions over the organisation's models."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Line, Profile
from .roles import Role, has_role


def lines_led_by(user: AbstractBaseUser | AnonymousUser):
    if not has_role(user, Role.TEAM_LEAD):
        return Line.objects.none()
    return Line.objects.led_by(user)


def manageable_profiles(user: AbstractBaseUser | AnonymousUser):
    """People a team lead manages: those of the lines they lead, never themselves."""
    if not has_role(user, Role.TEAM_LEAD):
        return Profile.objects.none()
    return Profile.objects.filter(line__in=lines_led_by(user)).exclude(user_id=user.pk)


def can_manage_person(user: AbstractBaseUser | AnonymousUser, profile: Profile) -> bool:
    return manageable_profiles(user).filter(pk=profile.pk).exists()


def can_lead_line(user: AbstractBaseUser | AnonymousUser, line: Line | None) -> bool:
    return line is not None and lines_led_by(user).filter(pk=line.pk).exists()
