"""The reports page and its exports make the same number of queries for 10 or 200 newcomers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, CategoryFactory, demand_for_minimum, person, shift_patterns
from tests.factories.certification import programme as make_programme
from tests.factories.certification import question, quiz
from tests.factories.reports import attempt, certificate, path
from trainingsite.roles import Role

BUDGET = 16  # 14 measured: session, user, roles, lines, one query per figure, coverage (5)


@pytest.fixture
def organisation(line):
    prog = make_programme(line=line)
    category = CategoryFactory(line=line)
    questions = [question(category=category, name=f"q{i}") for i in range(5)]
    the_quiz = quiz(programme_page=prog, questions=questions)
    shifts = shift_patterns(line)
    demand_for_minimum(shifts["morning"], 2)
    created = 0

    def grow(to: int) -> None:
        nonlocal created
        for i in range(created, to):
            learner = person(username=f"n{i}", roles=[Role.AGENT], line=line)
            path(learner, prog, spans=[1 + i % 7, 2, 3, 4, 5][: i % 6])
            scores = {q: Decimal(i % 2) for q in questions}
            attempt(the_quiz, learner, passed=bool(i % 2), scores=scores)
            certificate(
                learner, prog, line=line, valid_until=timezone.localdate() + datetime.timedelta(days=i % 120)
            )
        created = to

    return grow


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_report_queries_do_not_grow_with_enrolments_and_attempts(
    client, team_lead, organisation, django_assert_max_num_queries
):
    client.login(username=team_lead.username, password=PASSWORD)
    url = reverse("reports:report")
    organisation(10)
    small = _count(client, url)
    organisation(200)
    with django_assert_max_num_queries(BUDGET):
        large = _count(client, url)
    assert large == small, (small, large)
    print(f"reports page: {large} queries with 200 newcomers")


@pytest.mark.parametrize("table", ["stages", "durations", "quizzes", "questions", "certificates", "coverage"])
def test_exports_do_not_grow(client, team_lead, organisation, table):
    client.login(username=team_lead.username, password=PASSWORD)
    url = reverse("reports:export", args=[table])
    organisation(10)
    small = _count(client, url)
    organisation(60)
    assert _count(client, url) == small
