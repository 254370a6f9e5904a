"""Every write to a training path: checked, in a transaction, under a row lock, and audited.

Every stage transition locks the enrolment row first, so two people acting on one enrolment at the
same moment are serialised and the second sees the first's result (e.g. "already signed off").
The database constraints in models.py back the same rules up.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import LessonPage, ProgrammePage
from trainingsite.errors import ServiceError
from trainingsite.models import Profile
from trainingsite.permissions import can_manage_person
from trainingsite.roles import Role, has_role

from . import selectors
from .models import (
    SIGNED_STAGES,
    Enrolment,
    ObservationEntry,
    ReviewPoint,
    ReviewQuestion,
    Shift,
    SignOffRequest,
    Stage,
    StageProgress,
    StageSignOff,
    SupervisedShift,
    stage_sequence,
)
from .permissions import can_manage_enrolment, can_sign_off, can_withdraw, is_learner
from .signals import enrolment_completed

User = get_user_model()


class MentoringError(ServiceError):
    pass


# --- helpers ----------------------------------------------------------------------------------


def _lock(enrolment: Enrolment) -> Enrolment:
    # `of=("self",)`: PostgreSQL refuses FOR UPDATE on the nullable side of the mentor join.
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("learner__profile", "mentor__profile", "programme")
        .get(pk=enrolment.pk)
    )


def _stages(enrolment: Enrolment) -> dict[str, StageProgress]:
    return {s.stage: s for s in enrolment.stages.order_by("position")}


def _audit(enrolment: Enrolment, action: str, actor, **data) -> None:
    log(instance=enrolment, action=action, user=actor, data={k: v for k, v in data.items() if v is not None})


def _name(user) -> str:
    return user.profile.full_name if user else ""


def _require_active(enrolment: Enrolment) -> None:
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise MentoringError(_("This training path is closed."), code="not_active")


def _require_signer(actor, enrolment: Enrolment) -> None:
    if is_learner(actor, enrolment):
        raise MentoringError(_("Nobody signs off their own training."), code="self_sign_off")
    if not can_sign_off(actor, enrolment):
        raise MentoringError(
            _("Only the assigned mentor or a team lead of the newcomer's line can do this."),
            code="not_mentor",
        )


def _require_current(enrolment: Enrolment, stage: Stage, message: str) -> None:
    if enrolment.current_stage != stage:
        raise MentoringError(message, code="wrong_stage")


# Set while demo data or an import replays history, so that nobody is emailed about the past.
_emails_muted: ContextVar[bool] = ContextVar("mentoring_emails_muted", default=False)


@contextlib.contextmanager
def emails_muted() -> Iterator[None]:
    token = _emails_muted.set(True)
    try:
        yield
    finally:
        _emails_muted.reset(token)


def _email(*, to, subject: str, template: str, context: dict) -> None:
    if not to or not to.email or _emails_muted.get():
        return
    body = render_to_string(template, context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[to.email])
    )


def _enrolment_url(enrolment: Enrolment) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + reverse("mentoring:enrolment", args=[enrolment.pk])


def _check_mentor(*, mentor, learner, programme: ProgrammePage) -> None:
    """May `mentor` take `learner` in `programme`? Locks the mentor's profile for the capacity count."""
    if mentor.pk == learner.pk:
        raise MentoringError(_("Nobody can mentor their own training."), code="self_mentor")
    if not mentor.is_active or not has_role(mentor, Role.MENTOR):
        raise MentoringError(
            _("%(name)s is not an active mentor.") % {"name": _name(mentor)}, code="not_a_mentor"
        )
    profile = Profile.objects.select_for_update().get(pk=mentor.pk)
    if profile.line_id != programme.line_id:
        raise MentoringError(
            _("%(name)s works on another line; the mentor must work on the programme's line.")
            % {"name": _name(mentor)},
            code="mentor_other_line",
        )
    load = selectors.mentor_load(mentor_ids=[mentor.pk])[mentor.pk]
    if load >= profile.mentor_capacity:
        raise MentoringError(
            _(
                "%(name)s already mentors %(load)s newcomers, their full capacity of %(capacity)s. "
                "Choose another mentor or raise their capacity."
            )
            % {"name": _name(mentor), "load": load, "capacity": profile.mentor_capacity},
            code="over_capacity",
        )


def _advance(enrolment: Enrolment, stages: dict[str, StageProgress], done: Stage, when) -> None:
    """Close `done` and open the next stage of the sequence, or complete the enrolment."""
    stage = stages[done]
    stage.status = StageProgress.Status.DONE
    stage.completed_at = when
    stage.save(update_fields=["status", "completed_at"])
    sequence = enrolment.stage_sequence
    index = sequence.index(done)
    if index + 1 < len(sequence):
        following = stages[sequence[index + 1]]
        following.status = StageProgress.Status.OPEN
        following.opened_at = when
        following.save(update_fields=["status", "opened_at"])
        enrolment.current_stage = following.stage
        enrolment.stage_started_at = when
        enrolment.save(update_fields=["current_stage", "stage_started_at"])
        return
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = when
    enrolment.save(update_fields=["status", "completed_at"])
    _audit(enrolment, "mentoring.enrolment.complete", None)
    transaction.on_commit(lambda: enrolment_completed.send(sender=Enrolment, enrolment=enrolment))


def _sync_study(enrolment: Enrolment, when) -> bool:
    """Complete the study stage of a locked enrolment when every lesson it needs is studied."""
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment.current_stage != Stage.STUDY:
        return False
    progress = selectors.study_progress([enrolment])[enrolment.pk]
    if not progress.complete:
        return False
    _advance(enrolment, _stages(enrolment), Stage.STUDY, when)
    _audit(
        enrolment,
        "mentoring.stage.complete",
        None,
        stage=Stage.STUDY.value,
        lessons=progress.total,
    )
    return True


# --- enrolment --------------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    actor,
    learner,
    programme: ProgrammePage,
    mentor,
    kind: str = Enrolment.Kind.ONBOARDING,
    lessons: Iterable[LessonPage] | None = None,
) -> Enrolment:
    """Enrol `learner` in `programme` with `mentor` (None: assign later). A team lead of the
    learner's line does this. A refresher (rotation training) studies `lessons` instead of the
    programme's required lessons and has no observation or certification stage."""
    if kind not in Enrolment.Kind.values:
        raise MentoringError(_("Unknown kind of training."), code="bad_kind")
    learner_profile = Profile.objects.select_related("user").get(pk=learner.pk)
    if not can_manage_person(actor, learner_profile):
        raise MentoringError(_("This person is not on a line you lead."), code="not_your_person")
    if not learner.is_active:
        raise MentoringError(_("This person is inactive."), code="learner_inactive")
    if not programme.live:
        raise MentoringError(_("This programme is not published."), code="programme_not_live")
    lesson_list = list(lessons or [])
    if kind == Enrolment.Kind.ONBOARDING and lesson_list:
        raise MentoringError(
            _("Only a refresher has its own list of lessons; onboarding studies the programme."),
            code="lessons_only_for_refresher",
        )
    if mentor is not None:
        _check_mentor(mentor=mentor, learner=learner, programme=programme)
    if Enrolment.objects.active().filter(learner=learner, programme=programme, kind=kind).exists():
        raise MentoringError(
            _("%(name)s is already in training on this programme.") % {"name": learner_profile.full_name},
            code="already_enrolled",
        )
    now = timezone.now()
    enrolment = Enrolment(
        learner=learner,
        programme=programme,
        mentor=mentor,
        kind=kind,
        current_stage=Stage.STUDY,
        stage_started_at=now,
        created_at=now,
        created_by=actor,
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise MentoringError(
            _("%(name)s is already in training on this programme.") % {"name": learner_profile.full_name},
            code="already_enrolled",
        ) from exc
    StageProgress.objects.bulk_create(
        StageProgress(
            enrolment=enrolment,
            stage=stage,
            position=position,
            status=StageProgress.Status.OPEN if position == 0 else StageProgress.Status.PENDING,
            opened_at=now if position == 0 else None,
        )
        for position, stage in enumerate(stage_sequence(kind))
    )
    if lesson_list:
        enrolment.lessons.set(lesson_list)
    _audit(
        enrolment,
        "mentoring.enrolment.create",
        actor,
        kind=kind,
        programme=programme.title,
        mentor=_name(mentor) if mentor else None,
        lessons=len(lesson_list) if kind == Enrolment.Kind.REFRESHER else None,
    )
    _sync_study(enrolment, now)
    return enrolment


@transaction.atomic
def enrolment_mentor_change(*, actor, enrolment: Enrolment, mentor, reason: str = "") -> Enrolment:
    """Assign or reassign the mentor. Everything recorded so far stays; the new mentor continues."""
    enrolment = _lock(enrolment)
    if not can_manage_enrolment(actor, enrolment):
        raise MentoringError(
            _("Only a team lead of the newcomer's line can assign a mentor."), code="not_team_lead"
        )
    _require_active(enrolment)
    if mentor is None:
        raise MentoringError(_("Choose a mentor."), code="mentor_required")
    if enrolment.mentor_id == mentor.pk:
        raise MentoringError(
            _("%(name)s is already the mentor.") % {"name": _name(mentor)}, code="same_mentor"
        )
    _check_mentor(mentor=mentor, learner=enrolment.learner, programme=enrolment.programme)
    previous = enrolment.mentor
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    _audit(
        enrolment,
        "mentoring.mentor.change",
        actor,
        previous=_name(previous) if previous else None,
        mentor=_name(mentor),
        reason=reason.strip() or None,
    )
    _email(
        to=mentor,
        subject=_("You mentor %(name)s") % {"name": _name(enrolment.learner)},
        template="mentoring/emails/mentor_assigned.txt",
        context={"enrolment": enrolment, "url": _enrolment_url(enrolment)},
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Close a path that will not be finished (the person left, the rotation was cancelled)."""
    enrolment = _lock(enrolment)
    if not can_manage_enrolment(actor, enrolment):
        raise MentoringError(
            _("Only a team lead of the newcomer's line can cancel a training path."), code="not_team_lead"
        )
    _require_active(enrolment)
    if not reason.strip():
        raise MentoringError(_("Give a reason for cancelling."), code="reason_required")
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancel_reason = reason.strip()
    enrolment.save(update_fields=["status", "cancel_reason"])
    SignOffRequest.objects.filter(stage__enrolment=enrolment, status=SignOffRequest.Status.OPEN).update(
        status=SignOffRequest.Status.SENT_BACK,
        resolved_by=actor,
        resolved_at=timezone.now(),
        comment=reason.strip(),
    )
    _audit(enrolment, "mentoring.enrolment.cancel", actor, reason=reason.strip())
    return enrolment


@transaction.atomic
def enrolment_study_sync(*, enrolment: Enrolment) -> bool:
    """Complete the study stage if the learner has studied everything it needs. Cheap when not."""
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment.current_stage != Stage.STUDY:
        return False
    if not selectors.study_progress([enrolment])[enrolment.pk].complete:
        return False
    return _sync_study(_lock(enrolment), timezone.now())


def learner_study_sync(*, user) -> int:
    """After a lesson is studied: move every active enrolment of `user` past study if it is done."""
    synced = 0
    for enrolment in (
        Enrolment.objects.active().filter(learner=user, current_stage=Stage.STUDY).select_related("programme")
    ):
        synced += enrolment_study_sync(enrolment=enrolment)
    return synced


@transaction.atomic
def enrolment_certify(
    *, user, programme: ProgrammePage, when: datetime.datetime | None = None
) -> Enrolment | None:
    """The learner passed the programme's quiz: complete the certification stage of their active
    onboarding enrolment, only if every earlier stage is done. Idempotent; None when nothing applies."""
    candidate = (
        Enrolment.objects.filter(
            learner=user,
            programme=programme,
            kind=Enrolment.Kind.ONBOARDING,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
        )
        .order_by("-created_at")
        .first()
    )
    if candidate is None:
        return None
    enrolment = _lock(candidate)
    stages = _stages(enrolment)
    certification = stages[Stage.CERTIFICATION]
    if certification.is_done:
        return enrolment
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment.current_stage != Stage.CERTIFICATION:
        return None
    when = when or timezone.now()
    _advance(enrolment, stages, Stage.CERTIFICATION, when)
    _audit(enrolment, "mentoring.stage.complete", user, stage=Stage.CERTIFICATION.value)
    return enrolment


# --- sign-offs --------------------------------------------------------------------------------


def _locked_stage(stage: StageProgress) -> tuple[Enrolment, dict[str, StageProgress], StageProgress]:
    enrolment = _lock(stage.enrolment)
    stages = _stages(enrolment)
    return enrolment, stages, stages[stage.stage]


def _require_signable(enrolment: Enrolment, stage: StageProgress) -> None:
    if stage.stage not in SIGNED_STAGES:
        raise MentoringError(_("This stage completes by itself; nobody signs it off."), code="auto_stage")
    if stage.is_done:
        raise MentoringError(_("This stage is already signed off."), code="already_signed_off")
    if stage.status == StageProgress.Status.PENDING:
        raise MentoringError(
            _("The earlier stages are not finished yet: stages are signed off in order."),
            code="not_reached",
        )


@transaction.atomic
def stage_sign_off_request(*, actor, stage: StageProgress, note: str = "") -> SignOffRequest:
    """The newcomer asks their mentor to sign a stage off."""
    enrolment, _unused, stage = _locked_stage(stage)
    if not is_learner(actor, enrolment):
        raise MentoringError(_("Only the newcomer asks for a sign-off."), code="not_learner")
    _require_active(enrolment)
    _require_signable(enrolment, stage)
    if enrolment.mentor_id is None:
        raise MentoringError(
            _("No mentor is assigned yet; ask your team lead to assign one."), code="no_mentor"
        )
    if stage.requests.filter(status=SignOffRequest.Status.OPEN).exists():
        raise MentoringError(_("A sign-off is already asked for."), code="already_requested")
    unmet = selectors.unmet_requirements(enrolment, stage.stage)
    if unmet:
        raise MentoringError(_("Not yet: %(reason)s") % {"reason": unmet[0]}, code="requirements_unmet")
    try:
        with transaction.atomic():
            request = SignOffRequest.objects.create(
                stage=stage, requested_by=actor, requested_at=timezone.now(), note=note.strip()
            )
    except IntegrityError as exc:
        raise MentoringError(_("A sign-off is already asked for."), code="already_requested") from exc
    _audit(enrolment, "mentoring.signoff.request", actor, stage=stage.stage, note=note.strip() or None)
    _email(
        to=enrolment.mentor,
        subject=_("%(name)s asks you to sign off: %(stage)s")
        % {"name": _name(enrolment.learner), "stage": stage.get_stage_display()},
        template="mentoring/emails/signoff_requested.txt",
        context={
            "enrolment": enrolment,
            "stage": stage,
            "note": note.strip(),
            "url": _enrolment_url(enrolment),
        },
    )
    return request


@transaction.atomic
def stage_send_back(*, actor, stage: StageProgress, comment: str) -> SignOffRequest:
    """The mentor (or a team lead) declines a sign-off request, saying what is missing."""
    enrolment, _unused, stage = _locked_stage(stage)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    request = stage.requests.filter(status=SignOffRequest.Status.OPEN).first()
    if request is None:
        raise MentoringError(_("Nobody is waiting for a sign-off of this stage."), code="no_request")
    if not comment.strip():
        raise MentoringError(
            _("Say what is missing: a comment is required to send a request back."), code="comment_required"
        )
    request.status = SignOffRequest.Status.SENT_BACK
    request.resolved_by = actor
    request.resolved_at = timezone.now()
    request.comment = comment.strip()
    request.save(update_fields=["status", "resolved_by", "resolved_at", "comment"])
    _audit(enrolment, "mentoring.signoff.send_back", actor, stage=stage.stage, comment=comment.strip())
    _email(
        to=enrolment.learner,
        subject=_("Not signed off yet: %(stage)s") % {"stage": stage.get_stage_display()},
        template="mentoring/emails/sent_back.txt",
        context={
            "enrolment": enrolment,
            "stage": stage,
            "comment": comment.strip(),
            "actor": actor,
            "url": _enrolment_url(enrolment),
        },
    )
    return request


@transaction.atomic
def stage_sign_off(*, actor, stage: StageProgress, note: str = "") -> StageSignOff:
    """The assigned mentor or a team lead of the learner's line signs a stage off, once."""
    enrolment, stages, stage = _locked_stage(stage)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    _require_signable(enrolment, stage)
    unmet = selectors.unmet_requirements(enrolment, stage.stage)
    if unmet:
        raise MentoringError(
            _("This stage cannot be signed off yet: %(reason)s") % {"reason": " ".join(unmet)},
            code="requirements_unmet",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            sign_off = StageSignOff.objects.create(
                stage=stage, learner=enrolment.learner, signed_by=actor, signed_at=now, note=note.strip()
            )
    except IntegrityError as exc:
        raise MentoringError(_("This stage is already signed off."), code="already_signed_off") from exc
    stage.requests.filter(status=SignOffRequest.Status.OPEN).update(
        status=SignOffRequest.Status.ACCEPTED, resolved_by=actor, resolved_at=now
    )
    _advance(enrolment, stages, stage.stage, now)
    _audit(enrolment, "mentoring.stage.sign_off", actor, stage=stage.stage, note=note.strip() or None)
    _email(
        to=enrolment.learner,
        subject=_("Signed off: %(stage)s") % {"stage": stage.get_stage_display()},
        template="mentoring/emails/signed_off.txt",
        context={
            "enrolment": enrolment,
            "stage": stage,
            "note": note.strip(),
            "actor": actor,
            "url": _enrolment_url(enrolment),
        },
    )
    return sign_off


@transaction.atomic
def stage_withdraw(*, actor, stage: StageProgress, reason: str) -> StageSignOff:
    """A team lead withdraws a sign-off: the stage reopens and every later stage starts over."""
    enrolment, stages, stage = _locked_stage(stage)
    if is_learner(actor, enrolment):
        raise MentoringError(_("Nobody signs off their own training."), code="self_sign_off")
    if not can_withdraw(actor, enrolment):
        raise MentoringError(
            _("Only a team lead of the newcomer's line can withdraw a sign-off."), code="not_team_lead"
        )
    if enrolment.status == Enrolment.Status.CANCELLED:
        raise MentoringError(_("This training path is closed."), code="not_active")
    if not reason.strip():
        raise MentoringError(_("Give a reason for withdrawing the sign-off."), code="reason_required")
    sign_off = stage.sign_offs.filter(withdrawn_at__isnull=True).first()
    if sign_off is None or not stage.is_done:
        raise MentoringError(_("This stage is not signed off."), code="not_signed_off")
    now = timezone.now()
    reason = reason.strip()
    sequence = enrolment.stage_sequence
    later = [stages[s] for s in sequence[sequence.index(stage.stage) + 1 :]]
    StageSignOff.objects.filter(stage__in=[stage, *later], withdrawn_at__isnull=True).update(
        withdrawn_by=actor, withdrawn_at=now, withdraw_reason=reason
    )
    SignOffRequest.objects.filter(stage__in=later, status=SignOffRequest.Status.OPEN).update(
        status=SignOffRequest.Status.SENT_BACK, resolved_by=actor, resolved_at=now, comment=reason
    )
    reset = [s.stage for s in later if s.status != StageProgress.Status.PENDING]
    StageProgress.objects.filter(pk__in=[s.pk for s in later]).update(
        status=StageProgress.Status.PENDING, opened_at=None, completed_at=None
    )
    stage.status = StageProgress.Status.OPEN
    stage.opened_at = now
    stage.completed_at = None
    stage.save(update_fields=["status", "opened_at", "completed_at"])
    enrolment.current_stage = stage.stage
    enrolment.stage_started_at = now
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.completed_at = None
    try:
        with transaction.atomic():
            enrolment.save(update_fields=["current_stage", "stage_started_at", "status", "completed_at"])
    except IntegrityError as exc:
        raise MentoringError(
            _("The newcomer has started this programme again since; withdraw it there."),
            code="already_enrolled",
        ) from exc
    _audit(
        enrolment, "mentoring.stage.withdraw", actor, stage=stage.stage, reason=reason, reset=reset or None
    )
    sign_off.refresh_from_db()
    return sign_off


# --- joint review -----------------------------------------------------------------------------


@transaction.atomic
def review_point_tick(
    *, actor, enrolment: Enrolment, key: str, ticked: bool = True, note: str = ""
) -> ReviewPoint:
    """Mark a key point as gone over in the joint review (or take the tick back before sign-off)."""
    enrolment = _lock(enrolment)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    _require_current(enrolment, Stage.JOINT_REVIEW, _("Key points are ticked during the joint review."))
    point = next((p for p in selectors.enrolment_key_points(enrolment) if p.key == key), None)
    if point is None:
        raise MentoringError(_("This key point is not in the programme."), code="unknown_point")
    record, _created = ReviewPoint.objects.update_or_create(
        enrolment=enrolment,
        key=key,
        defaults={
            "lesson": point.lesson,
            "point": point.point[:300],
            "ticked": ticked,
            "note": note.strip(),
            "ticked_by": actor,
            "ticked_at": timezone.now(),
        },
    )
    _audit(
        enrolment,
        "mentoring.point.tick" if ticked else "mentoring.point.untick",
        actor,
        point=point.point,
        note=note.strip() or None,
    )
    return record


@transaction.atomic
def review_question_ask(*, actor, enrolment: Enrolment, question: str) -> ReviewQuestion:
    enrolment = _lock(enrolment)
    if not is_learner(actor, enrolment):
        raise MentoringError(_("Only the newcomer asks questions here."), code="not_learner")
    _require_active(enrolment)
    if not question.strip():
        raise MentoringError(_("Write the question."), code="question_required")
    record = ReviewQuestion.objects.create(
        enrolment=enrolment, question=question.strip(), asked_by=actor, asked_at=timezone.now()
    )
    _audit(enrolment, "mentoring.question.ask", actor, question=question.strip())
    return record


@transaction.atomic
def review_question_answer(*, actor, question: ReviewQuestion, answer: str) -> ReviewQuestion:
    enrolment = _lock(question.enrolment)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    question = ReviewQuestion.objects.select_for_update().get(pk=question.pk)
    if question.answered_at is not None:
        raise MentoringError(_("This question is already answered."), code="already_answered")
    if not answer.strip():
        raise MentoringError(_("Write the answer."), code="answer_required")
    question.answer = answer.strip()
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    _audit(enrolment, "mentoring.question.answer", actor, question=question.question)
    return question


# --- observation and supervised work ----------------------------------------------------------


def _check_date(enrolment: Enrolment, date: datetime.date) -> None:
    if date > timezone.localdate():
        raise MentoringError(_("The date cannot be in the future."), code="future_date")
    if date < timezone.localtime(enrolment.created_at).date():
        raise MentoringError(_("The date is before the enrolment."), code="before_enrolment")


def _check_shift(shift: str) -> None:
    if shift not in Shift.values:
        raise MentoringError(_("Unknown shift."), code="bad_shift")


@transaction.atomic
def observation_log(
    *,
    actor,
    enrolment: Enrolment,
    date: datetime.date,
    shift: str,
    hours,
    requests_observed: int,
    questions: str = "",
) -> ObservationEntry:
    """The newcomer records a session of watching the mentor work; the mentor confirms it later."""
    enrolment = _lock(enrolment)
    if not is_learner(actor, enrolment):
        raise MentoringError(_("Only the newcomer logs observation sessions."), code="not_learner")
    _require_active(enrolment)
    _require_current(
        enrolment, Stage.OBSERVATION, _("Observation sessions are logged in the observation stage.")
    )
    _check_date(enrolment, date)
    _check_shift(shift)
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise MentoringError(_("Hours must be a number."), code="bad_hours") from exc
    if not Decimal(0) < hours <= 12:
        raise MentoringError(_("Hours must be more than 0 and at most 12."), code="bad_hours")
    if requests_observed < 0:
        raise MentoringError(_("Requests cannot be negative."), code="bad_requests")
    if enrolment.observations.filter(date=date, shift=shift).exists():
        raise MentoringError(_("This shift is already logged."), code="duplicate_entry")
    entry = ObservationEntry.objects.create(
        enrolment=enrolment,
        date=date,
        shift=shift,
        hours=hours,
        requests_observed=requests_observed,
        questions=questions.strip(),
        logged_by=actor,
        logged_at=timezone.now(),
    )
    _audit(
        enrolment,
        "mentoring.observation.log",
        actor,
        date=date.isoformat(),
        shift=shift,
        hours=str(hours),
        requests=requests_observed,
    )
    return entry


@transaction.atomic
def observation_confirm(*, actor, entry: ObservationEntry) -> ObservationEntry:
    enrolment = _lock(entry.enrolment)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    entry = ObservationEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.confirmed_at is not None:
        raise MentoringError(_("This session is already confirmed."), code="already_confirmed")
    if _stages(enrolment)[Stage.OBSERVATION].is_done:
        raise MentoringError(_("The observation stage is already signed off."), code="stage_closed")
    entry.confirmed_by = actor
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["confirmed_by", "confirmed_at"])
    _audit(
        enrolment,
        "mentoring.observation.confirm",
        actor,
        date=entry.date.isoformat(),
        shift=entry.shift,
        hours=str(entry.hours),
    )
    return entry


@transaction.atomic
def supervised_shift_record(
    *,
    actor,
    enrolment: Enrolment,
    date: datetime.date,
    shift: str,
    requests_handled: int,
    requests_corrected: int,
    feedback: str = "",
) -> SupervisedShift:
    """The mentor records a shift the newcomer worked under supervision."""
    enrolment = _lock(enrolment)
    _require_signer(actor, enrolment)
    _require_active(enrolment)
    _require_current(
        enrolment, Stage.SUPERVISED, _("Supervised shifts are recorded in the supervised-work stage.")
    )
    _check_date(enrolment, date)
    _check_shift(shift)
    if requests_handled <= 0:
        raise MentoringError(_("A supervised shift handles at least one request."), code="bad_requests")
    if not 0 <= requests_corrected <= requests_handled:
        raise MentoringError(
            _("Corrected requests must be between 0 and the requests handled."), code="bad_corrections"
        )
    if enrolment.supervised_shifts.filter(date=date, shift=shift).exists():
        raise MentoringError(_("This shift is already recorded."), code="duplicate_entry")
    record = SupervisedShift.objects.create(
        enrolment=enrolment,
        date=date,
        shift=shift,
        requests_handled=requests_handled,
        requests_corrected=requests_corrected,
        feedback=feedback.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _audit(
        enrolment,
        "mentoring.supervised.record",
        actor,
        date=date.isoformat(),
        shift=shift,
        handled=requests_handled,
        corrected=requests_corrected,
    )
    return record
