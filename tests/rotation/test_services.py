"""Every rotation is checked before it is saved; each refusal names the exact shifts and numbers."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from rotation import services
from rotation.models import Demand, RosterEntry, Rotation
from tests.factories import demand_for_minimum, person
from trainingsite.roles import Role

from .conftest import FRIDAY, MONDAY


def plan(actor, agent, host_mentor, group, first=MONDAY, last=FRIDAY, **kwargs):
    return services.rotation_create(
        actor=actor,
        agent=agent,
        host_line=group.line,
        host_group=group,
        host_mentor=host_mentor,
        starts_on=first,
        ends_on=last,
        **kwargs,
    )


def test_rotation_within_coverage_is_saved_and_audited(team_lead, crew, host_mentor, group):
    rotation = plan(team_lead, crew[0], host_mentor, group, goals="See the second line's queue")
    assert rotation.status == Rotation.Status.PLANNED
    assert rotation.home_line == crew[0].profile.line
    entry = ModelLogEntry.objects.for_instance(rotation).get()
    assert entry.action == "rotation.rotation.create"
    assert entry.user == team_lead


def test_coverage_refusal_names_each_shift_and_its_numbers(team_lead, crew, host_mentor, group, line):
    plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, crew[1], host_mentor, group)
    assert exc.value.code == "coverage"
    assert exc.value.overridable
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 5  # Monday to Friday mornings
    assert messages[0] == (
        "First line, Mon 01.03.2027 09:00-15:00: 2 of 4 rostered would remain, below the minimum of 3."
    )
    assert Rotation.objects.filter(agent=crew[1]).count() == 0


def test_coverage_counts_only_the_shifts_the_rotation_touches(team_lead, crew, host_mentor, group):
    plan(team_lead, crew[0], host_mentor, group)
    # The week after is free again.
    rotation = plan(
        team_lead,
        crew[1],
        host_mentor,
        group,
        MONDAY + datetime.timedelta(days=7),
        FRIDAY + datetime.timedelta(days=7),
    )
    assert rotation.pk


def test_team_lead_may_override_coverage_with_a_written_reason(team_lead, crew, host_mentor, group):
    plan(team_lead, crew[0], host_mentor, group)
    rotation = plan(
        team_lead, crew[1], host_mentor, group, override_reason="  Quiet week after the release  "
    )
    assert rotation.override_reason == "Quiet week after the release"
    override = ModelLogEntry.objects.for_instance(rotation).get(action="rotation.rotation.override")
    assert override.data["reason"] == "Quiet week after the release"
    assert len(override.data["problems"]) == 5


def test_blank_override_reason_does_not_count(team_lead, crew, host_mentor, group):
    plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationRefused):
        plan(team_lead, crew[1], host_mentor, group, override_reason="   ")
    assert Rotation.objects.count() == 1


def test_agent_already_away_is_refused_even_with_a_reason(team_lead, crew, host_mentor, group):
    plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationRefused) as exc:
        plan(
            team_lead,
            crew[0],
            host_mentor,
            group,
            MONDAY + datetime.timedelta(days=3),
            FRIDAY + datetime.timedelta(days=3),
            override_reason="please",
        )
    assert exc.value.code == "overlap"
    assert not exc.value.overridable
    assert exc.value.problems[0].message.endswith(
        "is already away from Mon 01.03.2027 to Fri 05.03.2027 (rotation to Second line: Access recovery)."
    )
    assert Rotation.objects.count() == 1


def test_cancelled_rotation_frees_the_dates(team_lead, crew, host_mentor, group):
    first = plan(team_lead, crew[0], host_mentor, group)
    services.rotation_cancel(actor=team_lead, rotation=first, reason="Sick leave")
    assert plan(team_lead, crew[0], host_mentor, group).pk


def test_mentor_at_capacity_is_refused_with_the_numbers(team_lead, line, shifts, host_mentor, group):
    demand_for_minimum(shifts["morning"], 1)
    agents = [person(username=f"a{i}", roles=[Role.AGENT], line=line) for i in range(3)]
    plan(team_lead, agents[0], host_mentor, group)
    plan(team_lead, agents[1], host_mentor, group)
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, agents[2], host_mentor, group)
    assert exc.value.code == "capacity"
    assert exc.value.problems[0].message.endswith(
        "is at capacity: 0 mentee(s) and 2 rotation guest(s) on these dates, capacity 2."
    )
    assert Rotation.objects.filter(agent=agents[2]).count() == 0


def test_ineligible_agent_is_refused_with_the_date_they_become_eligible(
    team_lead, line, shifts, host_mentor, group
):
    fresh = person(username="fresh", roles=[Role.AGENT], line=line, hire_date=datetime.date(2027, 1, 10))
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, fresh, host_mentor, group)
    assert exc.value.code == "ineligible"
    assert exc.value.problems[0].message.endswith(
        "has been on the line only since 10.01.2027; a rotation is possible from 11.07.2027 (after 182 days)."
    )
    assert not Rotation.objects.exists()


def test_eligibility_counts_from_the_last_rotation(team_lead, line, shifts, host_mentor, group):
    agent = person(username="back", roles=[Role.AGENT], line=line)
    Rotation.objects.create(
        agent=agent,
        home_line=line,
        host_line=group.line,
        host_group=group,
        host_mentor=host_mentor,
        starts_on=datetime.date(2027, 1, 4),
        ends_on=datetime.date(2027, 1, 8),
        status=Rotation.Status.DONE,
        created_by=team_lead,
    )
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, agent, host_mentor, group)
    assert exc.value.code == "ineligible"
    assert "since 08.01.2027" in exc.value.message


def test_team_lead_of_another_line_is_refused_and_nothing_saved(other_team_lead, crew, host_mentor, group):
    with pytest.raises(services.RotationError) as exc:
        plan(other_team_lead, crew[0], host_mentor, group)
    assert exc.value.code == "not_your_line"
    assert exc.value.message == "You can plan rotations only for agents of the lines you lead."
    assert not Rotation.objects.exists()


def test_host_mentor_must_be_a_mentor_of_the_host(team_lead, crew, group, other_line):
    not_mentor = person(username="plain", roles=[Role.AGENT], line=other_line, group=group)
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, crew[0], not_mentor, group, override_reason="anyway")
    assert exc.value.code == "host_mentor"
    assert not exc.value.overridable
    assert not Rotation.objects.exists()


def test_rotation_to_the_agents_own_line_is_refused(team_lead, crew, line):
    home_mentor = person(username="hm", roles=[Role.AGENT, Role.MENTOR], line=line)
    with pytest.raises(services.RotationRefused) as exc:
        services.rotation_create(
            actor=team_lead,
            agent=crew[0],
            host_line=line,
            host_mentor=home_mentor,
            starts_on=MONDAY,
            ends_on=FRIDAY,
        )
    assert exc.value.code == "same_unit"
    assert not Rotation.objects.exists()


def test_holiday_shift_is_covered_by_those_rostered_that_weekday(team_lead, line, shifts, host_mentor, group):
    from rotation.models import Holiday
    from rotation.selectors import coverage

    Holiday.objects.create(date=MONDAY, name="Holiday")
    demand_for_minimum(shifts["weekend"], 2)
    people = [person(username=f"h{i}", roles=[Role.AGENT], line=line) for i in range(2)]
    RosterEntry.objects.create(agent=people[0], weekday=0, shift=shifts["morning"])
    RosterEntry.objects.create(agent=people[1], weekday=0, shift=shifts["evening"])
    cells = coverage(line=line, start=MONDAY, end=MONDAY)
    assert [(c.shift.hours_label, c.rostered, c.minimum) for c in cells] == [("10:00-18:00", 2, 2)]
    with pytest.raises(services.RotationRefused) as exc:
        plan(team_lead, people[0], host_mentor, group, MONDAY, MONDAY)
    assert (
        "Mon 01.03.2027 10:00-18:00: 1 of 2 rostered would remain, below the minimum of 2."
        in exc.value.message
    )


def test_cancel_needs_a_reason(team_lead, crew, host_mentor, group):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationError) as exc:
        services.rotation_cancel(actor=team_lead, rotation=rotation, reason="  ")
    assert exc.value.code == "reason_required"
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.PLANNED


def test_cancel_by_another_line_lead_is_refused(team_lead, other_team_lead, crew, host_mentor, group):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationError) as exc:
        services.rotation_cancel(actor=other_team_lead, rotation=rotation, reason="mine now")
    assert exc.value.code == "not_your_line"
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.PLANNED


def test_host_mentor_signs_off_review_then_supervised_work(team_lead, crew, host_mentor, group):
    rotation = plan(team_lead, crew[0], host_mentor, group)
    with pytest.raises(services.RotationError) as exc:
        services.rotation_start(actor=team_lead, rotation=rotation, today=MONDAY - datetime.timedelta(days=1))
    assert exc.value.code == "too_early"
    services.rotation_start(actor=team_lead, rotation=rotation, today=MONDAY)
    with pytest.raises(services.RotationError) as exc:
        services.rotation_sign_off(actor=host_mentor, rotation=rotation, stage="supervised")
    assert exc.value.code == "review_first"
    with pytest.raises(services.RotationError) as exc:
        services.rotation_sign_off(actor=team_lead, rotation=rotation, stage="review")
    assert exc.value.code == "not_mentor"
    services.rotation_sign_off(
        actor=host_mentor, rotation=rotation, stage="review", note="Went through the changes"
    )
    rotation = services.rotation_sign_off(actor=host_mentor, rotation=rotation, stage="supervised")
    assert rotation.status == Rotation.Status.DONE
    actions = list(
        ModelLogEntry.objects.for_instance(rotation).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "rotation.rotation.create",
        "rotation.rotation.start",
        "rotation.rotation.sign_off_review",
        "rotation.rotation.sign_off_supervised",
    ]


def test_demand_of_another_line_cannot_be_changed(other_team_lead, shifts):
    demand = demand_for_minimum(shifts["morning"], 3)
    with pytest.raises(services.RotationError) as exc:
        services.demand_save(actor=other_team_lead, shift=shifts["morning"], expected_requests=1)
    assert exc.value.code == "not_your_line"
    assert Demand.objects.get(pk=demand.pk).expected_requests == demand.expected_requests


def test_roster_set_replaces_the_week_and_refuses_foreign_people(
    team_lead, line, shifts, agent_of_other_line
):
    agent = person(username="r1", roles=[Role.AGENT], line=line)
    RosterEntry.objects.create(agent=agent, weekday=0, shift=shifts["morning"])
    changed = services.roster_set(
        actor=team_lead,
        line=line,
        entries={(agent.pk, 1, shifts["evening"].pk), (agent.pk, 0, shifts["morning"].pk)},
    )
    assert changed == 1
    with pytest.raises(services.RotationError) as exc:
        services.roster_set(
            actor=team_lead, line=line, entries={(agent_of_other_line.pk, 0, shifts["morning"].pk)}
        )
    assert exc.value.code == "foreign"
    assert RosterEntry.objects.filter(agent=agent).count() == 2
