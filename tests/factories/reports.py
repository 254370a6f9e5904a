"""Rows with chosen dates for the reports' figures: paths, attempts and certificates written directly,
so each figure can be computed by hand (the services would stamp everything with "now")."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from certification.models import Attempt, AttemptQuestion, AttemptStatus, Certificate
from mentoring.models import Enrolment, StageProgress, stage_sequence

START = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))
_codes = itertools.count(1)


def path(learner, programme, *, spans: list[float], start: datetime.datetime = START, kind=None) -> Enrolment:
    """An onboarding path whose stages took `spans` days one after the other; the stage after the
    last span is open. Spans for every stage complete the path."""
    kind = kind or Enrolment.Kind.ONBOARDING
    stages = stage_sequence(kind)
    cursor = start
    done = []
    for days in spans:
        end = cursor + datetime.timedelta(days=days)
        done.append((cursor, end))
        cursor = end
    complete = len(spans) == len(stages)
    enrolment = Enrolment.objects.create(
        learner=learner,
        programme=programme,
        kind=kind,
        status=Enrolment.Status.COMPLETED if complete else Enrolment.Status.ACTIVE,
        current_stage=stages[min(len(spans), len(stages) - 1)],
        stage_started_at=cursor,
        created_at=start,
        completed_at=cursor if complete else None,
    )
    rows = []
    for position, stage in enumerate(stages):
        if position < len(done):
            opened, completed = done[position]
            status = StageProgress.Status.DONE
        elif position == len(done):
            opened, completed, status = cursor, None, StageProgress.Status.OPEN
        else:
            opened, completed, status = None, None, StageProgress.Status.PENDING
        rows.append(
            StageProgress(
                enrolment=enrolment,
                stage=stage,
                position=position,
                status=status,
                opened_at=opened,
                completed_at=completed,
            )
        )
    StageProgress.objects.bulk_create(rows)
    return enrolment


def attempt(
    quiz, user, *, passed: bool | None, scores: dict | None = None, number: int | None = None
) -> Attempt:
    """A finished attempt (or an open one with passed=None) with each question's score.

    `scores`: {Question: score or None (unanswered)}; every question is worth 1 point."""
    now = timezone.now()
    number = number or Attempt.objects.filter(quiz=quiz, user=user).count() + 1
    finished = passed is not None
    a = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        status=AttemptStatus.FINISHED if finished else AttemptStatus.OPEN,
        started_at=now,
        deadline=now + datetime.timedelta(minutes=30),
        finished_at=now if finished else None,
        pass_mark_percent=60,
        review_policy="full",
        score=Decimal("1") if finished else None,
        max_score=Decimal(len(scores or {})),
        percent=Decimal("50") if finished else None,
        passed=passed,
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=a,
            position=i,
            question=q,
            question_version=q.version,
            snapshot={"type": q.type, "name": q.name, "text": q.text, "points": "1.00", "choices": []},
            response={} if score is not None else None,
            score=score,
        )
        for i, (q, score) in enumerate((scores or {}).items())
    )
    return a


def certificate(user, programme, *, line, valid_until: datetime.date, name: str = "", revoked: bool = False):
    return Certificate.objects.create(
        user=user,
        programme=programme,
        line=line,
        code=f"code-{next(_codes)}",
        holder_name=name or user.profile.full_name,
        programme_title=programme.title,
        line_name=line.name,
        score_percent=Decimal("90"),
        issued_on=valid_until - datetime.timedelta(days=365),
        valid_until=valid_until,
        page_html="",
        revoked_at=timezone.now() if revoked else None,
        revoke_reason="Wrong person" if revoked else "",
    )
