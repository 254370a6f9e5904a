import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import selectors, services
from certification.models import Attempt, AttemptQuestion, Certificate
from tests.certification.helpers import all_answers, as_querydict, pdf_page_count, right_answer
from tests.factories import PASSWORD


@pytest.fixture
def learner_client(client, newcomer):
    client.login(username=newcomer.username, password=PASSWORD)
    return client


def finished(quiz, user, wrong=False):
    attempt = services.attempt_start(quiz=quiz, user=user)
    services.attempt_answer_all(
        attempt=attempt, user=user, data=as_querydict(all_answers(attempt, wrong=wrong))
    )
    return services.attempt_finish(attempt=attempt, user=user)


def test_start_then_page_shows_no_right_answers(learner_client, the_quiz, bank):
    response = learner_client.post(reverse("certification:attempt_start", args=[the_quiz.pk]))
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("certification:attempt", args=[attempt.pk])
    page = learner_client.get(response.url).content.decode()
    assert "Pick the right one" in page
    for word in ("correct", "rank", "Feedback on", "hosts file", "файл hosts", "is_correct", "accepted"):
        assert word not in page, word
    # Ordering steps are not shown in their right order.
    item = attempt.questions.get(snapshot__type="ordering")
    shown = re.findall(r"Step (one|two|three)", page)
    assert shown != ["one", "two", "three"] or len(item.snapshot["choices"]) < 2


def test_autosave_returns_saved_partial(learner_client, the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.get(snapshot__type="short")
    url = reverse("certification:attempt_answer", args=[attempt.pk, item.position])
    response = learner_client.post(url, {f"q{item.position}": "Hosts File"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    item.refresh_from_db()
    assert item.response == {"text": "Hosts File"}


def test_autosave_with_forged_id_is_409_and_stores_nothing(learner_client, the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.get(snapshot__type="single")
    url = reverse("certification:attempt_answer", args=[attempt.pk, item.position])
    response = learner_client.post(url, {f"q{item.position}": "1"})
    assert response.status_code == 409
    assert "not one of the choices" in response.content.decode()
    item.refresh_from_db()
    assert item.response is None


def test_another_persons_attempt_is_404_by_every_url(client, the_quiz, newcomer, mentor):
    attempt = services.attempt_start(quiz=the_quiz, user=mentor)
    item = attempt.questions.first()
    client.login(username=newcomer.username, password=PASSWORD)
    urls = [
        ("get", reverse("certification:attempt", args=[attempt.pk])),
        ("post", reverse("certification:attempt", args=[attempt.pk])),
        ("post", reverse("certification:attempt_answer", args=[attempt.pk, item.position])),
        ("post", reverse("certification:attempt_finish", args=[attempt.pk])),
        ("get", reverse("certification:attempt_review", args=[attempt.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(
            url, as_querydict(right_answer(item)) if method == "post" else None
        )
        assert response.status_code == 404, url
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not AttemptQuestion.objects.filter(attempt=attempt, response__isnull=False).exists()


def test_finish_twice_over_http_grades_once(learner_client, the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    data = all_answers(attempt)
    learner_client.post(reverse("certification:attempt", args=[attempt.pk]), {**data, "action": "finish"})
    attempt.refresh_from_db()
    finished_at = attempt.finished_at
    response = learner_client.post(reverse("certification:attempt_finish", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.finished_at == finished_at
    assert Certificate.objects.count() == 1


def test_review_hides_answers_when_policy_says_score_only(learner_client, the_quiz, newcomer):
    the_quiz.review_policy = "score"
    the_quiz.save()
    attempt = finished(the_quiz, newcomer, wrong=True)
    page = learner_client.get(reverse("certification:attempt_review", args=[attempt.pk])).content.decode()
    assert "your score" in page
    assert "right answer" not in page
    assert "Feedback on" not in page
    assert "hosts file" not in page


def test_review_full_policy_shows_feedback_and_right_answers(learner_client, the_quiz, newcomer):
    attempt = finished(the_quiz, newcomer, wrong=True)
    page = learner_client.get(reverse("certification:attempt_review", args=[attempt.pk])).content.decode()
    assert "right answer" in page
    assert "Feedback on" in page
    assert "hosts file" in page


def test_start_over_limit_shows_409(learner_client, the_quiz, newcomer):
    finished(the_quiz, newcomer, wrong=True)
    finished(the_quiz, newcomer, wrong=True)
    response = learner_client.post(reverse("certification:attempt_start", args=[the_quiz.pk]))
    assert response.status_code == 409
    assert "You have used all 2 attempts" in response.content.decode()
    assert Attempt.objects.count() == 2


def test_certificate_download_holder_and_lead_only(
    client, the_quiz, newcomer, team_lead, mentor, other_team_lead
):
    certificate = finished(the_quiz, newcomer).certificate
    url = reverse("certification:certificate_download", args=[certificate.pk])
    for user, status in ((newcomer, 200), (team_lead, 200), (mentor, 404), (other_team_lead, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_verify_page_valid_expired_revoked(client, the_quiz, newcomer, team_lead):
    certificate = finished(the_quiz, newcomer).certificate
    url = reverse("certification:verify", args=[certificate.code])
    page = client.get(url).content.decode()
    assert "VALID" in page
    assert certificate.holder_name in page
    assert "%" not in page.split("<main", 1)[1]  # no score on the public page
    Certificate.objects.filter(pk=certificate.pk).update(issued_on="2020-01-01", valid_until="2021-01-01")
    assert "EXPIRED" in client.get(url).content.decode()
    services.certificate_revoke(certificate=certificate, actor=team_lead, reason="Cheating")
    page = client.get(url).content.decode()
    assert "REVOKED" in page
    assert "Cheating" not in page


@pytest.mark.parametrize("code", ["nope", "A" * 43, "<script>alert(1)</script>", "x" * 300, "..%2F..%2Fetc"])
def test_unknown_code_gets_the_same_plain_not_found(client, db, code):
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    assert "No certificate has this verification code" in response.content.decode()
    assert "<script>alert" not in response.content.decode()


def test_lead_prints_selection_as_one_pdf(client, the_quiz, newcomer, team_lead, mentor):
    a = finished(the_quiz, newcomer).certificate
    b = finished(the_quiz, mentor).certificate
    client.force_login(team_lead)
    response = client.post(reverse("certification:certificates_print"), {"certificate": [a.pk, b.pk]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pdf_page_count(response.content) == 2


def test_lead_cannot_print_other_lines_certificates(client, the_quiz, newcomer, other_team_lead):
    a = finished(the_quiz, newcomer).certificate
    client.force_login(other_team_lead)
    response = client.post(reverse("certification:certificates_print"), {"certificate": [a.pk]})
    assert response.status_code == 404


def test_lead_list_filters_expiring(client, the_quiz, newcomer, team_lead, django_assert_max_num_queries):
    finished(the_quiz, newcomer)
    client.force_login(team_lead)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("certification:lead_certificates"), {"expiring": 30})
    assert response.status_code == 200
    assert newcomer.profile.full_name not in response.content.decode()
    response = client.get(reverse("certification:lead_certificates"))
    assert newcomer.profile.full_name in response.content.decode()


def test_revoke_view_requires_reason(client, the_quiz, newcomer, team_lead):
    certificate = finished(the_quiz, newcomer).certificate
    client.force_login(team_lead)
    url = reverse("certification:certificate_revoke", args=[certificate.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(url, {"reason": "Shared answers"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Shared answers"


def test_learner_cannot_open_lead_pages(learner_client):
    assert learner_client.get(reverse("certification:lead_certificates")).status_code == 403
    assert learner_client.get(reverse("certification:gift_import")).status_code == 403


def test_dashboard_panels(client, the_quiz, newcomer, team_lead):
    finished(the_quiz, newcomer)
    client.force_login(newcomer)
    page = client.get(reverse("learner_dashboard")).content.decode()
    assert "My certificates" in page or "Download PDF" in page
    client.force_login(team_lead)
    page = client.get(reverse("lead_dashboard")).content.decode()
    assert "Certificates expiring" in page


def test_certification_status_hook(the_quiz, newcomer, programme_page):
    from wagtail import hooks

    [fn] = hooks.get_hooks("training_certification_status")
    status = fn(user=newcomer, programme=programme_page)
    assert status["state"] == "not_started"
    assert status["url"] == reverse("certification:quiz_detail", args=[the_quiz.pk])
    finished(the_quiz, newcomer)
    assert fn(user=newcomer, programme=programme_page)["state"] == "passed"


def test_attempt_page_query_budget(learner_client, the_quiz, newcomer, django_assert_max_num_queries):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    with django_assert_max_num_queries(12):
        assert learner_client.get(reverse("certification:attempt", args=[attempt.pk])).status_code == 200


def test_autosave_query_budget(learner_client, the_quiz, newcomer, django_assert_max_num_queries):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    item = attempt.questions.get(snapshot__type="short")
    url = reverse("certification:attempt_answer", args=[attempt.pk, item.position])
    # session, user, savepoint, locked attempt, item, update, release
    with django_assert_max_num_queries(7):
        response = learner_client.post(url, {f"q{item.position}": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_late_autosave_over_http_is_409_not_stored_and_graded(learner_client, the_quiz, newcomer):
    import datetime

    from django.utils import timezone

    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=90))
    item = attempt.questions.get(snapshot__type="short")
    url = reverse("certification:attempt_answer", args=[attempt.pk, item.position])
    response = learner_client.post(url, {f"q{item.position}": "hosts"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    page = response.content.decode()
    assert "arrived after the deadline and was not saved" in page
    assert reverse("certification:attempt_review", args=[attempt.pk]) in page
    item.refresh_from_db()
    assert item.response is None
    attempt.refresh_from_db()
    assert attempt.status == "finished"


def test_expiring_counts_in_one_query(
    the_quiz, newcomer, team_lead, other_team_lead, django_assert_num_queries
):
    today = timezone.localdate()
    source = finished(the_quiz, newcomer).certificate

    def copy(days: int, **changes) -> None:
        certificate = Certificate.objects.get(pk=source.pk)
        certificate.pk, certificate.attempt = None, None
        certificate.code = f"{source.code[:40]}-{days}-{len(changes)}"
        certificate.issued_on = today - datetime.timedelta(days=400)
        certificate.valid_until = today + datetime.timedelta(days=days)
        for name, value in changes.items():
            setattr(certificate, name, value)
        certificate.save()

    Certificate.objects.filter(pk=source.pk).update(valid_until=today + datetime.timedelta(days=365))
    copy(0)  # the last valid day counts
    copy(30)
    copy(31)
    copy(90)
    copy(91)
    copy(-1)  # already expired
    copy(10, revoked_at=timezone.now(), revoked_by=team_lead, revoke_reason="Shared answers")
    with django_assert_num_queries(2):  # the person's roles, then the counts (lines are a subquery)
        counts = selectors.expiring_counts(team_lead)
    assert counts == {30: 2, 60: 3, 90: 4}
    assert selectors.expiring_counts(other_team_lead) == {30: 0, 60: 0, 90: 0}
    assert selectors.expiring_counts(newcomer) == {30: 0, 60: 0, 90: 0}
