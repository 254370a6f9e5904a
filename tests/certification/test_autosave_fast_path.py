"""The autosave fast path (certification/autosave.py): what it stores, and every case it hands back.

Each refusal checks the message the person sees and that nothing changed.
"""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification import autosave, services
from certification.models import Attempt
from tests.factories import PASSWORD


@pytest.fixture
def learner_client(client, newcomer):
    client.login(username=newcomer.username, password=PASSWORD)
    return client


@pytest.fixture
def attempt(the_quiz, newcomer):
    return services.attempt_start(quiz=the_quiz, user=newcomer)


def page_key(client, attempt) -> str:
    page = client.get(reverse("certification:attempt", args=[attempt.pk])).content.decode()
    found = re.search(r'hx-headers=\'\{"X-Autosave-Key": "([0-9a-f]+)"\}\'', page)
    assert found, "the attempt page carries no autosave key"
    return found.group(1)


def post(client, attempt, item, value, key=None):
    url = reverse("certification:attempt_answer", args=[attempt.pk, item.position])
    headers = {"HX-Request": "true"}
    if key is not None:
        headers[autosave.HEADER] = key
    return client.post(url, {f"q{item.position}": value}, headers=headers)


def short_item(attempt):
    return attempt.questions.get(snapshot__type="short")


def test_page_key_saves_with_two_statements_and_no_session_or_user_query(learner_client, attempt):
    key = page_key(learner_client, attempt)
    item = short_item(attempt)
    with CaptureQueriesContext(connection) as queries:
        response = post(learner_client, attempt, item, "Hosts File", key)
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements  # one SELECT proving the right, one guarded UPDATE
    assert not any(s.startswith('SELECT "django_session"') or 'FROM "auth_user"' in s for s in statements)
    item.refresh_from_db()
    assert item.response == {"text": "Hosts File"}
    assert item.answered_at is not None


def test_clearing_an_answer_stores_null(learner_client, attempt):
    key = page_key(learner_client, attempt)
    item = short_item(attempt)
    post(learner_client, attempt, item, "hosts", key)
    response = post(learner_client, attempt, item, "", key)
    assert "Answer cleared" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None


def test_forged_choice_is_409_and_stores_nothing(learner_client, attempt):
    key = page_key(learner_client, attempt)
    item = attempt.questions.get(snapshot__type="single")
    response = post(learner_client, attempt, item, "1", key)
    assert response.status_code == 409
    assert "not one of the choices" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None


def test_after_logout_the_key_saves_nothing(learner_client, attempt):
    key = page_key(learner_client, attempt)
    cookie = learner_client.cookies["sessionid"].value
    learner_client.post(reverse("logout"))
    learner_client.cookies["sessionid"] = cookie  # a copy of the old cookie replayed
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 302
    assert reverse("login") in response.url
    item.refresh_from_db()
    assert item.response is None


def test_after_a_password_change_the_key_saves_nothing(learner_client, attempt, newcomer):
    key = page_key(learner_client, attempt)
    newcomer.set_password("another-password-123")
    newcomer.save()
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 302  # the standard path finds the session no longer valid
    item.refresh_from_db()
    assert item.response is None


def test_deactivated_person_saves_nothing(learner_client, attempt, newcomer):
    key = page_key(learner_client, attempt)
    newcomer.is_active = False
    newcomer.save()
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.response is None


def test_expired_session_saves_nothing(learner_client, attempt):
    key = page_key(learner_client, attempt)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.response is None


def test_key_of_my_attempt_on_someone_elses_attempt_is_404(client, the_quiz, newcomer, mentor):
    mine = services.attempt_start(quiz=the_quiz, user=newcomer)
    theirs = services.attempt_start(quiz=the_quiz, user=mentor)
    client.login(username=newcomer.username, password=PASSWORD)
    key = page_key(client, mine)
    item = short_item(theirs)
    response = post(client, theirs, item, "hosts", key)
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.response is None


def test_a_wrong_key_takes_the_standard_path(learner_client, attempt):
    item = short_item(attempt)
    with CaptureQueriesContext(connection) as queries:
        response = post(learner_client, attempt, item, "hosts", "0" * 64)
    assert response.status_code == 200
    assert any('FROM "django_session"' in q["sql"] for q in queries)  # the session was consulted
    item.refresh_from_db()
    assert item.response == {"text": "hosts"}


def test_finished_attempt_is_409_and_unchanged(learner_client, attempt, newcomer):
    key = page_key(learner_client, attempt)
    services.attempt_finish(attempt=attempt, user=newcomer)
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 409
    assert "answers can no longer change" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None


def test_late_answer_is_refused_and_the_attempt_graded(learner_client, attempt):
    key = page_key(learner_client, attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=90))
    item = short_item(attempt)
    response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 409
    assert "arrived after the deadline and was not saved" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None
    attempt.refresh_from_db()
    assert attempt.status == "finished"


def test_finish_between_read_and_write_wins(learner_client, attempt, newcomer):
    """The guarded UPDATE writes nothing when the attempt closed after the read (SQLite takes no lock)."""
    key = page_key(learner_client, attempt)
    item = short_item(attempt)
    real_parse = autosave.grading.parse_response

    def finish_then_parse(*args, **kwargs):
        services.attempt_finish(attempt=Attempt.objects.get(pk=attempt.pk), user=newcomer)
        return real_parse(*args, **kwargs)

    with mock.patch.object(autosave.grading, "parse_response", side_effect=finish_then_parse):
        response = post(learner_client, attempt, item, "hosts", key)
    assert response.status_code == 409
    assert "answers can no longer change" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None
