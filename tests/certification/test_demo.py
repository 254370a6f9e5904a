import io

from certification import demo
from certification.models import Attempt, Certificate, Question, Quiz
from tests.factories import person
from tests.factories.certification import programme
from trainingsite.roles import Role


def test_demo_bank_has_forty_questions_of_every_type_and_is_idempotent(db, line, other_line):
    out = io.StringIO()
    demo.load(stdout=out)
    assert Question.objects.count() >= 40
    assert set(Question.objects.values_list("type", flat=True)) == {
        "single",
        "multiple",
        "truefalse",
        "ordering",
        "short",
    }
    assert "programme 'first-line-basics' is missing" in out.getvalue()
    count = Question.objects.count()
    demo.load(stdout=io.StringIO())
    assert Question.objects.count() == count


def test_demo_quiz_attempts_and_certificates(db, line, team_lead):
    page = programme(line=line, title="Первая линия: основы", slug="first-line-basics")
    for n in range(30):
        person(username=f"agent{n}", roles=[Role.AGENT], line=line)
    demo.load(stdout=io.StringIO())
    quiz = Quiz.objects.get(programme=page)
    assert quiz.sections.count() == 6
    assert Attempt.objects.filter(quiz=quiz, status="finished").count() >= 24
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    statuses = {c.status for c in Certificate.objects.all()}
    assert {"valid", "revoked"} <= statuses
    before = (Attempt.objects.count(), Certificate.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Attempt.objects.count(), Certificate.objects.count()) == before
