"""Every write of the rotation app: a transaction, row locks, the checks, and an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from trainingsite.errors import ServiceError
from trainingsite.models import Line, Profile, SupportGroup
from trainingsite.permissions import can_lead_line
from trainingsite.roles import Role, has_role

from . import selectors
from .bridge import refresher_cancel, refresher_enrol
from .models import Demand, RosterEntry, Rotation, ShiftPattern


class RotationError(ServiceError):
    pass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


class RotationRefused(RotationError):
    """One or more checks failed. `overridable` says whether a written reason may save it anyway."""

    def __init__(self, problems: list[Problem], *, overridable: bool) -> None:
        super().__init__(" ".join(p.message for p in problems), code=problems[0].code)
        self.problems = problems
        self.overridable = overridable


def _day(day: datetime.date) -> str:
    return date_format(day, "D d.m.Y")


def check_rotation(
    *,
    agent_profile: Profile,
    host_line: Line,
    host_group: SupportGroup | None,
    host_mentor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    exclude_rotation_id: int | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """(hard problems, overridable problems) of a rotation, with the exact shifts and numbers."""
    hard: list[Problem] = []
    soft: list[Problem] = []
    agent = agent_profile.user
    home = agent_profile.line
    if ends_on < starts_on:
        hard.append(Problem("dates", _("The last day cannot be before the first day.")))
        return hard, soft
    if host_group is not None and host_group.line_id != host_line.pk:
        hard.append(Problem("host_group", _("The host group must belong to the host line.")))
    if host_line.pk == home.pk and (host_group is None or host_group.pk == agent_profile.group_id):
        hard.append(Problem("same_unit", _("A rotation goes to another line or group than the agent's own.")))
    mentor_profile = getattr(host_mentor, "profile", None)
    if (
        not has_role(host_mentor, Role.MENTOR)
        or mentor_profile is None
        or mentor_profile.line_id != host_line.pk
        or (host_group is not None and mentor_profile.group_id != host_group.pk)
    ):
        hard.append(
            Problem(
                "host_mentor",
                _("%(mentor)s is not an active mentor of %(host)s.")
                % {
                    "mentor": mentor_profile.full_name if mentor_profile else host_mentor,
                    "host": host_group or host_line,
                },
            )
        )
    overlapping = (
        Rotation.objects.active()
        .filter(agent=agent)
        .overlapping(starts_on, ends_on)
        .exclude(pk=exclude_rotation_id)
    ).first()
    if overlapping is not None:
        hard.append(
            Problem(
                "overlap",
                _("%(agent)s is already away from %(start)s to %(end)s (rotation to %(host)s).")
                % {
                    "agent": agent_profile.full_name,
                    "start": _day(overlapping.starts_on),
                    "end": _day(overlapping.ends_on),
                    "host": overlapping.host_label,
                },
            )
        )
    last_end = (
        Rotation.objects.filter(agent=agent, status__in=[Rotation.Status.DONE, Rotation.Status.IN_PROGRESS])
        .exclude(pk=exclude_rotation_id)
        .filter(ends_on__lt=starts_on)
        .order_by("-ends_on")
        .values_list("ends_on", flat=True)
        .first()
    )
    joined = agent_profile.line_joined_on or agent_profile.hire_date
    eligible_on = selectors.eligible_from(line_joined_on=joined, last_rotation_end=last_end)
    if eligible_on is not None and starts_on < eligible_on:
        since = max(d for d in (joined, last_end) if d)
        soft.append(
            Problem(
                "ineligible",
                _(
                    "%(agent)s has been on the line only since %(since)s; a rotation is possible from "
                    "%(eligible)s (after %(days)s days)."
                )
                % {
                    "agent": agent_profile.full_name,
                    "since": date_format(since, "d.m.Y"),
                    "eligible": date_format(eligible_on, "d.m.Y"),
                    "days": (eligible_on - since).days,
                },
            )
        )
    shifts = selectors.line_shifts(home)
    window = {"line": home, "start": starts_on, "end": ends_on, "exclude_rotation_id": exclude_rotation_id}
    before = selectors.coverage(**window, shifts=shifts)
    after = selectors.coverage(**window, shifts=shifts, extra=[(agent.pk, starts_on, ends_on)])
    for was, cell in zip(before, after, strict=True):
        # Only the shifts this agent would leave count: a shift already short without them is the
        # roster's problem, not this rotation's.
        if cell.present < was.present and cell.present < cell.minimum:
            soft.append(
                Problem(
                    "coverage",
                    _(
                        "%(line)s, %(day)s %(hours)s: %(present)s of %(rostered)s rostered would remain, "
                        "below the minimum of %(minimum)s."
                    )
                    % {
                        "line": home.name,
                        "day": _day(cell.date),
                        "hours": cell.shift.hours_label,
                        "present": cell.present,
                        "rostered": cell.rostered,
                        "minimum": cell.minimum,
                    },
                )
            )
    if not any(p.code == "host_mentor" for p in hard):
        load = selectors.mentor_loads(
            mentor_ids=[host_mentor.pk], start=starts_on, end=ends_on, exclude_rotation_id=exclude_rotation_id
        )[host_mentor.pk]
        if load.free < 1:
            soft.append(
                Problem(
                    "capacity",
                    _(
                        "%(mentor)s is at capacity: %(mentees)s mentee(s) and %(guests)s rotation guest(s) "
                        "on these dates, capacity %(capacity)s."
                    )
                    % {
                        "mentor": mentor_profile.full_name,
                        "mentees": load.mentees,
                        "guests": load.guests,
                        "capacity": load.capacity,
                    },
                )
            )
    return hard, soft


def _lock_agent(agent_id: int) -> Profile:
    # Lock the agent's profile and their line so two team leads cannot each take the last spare
    # place on a shift at the same moment.
    profile = (
        Profile.objects.select_for_update(of=("self",))
        .select_related("user", "line", "group")
        .get(user_id=agent_id)
    )
    if profile.line_id:
        Line.objects.select_for_update(of=("self",)).filter(pk=profile.line_id).first()
    return profile


@transaction.atomic
def rotation_create(
    *,
    actor: AbstractBaseUser,
    agent: AbstractBaseUser,
    host_line: Line,
    host_group: SupportGroup | None = None,
    host_mentor: AbstractBaseUser,
    starts_on: datetime.date,
    ends_on: datetime.date,
    goals: str = "",
    override_reason: str = "",
    source: str = "manual",
) -> Rotation:
    profile = _lock_agent(agent.pk)
    if profile.line is None or not can_lead_line(actor, profile.line) or profile.user_id == actor.pk:
        raise RotationError(
            _("You can plan rotations only for agents of the lines you lead."), code="not_your_line"
        )
    hard, soft = check_rotation(
        agent_profile=profile,
        host_line=host_line,
        host_group=host_group,
        host_mentor=host_mentor,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    override_reason = override_reason.strip()
    if hard:
        raise RotationRefused(hard + soft, overridable=False)
    if soft and not override_reason:
        raise RotationRefused(soft, overridable=True)
    rotation = Rotation(
        agent=profile.user,
        home_line=profile.line,
        host_line=host_line,
        host_group=host_group,
        host_mentor=host_mentor,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals.strip(),
        override_reason=override_reason if soft else "",
        created_by=actor,
    )
    rotation.full_clean()
    rotation.save()
    refresher = _open_refresher(actor=actor, rotation=rotation)
    log(
        instance=rotation,
        action="rotation.rotation.create",
        user=actor,
        data={
            "agent": profile.full_name,
            "host": rotation.host_label,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "host_mentor": host_mentor.profile.full_name,
            "source": source,
            "refresher": refresher,
        },
    )
    if soft:
        log(
            instance=rotation,
            action="rotation.rotation.override",
            user=actor,
            data={"reason": override_reason, "problems": [p.message for p in soft]},
        )
    return rotation


def _open_refresher(*, actor, rotation: Rotation) -> dict:
    """Snapshot the host's lessons changed since the agent studied them (or never studied), and
    open mentoring's refresher on them. Returns what happened, for the audit entry."""
    from courses.models import LessonPage, ProgrammePage
    from courses.selectors import lessons_changed_since_studied

    programmes = ProgrammePage.objects.live().for_line(rotation.host_line)
    if rotation.host_group_id:
        programme = (
            programmes.filter(group=rotation.host_group).first() or programmes.filter(group=None).first()
        )
    else:
        programme = programmes.filter(group=None).first() or programmes.first()
    changed = [
        item.lesson for item in lessons_changed_since_studied(user=rotation.agent, line=rotation.host_line)
    ]
    if programme is not None:
        inside = set(LessonPage.objects.descendant_of(programme).values_list("pk", flat=True))
        changed = [lesson for lesson in changed if lesson.pk in inside]
    rotation.refresher_lessons.set(changed)
    outcome = {"lessons": len(changed), "programme": programme.title if programme else None}
    if programme is not None and changed:
        enrolment_id, refused = refresher_enrol(
            actor=actor, rotation=rotation, programme=programme, lessons=changed
        )
        if enrolment_id is not None:
            rotation.mentoring_enrolment_id = enrolment_id
            rotation.save(update_fields=["mentoring_enrolment_id"])
        outcome["mentoring"] = enrolment_id or refused
    return outcome


def rotation_refresher_completed(*, enrolment_id: int) -> Rotation | None:
    """Mentoring completed a rotation's refresher: the host mentor signed off the supervised
    work there, so the rotation is done."""
    with transaction.atomic():
        rotation = (
            Rotation.objects.select_for_update(of=("self",))
            .filter(mentoring_enrolment_id=enrolment_id)
            .first()
        )
        if rotation is None or rotation.status in (Rotation.Status.DONE, Rotation.Status.CANCELLED):
            return rotation
        now = timezone.now()
        rotation.status = Rotation.Status.DONE
        rotation.review_signed_off_at = rotation.review_signed_off_at or now
        rotation.supervised_signed_off_at = now
        rotation.save(update_fields=["status", "review_signed_off_at", "supervised_signed_off_at"])
        log(
            instance=rotation,
            action="rotation.rotation.sign_off_supervised",
            user=rotation.host_mentor,
            data={"enrolment": enrolment_id, "source": "mentoring"},
        )
    return rotation


def _lock_rotation(rotation: Rotation) -> Rotation:
    return (
        Rotation.objects.select_for_update(of=("self",))
        .select_related("agent__profile", "home_line", "host_line")
        .get(pk=rotation.pk)
    )


@transaction.atomic
def rotation_cancel(*, actor: AbstractBaseUser, rotation: Rotation, reason: str) -> Rotation:
    rotation = _lock_rotation(rotation)
    if not can_lead_line(actor, rotation.home_line):
        raise RotationError(_("You can change rotations only of the lines you lead."), code="not_your_line")
    if rotation.status in (Rotation.Status.DONE, Rotation.Status.CANCELLED):
        raise RotationError(
            _("This rotation is already %(status)s.") % {"status": rotation.get_status_display().lower()},
            code="closed",
        )
    reason = reason.strip()
    if not reason:
        raise RotationError(_("Write why the rotation is cancelled."), code="reason_required")
    rotation.status = Rotation.Status.CANCELLED
    rotation.cancel_reason = reason
    rotation.full_clean()
    rotation.save(update_fields=["status", "cancel_reason"])
    data = {"reason": reason}
    if rotation.mentoring_enrolment_id:
        data["refresher"] = (
            refresher_cancel(actor=actor, enrolment_id=rotation.mentoring_enrolment_id, reason=reason)
            or "cancelled"
        )
    log(instance=rotation, action="rotation.rotation.cancel", user=actor, data=data)
    return rotation


@transaction.atomic
def rotation_start(
    *, actor: AbstractBaseUser, rotation: Rotation, today: datetime.date | None = None
) -> Rotation:
    rotation = _lock_rotation(rotation)
    today = today or timezone.localdate()
    if not (can_lead_line(actor, rotation.home_line) or actor.pk == rotation.host_mentor_id):
        raise RotationError(
            _("Only the team lead or the host mentor can start this rotation."), code="forbidden"
        )
    if rotation.status != Rotation.Status.PLANNED:
        raise RotationError(_("Only a planned rotation can start."), code="not_planned")
    if today < rotation.starts_on:
        raise RotationError(
            _("The rotation starts on %(date)s.") % {"date": date_format(rotation.starts_on, "d.m.Y")},
            code="too_early",
        )
    rotation.status = Rotation.Status.IN_PROGRESS
    rotation.save(update_fields=["status"])
    log(instance=rotation, action="rotation.rotation.start", user=actor)
    return rotation


class Stage:
    REVIEW = "review"
    SUPERVISED = "supervised"


@transaction.atomic
def rotation_sign_off(*, actor: AbstractBaseUser, rotation: Rotation, stage: str, note: str = "") -> Rotation:
    """The host mentor signs off the joint review of the changes, then the supervised work; the
    second sign-off completes the rotation."""
    rotation = _lock_rotation(rotation)
    if actor.pk != rotation.host_mentor_id:
        raise RotationError(_("Only the host mentor signs off this rotation."), code="not_mentor")
    if rotation.mentoring_enrolment_id:
        raise RotationError(
            _("This refresher is signed off in the mentoring training, stage by stage."), code="in_mentoring"
        )
    if rotation.status != Rotation.Status.IN_PROGRESS:
        raise RotationError(_("The rotation is not in progress."), code="not_in_progress")
    now = timezone.now()
    if stage == Stage.REVIEW:
        if rotation.review_signed_off_at:
            raise RotationError(_("The joint review is already signed off."), code="already_signed")
        rotation.review_signed_off_at = now
        fields = ["review_signed_off_at"]
    elif stage == Stage.SUPERVISED:
        if not rotation.review_signed_off_at:
            raise RotationError(_("Sign off the joint review of the changes first."), code="review_first")
        if rotation.supervised_signed_off_at:
            raise RotationError(_("The supervised work is already signed off."), code="already_signed")
        rotation.supervised_signed_off_at = now
        rotation.status = Rotation.Status.DONE
        fields = ["supervised_signed_off_at", "status"]
    else:
        raise RotationError(_("Unknown stage."), code="stage")
    rotation.save(update_fields=fields)
    log(
        instance=rotation,
        action=f"rotation.rotation.sign_off_{stage}",
        user=actor,
        data={"note": note.strip()},
    )
    return rotation


@transaction.atomic
def demand_save(*, actor: AbstractBaseUser, shift: ShiftPattern, **fields) -> Demand:
    """Create or change the demand of one shift of a line the actor leads."""
    shift = ShiftPattern.objects.select_for_update(of=("self",)).select_related("line").get(pk=shift.pk)
    if not can_lead_line(actor, shift.line):
        raise RotationError(_("You can change the demand only of the lines you lead."), code="not_your_line")
    demand = Demand.objects.filter(shift=shift).first() or Demand(shift=shift)
    before = {name: getattr(demand, name, None) for name in fields} if demand.pk else {}
    for name, value in fields.items():
        setattr(demand, name, value)
    demand.full_clean()
    demand.save()
    log(
        instance=demand, action="rotation.demand.update", user=actor, data={"before": before, "after": fields}
    )
    return demand


@transaction.atomic
def roster_set(
    *,
    actor: AbstractBaseUser,
    line: Line,
    entries: set[tuple[int, int, int]],
    agent_ids: Iterable[int] | None = None,
) -> int:
    """Replace the weekly roster of `line` with `entries` (agent id, weekday, shift id); with
    `agent_ids` (the agents of one page of the grid), only the roster of those agents.
    Returns how many entries changed."""
    if not can_lead_line(actor, line):
        raise RotationError(_("You can change the roster only of the lines you lead."), code="not_your_line")
    Line.objects.select_for_update(of=("self",)).get(pk=line.pk)
    profiles = Profile.objects.filter(line=line, user__is_active=True)
    if agent_ids is not None:
        profiles = profiles.filter(user_id__in=list(agent_ids))
    agents = set(profiles.values_list("user_id", flat=True))
    shifts = set(ShiftPattern.objects.filter(line=line).values_list("pk", flat=True))
    if any(a not in agents or s not in shifts or not 0 <= d <= 6 for a, d, s in entries):
        raise RotationError(_("The roster names someone or a shift outside this line."), code="foreign")
    current = {
        (a, d, s): pk
        for pk, a, d, s in RosterEntry.objects.filter(shift__line=line, agent_id__in=agents).values_list(
            "pk", "agent_id", "weekday", "shift_id"
        )
    }
    removed = set(current) - entries
    added = entries - set(current)
    RosterEntry.objects.filter(pk__in=[current[key] for key in removed]).delete()
    RosterEntry.objects.bulk_create(RosterEntry(agent_id=a, weekday=d, shift_id=s) for a, d, s in added)
    if removed or added:
        log(
            instance=line,
            action="rotation.roster.update",
            user=actor,
            data={"added": len(added), "removed": len(removed)},
        )
    return len(removed) + len(added)
