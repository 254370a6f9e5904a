"""`load_scale` at a small size: what it builds, that it refuses a second run, that pages render; and
the query budget of every main front-end page, the same at a small and at a three times larger size."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification import services as certification_services
from certification.models import Attempt, AttemptQuestion, Certificate, Question, Quiz
from courses.models import LessonPage, LessonProgress, ProgrammePage
from mentoring.models import Enrolment
from rotation.models import RosterEntry, Rotation
from tests.budgets import assert_counts_hold

User = get_user_model()
SMALL = {"agents": 20, "programmes": 2, "attempts": 60, "certificates": 1}
LARGE = {"agents": 60, "programmes": 3, "attempts": 300, "certificates": 1}
# Queries per page as measured (the same at both sizes); a page going over its figure is a regression.
BUDGETS = {
    "learner dashboard": 15,
    "lesson": 5,
    "programme": 6,
    "my path": 15,
    "my quizzes": 6,
    "quiz": 10,  # includes the check that the quiz is one the person is assigned
    "attempt": 4,
    "mentor board": 7,
    "mentor dashboard": 6,
    "lead dashboard": 8,
    "people": 7,
    "enrolments": 6,
    "certificates": 5,
    "rotation overview": 6,
}


def load(**size) -> str:
    out = io.StringIO()
    call_command("load_scale", stdout=out, **size)
    return out.getvalue()


@pytest.mark.django_db
def test_load_scale_builds_the_organisation_and_refuses_a_second_run(client):
    output = load(**SMALL)

    assert User.objects.filter(username__startswith="scale-").count() == 20 + 3
    assert User.objects.filter(username__startswith="scale-", groups__name="Mentors").count() == 2
    assert ProgrammePage.objects.count() == 2
    assert LessonPage.objects.live().count() == 20
    assert all(lesson.live_revision_id for lesson in LessonPage.objects.all())
    assert Question.objects.count() == 80
    assert Quiz.objects.count() == 2
    attempts = Attempt.objects.all()
    assert attempts.count() == 60
    assert not attempts.filter(status="open").exists()
    assert not attempts.filter(score__isnull=True).exists()
    assert AttemptQuestion.objects.count() == 60 * 5
    assert Enrolment.objects.filter(mentor__isnull=False).count() >= 1
    assert LessonProgress.objects.exists()
    assert Certificate.objects.count() == 1
    assert "60 finished attempts" in output
    assert RosterEntry.objects.filter(agent__username__startswith="scale-").exists()
    assert Rotation.objects.filter(status="done").exists()

    before = (User.objects.count(), ProgrammePage.objects.count(), Attempt.objects.count())
    with pytest.raises(CommandError, match="already holds the scale organisation"):
        load(**SMALL)
    assert (User.objects.count(), ProgrammePage.objects.count(), Attempt.objects.count()) == before

    # The pages still render with this data.
    learner = Enrolment.objects.select_related("learner").first().learner
    client.force_login(learner)
    lesson = LessonPage.objects.live().first()
    for url in (reverse("learner_dashboard"), lesson.url, lesson.get_parent().url):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_load_scale_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="at least 1"):
        load(agents=0)
    assert not User.objects.filter(username__startswith="scale-").exists()


def _count(client, url: str) -> int:
    client.get(url)  # warm the session and the caches Wagtail and the apps keep per process
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context)


def _measure(client, size: dict) -> dict[str, int]:
    """Load the scale organisation at `size`, count each page's queries, roll everything back."""
    cache.clear()
    with transaction.atomic():
        load(**size)
        enrolment = (
            Enrolment.objects.filter(learner__profile__line__code="first", mentor__isnull=False)
            .select_related("learner", "mentor", "programme")
            .first()
        )
        learner, mentor = enrolment.learner, enrolment.mentor
        lead = User.objects.get(username="scale-lead-first")
        programme = enrolment.programme.specific
        lesson = LessonPage.objects.live().child_of(programme).first()
        quiz = Quiz.objects.get(programme=programme)
        attempt = certification_services.attempt_start(quiz=quiz, user=learner)
        pages = {
            learner: {
                "learner dashboard": reverse("learner_dashboard"),
                "lesson": lesson.url,
                "programme": programme.url,
                "my path": reverse("mentoring:my_path"),
                "my quizzes": reverse("certification:my_quizzes"),
                "quiz": reverse("certification:quiz_detail", args=[quiz.pk]),
                "attempt": reverse("certification:attempt", args=[attempt.pk]),
            },
            mentor: {
                "mentor board": reverse("mentoring:mentees"),
                "mentor dashboard": reverse("mentor_dashboard"),
            },
            lead: {
                "lead dashboard": reverse("lead_dashboard"),
                "people": reverse("people:list"),
                "enrolments": reverse("mentoring:lead_list"),
                "certificates": reverse("certification:lead_certificates"),
                "rotation overview": reverse("rotation:overview"),
            },
        }
        counts = {}
        for user, urls in pages.items():
            client.force_login(user)
            counts.update({name: _count(client, url) for name, url in urls.items()})
            client.logout()
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_main_pages_keep_their_query_count_as_the_organisation_grows(client):
    small = _measure(client, SMALL)
    large = _measure(client, LARGE)
    assert_counts_hold(small, large, BUDGETS)
