"""Every write to the organisation goes through here: checked, in a transaction, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .errors import ServiceError
from .models import Line, Profile, SupportGroup
from .permissions import can_lead_line, can_manage_person
from .roles import ROLES_GRANTED_BY_TEAM_LEAD, Role

User = get_user_model()


class PersonError(ServiceError):
    pass


def _check_placement(*, actor, line: Line, group: SupportGroup | None) -> None:
    if not can_lead_line(actor, line):
        raise PersonError(_("You can only place people on a line you lead."), code="not_your_line")
    if group is not None and group.line_id != line.pk:
        raise PersonError(_("The group must belong to the chosen line."), code="group_line_mismatch")


def _set_granted_roles(user, roles: Iterable[str]) -> None:
    wanted = set(roles)
    grantable = {r.value for r in ROLES_GRANTED_BY_TEAM_LEAD}
    if not wanted <= grantable:
        raise PersonError(_("A team lead can only grant agent and mentor roles."), code="role_not_grantable")
    groups = {g.name: g for g in Group.objects.filter(name__in=grantable)}
    user.groups.remove(*[groups[name] for name in grantable - wanted if name in groups])
    user.groups.add(*[groups[name] for name in wanted if name in groups])


def person_invite_send(*, user, request_base_url: str | None = None) -> None:
    """Email a link where the person sets their own password (a team lead never knows it)."""
    if not user.email:
        return
    base = request_base_url or settings.SITE_URL
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "url": base.rstrip("/") + path, "site_url": base}
    send_mail(
        subject=_("Your account on the support training platform"),
        message=render_to_string("trainingsite/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def person_create(
    *,
    actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    line: Line,
    group: SupportGroup | None = None,
    patronymic: str = "",
    hire_date: datetime.date | None = None,
    line_joined_on: datetime.date | None = None,
    roles: Iterable[str] = (Role.AGENT.value,),
    mentor_capacity: int | None = None,
    send_invitation: bool = True,
    request_base_url: str | None = None,
):
    _check_placement(actor=actor, line=line, group=group)
    if User.objects.filter(username__iexact=username).exists():
        raise PersonError(_("This login is already taken."), code="username_taken")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = user.profile
    profile.patronymic = patronymic
    profile.line = line
    profile.group = group
    profile.hire_date = hire_date
    profile.line_joined_on = line_joined_on or hire_date
    if mentor_capacity is not None:
        profile.mentor_capacity = mentor_capacity
    profile.full_clean()
    profile.save()
    _set_granted_roles(user, roles)
    log(instance=profile, action="trainingsite.person.create", user=actor, data={"line": line.name})
    if send_invitation:
        transaction.on_commit(lambda: person_invite_send(user=user, request_base_url=request_base_url))
    return user


@transaction.atomic
def person_update(
    *,
    actor,
    profile: Profile,
    first_name: str,
    last_name: str,
    email: str,
    line: Line,
    group: SupportGroup | None,
    patronymic: str = "",
    hire_date: datetime.date | None = None,
    line_joined_on: datetime.date | None = None,
    roles: Iterable[str] = (),
    mentor_capacity: int | None = None,
) -> Profile:
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if not can_manage_person(actor, profile):
        raise PersonError(_("This person is not on a line you lead."), code="not_your_person")
    _check_placement(actor=actor, line=line, group=group)
    user = profile.user
    changed_line = profile.line_id != line.pk
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email"])
    profile.patronymic = patronymic
    profile.line = line
    profile.group = group
    profile.hire_date = hire_date
    if changed_line and line_joined_on == profile.line_joined_on:
        # Moving someone to another line restarts their time on it unless told otherwise.
        line_joined_on = datetime.date.today()
    profile.line_joined_on = line_joined_on
    if mentor_capacity is not None:
        profile.mentor_capacity = mentor_capacity
    profile.full_clean()
    profile.save()
    _set_granted_roles(user, roles)
    log(instance=profile, action="wagtail.edit", user=actor, data={"line": line.name})
    return profile


@transaction.atomic
def person_deactivate(*, actor, profile: Profile, reason: str) -> Profile:
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if not can_manage_person(actor, profile):
        raise PersonError(_("This person is not on a line you lead."), code="not_your_person")
    if not reason.strip():
        raise PersonError(_("Give a reason for deactivating this person."), code="reason_required")
    if not profile.user.is_active:
        raise PersonError(_("This person is already inactive."), code="already_inactive")
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])
    log(
        instance=profile, action="trainingsite.person.deactivate", user=actor, data={"reason": reason.strip()}
    )
    return profile


@transaction.atomic
def person_reactivate(*, actor, profile: Profile) -> Profile:
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if not can_manage_person(actor, profile):
        raise PersonError(_("This person is not on a line you lead."), code="not_your_person")
    if profile.user.is_active:
        raise PersonError(_("This person is already active."), code="already_active")
    profile.user.is_active = True
    profile.user.save(update_fields=["is_active"])
    log(instance=profile, action="trainingsite.person.reactivate", user=actor)
    return profile
