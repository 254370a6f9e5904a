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


def test_two_clicks_at_once_record_one_progress(transactional_db, line):
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
