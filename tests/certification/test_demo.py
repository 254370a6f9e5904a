import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from certification import demo
from certification.models import Attempt, Certificate, Question, Quiz
from mentoring.models import Enrolment, Stage, StageProgress
from tests.factories import person
from tests.factories.certification import programme
from trainingsite.roles import Role

User = get_user_model()


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


def test_load_demo_certifies_newcomers_only_after_their_path_so_the_report_has_a_median(
    db, client, monkeypatch
):
    # The PDF's bytes play no part here; skipping WeasyPrint keeps the whole demo quick to load.
    monkeypatch.setattr("certification.pdf.render_pdf", lambda pages, title="": b"%PDF-1.7 demo")
    call_command("load_demo", stdout=io.StringIO())

    paths = {
        (e.learner_id, e.programme_id): e
        for e in Enrolment.objects.filter(kind=Enrolment.Kind.ONBOARDING).prefetch_related("stages")
    }
    on_a_path = 0
    for certificate in Certificate.objects.select_related("attempt", "user__profile"):
        hired = certificate.user.profile.hire_date
        assert hired is None or certificate.issued_on > hired, certificate.holder_name
        path = paths.get((certificate.user_id, certificate.programme_id))
        if path is None:
            continue
        on_a_path += 1
        certified_at = certificate.attempt.finished_at
        assert certified_at > path.created_at, certificate.holder_name
        # Study, joint review, observation and supervised work were signed off in this order, and
        # the quiz came after the last of them.
        stages = sorted(path.stages.all(), key=lambda s: path.stage_sequence.index(s.stage))
        previous = path.created_at
        for stage in stages[:-1]:
            assert stage.status == StageProgress.Status.DONE, (certificate.holder_name, stage.stage)
            assert previous <= stage.opened_at <= stage.completed_at <= certified_at, stage.stage
            previous = stage.completed_at
        assert path.status == Enrolment.Status.COMPLETED
        assert path.completed_at == certified_at
    assert on_a_path >= 2
    # Nobody still on an earlier stage has sat the quiz.
    early = Enrolment.objects.filter(kind=Enrolment.Kind.ONBOARDING, status=Enrolment.Status.ACTIVE).exclude(
        current_stage=Stage.CERTIFICATION
    )
    assert not Attempt.objects.filter(
        user__in=early.values("learner"), quiz__programme__in=early.values("programme")
    ).exists()

    client.force_login(User.objects.get(username="lead"))
    response = client.get(reverse("reports:report"))
    durations = response.context["durations"]
    assert durations.inconsistent == 0
    assert durations.certified >= 2
    assert durations.to_certification_days is not None
    assert durations.to_certification_days > 0
    assert "left out" not in response.content.decode()
