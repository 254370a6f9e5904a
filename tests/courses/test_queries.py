"""Query budgets: the lesson page, a programme of 100 lessons and the learner's dashboard cost the
same number of queries whatever the number of lessons and learners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage, LessonProgress
from courses.services import lesson_mark_studied
from tests.factories import body, make_lesson, make_module, person, publish_change
from trainingsite.roles import Role

LESSON_PAGE_BUDGET = 6
PROGRAMME_PAGE_BUDGET = 7
DASHBOARD_BUDGET = 14  # the whole learner dashboard: study, path, quizzes and rotation panels
# The first request after the library changed reloads this process's catalogue (courses.catalogue).
CATALOGUE_RELOAD = 10


def add_lessons(parent, count: int) -> list[LessonPage]:
    """Live lessons without revisions: quick to build, and what the budget must not depend on."""
    made = []
    for n in range(count):
        page = LessonPage(title=f"Extra {n}", slug=f"extra-{parent.pk}-{n}", body=body(), live=True)
        parent.add_child(instance=page)
        made.append(page)
    return made


def add_learners(line, lessons, count: int) -> None:
    now = timezone.now()
    for n in range(count):
        learner = person(roles=[Role.AGENT], line=line, username=f"learner{n}")
        LessonProgress.objects.bulk_create(
            LessonProgress(user=learner, lesson=lesson, studied_at=now) for lesson in lessons[: n % 7 + 1]
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.fixture
def studying(client, newcomer, lessons):
    lesson_mark_studied(user=newcomer, lesson=lessons[0])
    publish_change(lessons[0])  # a "changed" flag to show
    client.force_login(newcomer)
    return client


def test_lesson_page_queries_do_not_grow_with_lessons_or_learners(
    studying, django_assert_max_num_queries, line, programme, module, lesson
):
    queries(studying, lesson.url)  # warm the caches Wagtail keeps per process
    small = queries(studying, lesson.url)
    extra = add_lessons(module, 60) + add_lessons(programme, 40)
    add_learners(line, extra, 20)
    assert queries(studying, lesson.url) <= small + CATALOGUE_RELOAD  # the tree changed: reloaded once
    with django_assert_max_num_queries(LESSON_PAGE_BUDGET):
        studying.get(lesson.url)
    assert queries(studying, lesson.url) == small


def test_programme_page_with_100_lessons_stays_within_budget(
    studying, django_assert_max_num_queries, line, programme, module
):
    queries(studying, programme.url)
    small = queries(studying, programme.url)
    second_module = make_module(programme=programme, title="More")
    extra = add_lessons(module, 50) + add_lessons(second_module, 50)
    add_learners(line, extra, 20)
    for lesson in extra[::9]:
        LessonProgress.objects.create(user=studying_user(studying), lesson=lesson, studied_at=timezone.now())
    assert queries(studying, programme.url) <= small + CATALOGUE_RELOAD
    with django_assert_max_num_queries(PROGRAMME_PAGE_BUDGET):
        response = studying.get(programme.url)
    assert "Extra 49" in response.text
    assert queries(studying, programme.url) == small


def test_learner_dashboard_stays_within_budget(
    studying, django_assert_max_num_queries, line, programme, module
):
    url = reverse("learner_dashboard")
    queries(studying, url)
    small = queries(studying, url)
    extra = add_lessons(module, 100)
    add_learners(line, extra, 20)
    assert queries(studying, url) <= small + CATALOGUE_RELOAD
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = studying.get(url)
    assert "Changed" in response.text
    assert queries(studying, url) == small


def test_lesson_with_every_block_type_stays_within_budget(
    studying, django_assert_max_num_queries, module, lesson_with_every_block
):
    queries(studying, lesson_with_every_block.url)  # renditions are made on the first view
    with django_assert_max_num_queries(LESSON_PAGE_BUDGET + 4):
        response = studying.get(lesson_with_every_block.url)
    for snippet in (
        "callout callout--",
        "response-template",
        "procedure__step",
        "key-points",
        "<img",
        "<table",
    ):
        assert snippet in response.text


def studying_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.fixture
def lesson_with_every_block(module):
    from courses.demo import _lessons, _media

    every = [
        block
        for programme in _lessons(_media()).values()
        for section in programme
        for *_, body_ in section["lessons"]
        for block in body_
    ]
    kinds = {}
    for block in every:
        kinds.setdefault(block["type"], block)
    return make_lesson(parent=module, title="Everything", body=list(kinds.values()))
