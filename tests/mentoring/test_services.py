import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import LessonPage, LessonProgress
from mentoring import selectors, services
from mentoring.models import (
    Enrolment,
    ObservationEntry,
    ReviewPoint,
    Shift,
    SignOffRequest,
    Stage,
    StageProgress,
    StageSignOff,
    SupervisedShift,
)
from mentoring.services import MentoringError
from mentoring.signals import enrolment_completed
from tests.factories import person
from tests.factories.mentoring import (
    enrolment_at,
    log_observation,
    programme,
    record_shift,
    stage_of,
    study_all,
    tick_all,
)
from trainingsite.roles import Role

# Some tests reach the database only through request.getfixturevalue(); the mark makes
# pytest-django order them with the database tests, before the transactional ones.
pytestmark = pytest.mark.django_db


def snapshot(enrolment: Enrolment) -> dict:
    """Everything a refused action must leave as it was."""
    enrolment.refresh_from_db()
    return {
        "enrolment": (
            enrolment.status,
            enrolment.current_stage,
            enrolment.stage_started_at,
            enrolment.mentor_id,
        ),
        "stages": list(enrolment.stages.order_by("position").values_list("stage", "status", "completed_at")),
        "sign_offs": list(
            StageSignOff.objects.filter(stage__enrolment=enrolment).values_list("pk", "withdrawn_at")
        ),
        "requests": list(
            SignOffRequest.objects.filter(stage__enrolment=enrolment).values_list("pk", "status", "comment")
        ),
        "points": list(enrolment.review_points.values_list("key", "ticked")),
        "observations": list(enrolment.observations.values_list("pk", "confirmed_at")),
        "shifts": enrolment.supervised_shifts.count(),
        "log": ModelLogEntry.objects.for_instance(enrolment).count(),
        "mail": len(mail.outbox),
    }


def refused(code: str, fn, target: Enrolment, /, **kwargs) -> MentoringError:
    """Call `fn`, expect a refusal with `code`, and check nothing about `target` changed."""
    before = snapshot(target)
    with pytest.raises(MentoringError) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.message
    assert snapshot(target) == before
    return info.value


def actions(enrolment: Enrolment) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(enrolment).order_by("pk").values_list("action", flat=True))


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_create_opens_study_and_is_audited(team_lead, newcomer, mentor, prog):
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    assert enrolment.current_stage == Stage.STUDY
    assert list(enrolment.stages.values_list("stage", "status")) == [
        (Stage.STUDY, "open"),
        (Stage.JOINT_REVIEW, "pending"),
        (Stage.OBSERVATION, "pending"),
        (Stage.SUPERVISED, "pending"),
        (Stage.CERTIFICATION, "pending"),
    ]
    entry = ModelLogEntry.objects.for_instance(enrolment).get()
    assert entry.action == "mentoring.enrolment.create"
    assert entry.user == team_lead


def test_enrolment_create_refuses_mentor_over_capacity(team_lead, line, mentor, prog):
    learners = [person(username=f"n{i}", roles=[Role.AGENT], line=line) for i in range(4)]
    for learner in learners[:3]:  # the fixture mentor's capacity is 3
        services.enrolment_create(actor=team_lead, learner=learner, programme=prog, mentor=mentor)
    with pytest.raises(MentoringError) as info:
        services.enrolment_create(actor=team_lead, learner=learners[3], programme=prog, mentor=mentor)
    assert info.value.code == "over_capacity"
    assert "already mentors 3 newcomers, their full capacity of 3" in info.value.message
    assert not Enrolment.objects.filter(learner=learners[3]).exists()


def test_enrolment_create_counts_only_active_paths_against_capacity(team_lead, line, mentor, prog):
    learners = [person(username=f"n{i}", roles=[Role.AGENT], line=line) for i in range(4)]
    first = services.enrolment_create(actor=team_lead, learner=learners[0], programme=prog, mentor=mentor)
    for learner in learners[1:3]:
        services.enrolment_create(actor=team_lead, learner=learner, programme=prog, mentor=mentor)
    services.enrolment_cancel(actor=team_lead, enrolment=first, reason="Left the company")
    services.enrolment_create(actor=team_lead, learner=learners[3], programme=prog, mentor=mentor)
    assert selectors.mentor_load(mentor_ids=[mentor.pk]) == {mentor.pk: 3}


@pytest.mark.parametrize(
    ("mentor_fixture", "code"),
    [("mentor_other_line", "mentor_other_line"), ("team_lead", "not_a_mentor"), ("newcomer", "self_mentor")],
)
def test_enrolment_create_refuses_unfit_mentor(request, team_lead, newcomer, prog, mentor_fixture, code):
    with pytest.raises(MentoringError) as info:
        services.enrolment_create(
            actor=team_lead, learner=newcomer, programme=prog, mentor=request.getfixturevalue(mentor_fixture)
        )
    assert info.value.code == code
    assert not Enrolment.objects.exists()


def test_enrolment_create_refuses_team_lead_of_another_line(other_team_lead, newcomer, mentor, prog):
    with pytest.raises(MentoringError) as info:
        services.enrolment_create(actor=other_team_lead, learner=newcomer, programme=prog, mentor=mentor)
    assert info.value.code == "not_your_person"
    assert not Enrolment.objects.exists()


def test_enrolment_create_refuses_a_second_active_path_in_the_programme(team_lead, newcomer, mentor, prog):
    services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    with pytest.raises(MentoringError) as info:
        services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    assert info.value.code == "already_enrolled"
    assert Enrolment.objects.count() == 1


def test_database_refuses_two_active_paths_in_one_programme(team_lead, newcomer, mentor, prog):
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            learner=newcomer, programme=prog, kind=enrolment.kind, stage_started_at=now, created_at=now
        )


def test_database_refuses_a_mentor_who_is_the_learner(newcomer, prog):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            learner=newcomer, mentor=newcomer, programme=prog, stage_started_at=now, created_at=now
        )


def test_onboarding_refuses_a_list_of_lessons(team_lead, newcomer, mentor, prog):
    lesson = LessonPage.objects.descendant_of(prog).first()
    with pytest.raises(MentoringError) as info:
        services.enrolment_create(
            actor=team_lead, learner=newcomer, programme=prog, mentor=mentor, lessons=[lesson]
        )
    assert info.value.code == "lessons_only_for_refresher"
    assert not Enrolment.objects.exists()


# --- study ------------------------------------------------------------------------------------


def test_study_completes_by_itself_when_the_last_required_lesson_is_studied(
    team_lead, newcomer, mentor, line, django_capture_on_commit_callbacks
):
    prog = programme(line=line, lessons=2, optional_lessons=1)
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    required = list(LessonPage.objects.descendant_of(prog).filter(required=True))
    with django_capture_on_commit_callbacks(execute=True):
        LessonProgress.objects.create(user=newcomer, lesson=required[0], studied_at=timezone.now())
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.STUDY
    with django_capture_on_commit_callbacks(execute=True):
        LessonProgress.objects.create(user=newcomer, lesson=required[1], studied_at=timezone.now())
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.JOINT_REVIEW
    assert stage_of(enrolment, Stage.STUDY).status == StageProgress.Status.DONE
    assert "mentoring.stage.complete" in actions(enrolment)


def test_study_already_done_before_enrolment_completes_at_once(team_lead, newcomer, mentor, prog):
    study_all(newcomer, prog)
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    assert enrolment.current_stage == Stage.JOINT_REVIEW


def test_study_stage_cannot_be_signed_off_by_a_person(team_lead, newcomer, mentor, prog):
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    refused(
        "auto_stage",
        services.stage_sign_off,
        enrolment,
        actor=mentor,
        stage=stage_of(enrolment, Stage.STUDY),
    )


# --- sign-off rules ---------------------------------------------------------------------------


@pytest.fixture
def in_review(team_lead, newcomer, mentor, prog):
    return enrolment_at(Stage.JOINT_REVIEW, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)


def test_skipping_a_stage_is_refused(in_review, mentor):
    error = refused(
        "not_reached",
        services.stage_sign_off,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.OBSERVATION),
    )
    assert "stages are signed off in order" in error.message


def test_joint_review_needs_every_key_point(in_review, mentor):
    error = refused(
        "requirements_unmet",
        services.stage_sign_off,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    assert "0 of 4 key points are covered" in error.message


def test_joint_review_needs_the_newcomers_questions_answered(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    services.review_question_ask(
        actor=newcomer, enrolment=in_review, question="May I reset a password by phone?"
    )
    error = refused(
        "requirements_unmet",
        services.stage_sign_off,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    assert "1 question of the newcomer is not answered yet" in error.message


def test_mentor_signs_off_and_the_next_stage_opens(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    sign_off = services.stage_sign_off(
        actor=mentor, stage=stage_of(in_review, Stage.JOINT_REVIEW), note="Good"
    )
    in_review.refresh_from_db()
    assert sign_off.signed_by == mentor
    assert in_review.current_stage == Stage.OBSERVATION
    assert stage_of(in_review, Stage.OBSERVATION).status == StageProgress.Status.OPEN
    assert actions(in_review)[-1] == "mentoring.stage.sign_off"


def test_sign_off_emails_the_newcomer(in_review, newcomer, mentor, django_capture_on_commit_callbacks):
    tick_all(in_review, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        services.stage_sign_off(actor=mentor, stage=stage_of(in_review, Stage.JOINT_REVIEW))
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    assert "Signed off: Joint review" in mail.outbox[0].subject


def test_double_sign_off_is_refused(in_review, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off(actor=mentor, stage=stage)
    error = refused("already_signed_off", services.stage_sign_off, in_review, actor=mentor, stage=stage)
    assert error.message == "This stage is already signed off."
    assert StageSignOff.objects.filter(stage=stage).count() == 1


def test_a_second_mentor_gets_a_clear_message(in_review, mentor, team_lead):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off(actor=mentor, stage=stage)
    refused("already_signed_off", services.stage_sign_off, in_review, actor=team_lead, stage=stage)


def test_wrong_mentor_cannot_sign_off(in_review, mentor, mentor_b):
    tick_all(in_review, mentor)
    error = refused(
        "not_mentor",
        services.stage_sign_off,
        in_review,
        actor=mentor_b,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    assert "Only the assigned mentor or a team lead" in error.message


def test_mentor_of_another_line_cannot_sign_off(in_review, mentor, mentor_other_line):
    tick_all(in_review, mentor)
    refused(
        "not_mentor",
        services.stage_sign_off,
        in_review,
        actor=mentor_other_line,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )


def test_team_lead_of_another_line_cannot_sign_off(in_review, mentor, other_team_lead):
    tick_all(in_review, mentor)
    refused(
        "not_mentor",
        services.stage_sign_off,
        in_review,
        actor=other_team_lead,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )


def test_team_lead_of_the_newcomers_line_can_sign_off(in_review, mentor, team_lead):
    tick_all(in_review, mentor)
    services.stage_sign_off(actor=team_lead, stage=stage_of(in_review, Stage.JOINT_REVIEW))
    in_review.refresh_from_db()
    assert in_review.current_stage == Stage.OBSERVATION


def test_nobody_signs_off_their_own_training(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    error = refused(
        "self_sign_off",
        services.stage_sign_off,
        in_review,
        actor=newcomer,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    assert error.message == "Nobody signs off their own training."


def test_a_team_lead_in_training_cannot_sign_off_their_own_stage(line, mentor, prog):
    lead_a = person(username="lead_a", roles=[Role.TEAM_LEAD, Role.AGENT], line=line, leads=[line])
    lead_b = person(username="lead_b", roles=[Role.TEAM_LEAD], line=line, leads=[line])
    enrolment = enrolment_at(Stage.JOINT_REVIEW, lead=lead_b, learner=lead_a, mentor=mentor, prog=prog)
    tick_all(enrolment, mentor)
    refused(
        "self_sign_off",
        services.stage_sign_off,
        enrolment,
        actor=lead_a,
        stage=stage_of(enrolment, Stage.JOINT_REVIEW),
    )


def test_database_refuses_a_self_sign_off(in_review, newcomer):
    with pytest.raises(IntegrityError), transaction.atomic():
        StageSignOff.objects.create(
            stage=stage_of(in_review, Stage.JOINT_REVIEW),
            learner=newcomer,
            signed_by=newcomer,
            signed_at=timezone.now(),
        )


def test_database_refuses_a_second_live_sign_off(in_review, newcomer, mentor, team_lead):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off(actor=mentor, stage=stage)
    with pytest.raises(IntegrityError), transaction.atomic():
        StageSignOff.objects.create(
            stage=stage, learner=newcomer, signed_by=team_lead, signed_at=timezone.now()
        )


def test_closed_path_refuses_sign_off(in_review, mentor, team_lead):
    tick_all(in_review, mentor)
    services.enrolment_cancel(actor=team_lead, enrolment=in_review, reason="Moved to another company")
    refused(
        "not_active",
        services.stage_sign_off,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )


# --- requests and sending back ----------------------------------------------------------------


def test_newcomer_asks_and_the_mentor_is_emailed(
    in_review, newcomer, mentor, django_capture_on_commit_callbacks
):
    tick_all(in_review, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.stage_sign_off_request(
            actor=newcomer, stage=stage_of(in_review, Stage.JOINT_REVIEW), note="All done"
        )
    assert request.status == SignOffRequest.Status.OPEN
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert "asks you to sign off: Joint review" in mail.outbox[0].subject


def test_asking_before_the_work_is_done_is_refused(in_review, newcomer):
    error = refused(
        "requirements_unmet",
        services.stage_sign_off_request,
        in_review,
        actor=newcomer,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    assert error.message.startswith("Not yet: 0 of 4 key points are covered")


def test_asking_twice_is_refused(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    refused("already_requested", services.stage_sign_off_request, in_review, actor=newcomer, stage=stage)


def test_only_the_newcomer_asks(in_review, mentor):
    tick_all(in_review, mentor)
    refused(
        "not_learner",
        services.stage_sign_off_request,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )


def test_asking_for_a_later_stage_is_refused(in_review, newcomer):
    refused(
        "not_reached",
        services.stage_sign_off_request,
        in_review,
        actor=newcomer,
        stage=stage_of(in_review, Stage.SUPERVISED),
    )


def test_send_back_needs_a_comment(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    refused("comment_required", services.stage_send_back, in_review, actor=mentor, stage=stage, comment="  ")


def test_send_back_without_a_request_is_refused(in_review, mentor):
    refused(
        "no_request",
        services.stage_send_back,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
        comment="Not yet",
    )


def test_send_back_keeps_the_comment_and_emails_the_newcomer(
    in_review, newcomer, mentor, django_capture_on_commit_callbacks
):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    with django_capture_on_commit_callbacks(execute=True):
        services.stage_send_back(actor=mentor, stage=stage, comment="Go over escalations again")
    request = SignOffRequest.objects.get(stage=stage)
    assert (request.status, request.comment, request.resolved_by) == (
        "sent_back",
        "Go over escalations again",
        mentor,
    )
    assert mail.outbox[-1].to == [newcomer.email]
    assert "Go over escalations again" in mail.outbox[-1].body
    in_review.refresh_from_db()
    assert in_review.current_stage == Stage.JOINT_REVIEW
    # The newcomer may ask again after a send-back.
    services.stage_sign_off_request(actor=newcomer, stage=stage)


def test_newcomer_cannot_send_back(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    refused("self_sign_off", services.stage_send_back, in_review, actor=newcomer, stage=stage, comment="x")


def test_sign_off_accepts_the_open_request(in_review, newcomer, mentor):
    tick_all(in_review, mentor)
    stage = stage_of(in_review, Stage.JOINT_REVIEW)
    services.stage_sign_off_request(actor=newcomer, stage=stage)
    services.stage_sign_off(actor=mentor, stage=stage)
    assert SignOffRequest.objects.get(stage=stage).status == SignOffRequest.Status.ACCEPTED


# --- withdrawal -------------------------------------------------------------------------------


@pytest.fixture
def in_supervised(team_lead, newcomer, mentor, prog):
    return enrolment_at(Stage.SUPERVISED, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)


def test_team_lead_withdraws_with_a_reason_and_later_stages_reset(in_supervised, team_lead):
    review = stage_of(in_supervised, Stage.JOINT_REVIEW)
    sign_off = services.stage_withdraw(actor=team_lead, stage=review, reason="Points were not really covered")
    in_supervised.refresh_from_db()
    assert in_supervised.current_stage == Stage.JOINT_REVIEW
    statuses = dict(in_supervised.stages.values_list("stage", "status"))
    assert statuses == {
        Stage.STUDY: "done",
        Stage.JOINT_REVIEW: "open",
        Stage.OBSERVATION: "pending",
        Stage.SUPERVISED: "pending",
        Stage.CERTIFICATION: "pending",
    }
    # Nothing is deleted: both sign-offs are still there, marked withdrawn with who and why.
    rows = StageSignOff.objects.filter(stage__enrolment=in_supervised)
    assert rows.count() == 2
    assert all(r.withdrawn_by == team_lead and r.withdraw_reason for r in rows)
    assert sign_off.withdrawn_at is not None
    entry = ModelLogEntry.objects.for_instance(in_supervised).order_by("-pk").first()
    assert entry.action == "mentoring.stage.withdraw"
    assert entry.data["reason"] == "Points were not really covered"
    assert entry.data["reset"] == [Stage.OBSERVATION, Stage.SUPERVISED]


def test_withdrawing_without_a_reason_is_refused(in_supervised, team_lead):
    error = refused(
        "reason_required",
        services.stage_withdraw,
        in_supervised,
        actor=team_lead,
        stage=stage_of(in_supervised, Stage.OBSERVATION),
        reason=" ",
    )
    assert error.message == "Give a reason for withdrawing the sign-off."


def test_a_mentor_cannot_withdraw(in_supervised, mentor):
    refused(
        "not_team_lead",
        services.stage_withdraw,
        in_supervised,
        actor=mentor,
        stage=stage_of(in_supervised, Stage.OBSERVATION),
        reason="Mistake",
    )


def test_a_team_lead_of_another_line_cannot_withdraw(in_supervised, other_team_lead):
    refused(
        "not_team_lead",
        services.stage_withdraw,
        in_supervised,
        actor=other_team_lead,
        stage=stage_of(in_supervised, Stage.OBSERVATION),
        reason="Mistake",
    )


def test_withdrawing_an_open_stage_is_refused(in_supervised, team_lead):
    refused(
        "not_signed_off",
        services.stage_withdraw,
        in_supervised,
        actor=team_lead,
        stage=stage_of(in_supervised, Stage.SUPERVISED),
        reason="Mistake",
    )


def test_after_withdrawal_the_stage_signs_off_again(in_supervised, team_lead, mentor):
    stage = stage_of(in_supervised, Stage.OBSERVATION)
    services.stage_withdraw(actor=team_lead, stage=stage, reason="Recheck the hours")
    services.stage_sign_off(actor=mentor, stage=stage)
    assert StageSignOff.objects.filter(stage=stage, withdrawn_at__isnull=True).count() == 1
    assert StageSignOff.objects.filter(stage=stage).count() == 2


# --- joint review -----------------------------------------------------------------------------


def test_tick_records_the_note_and_can_be_taken_back(in_review, mentor):
    point = selectors.enrolment_key_points(in_review)[0]
    services.review_point_tick(actor=mentor, enrolment=in_review, key=point.key, note="On a live request")
    record = ReviewPoint.objects.get(enrolment=in_review, key=point.key)
    assert (record.ticked, record.note, record.point) == (True, "On a live request", point.point)
    services.review_point_tick(actor=mentor, enrolment=in_review, key=point.key, ticked=False)
    record.refresh_from_db()
    assert record.ticked is False
    assert actions(in_review)[-2:] == ["mentoring.point.tick", "mentoring.point.untick"]


def test_tick_of_an_unknown_point_is_refused(in_review, mentor):
    refused(
        "unknown_point", services.review_point_tick, in_review, actor=mentor, enrolment=in_review, key="x:y"
    )


def test_the_newcomer_cannot_tick(in_review, newcomer):
    key = selectors.enrolment_key_points(in_review)[0].key
    refused(
        "self_sign_off", services.review_point_tick, in_review, actor=newcomer, enrolment=in_review, key=key
    )


def test_ticking_outside_the_joint_review_is_refused(team_lead, newcomer, mentor, prog):
    enrolment = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    key = selectors.enrolment_key_points(enrolment)[0].key
    refused("wrong_stage", services.review_point_tick, enrolment, actor=mentor, enrolment=enrolment, key=key)


def test_question_and_answer(in_review, newcomer, mentor):
    question = services.review_question_ask(actor=newcomer, enrolment=in_review, question="Why?")
    services.review_question_answer(actor=mentor, question=question, answer="Because.")
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Because.", mentor)
    refused(
        "already_answered",
        services.review_question_answer,
        in_review,
        actor=mentor,
        question=question,
        answer="x",
    )


def test_empty_question_is_refused(in_review, newcomer):
    refused(
        "question_required",
        services.review_question_ask,
        in_review,
        actor=newcomer,
        enrolment=in_review,
        question=" ",
    )


# --- observation ------------------------------------------------------------------------------


@pytest.fixture
def in_observation(team_lead, newcomer, mentor, prog):
    return enrolment_at(Stage.OBSERVATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)


def test_observation_sign_off_needs_confirmed_hours(in_observation, newcomer, mentor):
    entry = log_observation(in_observation, newcomer, days_ago=2)
    log_observation(in_observation, newcomer, days_ago=1)
    services.observation_confirm(actor=mentor, entry=entry)
    stage = stage_of(in_observation, Stage.OBSERVATION)
    error = refused("requirements_unmet", services.stage_sign_off, in_observation, actor=mentor, stage=stage)
    assert "6 of 12 observation hours are confirmed" in error.message
    services.observation_confirm(actor=mentor, entry=ObservationEntry.objects.exclude(pk=entry.pk).get())
    services.stage_sign_off(actor=mentor, stage=stage)
    in_observation.refresh_from_db()
    assert in_observation.current_stage == Stage.SUPERVISED


def test_only_the_newcomer_logs_observation(in_observation, mentor):
    refused(
        "not_learner",
        services.observation_log,
        in_observation,
        actor=mentor,
        enrolment=in_observation,
        date=timezone.localdate(),
        shift=Shift.DAY,
        hours=6,
        requests_observed=3,
    )


@pytest.mark.parametrize(
    ("days_ahead", "hours", "code"),
    [(1, 6, "future_date"), (0, 0, "bad_hours"), (0, 13, "bad_hours"), (0, "six", "bad_hours")],
)
def test_bad_observation_entries_are_refused(in_observation, newcomer, days_ahead, hours, code):
    refused(
        code,
        services.observation_log,
        in_observation,
        actor=newcomer,
        enrolment=in_observation,
        date=timezone.localdate() + datetime.timedelta(days=days_ahead),
        shift=Shift.DAY,
        hours=hours,
        requests_observed=3,
    )


def test_the_same_shift_is_logged_once(in_observation, newcomer):
    entry = log_observation(in_observation, newcomer, days_ago=1)
    refused(
        "duplicate_entry",
        services.observation_log,
        in_observation,
        actor=newcomer,
        enrolment=in_observation,
        date=entry.date,
        shift=entry.shift,
        hours=3,
        requests_observed=1,
    )


def test_newcomer_cannot_confirm_their_own_session(in_observation, newcomer):
    entry = log_observation(in_observation, newcomer)
    refused("self_sign_off", services.observation_confirm, in_observation, actor=newcomer, entry=entry)


def test_confirming_twice_is_refused(in_observation, newcomer, mentor):
    entry = log_observation(in_observation, newcomer)
    services.observation_confirm(actor=mentor, entry=entry)
    refused("already_confirmed", services.observation_confirm, in_observation, actor=mentor, entry=entry)


def test_logging_observation_in_another_stage_is_refused(in_review, newcomer):
    refused(
        "wrong_stage",
        services.observation_log,
        in_review,
        actor=newcomer,
        enrolment=in_review,
        date=timezone.localdate(),
        shift=Shift.DAY,
        hours=6,
        requests_observed=3,
    )


# --- supervised work --------------------------------------------------------------------------


def test_supervised_figures_use_the_last_shifts_only(in_supervised, mentor):
    # The rules of the test programme: 20 requests, at most 10 % corrected over the last 2 shifts.
    record_shift(in_supervised, mentor, days_ago=3, handled=10, corrected=5)
    record_shift(in_supervised, mentor, days_ago=2, handled=10, corrected=1)
    record_shift(in_supervised, mentor, days_ago=1, handled=10, corrected=1)
    figures = selectors.supervised_figures(in_supervised, in_supervised.supervised_shifts.all())
    assert (figures.handled, figures.window_handled, figures.window_corrected) == (30, 20, 2)
    assert figures.rate == Decimal("10.0")
    assert figures.met
    services.stage_sign_off(actor=mentor, stage=stage_of(in_supervised, Stage.SUPERVISED))


def test_supervised_sign_off_refused_over_the_correction_rate(in_supervised, mentor):
    record_shift(in_supervised, mentor, days_ago=2, handled=15, corrected=2)
    record_shift(in_supervised, mentor, days_ago=1, handled=15, corrected=2)
    error = refused(
        "requirements_unmet",
        services.stage_sign_off,
        in_supervised,
        actor=mentor,
        stage=stage_of(in_supervised, Stage.SUPERVISED),
    )
    assert "correction rate over the last 2 shifts is 13.3 %; it must be at most 10 %" in error.message


def test_supervised_sign_off_refused_under_the_minimum_requests(in_supervised, mentor):
    record_shift(in_supervised, mentor, days_ago=1, handled=10, corrected=0)
    error = refused(
        "requirements_unmet",
        services.stage_sign_off,
        in_supervised,
        actor=mentor,
        stage=stage_of(in_supervised, Stage.SUPERVISED),
    )
    assert "10 of 20 supervised requests are handled" in error.message


def test_more_corrections_than_requests_is_refused(in_supervised, mentor):
    Enrolment.objects.filter(pk=in_supervised.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=9)
    )
    refused(
        "bad_corrections",
        services.supervised_shift_record,
        in_supervised,
        actor=mentor,
        enrolment=in_supervised,
        date=timezone.localdate(),
        shift=Shift.DAY,
        requests_handled=5,
        requests_corrected=6,
    )


def test_database_refuses_more_corrections_than_requests(in_supervised, mentor):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisedShift.objects.create(
            enrolment=in_supervised,
            date=timezone.localdate(),
            shift=Shift.DAY,
            requests_handled=5,
            requests_corrected=6,
            recorded_by=mentor,
            recorded_at=timezone.now(),
        )


def test_newcomer_cannot_record_their_own_supervised_shift(in_supervised, newcomer):
    refused(
        "self_sign_off",
        services.supervised_shift_record,
        in_supervised,
        actor=newcomer,
        enrolment=in_supervised,
        date=timezone.localdate(),
        shift=Shift.DAY,
        requests_handled=5,
        requests_corrected=0,
    )


# --- certification ----------------------------------------------------------------------------


def test_enrolment_certify_completes_only_after_every_earlier_stage(team_lead, newcomer, mentor, prog):
    enrolment = enrolment_at(Stage.SUPERVISED, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    assert services.enrolment_certify(user=newcomer, programme=prog) is None
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.SUPERVISED
    assert stage_of(enrolment, Stage.CERTIFICATION).status == "pending"


def test_enrolment_certify_completes_the_path_once(
    team_lead, newcomer, mentor, prog, django_capture_on_commit_callbacks
):
    enrolment = enrolment_at(Stage.CERTIFICATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    received = []
    enrolment_completed.connect(lambda sender, enrolment, **kw: received.append(enrolment.pk), weak=False)
    when = timezone.now() - datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.enrolment_certify(user=newcomer, programme=prog, when=when)
    assert result.pk == enrolment.pk
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_at) == (Enrolment.Status.COMPLETED, when)
    assert received == [enrolment.pk]
    count = ModelLogEntry.objects.for_instance(enrolment).count()
    assert services.enrolment_certify(user=newcomer, programme=prog).pk == enrolment.pk
    assert ModelLogEntry.objects.for_instance(enrolment).count() == count
    assert selectors.mentor_load(mentor_ids=[mentor.pk]) == {mentor.pk: 0}


def test_enrolment_certify_without_enrolment_is_none(newcomer, prog):
    assert services.enrolment_certify(user=newcomer, programme=prog) is None


# --- mentors ----------------------------------------------------------------------------------


def test_reassigning_the_mentor_keeps_history(in_review, team_lead, mentor, mentor_b):
    tick_all(in_review, mentor)
    services.enrolment_mentor_change(actor=team_lead, enrolment=in_review, mentor=mentor_b, reason="Leave")
    in_review.refresh_from_db()
    assert in_review.mentor == mentor_b
    assert ReviewPoint.objects.filter(enrolment=in_review, ticked_by=mentor).count() == 4
    entry = ModelLogEntry.objects.for_instance(in_review).order_by("-pk").first()
    assert entry.action == "mentoring.mentor.change"
    assert entry.data["reason"] == "Leave"
    refused(
        "not_mentor",
        services.stage_sign_off,
        in_review,
        actor=mentor,
        stage=stage_of(in_review, Stage.JOINT_REVIEW),
    )
    services.stage_sign_off(actor=mentor_b, stage=stage_of(in_review, Stage.JOINT_REVIEW))


def test_reassigning_over_capacity_is_refused(in_review, team_lead, line, prog):
    full = person(username="full", roles=[Role.AGENT, Role.MENTOR], line=line, mentor_capacity=1)
    other = person(username="other", roles=[Role.AGENT], line=line)
    services.enrolment_create(actor=team_lead, learner=other, programme=prog, mentor=full)
    error = refused(
        "over_capacity",
        services.enrolment_mentor_change,
        in_review,
        actor=team_lead,
        enrolment=in_review,
        mentor=full,
    )
    assert "capacity of 1" in error.message


def test_only_a_team_lead_reassigns(in_review, mentor, mentor_b):
    refused(
        "not_team_lead",
        services.enrolment_mentor_change,
        in_review,
        actor=mentor,
        enrolment=in_review,
        mentor=mentor_b,
    )


def test_enrolment_for_prefers_the_active_path(team_lead, newcomer, mentor, prog):
    first = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    services.enrolment_cancel(actor=team_lead, enrolment=first, reason="Restart")
    second = services.enrolment_create(actor=team_lead, learner=newcomer, programme=prog, mentor=mentor)
    Enrolment.objects.filter(pk=first.pk).update(created_at=timezone.now() + datetime.timedelta(days=1))
    found = selectors.enrolment_for(user=newcomer, programme=prog)
    assert found.pk == second.pk
    assert found.mentor == mentor


# --- refreshers -------------------------------------------------------------------------------


def test_refresher_studies_its_lessons_again_and_skips_observation(
    team_lead, newcomer, mentor, prog, django_capture_on_commit_callbacks
):
    lesson = LessonPage.objects.descendant_of(prog).order_by("path").first()
    LessonProgress.objects.create(
        user=newcomer, lesson=lesson, studied_at=timezone.now() - datetime.timedelta(days=200)
    )
    enrolment = services.enrolment_create(
        actor=team_lead,
        learner=newcomer,
        programme=prog,
        mentor=mentor,
        kind=Enrolment.Kind.REFRESHER,
        lessons=[lesson],
    )
    assert [s.stage for s in enrolment.stages.order_by("position")] == [
        Stage.STUDY,
        Stage.JOINT_REVIEW,
        Stage.SUPERVISED,
    ]
    # Studied long ago does not count: the refresher is about what changed since.
    assert enrolment.current_stage == Stage.STUDY
    with django_capture_on_commit_callbacks(execute=True):
        LessonProgress.objects.filter(user=newcomer, lesson=lesson).update(studied_at=timezone.now())
        services.learner_study_sync(user=newcomer)
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.JOINT_REVIEW
    points = selectors.enrolment_key_points(enrolment)
    assert [p.lesson.pk for p in points] == [lesson.pk, lesson.pk]
    tick_all(enrolment, mentor)
    services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.JOINT_REVIEW))
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.SUPERVISED
    record_shift(enrolment, mentor, days_ago=2, handled=10, corrected=1)
    record_shift(enrolment, mentor, days_ago=1, handled=10, corrected=0)
    services.stage_sign_off(actor=mentor, stage=stage_of(enrolment, Stage.SUPERVISED))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert services.enrolment_certify(user=newcomer, programme=prog) is None
