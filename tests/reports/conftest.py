"""One organisation whose every figure is computed by hand in the tests.

First line (led by `team_lead`):
- paths (days per stage): A [2, 1, 10, 5, 2] and B [4, 2, 20, 7, 3] completed (20 and 36 days),
  C [9] (in joint review), D [] (in study), E [3, 3, 6] (in supervised work); a refresher and a
  cancelled path [50] (B's study stage counts in the durations, the path not in the stages);
- one quiz: A passed; B failed then passed; C failed; D has an attempt open (not counted);
  q1 scored 1, 0, 1, 0.5 -> failed 2 of 4; q2 scored 1, 1, 1, unanswered -> 1 of 4; q3 never failed;
- certificates valid 0, 30, 31, 60, 61, 90 and 91 days more, one expired, one revoked.
Second line (led by `other_team_lead`): a path [100] in joint review, three attempts failing q3,
a certificate expiring in 5 days. None of it may appear in the first line's figures.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mentoring.models import Enrolment
from tests.factories import CategoryFactory, person
from tests.factories.certification import programme as make_programme
from tests.factories.certification import question, quiz
from tests.factories.reports import attempt, certificate, path
from trainingsite.roles import Role


@pytest.fixture
def figures(line, other_line, team_lead, other_team_lead):
    prog = make_programme(line=line, title="First line basics")
    other_prog = make_programme(line=other_line, title="Second line basics")
    people = {
        key: person(
            username=f"learner-{key}", roles=[Role.AGENT], line=line, first_name=key, last_name="Learner"
        )
        for key in "ABCDE"
    }
    stranger = person(username="stranger", roles=[Role.AGENT], line=other_line)
    path(people["A"], prog, spans=[2, 1, 10, 5, 2])
    path(people["B"], prog, spans=[4, 2, 20, 7, 3])
    path(people["C"], prog, spans=[9])
    path(people["D"], prog, spans=[])
    path(people["E"], prog, spans=[3, 3, 6])
    path(people["A"], prog, spans=[1], kind=Enrolment.Kind.REFRESHER)
    cancelled = path(people["B"], other_prog, spans=[50])
    cancelled.status = Enrolment.Status.CANCELLED
    cancelled.save()
    path(stranger, other_prog, spans=[100])

    category = CategoryFactory(line=line)
    q1, q2, q3 = (question(category=category, name=f"q{i}", text=f"Question {i}?") for i in (1, 2, 3))
    the_quiz = quiz(programme_page=prog, questions=[q1, q2, q3], title="First line quiz")
    one, zero, half = Decimal("1"), Decimal("0"), Decimal("0.5")
    attempt(the_quiz, people["A"], passed=True, scores={q1: one, q2: one, q3: one})
    attempt(the_quiz, people["B"], passed=False, scores={q1: zero, q2: one})
    attempt(the_quiz, people["B"], passed=True, scores={q1: one, q2: one, q3: one})
    attempt(the_quiz, people["C"], passed=False, scores={q1: half, q2: None})
    attempt(the_quiz, people["D"], passed=None, scores={q1: zero, q2: zero, q3: zero})
    for _ in range(3):
        attempt(the_quiz, stranger, passed=True, scores={q3: zero})

    today = timezone.localdate()
    for days in (0, 30, 31, 60, 61, 90, 91):
        certificate(people["A"], prog, line=line, valid_until=today + datetime.timedelta(days=days))
    certificate(people["B"], prog, line=line, valid_until=today - datetime.timedelta(days=1))
    certificate(people["B"], prog, line=line, valid_until=today + datetime.timedelta(days=10), revoked=True)
    certificate(
        stranger, other_prog, line=other_line, valid_until=today + datetime.timedelta(days=5), name="Stranger"
    )
    return {
        "programme": prog,
        "quiz": the_quiz,
        "people": people,
        "stranger": stranger,
        "questions": (q1, q2, q3),
    }
