import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certification import services
from certification.models import Attempt, AttemptQuestion, Certificate, Choice, QuizOverride
from tests.certification.helpers import all_answers, as_querydict, right_answer
from tests.factories import person
from trainingsite.roles import Role


def finish_with(attempt, user, *, wrong=False):
    services.attempt_answer_all(
        attempt=attempt, user=user, data=as_querydict(all_answers(attempt, wrong=wrong))
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # commit: the queued PDF task runs
        return services.attempt_finish(attempt=attempt, user=user)


def test_start_freezes_questions_versions_and_choice_order(the_quiz, newcomer, bank):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.get(question=bank[0])
    shown = [c["text"] for c in item.snapshot["choices"]]
    bank[0].text = "Edited wording"
    bank[0].save()
    Choice.objects.filter(question=bank[0]).update(text="Edited choice")
    item.refresh_from_db()
    assert item.snapshot["text"] == "Pick the right one"
    assert [c["text"] for c in item.snapshot["choices"]] == shown
    assert item.question_version == 1
    bank[0].refresh_from_db()
    assert bank[0].version == 2


def test_choice_ids_are_different_in_each_attempt(the_quiz, newcomer, mentor):
    a = services.attempt_start(quiz=the_quiz, user=newcomer)
    b = services.attempt_start(quiz=the_quiz, user=mentor)
    ids_a = {c["id"] for q in a.questions.all() for c in q.snapshot["choices"]}
    ids_b = {c["id"] for q in b.questions.all() for c in q.snapshot["choices"]}
    assert ids_a
    assert not ids_a & ids_b


def test_start_twice_resumes_the_open_attempt(the_quiz, newcomer):
    first = services.attempt_start(quiz=the_quiz, user=newcomer)
    second = services.attempt_start(quiz=the_quiz, user=newcomer)
    assert first.pk == second.pk
    assert Attempt.objects.count() == 1


def test_all_right_passes_and_issues_certificate(the_quiz, newcomer, programme_page):
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    assert attempt.percent == 100
    assert attempt.passed
    certificate = Certificate.objects.get(attempt=attempt)
    assert certificate.holder_name == newcomer.profile.full_name
    assert certificate.programme_title == programme_page.title
    assert certificate.valid_until == services.add_months(certificate.issued_on, 12)
    assert len(certificate.code) >= 43  # 256 bits, URL-safe
    assert certificate.pdf.read().startswith(b"%PDF")
    assert ModelLogEntry.objects.filter(action="certification.certificate.issue").count() == 1


def test_certificate_freezes_name(the_quiz, newcomer):
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    pdf_before = Certificate.objects.get(attempt=attempt).pdf.read()
    newcomer.last_name = "Changed"
    newcomer.save()
    certificate = Certificate.objects.get(attempt=attempt)
    assert "Changed" not in certificate.holder_name
    assert certificate.pdf.read() == pdf_before


def test_wrong_answers_fail_without_certificate(the_quiz, newcomer):
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer, wrong=True)
    assert attempt.passed is False
    assert not Certificate.objects.exists()


def test_double_finish_grades_once(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    first = finish_with(attempt, newcomer)
    again = services.attempt_finish(attempt=attempt, user=newcomer)
    assert again.finished_at == first.finished_at
    assert Certificate.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="certification.attempt.finish").count() == 1


def test_answer_after_finish_is_refused(the_quiz, newcomer):
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer, wrong=True)
    item = attempt.questions.first()
    before = item.response
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_answer(
            attempt=attempt, user=newcomer, position=item.position, data=as_querydict(right_answer(item))
        )
    assert exc.value.code == "finished"
    item.refresh_from_db()
    assert item.response == before


def test_late_answer_is_not_stored_and_attempt_is_graded(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.first()
    late = attempt.deadline + datetime.timedelta(seconds=61)
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_answer(
            attempt=attempt,
            user=newcomer,
            position=item.position,
            data=as_querydict(right_answer(item)),
            now=late,
        )
    assert exc.value.code == "late"
    assert "after the deadline and was not saved" in exc.value.message
    item.refresh_from_db()
    assert item.response is None
    attempt.refresh_from_db()
    assert attempt.status == "finished"
    assert attempt.closed_by_deadline
    assert attempt.score == 0


def test_answer_within_grace_is_stored(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.first()
    services.attempt_answer(
        attempt=attempt,
        user=newcomer,
        position=item.position,
        data=as_querydict(right_answer(item)),
        now=attempt.deadline + datetime.timedelta(seconds=30),
    )
    item.refresh_from_db()
    assert item.response is not None


def test_forged_choice_id_is_refused_and_nothing_stored(the_quiz, newcomer, mentor):
    mine = services.attempt_start(quiz=the_quiz, user=newcomer)
    theirs = services.attempt_start(quiz=the_quiz, user=mentor)
    item = mine.questions.get(snapshot__type="single")
    their_item = theirs.questions.get(snapshot__type="single")
    stolen = next(c["id"] for c in their_item.snapshot["choices"] if c["correct"])
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_answer(
            attempt=mine,
            user=newcomer,
            position=item.position,
            data=as_querydict({f"q{item.position}": [stolen]}),
        )
    assert exc.value.code == "forged_choice"
    item.refresh_from_db()
    assert item.response is None


def test_attempt_limit_is_refused(the_quiz, newcomer):
    for _ in range(2):
        finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer, wrong=True)
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_start(quiz=the_quiz, user=newcomer)
    assert exc.value.code == "no_attempts_left"
    assert exc.value.message == "You have used all 2 attempts at this quiz."
    assert Attempt.objects.count() == 2


def test_delay_between_attempts_is_enforced(the_quiz, newcomer):
    the_quiz.delay_minutes = 60
    the_quiz.save()
    finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer, wrong=True)
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_start(quiz=the_quiz, user=newcomer)
    assert exc.value.code == "too_soon"
    assert Attempt.objects.count() == 1
    later = timezone.now() + datetime.timedelta(minutes=61)
    assert services.attempt_start(quiz=the_quiz, user=newcomer, now=later).number == 2


def test_passed_learner_cannot_start_again(the_quiz, newcomer):
    finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_start(quiz=the_quiz, user=newcomer)
    assert exc.value.code == "already_passed"


def test_overdue_attempt_is_closed_on_next_start(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    later = attempt.deadline + datetime.timedelta(minutes=5)
    services.attempt_start(quiz=the_quiz, user=newcomer, now=later)
    attempt.refresh_from_db()
    assert attempt.status == "finished"
    assert attempt.closed_by_deadline
    assert attempt.finished_at == attempt.deadline


def test_close_overdue_command_grades_with_saved_answers(the_quiz, newcomer):
    from django.core.management import call_command

    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    services.attempt_answer_all(attempt=attempt, user=newcomer, data=as_querydict(all_answers(attempt)))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=10))
    call_command("close_overdue_attempts", verbosity=0)
    attempt.refresh_from_db()
    assert attempt.status == "finished"
    assert attempt.percent == 100
    assert Certificate.objects.filter(attempt=attempt).exists()


def test_override_extends_time_and_attempts(the_quiz, newcomer, team_lead):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    deadline = attempt.deadline
    services.quiz_override_grant(
        quiz=the_quiz,
        user=newcomer,
        actor=team_lead,
        reason="Slow connection",
        extra_minutes=15,
        extra_attempts=1,
    )
    attempt.refresh_from_db()
    assert attempt.deadline == deadline + datetime.timedelta(minutes=15)
    assert services.quiz_allowance(quiz=the_quiz, user=newcomer) == (3, 15)
    entry = ModelLogEntry.objects.get(action="certification.override.grant")
    assert entry.data["reason"] == "Slow connection"
    assert entry.user_id == team_lead.pk


def test_override_by_lead_of_another_line_is_refused(the_quiz, newcomer, other_team_lead):
    with pytest.raises(services.CertificationError) as exc:
        services.quiz_override_grant(
            quiz=the_quiz, user=newcomer, actor=other_team_lead, reason="x", extra_attempts=1
        )
    assert exc.value.code == "not_lead"
    assert not QuizOverride.objects.exists()


def test_override_without_reason_is_refused(the_quiz, newcomer, team_lead):
    with pytest.raises(services.CertificationError) as exc:
        services.quiz_override_grant(
            quiz=the_quiz, user=newcomer, actor=team_lead, reason="  ", extra_attempts=1
        )
    assert exc.value.code == "no_reason"
    assert not QuizOverride.objects.exists()


def test_revoke_keeps_the_certificate_and_logs_reason(the_quiz, newcomer, team_lead):
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    certificate = services.certificate_revoke(
        certificate=attempt.certificate, actor=team_lead, reason="Cheating"
    )
    assert certificate.status == "revoked"
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert ModelLogEntry.objects.get(action="certification.certificate.revoke").data["reason"] == "Cheating"


def test_revoke_by_other_lead_or_twice_is_refused(the_quiz, newcomer, team_lead, other_team_lead):
    certificate = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer).certificate
    with pytest.raises(services.CertificationError) as exc:
        services.certificate_revoke(certificate=certificate, actor=other_team_lead, reason="x")
    assert exc.value.code == "not_lead"
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    services.certificate_revoke(certificate=certificate, actor=team_lead, reason="x")
    with pytest.raises(services.CertificationError) as exc:
        services.certificate_revoke(certificate=certificate, actor=team_lead, reason="y")
    assert exc.value.code == "already_revoked"
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "x"


def test_random_draw_from_category(category, programme_page, newcomer, bank):
    from tests.factories.certification import quiz

    q = quiz(programme_page=programme_page, category=category, draw=3)
    attempt = services.attempt_start(quiz=q, user=newcomer)
    assert attempt.questions.count() == 3
    assert len({i.question_id for i in attempt.questions.all()}) == 3


def test_quiz_needing_more_questions_than_the_bank_refuses(category, programme_page, newcomer, bank):
    from tests.factories.certification import quiz

    q = quiz(programme_page=programme_page, category=category, draw=9)
    with pytest.raises(services.CertificationError) as exc:
        services.attempt_start(quiz=q, user=newcomer)
    assert exc.value.code == "quiz_not_ready"
    assert not Attempt.objects.exists()
    assert not AttemptQuestion.objects.exists()


def test_retired_question_is_not_drawn(category, programme_page, newcomer, bank):
    from tests.factories.certification import quiz

    bank[0].is_active = False
    bank[0].save()
    q = quiz(programme_page=programme_page, category=category, draw=4)
    attempt = services.attempt_start(quiz=q, user=newcomer)
    assert bank[0].pk not in {i.question_id for i in attempt.questions.all()}


def test_mentor_name_comes_from_mentoring_when_available(the_quiz, newcomer, monkeypatch):
    mentor_person = person(username="m1", roles=[Role.MENTOR], line=newcomer.profile.line)

    class Enrolment:
        mentor = mentor_person

    def fake(action, **kwargs):
        return Enrolment() if action == "enrolment" else None

    monkeypatch.setattr(services, "_mentoring", fake)
    certificate = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer).certificate
    assert certificate.mentor_name == mentor_person.profile.full_name


def test_mentoring_refusal_does_not_undo_the_grade(the_quiz, newcomer, monkeypatch):
    from trainingsite.errors import ServiceError

    def refuse(action, **kwargs):
        if action == "certify":
            raise ServiceError("Earlier stages are not signed off.", code="not_ready")
        return None

    monkeypatch.setattr(services, "_mentoring", refuse)
    attempt = finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    attempt.refresh_from_db()
    assert attempt.passed
    assert Certificate.objects.filter(attempt=attempt).exists()


def test_passing_completes_the_mentoring_certification_stage(the_quiz, newcomer, monkeypatch):
    calls = []

    def record(action, **kwargs):
        calls.append((action, kwargs["user"].pk, kwargs["programme"].pk))

    monkeypatch.setattr(services, "_mentoring", record)
    finish_with(services.attempt_start(quiz=the_quiz, user=newcomer), newcomer)
    assert ("certify", newcomer.pk, the_quiz.programme_id) in calls


def _answered(quiz, user):
    attempt = services.attempt_start(quiz=quiz, user=user)
    services.attempt_answer_all(attempt=attempt, user=user, data=as_querydict(all_answers(attempt)))
    return attempt


def test_certificate_pdf_is_rendered_after_the_commit_not_inside_the_finish(the_quiz, newcomer):
    attempt = _answered(the_quiz, newcomer)
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.attempt_finish(attempt=attempt, user=newcomer)
        certificate = Certificate.objects.get(attempt=attempt)
        assert not certificate.pdf  # the finish did not wait for WeasyPrint
    assert len(callbacks) == 1
    callbacks[0]()  # what the task worker does once the finish has committed
    certificate.refresh_from_db()
    assert certificate.pdf.read().startswith(b"%PDF")


def test_storing_the_pdf_twice_renders_it_once(the_quiz, newcomer, monkeypatch):
    certificate = finish_with(_answered(the_quiz, newcomer), newcomer).certificate
    certificate.refresh_from_db()
    stored = certificate.pdf.name

    def render_again(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(services.pdf, "render_pdf", render_again)
    assert services.certificate_store_pdf(certificate_id=certificate.pk).pdf.name == stored


def test_a_queue_that_fails_keeps_the_graded_attempt_and_the_download_renders(
    client, the_quiz, newcomer, monkeypatch, caplog
):
    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("task queue down")

    monkeypatch.setattr(services, "store_certificate_pdf", Unreachable())
    attempt = finish_with(_answered(the_quiz, newcomer), newcomer)
    attempt.refresh_from_db()
    certificate = Certificate.objects.get(attempt=attempt)
    assert attempt.passed
    assert attempt.score is not None
    assert not certificate.pdf
    assert "task queue down" in caplog.text

    client.force_login(newcomer)
    response = client.get(reverse("certification:certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf  # stored now: the next download reads the file
