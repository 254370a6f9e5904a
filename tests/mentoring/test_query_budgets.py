"""The mentor's board and the team lead's list keep a fixed number of queries whatever their size."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import services
from mentoring.models import Enrolment, Stage, StageProgress, stage_sequence
from tests.factories import person
from tests.factories.mentoring import log_observation, stage_of, study_all, tick_all
from trainingsite.models import Profile
from trainingsite.roles import Role

User = get_user_model()

MENTOR_BOARD_BUDGET = 20
LEAD_LIST_BUDGET = 7


def _mentees(count: int, *, lead, mentor, prog, line, prefix: str) -> None:
    """`count` mentees spread over study, joint review (a question open) and observation (one log)."""
    for i in range(count):
        learner = person(username=f"{prefix}{i}", roles=[Role.AGENT], line=line)
        enrolment = services.enrolment_create(actor=lead, learner=learner, programme=prog, mentor=mentor)
        if i % 3 == 0:
            continue
        study_all(learner, prog)
        services.enrolment_study_sync(enrolment=enrolment)
        if i % 3 == 1:
            services.review_question_ask(actor=learner, enrolment=enrolment, question="Why?")
            continue
        tick_all(enrolment, mentor)
        services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.JOINT_REVIEW))
        log_observation(enrolment, learner)


def _board_queries(client, mentor) -> int:
    client.force_login(mentor)
    client.get(reverse("mentoring:mentees"))  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("mentoring:mentees"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_mentor_board_with_50_mentees_keeps_its_budget(
    client, team_lead, line, prog, django_assert_max_num_queries
):
    mentor = person(username="busy", roles=[Role.AGENT, Role.MENTOR], line=line, mentor_capacity=60)
    _mentees(5, lead=team_lead, mentor=mentor, prog=prog, line=line, prefix="few")
    few = _board_queries(client, mentor)
    _mentees(45, lead=team_lead, mentor=mentor, prog=prog, line=line, prefix="more")
    assert Enrolment.objects.filter(mentor=mentor).count() == 50
    many = _board_queries(client, mentor)
    assert many == few
    with django_assert_max_num_queries(MENTOR_BOARD_BUDGET):
        response = client.get(reverse("mentoring:mentees"))
    assert response.text.count('class="card mentoring-mentee') == 50
    with django_assert_max_num_queries(MENTOR_BOARD_BUDGET + 5):
        client.get(reverse("mentor_dashboard"))


def _bulk_enrolments(count: int, *, line, prog, mentors) -> None:
    """Many enrolments written directly: the point is reading them, not the services."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(username=f"bulk{i}", first_name="Ivan", last_name=f"Petrov{i}") for i in range(count)]
    )
    Profile.objects.bulk_create([Profile(user=u, line=line) for u in users], ignore_conflicts=True)
    stages = list(Stage)
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner=u,
                programme=prog,
                mentor=mentors[i % len(mentors)],
                current_stage=stages[i % 5],
                stage_started_at=now - datetime.timedelta(days=i % 40),
                created_at=now - datetime.timedelta(days=60),
            )
            for i, u in enumerate(users)
        ]
    )
    StageProgress.objects.bulk_create(
        [
            StageProgress(
                enrolment=e,
                stage=stage,
                position=position,
                status="open" if stage == e.current_stage else "pending",
            )
            for e in enrolments
            for position, stage in enumerate(stage_sequence(e.kind))
        ]
    )


def test_lead_list_with_500_enrolments_keeps_its_budget(
    client, team_lead, line, prog, django_assert_max_num_queries
):
    mentors = [person(username=f"m{i}", roles=[Role.AGENT, Role.MENTOR], line=line) for i in range(10)]
    _bulk_enrolments(500, line=line, prog=prog, mentors=mentors)
    client.force_login(team_lead)
    client.get(reverse("mentoring:lead_list"))
    with django_assert_max_num_queries(LEAD_LIST_BUDGET):
        response = client.get(reverse("mentoring:lead_list"))
    assert response.status_code == 200
    assert response.text.count("<tr") == 51  # header + a page of 50
    with django_assert_max_num_queries(LEAD_LIST_BUDGET):
        response = client.get(reverse("mentoring:lead_list"), {"stuck": "on", "status": "active", "page": 2})
    assert "is-stuck" in response.text
    with django_assert_max_num_queries(LEAD_LIST_BUDGET):
        content = b"".join(client.get(reverse("mentoring:lead_export")).streaming_content)
    assert content.decode("utf-8-sig").count("\n") == 501
    with django_assert_max_num_queries(LEAD_LIST_BUDGET + 10):
        client.get(reverse("lead_dashboard"))


@pytest.fixture
def prog(line):
    from tests.factories.mentoring import programme

    return programme(line=line, lessons=3, points_per_lesson=3)
