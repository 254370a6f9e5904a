"""Races that only a real database with row locks can show: two finishes, two starts at once."""

import threading

import pytest
from django.db import connection

from certification import services
from certification.models import Attempt, Certificate
from tests.certification.helpers import all_answers, as_querydict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row-lock races need PostgreSQL (set DATABASE_URL=postgres://...); SQLite serialises writes.",
    ),
]


def run_together(fn, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_two_starts_at_once_make_one_attempt(the_quiz, newcomer):
    results, errors = run_together(lambda: services.attempt_start(quiz=the_quiz, user=newcomer).pk, n=4)
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(user=newcomer).count() == 1


def test_starts_in_many_tabs_respect_the_attempt_limit(the_quiz, newcomer):
    first = services.attempt_start(quiz=the_quiz, user=newcomer)
    services.attempt_finish(attempt=first, user=newcomer)
    second = services.attempt_start(quiz=the_quiz, user=newcomer)
    services.attempt_finish(attempt=second, user=newcomer)
    _results, errors = run_together(lambda: services.attempt_start(quiz=the_quiz, user=newcomer), n=3)
    assert len(errors) == 3
    assert {e.code for e in errors} == {"no_attempts_left"}
    assert Attempt.objects.filter(user=newcomer).count() == 2


def test_two_finishes_at_once_grade_once(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    services.attempt_answer_all(attempt=attempt, user=newcomer, data=as_querydict(all_answers(attempt)))
    results, errors = run_together(
        lambda: services.attempt_finish(attempt=attempt, user=newcomer).finished_at
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Certificate.objects.filter(attempt=attempt).count() == 1
