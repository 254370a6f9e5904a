"""Programmes with lessons and key points, and enrolments driven to a given stage through the services."""

from __future__ import annotations

import datetime
import json
import uuid

from django.utils import timezone
from wagtail.models import Page

from courses.models import LessonPage, LessonProgress, ProgrammePage, TrainingLibraryPage
from mentoring import services
from mentoring.models import Enrolment, Shift, Stage


def library() -> TrainingLibraryPage:
    existing = TrainingLibraryPage.objects.first()
    if existing:
        return existing
    root = Page.objects.get(depth=1)
    return root.add_child(instance=TrainingLibraryPage(title="Library", slug="library"))


def key_points_body(points: list[str]) -> str:
    return json.dumps(
        [
            {
                "type": "key_points",
                "id": str(uuid.uuid4()),
                "value": {
                    "title": "Key points",
                    "points": [
                        {"type": "item", "id": str(uuid.uuid4()), "value": {"point": p, "detail": ""}}
                        for p in points
                    ],
                },
            }
        ]
    )


def programme(
    *,
    line,
    title: str = "First line basics",
    lessons: int = 2,
    points_per_lesson: int = 2,
    optional_lessons: int = 0,
    **rules,
) -> ProgrammePage:
    slug = f"{title.lower().replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
    defaults = {
        "min_observation_hours": 12,
        "min_supervised_requests": 20,
        "max_correction_rate": 10,
        "correction_window_shifts": 2,
    }
    defaults.update(rules)
    page = library().add_child(instance=ProgrammePage(title=title, slug=slug, line=line, **defaults))
    for i in range(lessons + optional_lessons):
        page.add_child(
            instance=LessonPage(
                title=f"Lesson {i + 1}",
                slug=f"lesson-{i + 1}",
                required=i < lessons,
                body=key_points_body([f"Point {i + 1}.{j + 1}" for j in range(points_per_lesson)]),
            )
        )
    return page


def study_all(user, prog: ProgrammePage) -> None:
    now = timezone.now()
    for lesson in LessonPage.objects.live().descendant_of(prog):
        LessonProgress.objects.update_or_create(user=user, lesson=lesson, defaults={"studied_at": now})


def enrolment_at(stage: Stage, *, lead, learner, mentor, prog: ProgrammePage) -> Enrolment:
    """An enrolment whose current stage is `stage`, reached through the real services."""
    enrolment = services.enrolment_create(actor=lead, learner=learner, programme=prog, mentor=mentor)
    order = list(enrolment.stage_sequence)
    target = order.index(stage)
    if target >= 1:
        study_all(learner, prog)
        services.enrolment_study_sync(enrolment=enrolment)
    if target >= 2:
        complete_joint_review(enrolment, mentor)
    if target >= 3 and Stage.OBSERVATION in order:
        complete_observation(enrolment, learner, mentor)
    if target >= order.index(Stage.SUPERVISED) + 1:
        complete_supervised(enrolment, mentor)
    enrolment.refresh_from_db()
    assert enrolment.current_stage == stage, (enrolment.current_stage, stage)
    return enrolment


def stage_of(enrolment: Enrolment, stage: Stage):
    return enrolment.stages.get(stage=stage)


def tick_all(enrolment: Enrolment, mentor) -> None:
    from mentoring.selectors import enrolment_key_points

    for point in enrolment_key_points(enrolment):
        services.review_point_tick(actor=mentor, enrolment=enrolment, key=point.key)


def complete_joint_review(enrolment: Enrolment, mentor) -> None:
    tick_all(enrolment, mentor)
    services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.JOINT_REVIEW))


def log_observation(enrolment: Enrolment, learner, *, days_ago: int = 1, hours: int = 6, shift=Shift.DAY):
    date = timezone.localdate() - datetime.timedelta(days=days_ago)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    return services.observation_log(
        actor=learner, enrolment=enrolment, date=date, shift=shift, hours=hours, requests_observed=10
    )


def complete_observation(enrolment: Enrolment, learner, mentor) -> None:
    for days_ago in (1, 2):
        entry = log_observation(enrolment, learner, days_ago=days_ago)
        services.observation_confirm(actor=mentor, entry=entry)
    services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.OBSERVATION))


def record_shift(
    enrolment: Enrolment, mentor, *, days_ago: int, handled: int, corrected: int, shift=Shift.DAY
):
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    return services.supervised_shift_record(
        actor=mentor,
        enrolment=enrolment,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        shift=shift,
        requests_handled=handled,
        requests_corrected=corrected,
    )


def complete_supervised(enrolment: Enrolment, mentor) -> None:
    record_shift(enrolment, mentor, days_ago=2, handled=12, corrected=1)
    record_shift(enrolment, mentor, days_ago=1, handled=12, corrected=0)
    services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.SUPERVISED))
