"""Figures for the team lead's reports, read from every app and shaped for the page and CSV.

Every function takes the lines already checked against `lines_led_by`, so nothing here can reach
another line's data. Each figure is one aggregate query (or one narrow `values_list`) whatever the
number of enrolments, attempts or certificates: the medians are computed in Python over rows of two
timestamps, the counts and pass rates by the database.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, DecimalField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from certification.models import Attempt, AttemptQuestion, AttemptStatus, Certificate
from mentoring.models import Enrolment, StageProgress, stage_sequence
from rotation import selectors as rotation_selectors
from trainingsite.models import Line

EXPIRY_WINDOWS = (30, 60, 90)
ONBOARDING_STAGES = stage_sequence(Enrolment.Kind.ONBOARDING)
SECONDS_PER_DAY = 86400


def _median_days(spans: Iterable[datetime.timedelta]) -> float | None:
    days = [span.total_seconds() / SECONDS_PER_DAY for span in spans]
    return round(statistics.median(days), 1) if days else None


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def stage_counts(*, lines) -> list[StageCount]:
    """Newcomers (active onboarding paths) in each stage, every stage listed even when empty."""
    counts = dict(
        Enrolment.objects.active()
        .in_lines(lines)
        .filter(kind=Enrolment.Kind.ONBOARDING)
        .values_list("current_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [StageCount(s.value, str(s.label), counts.get(s.value, 0)) for s in ONBOARDING_STAGES]


@dataclass(frozen=True)
class StageDuration:
    stage: str
    label: str
    median_days: float | None
    completed: int


@dataclass(frozen=True)
class Durations:
    stages: list[StageDuration]
    to_certification_days: float | None
    certified: int
    # Stages or paths recorded as ending before they began (backdated or imported rows): a negative
    # duration means nothing, so they are left out of the medians and counted here for the page.
    inconsistent: int = 0


def durations(*, lines) -> Durations:
    """Median days per stage (over stages done) and median days from enrolment to the end of the
    path (the certification stage completes it)."""
    spans: dict[str, list[datetime.timedelta]] = defaultdict(list)
    inconsistent = 0
    rows = StageProgress.objects.filter(
        enrolment__in=Enrolment.objects.in_lines(lines).filter(kind=Enrolment.Kind.ONBOARDING),
        status=StageProgress.Status.DONE,
        opened_at__isnull=False,
    ).values_list("stage", "opened_at", "completed_at")
    for stage, opened, completed in rows:
        if completed < opened:
            inconsistent += 1
        else:
            spans[stage].append(completed - opened)
    stages = [
        StageDuration(s.value, str(s.label), _median_days(spans[s.value]), len(spans[s.value]))
        for s in ONBOARDING_STAGES
    ]
    whole = []
    for enrolled, done in (
        Enrolment.objects.in_lines(lines)
        .filter(kind=Enrolment.Kind.ONBOARDING, status=Enrolment.Status.COMPLETED)
        .values_list("created_at", "completed_at")
    ):
        if done < enrolled:
            inconsistent += 1
        else:
            whole.append(done - enrolled)
    return Durations(stages, _median_days(whole), len(whole), inconsistent)


@dataclass(frozen=True)
class QuizRate:
    quiz_id: int
    title: str
    attempts: int
    passed: int
    learners: int

    @property
    def rate(self) -> float:
        return round(100 * self.passed / self.attempts, 1) if self.attempts else 0.0


def quiz_pass_rates(*, lines) -> list[QuizRate]:
    """Finished attempts per quiz by people of the lines, and how many of them passed."""
    rows = (
        Attempt.objects.finished()
        .filter(user__profile__line__in=lines)
        .values("quiz_id", "quiz__title")
        .annotate(
            attempts=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
            learners=Count("user_id", distinct=True),
        )
        .order_by("quiz__title", "quiz_id")
    )
    return [QuizRate(r["quiz_id"], r["quiz__title"], r["attempts"], r["passed"], r["learners"]) for r in rows]


@dataclass(frozen=True)
class FailedQuestion:
    question_id: int
    name: str
    text: str
    quiz: str
    asked: int
    failed: int

    @property
    def rate(self) -> float:
        return round(100 * self.failed / self.asked, 1) if self.asked else 0.0


def most_failed_questions(*, lines, limit: int = 10) -> list[FailedQuestion]:
    """Questions of finished attempts most often not answered fully right (less than the points the
    question was worth when drawn, as frozen in the attempt's snapshot; unanswered counts as failed)."""
    points = Cast(KT("snapshot__points"), DecimalField(max_digits=6, decimal_places=3))
    failed = Q(score__isnull=True) | Q(score__lt=points)
    rows = (
        AttemptQuestion.objects.filter(
            attempt__status=AttemptStatus.FINISHED, attempt__user__profile__line__in=lines
        )
        .values("question_id", "question__name", "question__text", "attempt__quiz__title")
        .annotate(asked=Count("pk"), failed=Count("pk", filter=failed))
        .filter(failed__gt=0)
        .order_by("-failed", "-asked", "question_id")[:limit]
    )
    return [
        FailedQuestion(
            r["question_id"],
            r["question__name"],
            r["question__text"],
            r["attempt__quiz__title"],
            r["asked"],
            r["failed"],
        )
        for r in rows
    ]


@dataclass
class Expiring:
    certificates: list[Certificate]
    # window (30/60/90) -> certificates expiring within it, cumulative
    within: dict[int, int] = field(default_factory=dict)
    # "0-30", "31-60", "61-90" -> count, for the chart (disjoint bands)
    bands: list[tuple[str, int]] = field(default_factory=list)


def certificates_expiring(*, lines, today: datetime.date) -> Expiring:
    certificates = list(
        Certificate.objects.in_lines(lines)
        .expiring_within(today, EXPIRY_WINDOWS[-1])
        .select_related("line")
        .order_by("valid_until", "holder_name")
    )
    days_left = [(c.valid_until - today).days for c in certificates]
    within = {w: sum(1 for d in days_left if d <= w) for w in EXPIRY_WINDOWS}
    bands = []
    lower = 0
    for w in EXPIRY_WINDOWS:
        bands.append((f"{lower}–{w}", sum(1 for d in days_left if lower <= d <= w)))
        lower = w + 1
    for c, d in zip(certificates, days_left, strict=True):
        c.days_left = d
    return Expiring(certificates, within, bands)


@dataclass(frozen=True)
class CoverageWeek:
    line: Line
    monday: datetime.date
    shifts: int  # shifts with a minimum (a line without an answer-time SLA has none)
    above: int
    at: int
    below: int
    tightest: int | None  # smallest spare (present - minimum) of the week


def coverage_weeks(*, lines, start: datetime.date, weeks: int) -> list[CoverageWeek]:
    """Rotation's per-shift coverage (its Erlang C minimums and rotations away), summed per week."""
    monday = rotation_selectors.monday_of(start)
    end = monday + datetime.timedelta(days=7 * weeks - 1)
    result = []
    for line in lines:
        by_week: dict[datetime.date, list] = defaultdict(list)
        for cell in rotation_selectors.coverage(line=line, start=monday, end=end):
            if cell.minimum:
                by_week[rotation_selectors.monday_of(cell.date)].append(cell)
        for w in range(weeks):
            week = monday + datetime.timedelta(days=7 * w)
            cells = by_week.get(week, [])
            result.append(
                CoverageWeek(
                    line=line,
                    monday=week,
                    shifts=len(cells),
                    above=sum(1 for c in cells if c.spare > 0),
                    at=sum(1 for c in cells if c.spare == 0),
                    below=sum(1 for c in cells if c.spare < 0),
                    tightest=min((c.spare for c in cells), default=None),
                )
            )
    return result
