"""Each figure against the values computed by hand in conftest.py; the second line's rows must not
move any of them."""

import datetime

from django.utils import timezone

from reports import selectors
from rotation.models import Rotation
from tests.factories import demand_for_minimum, person, rostered_agents, shift_patterns
from trainingsite.roles import Role


def test_newcomers_in_each_stage(figures, line):
    counts = {c.stage: c.count for c in selectors.stage_counts(lines=[line])}
    assert counts == {"study": 1, "joint_review": 1, "observation": 0, "supervised": 1, "certification": 0}


def test_median_days_per_stage_and_to_certification(figures, line):
    d = selectors.durations(lines=[line])
    medians = {s.stage: (s.median_days, s.completed) for s in d.stages}
    # study 2, 4, 9, 3 and 50 (B's cancelled path: the stage did take that long) -> 4;
    # joint review 1, 2, 3 -> 2; observation 10, 20, 6 -> 10;
    # supervised 5, 7 -> 6; certification 2, 3 -> 2.5; whole path 20, 36 -> 28.
    assert medians == {
        "study": (4.0, 5),
        "joint_review": (2.0, 3),
        "observation": (10.0, 3),
        "supervised": (6.0, 2),
        "certification": (2.5, 2),
    }
    assert (d.to_certification_days, d.certified) == (28.0, 2)


def test_durations_without_data_are_none(line):
    d = selectors.durations(lines=[line])
    assert {s.median_days for s in d.stages} == {None}
    assert (d.to_certification_days, d.certified) == (None, 0)


def test_quiz_pass_rates(figures, line):
    [rate] = selectors.quiz_pass_rates(lines=[line])
    assert (rate.title, rate.attempts, rate.passed, rate.learners, rate.rate) == (
        "First line quiz",
        4,
        2,
        3,
        50.0,
    )


def test_questions_most_often_failed(figures, line):
    rows = [(q.name, q.failed, q.asked, q.rate) for q in selectors.most_failed_questions(lines=[line])]
    # q3 is failed only by the second line's learner: it must not appear.
    assert rows == [("q1", 2, 4, 50.0), ("q2", 1, 4, 25.0)]


def test_certificates_expiring_within_30_60_90_days(figures, line):
    expiring = selectors.certificates_expiring(lines=[line], today=timezone.localdate())
    assert [c.days_left for c in expiring.certificates] == [0, 30, 31, 60, 61, 90]
    assert expiring.within == {30: 2, 60: 4, 90: 6}
    assert expiring.bands == [("0–30", 2), ("31–60", 2), ("61–90", 2)]
    assert "Stranger" not in {c.holder_name for c in expiring.certificates}


def test_the_other_lead_sees_only_their_line(figures, other_line):
    counts = {c.stage: c.count for c in selectors.stage_counts(lines=[other_line])}
    assert counts["joint_review"] == 1
    assert sum(counts.values()) == 1
    [rate] = selectors.quiz_pass_rates(lines=[other_line])
    assert (rate.attempts, rate.passed, rate.learners) == (3, 3, 1)
    assert [(q.name, q.failed) for q in selectors.most_failed_questions(lines=[other_line])] == [("q3", 3)]
    assert [
        c.holder_name
        for c in selectors.certificates_expiring(lines=[other_line], today=timezone.localdate()).certificates
    ] == ["Stranger"]


def test_coverage_weeks_sum_rotations_shifts(line, other_line, team_lead):
    """Morning: minimum 2, three rostered (one away in week 2); evening: minimum 3, two rostered.
    Weekend shifts have no demand, hence no minimum, and are not counted."""
    shifts = shift_patterns(line)
    demand_for_minimum(shifts["morning"], 2)
    demand_for_minimum(shifts["evening"], 3)
    morning = rostered_agents(line, shifts["morning"], 3, prefix="m")
    rostered_agents(line, shifts["evening"], 2, prefix="e")
    # Fixed weeks with no public holiday (a holiday works the weekend shifts instead).
    start = datetime.date(2030, 4, 8)
    host_mentor = person(username="host", roles=[Role.AGENT, Role.MENTOR], line=other_line)
    Rotation.objects.create(
        agent=morning[0],
        home_line=line,
        host_line=other_line,
        host_mentor=host_mentor,
        starts_on=start + datetime.timedelta(days=7),
        ends_on=start + datetime.timedelta(days=11),
        created_by=team_lead,
    )
    weeks = selectors.coverage_weeks(lines=[line], start=start, weeks=2)
    assert [(w.monday, w.shifts, w.above, w.at, w.below, w.tightest) for w in weeks] == [
        (start, 10, 5, 0, 5, -1),
        (start + datetime.timedelta(days=7), 10, 0, 5, 5, -1),
    ]


def test_records_ending_before_they_start_are_left_out_and_counted(line, figures):
    from mentoring.models import Enrolment

    # Like a path certified by a backdated attempt: completed before it was created.
    a = Enrolment.objects.get(learner=figures["people"]["A"], status=Enrolment.Status.COMPLETED)
    a.stages.filter(stage="certification").update(completed_at=a.created_at - datetime.timedelta(days=400))
    Enrolment.objects.filter(pk=a.pk).update(completed_at=a.created_at - datetime.timedelta(days=400))
    d = selectors.durations(lines=[line])
    assert d.inconsistent == 2
    assert (d.to_certification_days, d.certified) == (36.0, 1)
    assert {s.stage: s.median_days for s in d.stages}["certification"] == 3.0
