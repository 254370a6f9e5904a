"""Reads of enrolments, shaped for the pages and for the apps that build on mentoring."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.models import ModelLogEntry

from courses.models import LessonPage, LessonProgress, ProgrammePage
from courses.selectors import KeyPoint, lesson_key_points, programme_lessons

from .models import (
    SIGNED_STAGES,
    Enrolment,
    ObservationEntry,
    ReviewPoint,
    ReviewQuestion,
    SignOffRequest,
    Stage,
    StageProgress,
    SupervisedShift,
)

CERTIFICATION_HOOK = "training_certification_status"


# --- Contracts other apps rely on -------------------------------------------------------------


def enrolment_for(*, user, programme: ProgrammePage) -> Enrolment | None:
    """The learner's current enrolment in `programme`: the active one, else the latest."""
    return (
        Enrolment.objects.filter(learner=user, programme=programme)
        .select_related("mentor__profile", "learner__profile", "programme")
        .alias(active_first=Case(When(status=Enrolment.Status.ACTIVE, then=Value(0)), default=Value(1)))
        .order_by("active_first", "-created_at")
        .first()
    )


def mentor_load(*, mentor_ids: Iterable[int], kinds: Iterable[str] | None = None) -> dict[int, int]:
    """Active mentees per mentor (every id asked for is in the answer, 0 when none); with `kinds`,
    only enrolments of those kinds (rotation counts refreshers as guests on their own dates)."""
    ids = list(mentor_ids)
    enrolments = Enrolment.objects.active().filter(mentor_id__in=ids)
    if kinds is not None:
        enrolments = enrolments.filter(kind__in=list(kinds))
    counts = dict(enrolments.values("mentor_id").annotate(n=Count("pk")).values_list("mentor_id", "n"))
    return {pk: counts.get(pk, 0) for pk in ids}


def active_mentees_count() -> Coalesce:
    """`mentor_load` as an annotation on a queryset of users, for lists of mentors."""
    active = (
        Enrolment.objects.active()
        .filter(mentor=OuterRef("pk"))
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active), 0)


def certification_status(*, user, programme: ProgrammePage) -> dict | None:
    """What the certification app says about the quiz ({"url", "label", "state"}), if it answers."""
    for fn in hooks.get_hooks(CERTIFICATION_HOOK):
        answer = fn(user=user, programme=programme)
        if answer:
            return answer
    return None


# --- Study ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyProgress:
    total: int
    studied: int
    next_lesson: LessonPage | None = None

    @property
    def complete(self) -> bool:
        return self.studied >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 100


def study_progress(enrolments: Sequence[Enrolment]) -> dict[int, StudyProgress]:
    """Study progress of many enrolments in three queries, whatever their number.

    Onboarding counts the programme's required live lessons studied at any time; a refresher counts
    its own lessons studied again since it was opened (that is what "refreshed" means).
    """
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    onboarding = [e for e in enrolments if e.kind == Enrolment.Kind.ONBOARDING]
    refreshers = [e for e in enrolments if e.kind == Enrolment.Kind.REFRESHER]
    lessons_by_enrolment: dict[int, list[LessonPage]] = {}
    if onboarding:
        paths = {e.programme.path for e in onboarding}
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        lessons = list(
            LessonPage.objects.live()
            .filter(condition, required=True)
            .order_by("path")
            .only("pk", "path", "title", "url_path", "depth", "required")
        )
        for e in onboarding:
            lessons_by_enrolment[e.pk] = [le for le in lessons if le.path.startswith(e.programme.path)]
    if refreshers:
        through = Enrolment.lessons.through
        rows = (
            through.objects.filter(enrolment_id__in=[e.pk for e in refreshers], lessonpage__live=True)
            .select_related("lessonpage")
            .order_by("lessonpage__path")
        )
        for e in refreshers:
            lessons_by_enrolment[e.pk] = []
        for row in rows:
            lessons_by_enrolment[row.enrolment_id].append(row.lessonpage)
    all_lesson_ids = {le.pk for lessons in lessons_by_enrolment.values() for le in lessons}
    studied_at: dict[tuple[int, int], datetime.datetime] = {}
    if all_lesson_ids:
        for user_id, lesson_id, when in LessonProgress.objects.filter(
            user_id__in={e.learner_id for e in enrolments}, lesson_id__in=all_lesson_ids
        ).values_list("user_id", "lesson_id", "studied_at"):
            studied_at[(user_id, lesson_id)] = when
    result = {}
    for e in enrolments:
        lessons = lessons_by_enrolment.get(e.pk, [])

        def done(lesson: LessonPage, e: Enrolment = e) -> bool:
            when = studied_at.get((e.learner_id, lesson.pk))
            if when is None:
                return False
            return e.kind == Enrolment.Kind.ONBOARDING or when >= e.created_at

        studied = [le for le in lessons if done(le)]
        next_lesson = next((le for le in lessons if not done(le)), None)
        result[e.pk] = StudyProgress(total=len(lessons), studied=len(studied), next_lesson=next_lesson)
    return result


# --- Joint review -----------------------------------------------------------------------------


def key_points_of_lessons(lessons: Iterable[LessonPage]) -> list[KeyPoint]:
    """Key points of the given lessons, in lesson order."""
    ids = [lesson.pk for lesson in lessons]
    return [
        point
        for lesson in LessonPage.objects.live().filter(pk__in=ids).order_by("path")
        for point in lesson_key_points(lesson)
    ]


def key_points_by_enrolment(enrolments: Sequence[Enrolment]) -> dict[int, list[KeyPoint]]:
    """The joint-review checklist of many enrolments from one read of their lessons, keyed as
    `enrolment_key_points` (refreshers need their `lesson_list` prefetched)."""
    if not enrolments:
        return {}
    programmes = {e.programme.pk: e.programme for e in enrolments if e.kind != Enrolment.Kind.REFRESHER}
    refresher_ids = {
        e.pk: {lesson.pk for lesson in e.lesson_list}
        for e in enrolments
        if e.kind == Enrolment.Kind.REFRESHER
    }
    condition = Q(pk__in={pk for ids in refresher_ids.values() for pk in ids})
    for programme in programmes.values():
        condition |= Q(path__startswith=programme.path, depth__gt=programme.depth)
    lessons = list(LessonPage.objects.live().filter(condition).order_by("path"))
    points = {lesson.pk: lesson_key_points(lesson) for lesson in lessons}
    result = {}
    for e in enrolments:
        if e.kind == Enrolment.Kind.REFRESHER:
            chosen = [lesson for lesson in lessons if lesson.pk in refresher_ids[e.pk]]
        else:
            chosen = [
                lesson
                for lesson in lessons
                if lesson.path.startswith(e.programme.path) and lesson.depth > e.programme.depth
            ]
        result[e.pk] = [point for lesson in chosen for point in points[lesson.pk]]
    return result


def enrolment_key_points(enrolment: Enrolment) -> list[KeyPoint]:
    """The checklist of the joint review: the programme's key points, or a refresher's lessons'."""
    if enrolment.kind == Enrolment.Kind.REFRESHER:
        lessons = getattr(enrolment, "lesson_list", None)
        return key_points_of_lessons(enrolment.lessons.all() if lessons is None else lessons)
    # programme_key_points' lessons and keys, from one query (it reads them as specific pages: two).
    return [point for lesson in programme_lessons(enrolment.programme) for point in lesson_key_points(lesson)]


@dataclass
class ChecklistItem:
    point: KeyPoint
    record: ReviewPoint | None

    @property
    def ticked(self) -> bool:
        return self.record is not None and self.record.ticked


@dataclass
class ReviewState:
    items: list[ChecklistItem]
    questions: list[ReviewQuestion]

    @property
    def ticked(self) -> int:
        return sum(1 for item in self.items if item.ticked)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def open_questions(self) -> int:
        return sum(1 for q in self.questions if q.answered_at is None)


def review_state(
    enrolment: Enrolment,
    *,
    points: list[KeyPoint] | None = None,
    records: Iterable[ReviewPoint] | None = None,
    questions: Iterable[ReviewQuestion] | None = None,
) -> ReviewState:
    points = enrolment_key_points(enrolment) if points is None else points
    if records is None:
        records = enrolment.review_points.all()
    by_key = {r.key: r for r in records}
    if questions is None:
        questions = enrolment.questions.select_related("asked_by", "answered_by")
    return ReviewState(
        items=[ChecklistItem(point=p, record=by_key.get(p.key)) for p in points], questions=list(questions)
    )


# --- Observation and supervised work ----------------------------------------------------------


@dataclass(frozen=True)
class ObservationFigures:
    confirmed_hours: Decimal
    logged_hours: Decimal
    required_hours: int
    unconfirmed: int

    @property
    def met(self) -> bool:
        return self.confirmed_hours >= self.required_hours


def observation_figures(enrolment: Enrolment, entries: Iterable[ObservationEntry]) -> ObservationFigures:
    entries = list(entries)
    return ObservationFigures(
        confirmed_hours=sum((e.hours for e in entries if e.confirmed_at), Decimal(0)),
        logged_hours=sum((e.hours for e in entries), Decimal(0)),
        required_hours=enrolment.programme.min_observation_hours,
        unconfirmed=sum(1 for e in entries if not e.confirmed_at),
    )


@dataclass(frozen=True)
class SupervisedFigures:
    handled: int
    required_requests: int
    window_shifts: int  # shifts actually in the window (fewer than asked at the start)
    window_size: int
    window_handled: int
    window_corrected: int
    max_rate: int

    @property
    def rate(self) -> Decimal | None:
        if not self.window_handled:
            return None
        return (Decimal(100) * self.window_corrected / self.window_handled).quantize(Decimal("0.1"))

    @property
    def requests_met(self) -> bool:
        return self.handled >= self.required_requests

    @property
    def rate_met(self) -> bool:
        return self.rate is not None and self.rate <= self.max_rate

    @property
    def met(self) -> bool:
        return self.requests_met and self.rate_met


def supervised_figures(enrolment: Enrolment, shifts: Iterable[SupervisedShift]) -> SupervisedFigures:
    programme = enrolment.programme
    shifts = sorted(shifts, key=lambda s: (s.date, s.pk))
    window = shifts[-programme.correction_window_shifts :] if shifts else []
    return SupervisedFigures(
        handled=sum(s.requests_handled for s in shifts),
        required_requests=programme.min_supervised_requests,
        window_shifts=len(window),
        window_size=programme.correction_window_shifts,
        window_handled=sum(s.requests_handled for s in window),
        window_corrected=sum(s.requests_corrected for s in window),
        max_rate=programme.max_correction_rate,
    )


# --- What a stage still needs -----------------------------------------------------------------


def unmet_requirements(
    enrolment: Enrolment,
    stage: str,
    *,
    review: ReviewState | None = None,
    observation: ObservationFigures | None = None,
    supervised: SupervisedFigures | None = None,
) -> list[str]:
    """Why `stage` cannot be signed off yet, as sentences for people; empty when it can.

    Pages pass the states they already hold; services let it read them fresh."""
    if stage == Stage.JOINT_REVIEW:
        state = review or review_state(enrolment)
        reasons = []
        if state.ticked < state.total:
            reasons.append(
                _("%(ticked)s of %(total)s key points are covered; go through all of them.")
                % {"ticked": state.ticked, "total": state.total}
            )
        if state.open_questions:
            reasons.append(
                ngettext(
                    "%(count)s question of the newcomer is not answered yet.",
                    "%(count)s questions of the newcomer are not answered yet.",
                    state.open_questions,
                )
                % {"count": state.open_questions}
            )
        return reasons
    if stage == Stage.OBSERVATION:
        figures = observation or observation_figures(enrolment, enrolment.observations.all())
        if not figures.met:
            return [
                _("%(confirmed)s of %(required)s observation hours are confirmed by the mentor.")
                % {"confirmed": hours_display(figures.confirmed_hours), "required": figures.required_hours}
            ]
        return []
    if stage == Stage.SUPERVISED:
        figures = supervised or supervised_figures(enrolment, enrolment.supervised_shifts.all())
        reasons = []
        if not figures.requests_met:
            reasons.append(
                _("%(handled)s of %(required)s supervised requests are handled.")
                % {"handled": figures.handled, "required": figures.required_requests}
            )
        if figures.rate is None:
            reasons.append(_("No supervised shift is recorded yet."))
        elif not figures.rate_met:
            reasons.append(
                _(
                    "The correction rate over the last %(shifts)s shifts is %(rate)s %%; "
                    "it must be at most %(max)s %%."
                )
                % {"shifts": figures.window_shifts, "rate": figures.rate, "max": figures.max_rate}
            )
        return reasons
    return []


def hours_display(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


# --- Pages ------------------------------------------------------------------------------------


def enrolments_with_stages() -> QuerySet[Enrolment]:
    # The programme is prefetched, not joined: a handful of programmes shared by many rows, and a
    # page model is costly to build fifty times over.
    return Enrolment.objects.select_related(
        "learner__profile__line",
        "learner__profile__group",
        "mentor__profile",
    ).prefetch_related("programme", Prefetch("stages", queryset=_stages()))


def _stages() -> QuerySet[StageProgress]:
    # Counted in the stages' own query, so that pages read a stage's requests and sign-offs only
    # when it has some (distinct: the two joins would multiply each other's rows).
    return StageProgress.objects.order_by("position").annotate(
        open_requests=Count("requests", filter=Q(requests__status=SignOffRequest.Status.OPEN), distinct=True),
        request_count=Count("requests", distinct=True),
        sign_off_count=Count("sign_offs", distinct=True),
    )


def enrolment_detail(pk: int) -> Enrolment:
    return with_detail(enrolments_with_stages().get(pk=pk))


def with_detail(enrolment: Enrolment) -> Enrolment:
    """Read what the enrolment page shows onto an enrolment loaded by `enrolments_with_stages`.

    Plain lists (to_attr): each stage's `sign_off_list` and `request_list` (read only for the
    stages whose counts say they have some), and the enrolment's `review_point_list`,
    `question_list`, `observation_list`, `shift_list` and, for a refresher, `lesson_list`."""
    stages = list(enrolment.stages.all())
    # (An attribute already set counts as read for prefetch_related_objects: set the empty ones only.)
    for stage in stages:
        if not stage.sign_off_count:
            stage.sign_off_list = []
        if not stage.request_count:
            stage.request_list = []
    prefetch_related_objects(
        [stage for stage in stages if stage.sign_off_count],
        Prefetch("sign_offs", queryset=_sign_offs(), to_attr="sign_off_list"),
    )
    prefetch_related_objects(
        [stage for stage in stages if stage.request_count],
        Prefetch("requests", queryset=_requests(), to_attr="request_list"),
    )
    lookups = [
        Prefetch("review_points", to_attr="review_point_list"),
        Prefetch(
            "questions",
            queryset=ReviewQuestion.objects.select_related("asked_by", "answered_by"),
            to_attr="question_list",
        ),
        Prefetch(
            "observations",
            queryset=ObservationEntry.objects.select_related("confirmed_by").order_by("date", "pk"),
            to_attr="observation_list",
        ),
        Prefetch(
            "supervised_shifts",
            queryset=SupervisedShift.objects.select_related("recorded_by").order_by("date", "pk"),
            to_attr="shift_list",
        ),
    ]
    if enrolment.kind == Enrolment.Kind.REFRESHER:
        lookups.append(Prefetch("lessons", to_attr="lesson_list"))
    prefetch_related_objects([enrolment], *lookups)
    return enrolment


def _sign_offs():
    from .models import StageSignOff

    return StageSignOff.objects.select_related("signed_by", "withdrawn_by").order_by("signed_at")


def _requests():
    return SignOffRequest.objects.select_related("requested_by", "resolved_by").order_by("requested_at")


def learner_enrolments(user) -> list[Enrolment]:
    """A learner's enrolments for "My path": active ones first, then finished ones."""
    # A learner has a few enrolments: their programmes are joined, not read apart.
    enrolments = (
        Enrolment.objects.filter(learner=user)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("learner__profile__line", "learner__profile__group", "mentor__profile", "programme")
        .prefetch_related(Prefetch("stages", queryset=_stages()))
    )
    return sorted(enrolments, key=lambda e: (e.status != Enrolment.Status.ACTIVE, -e.created_at.timestamp()))


def enrolment_timeline(enrolment: Enrolment) -> QuerySet[ModelLogEntry]:
    return ModelLogEntry.objects.for_instance(enrolment).select_related("user").order_by("-timestamp", "-pk")


@dataclass
class MenteeRow:
    enrolment: Enrolment
    study: StudyProgress
    days_in_stage: int
    pending_requests: list[SignOffRequest] = field(default_factory=list)
    unconfirmed: list[ObservationEntry] = field(default_factory=list)
    review: ReviewState | None = None
    observation: ObservationFigures | None = None
    supervised: SupervisedFigures | None = None
    unmet: list[str] = field(default_factory=list)

    @property
    def current_stage(self) -> StageProgress | None:
        return next((s for s in self.enrolment.stages.all() if s.stage == self.enrolment.current_stage), None)

    @property
    def stage_progress_percent(self) -> int:
        """How far the current stage is towards its sign-off rule, for the mentor's overview."""
        stage = self.enrolment.current_stage
        if stage == Stage.STUDY:
            return self.study.percent
        if stage == Stage.JOINT_REVIEW and self.review:
            return round(100 * self.review.ticked / self.review.total) if self.review.total else 100
        if stage == Stage.OBSERVATION and self.observation:
            required = self.observation.required_hours
            return min(100, round(100 * self.observation.confirmed_hours / required)) if required else 100
        if stage == Stage.SUPERVISED and self.supervised:
            required = self.supervised.required_requests
            return min(100, round(100 * self.supervised.handled / required)) if required else 100
        return 0


def _days_since(when: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, (now - when).days)


def mentee_enrolments(*, mentor=None, pks: Iterable[int] | None = None) -> list[Enrolment]:
    qs = enrolments_with_stages()
    if mentor is not None:
        qs = qs.active().filter(mentor=mentor)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    enrolments = list(qs.order_by("stage_started_at", "pk"))
    _prefetch_current_work(enrolments)
    return enrolments


def _prefetch_current_work(enrolments: list[Enrolment]) -> None:
    """Read what each row shows of its current stage, for the rows in that stage only.

    Into plain lists (to_attr): a related manager per row and relation would cost more than the
    queries themselves on a board of fifty. A relation nobody on the board needs is not read at all,
    so the board costs one query per kind of record shown, whatever the number of mentees."""
    in_stage: dict[str, list[Enrolment]] = defaultdict(list)
    for e in enrolments:
        in_stage[e.current_stage].append(e)
    # The stages' annotation says which of them have open requests: read those requests only.
    asking = [stage for e in enrolments for stage in e.stages.all() if stage.open_requests]
    for stage in {stage for e in enrolments for stage in e.stages.all()} - set(asking):
        stage.open_request_list = []
    prefetch_related_objects(
        asking,
        Prefetch(
            "requests",
            queryset=_requests().filter(status=SignOffRequest.Status.OPEN),
            to_attr="open_request_list",
        ),
    )
    review = in_stage[Stage.JOINT_REVIEW]
    prefetch_related_objects(
        review,
        Prefetch("review_points", to_attr="review_point_list"),
        Prefetch(
            "questions",
            queryset=ReviewQuestion.objects.select_related("asked_by", "answered_by"),
            to_attr="question_list",
        ),
    )
    prefetch_related_objects(
        [e for e in review if e.kind == Enrolment.Kind.REFRESHER], Prefetch("lessons", to_attr="lesson_list")
    )
    prefetch_related_objects(
        in_stage[Stage.OBSERVATION],
        Prefetch(
            "observations",
            queryset=ObservationEntry.objects.order_by("date", "pk"),
            to_attr="observation_list",
        ),
    )
    prefetch_related_objects(in_stage[Stage.SUPERVISED], Prefetch("supervised_shifts", to_attr="shift_list"))


def mentee_rows(mentor) -> list[MenteeRow]:
    """The mentor's board: every active mentee with the figures of their current stage.

    A fixed number of queries whatever the number of mentees or of their programmes."""
    return build_rows(mentee_enrolments(mentor=mentor))


@dataclass(frozen=True)
class MenteeSummary:
    enrolment: Enrolment
    days_in_stage: int
    open_requests: int
    unconfirmed: int  # observation sessions waiting for the mentor (in the observation stage)


def mentee_summaries(mentor) -> list[MenteeSummary]:
    """The dashboard's short list of a mentor's active mentees: one query, the counts by the
    database (the board's full figures are for the board)."""
    open_requests = (
        SignOffRequest.objects.filter(stage__enrolment=OuterRef("pk"), status=SignOffRequest.Status.OPEN)
        .order_by()
        .values("stage__enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    unconfirmed = (
        ObservationEntry.objects.filter(enrolment=OuterRef("pk"), confirmed_at__isnull=True)
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = (
        Enrolment.objects.active()
        .filter(mentor=mentor)
        .select_related("learner__profile")
        .annotate(
            open_request_count=Coalesce(Subquery(open_requests), 0),
            unconfirmed_count=Case(
                When(current_stage=Stage.OBSERVATION, then=Coalesce(Subquery(unconfirmed), 0)),
                default=Value(0),
            ),
        )
        .order_by("stage_started_at", "pk")
    )
    now = timezone.now()
    return [
        MenteeSummary(
            enrolment=e,
            days_in_stage=_days_since(e.stage_started_at, now),
            open_requests=e.open_request_count,
            unconfirmed=e.unconfirmed_count,
        )
        for e in enrolments
    ]


def build_rows(enrolments: list[Enrolment]) -> list[MenteeRow]:
    """Rows of `mentee_enrolments`."""
    now = timezone.now()
    study = study_progress(enrolments)
    points = key_points_by_enrolment([e for e in enrolments if e.current_stage == Stage.JOINT_REVIEW])
    rows = []
    for e in enrolments:
        row = MenteeRow(enrolment=e, study=study[e.pk], days_in_stage=_days_since(e.stage_started_at, now))
        for stage in e.stages.all():
            row.pending_requests.extend(stage.open_request_list)
        if e.current_stage == Stage.JOINT_REVIEW:
            row.review = review_state(
                e, points=points[e.pk], records=e.review_point_list, questions=e.question_list
            )
        elif e.current_stage == Stage.OBSERVATION:
            row.observation = observation_figures(e, e.observation_list)
            row.unconfirmed = [entry for entry in e.observation_list if not entry.confirmed_at]
        elif e.current_stage == Stage.SUPERVISED:
            row.supervised = supervised_figures(e, e.shift_list)
        if e.current_stage in SIGNED_STAGES:
            row.unmet = unmet_requirements(
                e, e.current_stage, review=row.review, observation=row.observation, supervised=row.supervised
            )
        rows.append(row)
    return rows


@dataclass
class LeadRow:
    enrolment: Enrolment
    days_in_stage: int
    stuck: bool
    open_requests: int


def stuck_after_days() -> int:
    return settings.MENTORING_STUCK_AFTER_DAYS


def _stuck_threshold() -> datetime.datetime:
    # More than N whole days in the stage: started at least N + 1 days ago.
    return timezone.now() - datetime.timedelta(days=stuck_after_days() + 1)


def _lead_filter(
    *, stage: str = "", mentor_id: int | None = None, status: str = "", stuck_only: bool = False
) -> Q:
    condition = Q()
    if status:
        condition &= Q(status=status)
    if stage:
        condition &= Q(current_stage=stage)
    if mentor_id:
        condition &= Q(mentor_id=mentor_id)
    if stuck_only:
        condition &= Q(status=Enrolment.Status.ACTIVE, stage_started_at__lte=_stuck_threshold())
    return condition


def lead_enrolments(
    *,
    lines,
    stage: str = "",
    mentor_id: int | None = None,
    status: str = Enrolment.Status.ACTIVE,
    stuck_only: bool = False,
) -> QuerySet[Enrolment]:
    """The team lead's list; each row carries its open sign-off requests and whether it is stuck,
    computed by the database in the same query (a paginator's count leaves both out)."""
    open_requests = (
        SignOffRequest.objects.filter(stage__enrolment=OuterRef("pk"), status=SignOffRequest.Status.OPEN)
        .order_by()
        .values("stage__enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    stuck = Q(status=Enrolment.Status.ACTIVE, stage_started_at__lte=_stuck_threshold())
    return (
        Enrolment.objects.in_lines(lines)
        .filter(_lead_filter(stage=stage, mentor_id=mentor_id, status=status, stuck_only=stuck_only))
        .select_related("learner__profile__line", "learner__profile__group", "mentor__profile")
        .prefetch_related("programme")
        .annotate(
            open_request_count=Coalesce(Subquery(open_requests), 0),
            is_stuck=Case(When(stuck, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("stage_started_at", "pk")
    )


def lead_rows(enrolments: Iterable[Enrolment]) -> list[LeadRow]:
    """Rows for a page (or an export) of `lead_enrolments`."""
    now = timezone.now()
    return [
        LeadRow(
            enrolment=e,
            days_in_stage=_days_since(e.stage_started_at, now),
            stuck=e.is_stuck,
            open_requests=e.open_request_count,
        )
        for e in enrolments
    ]


@dataclass(frozen=True)
class LeadCounts:
    stages: list[tuple[str, int]]  # active enrolments per stage, in path order, every stage listed
    matching: int  # enrolments the filters keep


def lead_counts(
    *,
    lines,
    stage: str = "",
    mentor_id: int | None = None,
    status: str = Enrolment.Status.ACTIVE,
    stuck_only: bool = False,
) -> LeadCounts:
    """The stage counts and the size of the filtered list in one aggregate query."""
    figures = Enrolment.objects.in_lines(lines).aggregate(
        # An empty condition (every status, no other filter) counts every row.
        matching=Count(
            "pk",
            filter=_lead_filter(stage=stage, mentor_id=mentor_id, status=status, stuck_only=stuck_only)
            or None,
        ),
        **{
            f"stage_{code}": Count("pk", filter=Q(status=Enrolment.Status.ACTIVE, current_stage=code))
            for code in Stage.values
        },
    )
    return LeadCounts(
        stages=[(label, figures[f"stage_{code}"]) for code, label in Stage.choices],
        matching=figures["matching"],
    )


def lead_stage_counts(*, lines) -> list[tuple[str, int]]:
    """Active enrolments per stage, every stage listed (in path order), for the team lead."""
    return lead_counts(lines=lines).stages


@dataclass(frozen=True)
class TimelineItem:
    when: datetime.datetime
    who: str
    label: str
    stage: str
    detail: str
    kind: str  # the action, for styling: sign-offs and withdrawals stand out


def enrolment_timeline_items(enrolment: Enrolment, *, limit: int = 200) -> list[TimelineItem]:
    """The audit trail of an enrolment, newest first, with the why of each decision."""
    from wagtail.log_actions import registry

    stage_labels = dict(Stage.choices)
    items = []
    for entry in enrolment_timeline(enrolment)[:limit]:
        data = entry.data or {}
        action = (
            registry.get_action_label(entry.action) if registry.action_exists(entry.action) else entry.action
        )
        detail_parts = []
        if data.get("previous") and data.get("mentor"):
            detail_parts.append(f"{data['previous']} → {data['mentor']}")
        elif data.get("mentor"):
            detail_parts.append(_("mentor %(name)s") % {"name": data["mentor"]})
        for key in ("programme", "point", "question"):
            if data.get(key):
                detail_parts.append(str(data[key]))
        if data.get("lessons") is not None and entry.action == "mentoring.stage.complete":
            detail_parts.append(
                ngettext("%(count)s lesson studied", "%(count)s lessons studied", data["lessons"])
                % {"count": data["lessons"]}
            )
        if data.get("date"):
            detail_parts.append(
                " · ".join(
                    str(v)
                    for v in (
                        data.get("date"),
                        data.get("hours") and _("%(hours)s h") % {"hours": data["hours"]},
                        data.get("handled") is not None
                        and _("%(handled)s handled, %(corrected)s corrected")
                        % {"handled": data.get("handled"), "corrected": data.get("corrected", 0)},
                    )
                    if v
                )
            )
        for key in ("note", "comment", "reason"):
            if data.get(key):
                detail_parts.append(f"«{data[key]}»")
        if data.get("reset"):
            detail_parts.append(
                _("Reset: %(stages)s")
                % {"stages": ", ".join(str(stage_labels.get(s, s)) for s in data["reset"])}
            )
        who = ""
        if entry.user_id:
            who = entry.user.get_full_name() or entry.user.get_username()
        items.append(
            TimelineItem(
                when=entry.timestamp,
                who=who,
                label=str(action),
                stage=str(stage_labels.get(data.get("stage"), "")),
                detail=" · ".join(detail_parts),
                kind=entry.action.rsplit(".", 1)[-1],
            )
        )
    return items
