import threading

import pytest
from django.db import connection, connections

from courses.models import LessonProgress
from courses.services import lesson_mark_studied
from tests.factories import make_lesson, make_programme, person
from trainingsite.roles import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def restore_migrated_data(django_db_blocker):
    """Set up before `transactional_db`, so torn down after its flush: put back what migrations
    created (roles, Wagtail's root, the library, content types). pytest-django runs tests that ask
    for the database only inside the test body after the transactional ones; they need that data."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def test_two_clicks_at_once_record_one_progress(restore_migrated_data, transactional_db, line):
    learner = person(roles=[Role.AGENT], line=line, username="twice")
    lesson = make_lesson(parent=make_programme(line=line))
    barrier = threading.Barrier(4)
    errors = []

    def click():
        try:
            barrier.wait()
            lesson_mark_studied(user=learner, lesson=lesson)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).count() == 1
