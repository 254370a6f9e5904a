import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from mentoring import services
from mentoring.models import Enrolment, SignOffRequest, Stage, StageSignOff
from tests.factories import person
from tests.factories.mentoring import enrolment_at, log_observation, stage_of, tick_all
from trainingsite.roles import Role

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def in_review(team_lead, newcomer, mentor, prog):
    return enrolment_at(Stage.JOINT_REVIEW, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)


def test_anonymous_is_sent_to_login(client, in_review):
    for url in (
        reverse("mentoring:my_path"),
        reverse("mentoring:mentees"),
        reverse("mentoring:lead_list"),
        reverse("mentoring:enrolment", args=[in_review.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_someone_elses_path_is_not_found(client, in_review, agent_of_other_line, mentor_b, other_team_lead):
    for user in (agent_of_other_line, mentor_b, other_team_lead):
        client.force_login(user)
        assert client.get(reverse("mentoring:enrolment", args=[in_review.pk])).status_code == 404


def test_my_path_shows_the_five_stages_and_what_is_next(client, in_review, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("mentoring:my_path"))
    assert response.status_code == 200
    text = response.text
    for label in ("Study", "Joint review", "Observation", "Supervised work", "Certification"):
        assert label in text
    assert "0 of 4 key points are covered" in text
    assert "Waiting for a quiz" in text
    assert "Enrolled" in text  # the history


def test_my_path_without_enrolment_says_so(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("mentoring:my_path"))
    assert "You are not enrolled in a training programme yet" in response.text


def test_learner_dashboard_has_the_path_panel(client, in_review, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("learner_dashboard"))
    assert "My path" in response.text
    assert reverse("mentoring:enrolment", args=[in_review.pk]) in response.text


def test_request_then_sign_off_through_htmx(client, in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    client.force_login(newcomer)
    response = client.post(reverse("mentoring:stage_request", args=[stage.pk]), {"note": "Done"}, **HTMX)
    assert response.status_code == 200
    assert 'id="enrolment-body"' in response.text
    assert "Sign-off asked for" in response.text
    client.force_login(mentor)
    response = client.post(
        reverse("mentoring:stage_sign_off", args=[stage.pk]), {"view": "row", "note": ""}, **HTMX
    )
    assert response.status_code == 200
    assert f'id="mentee-{in_review.pk}"' in response.text
    in_review.refresh_from_db()
    assert in_review.current_stage == Stage.OBSERVATION


def test_refusal_answers_409_with_the_reason_and_changes_nothing(client, in_review, mentor):
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    client.force_login(mentor)
    response = client.post(reverse("mentoring:stage_sign_off", args=[stage.pk]), {"note": ""})
    assert response.status_code == 409
    assert "0 of 4 key points are covered" in response.text
    response = client.post(reverse("mentoring:stage_sign_off", args=[stage.pk]), {"note": ""}, **HTMX)
    assert response.status_code == 409
    assert "0 of 4 key points are covered" in response.text
    assert not StageSignOff.objects.exists()


def test_send_back_without_comment_is_a_400(client, in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    client.force_login(mentor)
    response = client.post(reverse("mentoring:stage_send_back", args=[stage.pk]), {"comment": ""}, **HTMX)
    assert response.status_code == 400
    assert "This field is required" in response.text
    assert SignOffRequest.objects.get().status == SignOffRequest.Status.OPEN


def test_non_htmx_action_redirects_back(client, in_review, mentor):
    point_key = __import__("mentoring.selectors", fromlist=["x"]).enrolment_key_points(in_review)[0].key
    client.force_login(mentor)
    response = client.post(
        reverse("mentoring:point_tick", args=[in_review.pk]),
        {"key": point_key, "ticked": "on", "note": "ok", "next": reverse("mentoring:mentees")},
    )
    assert response.status_code == 302
    assert response.url == reverse("mentoring:mentees")
    assert in_review.review_points.get().note == "ok"


def test_outside_next_url_is_ignored(client, in_review, mentor):
    key = __import__("mentoring.selectors", fromlist=["x"]).enrolment_key_points(in_review)[0].key
    client.force_login(mentor)
    response = client.post(
        reverse("mentoring:point_tick", args=[in_review.pk]),
        {"key": key, "ticked": "on", "next": "https://evil.example/"},
    )
    assert response.url == reverse("mentoring:enrolment", args=[in_review.pk])


def test_mentor_confirms_a_session_inline(client, team_lead, newcomer, mentor, prog):
    enrolment = enrolment_at(Stage.OBSERVATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    entry = log_observation(enrolment, newcomer)
    client.force_login(mentor)
    page = client.get(reverse("mentoring:mentees"))
    assert reverse("mentoring:observation_confirm", args=[entry.pk]) in page.text
    response = client.post(reverse("mentoring:observation_confirm", args=[entry.pk]), {"view": "row"}, **HTMX)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.confirmed_by == mentor


def test_observation_form_errors_are_a_400(client, team_lead, newcomer, mentor, prog):
    enrolment = enrolment_at(Stage.OBSERVATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    client.force_login(newcomer)
    response = client.post(
        reverse("mentoring:observation_add", args=[enrolment.pk]),
        {"date": "not a date", "shift": "day", "hours": "6", "requests_observed": "3"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Enter a valid date" in response.text
    assert not enrolment.observations.exists()


def test_withdraw_through_the_page(client, team_lead, newcomer, mentor, prog):
    enrolment = enrolment_at(Stage.OBSERVATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    stage = stage_of(enrolment, Stage.JOINT_REVIEW)
    client.force_login(team_lead)
    page = client.get(reverse("mentoring:enrolment", args=[enrolment.pk]))
    assert "Withdraw this sign-off" in page.text
    response = client.post(reverse("mentoring:stage_withdraw", args=[stage.pk]), {"reason": "Redo"}, **HTMX)
    assert response.status_code == 200
    assert "A sign-off was withdrawn" in response.text
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.JOINT_REVIEW


def test_lead_enrols_a_newcomer(client, team_lead, newcomer, mentor, prog):
    client.force_login(team_lead)
    assert client.get(reverse("mentoring:enrol")).status_code == 200
    response = client.post(
        reverse("mentoring:enrol"), {"learner": newcomer.pk, "programme": prog.pk, "mentor": mentor.pk}
    )
    enrolment = Enrolment.objects.get()
    assert response.url == reverse("mentoring:enrolment", args=[enrolment.pk])


def test_enrol_over_capacity_is_refused_with_a_clear_message(client, team_lead, line, prog):
    full = person(username="full", roles=[Role.AGENT, Role.MENTOR], line=line, mentor_capacity=1)
    first, second = (person(username=f"n{i}", roles=[Role.AGENT], line=line) for i in range(2))
    services.enrolment_create(actor=team_lead, learner=first, programme=prog, mentor=full)
    client.force_login(team_lead)
    response = client.post(
        reverse("mentoring:enrol"), {"learner": second.pk, "programme": prog.pk, "mentor": full.pk}
    )
    assert response.status_code == 400
    assert "already mentors 1 newcomers, their full capacity of 1" in response.text
    assert Enrolment.objects.count() == 1


def test_lead_reassigns_the_mentor(client, in_review, team_lead, mentor_b):
    client.force_login(team_lead)
    response = client.post(
        reverse("mentoring:assign_mentor", args=[in_review.pk]), {"mentor": mentor_b.pk, "reason": "Holiday"}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.mentor == mentor_b


def test_mentor_cannot_open_the_reassignment_page(client, in_review, mentor):
    client.force_login(mentor)
    assert client.get(reverse("mentoring:assign_mentor", args=[in_review.pk])).status_code == 403


def test_lead_list_filters_by_stage_and_highlights_stuck(client, in_review, team_lead, settings):
    settings.MENTORING_STUCK_AFTER_DAYS = 3
    Enrolment.objects.filter(pk=in_review.pk).update(
        stage_started_at=in_review.stage_started_at - __import__("datetime").timedelta(days=5)
    )
    client.force_login(team_lead)
    response = client.get(reverse("mentoring:lead_list"), {"stage": "joint_review", "status": "active"})
    assert "is-stuck" in response.text
    assert in_review.learner.profile.full_name in response.text
    response = client.get(reverse("mentoring:lead_list"), {"stage": "observation", "status": "active"})
    assert in_review.learner.profile.full_name not in response.text


def test_lead_list_counts_pages_and_mentors_from_one_read(client, in_review, team_lead, mentor, prog, line):
    done = enrolment_at(
        Stage.JOINT_REVIEW,
        lead=team_lead,
        learner=person(username="finished", roles=[Role.AGENT], line=line),
        mentor=mentor,
        prog=prog,
    )
    Enrolment.objects.filter(pk=done.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    client.force_login(team_lead)
    response = client.get(reverse("mentoring:lead_list"))
    assert response.context["page"].paginator.count == 1
    assert dict(response.context["stage_counts"])["Joint review"] == 1
    # The mentor filter shows the load of the mentors the view read (one active mentee).
    assert f"{mentor.profile.full_name} ({line.name}, 1 of" in response.text
    response = client.get(reverse("mentoring:lead_list"), {"status": ""})
    assert response.context["page"].paginator.count == 2
    assert done.learner.profile.full_name in response.text
    response = client.get(reverse("mentoring:lead_list"), {"status": "", "mentor": mentor.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2


def test_lead_list_shows_only_the_leads_lines(client, in_review, other_team_lead):
    client.force_login(other_team_lead)
    response = client.get(reverse("mentoring:lead_list"))
    assert in_review.learner.profile.full_name not in response.text


def test_csv_export(client, in_review, team_lead):
    client.force_login(team_lead)
    response = client.get(reverse("mentoring:lead_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Newcomer"
    assert rows[1][0] == in_review.learner.profile.full_name
    assert rows[1][6] == "Joint review"


def test_csv_export_neutralises_formulas(client, team_lead, line, mentor, prog):
    learner = person(username="evil", roles=[Role.AGENT], line=line, last_name="=HYPERLINK(1)")
    services.enrolment_create(actor=team_lead, learner=learner, programme=prog, mentor=mentor)
    client.force_login(team_lead)
    content = b"".join(client.get(reverse("mentoring:lead_export")).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content


def test_enrolment_history_is_in_the_wagtail_admin(client, in_review, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "x")
    client.force_login(admin)
    url = reverse("wagtailsnippets_mentoring_enrolment:history", args=[in_review.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Enrolled" in response.text
    assert ModelLogEntry.objects.for_instance(in_review).filter(action="mentoring.stage.complete").exists()
    edit = client.get(reverse("wagtailsnippets_mentoring_enrolment:edit", args=[in_review.pk]))
    assert edit.status_code in (302, 403)


def test_mentor_opens_the_checklist_on_the_board_and_ticks(client, in_review, mentor, mentor_b):
    client.force_login(mentor)
    board = client.get(reverse("mentoring:mentees"))
    url = reverse("mentoring:mentee_checklist", args=[in_review.pk])
    assert url in board.text
    checklist = client.get(url, **HTMX)
    assert checklist.status_code == 200
    assert checklist.text.count('name="key"') == 4
    key = __import__("mentoring.selectors", fromlist=["x"]).enrolment_key_points(in_review)[0].key
    response = client.post(
        reverse("mentoring:point_tick", args=[in_review.pk]),
        {"key": key, "ticked": "on", "view": "row", "expand": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Key points (1/4)" in response.text
    assert response.text.count('name="key"') == 4  # the checklist stays open after a tick
    client.force_login(mentor_b)
    assert client.get(url).status_code == 404
