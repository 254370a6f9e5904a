"""The mentor's board and the team lead's list keep a fixed number of queries whatever their size."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage, LessonProgress
from mentoring import selectors, services
from mentoring.models import Enrolment, Stage, StageProgress, stage_sequence
from tests.factories import person
from tests.factories.mentoring import (
    enrolment_at,
    log_observation,
    record_shift,
    stage_of,
    study_all,
    tick_all,
)
from trainingsite.models import Profile
from trainingsite.roles import Role

User = get_user_model()

MENTOR_BOARD_BUDGET = 12
LEAD_LIST_BUDGET = 7
# A newcomer half-way, with sign-offs, requests, questions and shifts: every kind of record shown.
MY_PATH_BUDGET = 16


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


def _every_kind_of_row(*, lead, mentor, line, prefix: str) -> None:
    """On a programme of its own: a joint review asking for sign-off, a refresher in joint review,
    an observation with a session to confirm and supervised work with a shift recorded."""
    from tests.factories.mentoring import programme

    prog = programme(line=line, title=f"Programme {prefix}", lessons=2, points_per_lesson=2)
    learners = [person(username=f"{prefix}{i}", roles=[Role.AGENT], line=line) for i in range(4)]
    asking = enrolment_at(Stage.JOINT_REVIEW, lead=lead, learner=learners[0], mentor=mentor, prog=prog)
    tick_all(asking, mentor)
    services.stage_sign_off_request(actor=learners[0], stage=stage_of(asking, Stage.JOINT_REVIEW))
    lesson = LessonPage.objects.live().descendant_of(prog).order_by("path").first()
    refresher = services.enrolment_create(
        actor=lead,
        learner=learners[1],
        programme=prog,
        mentor=mentor,
        kind=Enrolment.Kind.REFRESHER,
        lessons=[lesson],
    )
    LessonProgress.objects.create(user=learners[1], lesson=lesson, studied_at=timezone.now())
    services.enrolment_study_sync(enrolment=refresher)
    observing = enrolment_at(Stage.OBSERVATION, lead=lead, learner=learners[2], mentor=mentor, prog=prog)
    log_observation(observing, learners[2])
    supervised = enrolment_at(Stage.SUPERVISED, lead=lead, learner=learners[3], mentor=mentor, prog=prog)
    record_shift(supervised, mentor, days_ago=1, handled=5, corrected=1)


def test_mentor_board_reads_each_kind_of_record_once_whatever_the_programmes(client, team_lead, line):
    mentor = person(username="busy", roles=[Role.AGENT, Role.MENTOR], line=line, mentor_capacity=60)
    _every_kind_of_row(lead=team_lead, mentor=mentor, line=line, prefix="a")
    one_programme = _board_queries(client, mentor)
    _every_kind_of_row(lead=team_lead, mentor=mentor, line=line, prefix="b")
    assert _board_queries(client, mentor) == one_programme
    # Beyond the mixed board above: open requests, supervised shifts and a refresher's lessons (for
    # its checklist and for its study figures).
    assert one_programme <= MENTOR_BOARD_BUDGET + 4

    rows = {row.enrolment.learner.username: row for row in selectors.mentee_rows(mentor)}
    for prefix in "ab":
        assert rows[f"{prefix}0"].review.total == 4
        assert rows[f"{prefix}0"].review.ticked == 4
        assert len(rows[f"{prefix}0"].pending_requests) == 1
        assert rows[f"{prefix}1"].enrolment.kind == Enrolment.Kind.REFRESHER
        assert rows[f"{prefix}1"].review.total == 2  # the refresher's one lesson
        assert len(rows[f"{prefix}2"].unconfirmed) == 1
        assert rows[f"{prefix}3"].supervised.handled == 5
        assert not rows[f"{prefix}3"].pending_requests
    # The board shows what each mentee's own page says.
    for row in rows.values():
        if row.review is not None:
            expected = selectors.enrolment_key_points(row.enrolment)
            assert [item.point.key for item in row.review.items] == [p.key for p in expected]


def _page_queries(client, user, url: str) -> int:
    client.force_login(user)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_path_half_way_reads_each_kind_of_record_once(client, team_lead, line, prog):
    mentor = person(username="guide", roles=[Role.AGENT, Role.MENTOR], line=line)
    learner = person(username="walker", roles=[Role.AGENT], line=line)
    enrolment = enrolment_at(Stage.SUPERVISED, lead=team_lead, learner=learner, mentor=mentor, prog=prog)
    supervised = stage_of(enrolment, Stage.SUPERVISED)
    services.review_question_ask(actor=learner, enrolment=enrolment, question="Why?")
    for days_ago in (3, 2):
        record_shift(enrolment, mentor, days_ago=days_ago, handled=10, corrected=0)
    services.stage_sign_off_request(actor=learner, stage=supervised)
    url = reverse("mentoring:my_path")
    few = _page_queries(client, learner, url)
    services.stage_send_back(actor=mentor, stage=supervised, comment="One more shift.")
    record_shift(enrolment, mentor, days_ago=1, handled=10, corrected=0)
    services.review_question_ask(actor=learner, enrolment=enrolment, question="And this?")
    services.stage_sign_off_request(actor=learner, stage=supervised)
    assert _page_queries(client, learner, url) == few
    assert few <= MY_PATH_BUDGET
