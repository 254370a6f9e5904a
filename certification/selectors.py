"""Reads that span relations: a learner's quizzes, a team lead's certificates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import ProgrammePage
from trainingsite.permissions import lines_led_by

from .models import Attempt, AttemptStatus, Certificate, Quiz


@dataclass(frozen=True)
class QuizStatus:
    quiz: Quiz
    attempts: list[Attempt]
    certificate: Certificate | None

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == AttemptStatus.OPEN), None)

    @property
    def best(self) -> Attempt | None:
        finished = [a for a in self.attempts if a.percent is not None]
        return max(finished, key=lambda a: a.percent) if finished else None

    @property
    def state(self) -> str:
        if self.certificate and self.certificate.status == "valid":
            return "passed"
        if self.open_attempt:
            return "in_progress"
        if self.attempts:
            return "failed"
        return "not_started"


def quiz_statuses(*, user, quizzes, certificates: list[Certificate] | None = None) -> list[QuizStatus]:
    """Each quiz with the person's attempts and newest certificate; three queries in all, two when the
    caller already holds the person's certificates (newest first)."""
    quizzes = list(quizzes)
    attempts = list(Attempt.objects.filter(user=user, quiz__in=quizzes).order_by("-number"))
    if certificates is None:
        certificates = list(certificates_of(user).filter(programme_id__in=[q.programme_id for q in quizzes]))
    result = []
    for quiz in quizzes:
        result.append(
            QuizStatus(
                quiz=quiz,
                attempts=[a for a in attempts if a.quiz_id == quiz.pk],
                certificate=next((c for c in certificates if c.programme_id == quiz.programme_id), None),
            )
        )
    return result


def quizzes_for_learner(user) -> QuerySet[Quiz]:
    """Active quizzes of the person's line (and group, when the programme names one)."""
    profile = getattr(user, "profile", None)
    qs = Quiz.objects.active().select_related("programme")
    if profile is None or profile.line_id is None:
        return qs.none()
    programmes = ProgrammePage.objects.live().filter(line_id=profile.line_id)
    if profile.group_id:
        programmes = programmes.filter(Q(group__isnull=True) | Q(group_id=profile.group_id))
    else:
        programmes = programmes.filter(group__isnull=True)
    return qs.filter(programme__in=programmes.values("pk")).order_by("title")


def certificates_of(user) -> QuerySet[Certificate]:
    # The printed page is only read when a PDF is rendered; lists never need it.
    return Certificate.objects.filter(user=user).defer("page_html").order_by("-issued_on", "-pk")


def certificates_for_lead(
    user,
    *,
    line_id: int | None = None,
    status: str = "",
    expiring_days: int | None = None,
    issued_month: datetime.date | None = None,
    query: str = "",
) -> QuerySet[Certificate]:
    today = timezone.localdate()
    qs = Certificate.objects.in_lines(lines_led_by(user)).select_related("line")
    if line_id:
        qs = qs.filter(line_id=line_id)
    if status == "valid":
        qs = qs.valid_on(today)
    elif status == "expired":
        qs = qs.filter(revoked_at__isnull=True, valid_until__lt=today)
    elif status == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    if expiring_days:
        qs = qs.expiring_within(today, expiring_days)
    if issued_month:
        qs = qs.filter(issued_on__year=issued_month.year, issued_on__month=issued_month.month)
    if query:
        qs = qs.filter(holder_name__icontains=query)
    return qs.order_by("valid_until" if expiring_days else "-issued_on", "holder_name")


def expiring_counts(user) -> dict[int, int]:
    """Valid certificates in the person's lines that expire within 30, 60 and 90 days; one query."""
    today = timezone.localdate()
    windows = (30, 60, 90)
    counts = (
        Certificate.objects.in_lines(lines_led_by(user))
        .valid_on(today)
        .aggregate(
            **{
                f"d{days}": Count("pk", filter=Q(valid_until__lte=today + datetime.timedelta(days=days)))
                for days in windows
            }
        )
    )
    return {days: counts[f"d{days}"] for days in windows}
