"""A rotation opens a refresher in mentoring on the host's lessons the agent has not caught up on."""

import pytest
from django.utils import timezone

from courses.models import LessonPage, LessonProgress
from mentoring.models import Enrolment, Stage
from rotation import selectors, services
from rotation.models import Rotation
from tests.factories.mentoring import complete_joint_review, complete_supervised, programme, study_all

from .conftest import FRIDAY, MONDAY


@pytest.fixture
def host_programme(other_line):
    return programme(line=other_line, title="Second line access", lessons=3)


def plan(team_lead, agent, host_mentor, group):
    return services.rotation_create(
        actor=team_lead,
        agent=agent,
        host_line=group.line,
        host_group=group,
        host_mentor=host_mentor,
        starts_on=MONDAY,
        ends_on=FRIDAY,
    )


def test_refresher_holds_only_the_lessons_not_studied_since_they_changed(
    team_lead, crew, host_mentor, group, host_programme
):
    lessons = list(LessonPage.objects.descendant_of(host_programme).order_by("path"))
    LessonProgress.objects.create(user=crew[0], lesson=lessons[0], studied_at=timezone.now())
    rotation = plan(team_lead, crew[0], host_mentor, group)
    assert list(rotation.refresher_lessons.order_by("path")) == lessons[1:]
    enrolment = Enrolment.objects.get(pk=rotation.mentoring_enrolment_id)
    assert enrolment.kind == Enrolment.Kind.REFRESHER
    assert enrolment.mentor == host_mentor
    assert set(enrolment.lessons.all()) == set(lessons[1:])
    assert list(enrolment.stage_sequence) == [Stage.STUDY, Stage.JOINT_REVIEW, Stage.SUPERVISED]


def test_refresher_guest_is_not_counted_twice_against_mentor_capacity(
    team_lead, crew, host_mentor, group, host_programme
):
    plan(team_lead, crew[0], host_mentor, group)
    load = selectors.mentor_loads(mentor_ids=[host_mentor.pk], start=MONDAY, end=FRIDAY)[host_mentor.pk]
    assert (load.mentees, load.guests, load.free) == (0, 1, 1)


def test_mentees_are_counted_by_mentorings_rule_without_the_refreshers(
    team_lead, other_team_lead, crew, host_mentor, group, host_programme
):
    from mentoring import selectors as mentoring_selectors
    from mentoring import services as mentoring_services
    from tests.factories import person
    from trainingsite.roles import Role

    newcomer = person(username="hostnew", roles=[Role.AGENT], line=group.line, group=group)
    mentoring_services.enrolment_create(
        actor=other_team_lead, learner=newcomer, programme=host_programme, mentor=host_mentor
    )
    plan(team_lead, crew[0], host_mentor, group)  # opens a refresher with the same mentor

    assert mentoring_selectors.mentor_load(mentor_ids=[host_mentor.pk]) == {host_mentor.pk: 2}
    load = selectors.mentor_loads(mentor_ids=[host_mentor.pk], start=MONDAY, end=FRIDAY)[host_mentor.pk]
    assert (load.mentees, load.guests, load.free) == (1, 1, 0)


def test_completing_the_refresher_in_mentoring_completes_the_rotation(
    team_lead, crew, host_mentor, group, host_programme, django_capture_on_commit_callbacks
):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    services.rotation_start(actor=team_lead, rotation=rotation, today=MONDAY)
    enrolment = Enrolment.objects.get(pk=rotation.mentoring_enrolment_id)
    from mentoring import services as mentoring_services

    study_all(crew[0], host_programme)
    mentoring_services.enrolment_study_sync(enrolment=enrolment)
    complete_joint_review(enrolment, host_mentor)
    with django_capture_on_commit_callbacks(execute=True):
        complete_supervised(enrolment, host_mentor)
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.DONE
    assert rotation.supervised_signed_off_at is not None


def test_rotation_with_a_mentoring_refresher_is_not_signed_off_twice(
    team_lead, crew, host_mentor, group, host_programme
):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    services.rotation_start(actor=team_lead, rotation=rotation, today=MONDAY)
    with pytest.raises(services.RotationError) as exc:
        services.rotation_sign_off(actor=host_mentor, rotation=rotation, stage="review")
    assert exc.value.code == "in_mentoring"
    rotation.refresh_from_db()
    assert rotation.review_signed_off_at is None


def test_cancelling_the_rotation_cancels_its_refresher(team_lead, crew, host_mentor, group, host_programme):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    services.rotation_cancel(actor=team_lead, rotation=rotation, reason="Release week")
    enrolment = Enrolment.objects.get(pk=rotation.mentoring_enrolment_id)
    assert enrolment.status == Enrolment.Status.CANCELLED
    assert enrolment.cancel_reason == "Release week"


def test_without_a_host_programme_the_rotation_is_signed_off_on_itself(team_lead, crew, host_mentor, group):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    assert rotation.mentoring_enrolment_id is None
    services.rotation_start(actor=team_lead, rotation=rotation, today=MONDAY)
    services.rotation_sign_off(actor=host_mentor, rotation=rotation, stage="review")
    rotation = services.rotation_sign_off(actor=host_mentor, rotation=rotation, stage="supervised")
    assert rotation.status == Rotation.Status.DONE


def test_overridden_capacity_plans_the_rotation_even_when_mentoring_refuses_the_refresher(
    team_lead, other_team_lead, crew, host_mentor, group, host_programme, other_line
):
    from wagtail.models import ModelLogEntry

    from mentoring import services as mentoring_services
    from tests.factories import person
    from trainingsite.roles import Role

    for i in range(2):  # the host mentor's full capacity of mentees
        newcomer = person(username=f"nc{i}", roles=[Role.AGENT], line=other_line, group=group)
        mentoring_services.enrolment_create(
            actor=other_team_lead, learner=newcomer, programme=host_programme, mentor=host_mentor
        )
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, crew[0], host_mentor, group)
    assert exc.value.code == "capacity"
    rotation = services.rotation_create(
        actor=team_lead,
        agent=crew[0],
        host_line=group.line,
        host_group=group,
        host_mentor=host_mentor,
        starts_on=MONDAY,
        ends_on=FRIDAY,
        override_reason="The host mentor asked for this guest",
    )
    assert rotation.mentoring_enrolment_id is None
    assert rotation.refresher_lessons.count() == 3
    refresher = (
        ModelLogEntry.objects.for_instance(rotation).get(action="rotation.rotation.create").data["refresher"]
    )
    assert refresher["lessons"] == 3
    assert "full capacity of 2" in refresher["mentoring"]
