"""Who is due for a rotation, worked out in SQL: the same answers as the rule it replaced, which read
every agent's rotations into Python (kept below as `reference_status`)."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from rotation import selectors
from rotation.models import Rotation
from tests.factories import person
from trainingsite.models import Line, Profile
from trainingsite.roles import Role

User = get_user_model()
TODAY = datetime.date(2027, 3, 10)
ELIGIBLE = 182  # the defaults of rotation.conf
OVERDUE = 60


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def reference_status(profile: Profile, today: datetime.date) -> str:
    """The previous Python rule, verbatim in substance: since = the later of joining the line (or
    being hired) and the end of the last done or running rotation; a planned or running rotation
    ending today or later makes the agent "planned"."""
    rotations = list(Rotation.objects.filter(agent_id=profile.user_id))
    ends = [r.ends_on for r in rotations if r.status in (Rotation.Status.DONE, Rotation.Status.IN_PROGRESS)]
    last = max(ends) if ends else None
    upcoming = [
        r
        for r in rotations
        if r.status in (Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS) and r.ends_on >= today
    ]
    eligible_on = selectors.eligible_from(
        line_joined_on=profile.line_joined_on or profile.hire_date, last_rotation_end=last
    )
    if upcoming:
        return "planned"
    if eligible_on is None:
        return "unknown"
    if eligible_on > today:
        return "not_yet"
    if (today - eligible_on).days > OVERDUE:
        return "overdue"
    return "due"


@pytest.fixture
def mentor(other_line):
    return person(username="host", roles=[Role.AGENT, Role.MENTOR], line=other_line)


@pytest.fixture
def rotate(line, other_line, mentor, team_lead):
    def make(agent, *, first: datetime.date, last: datetime.date, status=Rotation.Status.DONE) -> Rotation:
        return Rotation.objects.create(
            agent=agent,
            home_line=line,
            host_line=other_line,
            host_mentor=mentor,
            starts_on=first,
            ends_on=last,
            status=status,
            cancel_reason="Ill" if status == Rotation.Status.CANCELLED else "",
            created_by=team_lead,
        )

    return make


@pytest.fixture
def agents(line, rotate) -> dict[str, User]:
    """One agent per edge case, named for what the SQL must say about them."""

    def agent(name: str, joined: datetime.date, **kwargs) -> User:
        return person(username=name, roles=[Role.AGENT], line=line, hire_date=joined, **kwargs)

    made = {
        "never_rotated_due": agent("never_rotated_due", days_ago(ELIGIBLE + 10)),
        "never_rotated_overdue": agent("never_rotated_overdue", days_ago(ELIGIBLE + OVERDUE + 1)),
        "joined_exactly_at_threshold": agent("joined_exactly_at_threshold", days_ago(ELIGIBLE)),
        "one_day_short": agent("one_day_short", days_ago(ELIGIBLE - 1)),
        "due_on_last_day_before_overdue": agent(
            "due_on_last_day_before_overdue", days_ago(ELIGIBLE + OVERDUE)
        ),
        "rotated_exactly_at_threshold": agent("rotated_exactly_at_threshold", days_ago(2000)),
        "rotated_recently": agent("rotated_recently", days_ago(2000)),
        "planned_in_future": agent("planned_in_future", days_ago(2000)),
        "in_progress": agent("in_progress", days_ago(2000)),
        "planned_but_past": agent("planned_but_past", days_ago(ELIGIBLE + 5)),
        "cancelled_ignored": agent("cancelled_ignored", days_ago(ELIGIBLE + OVERDUE + 30)),
        "rotation_older_than_joining": agent("rotation_older_than_joining", days_ago(30)),
        "no_dates": agent("no_dates", days_ago(1)),
    }
    Profile.objects.filter(user=made["no_dates"]).update(hire_date=None, line_joined_on=None)
    # The last rotation ended exactly `ELIGIBLE` days ago: eligible from today, so due (0 days).
    rotate(made["rotated_exactly_at_threshold"], first=days_ago(ELIGIBLE + 4), last=days_ago(ELIGIBLE))
    rotate(made["rotated_recently"], first=days_ago(500), last=days_ago(496))
    rotate(made["rotated_recently"], first=days_ago(20), last=days_ago(16))
    rotate(
        made["planned_in_future"],
        first=TODAY + datetime.timedelta(days=14),
        last=TODAY + datetime.timedelta(days=18),
        status=Rotation.Status.PLANNED,
    )
    rotate(
        made["in_progress"],
        first=days_ago(1),
        last=TODAY + datetime.timedelta(days=3),
        status=Rotation.Status.IN_PROGRESS,
    )
    rotate(made["planned_but_past"], first=days_ago(10), last=days_ago(6), status=Rotation.Status.PLANNED)
    rotate(made["cancelled_ignored"], first=days_ago(10), last=days_ago(6), status=Rotation.Status.CANCELLED)
    rotate(made["rotation_older_than_joining"], first=days_ago(400), last=days_ago(396))
    return made


EXPECTED = {
    "never_rotated_due": "due",
    "never_rotated_overdue": "overdue",
    "joined_exactly_at_threshold": "due",
    "one_day_short": "not_yet",
    "due_on_last_day_before_overdue": "due",
    "rotated_exactly_at_threshold": "due",
    "rotated_recently": "not_yet",
    "planned_in_future": "planned",
    "in_progress": "planned",
    "planned_but_past": "due",
    "cancelled_ignored": "overdue",
    "rotation_older_than_joining": "not_yet",
    "no_dates": "unknown",
}


def test_sql_due_status_of_each_edge_case(agents, line):
    due = {a.profile.user.username: a for a in selectors.agents_due(lines=[line], today=TODAY)}

    assert {name: due[name].status for name in agents} == EXPECTED
    assert due["rotated_exactly_at_threshold"].eligible_on == TODAY
    assert due["rotated_exactly_at_threshold"].days_overdue == 0
    assert due["due_on_last_day_before_overdue"].days_overdue == OVERDUE
    assert due["never_rotated_due"].never_rotated
    assert not due["rotated_recently"].never_rotated
    assert due["rotated_recently"].last_rotation_end == days_ago(16)
    assert due["cancelled_ignored"].never_rotated  # a cancelled rotation is not a rotation done
    assert due["planned_in_future"].next_rotation.starts_on == TODAY + datetime.timedelta(days=14)
    assert due["no_dates"].eligible_on is None


def test_sql_due_status_matches_the_python_rule(agents, line):
    for today in (TODAY, TODAY + datetime.timedelta(days=1), TODAY + datetime.timedelta(days=200)):
        for a in selectors.agents_due(lines=[line], today=today):
            assert a.status == reference_status(a.profile, today), (a.profile.user.username, today)


def test_inactive_agents_and_people_without_the_agent_role_are_not_listed(agents, line, team_lead):
    User.objects.filter(pk=agents["never_rotated_overdue"].pk).update(is_active=False)
    person(username="only_mentor", roles=[Role.MENTOR], line=line, hire_date=days_ago(1000))
    other = person(username="other_line", roles=[Role.AGENT], line=Line.objects.exclude(pk=line.pk).first())

    names = {a.profile.user.username for a in selectors.agents_due(lines=[line], today=TODAY)}

    assert names == set(agents) - {"never_rotated_overdue"}
    assert other.username not in names
    counts, _never = selectors.due_counts(lines=[line], today=TODAY)
    assert counts["overdue"] == 1  # only cancelled_ignored is left


def test_most_pressing_first_then_longest_eligible(agents, line):
    order = [a.profile.user.username for a in selectors.agents_due(lines=[line], today=TODAY)]
    statuses = [EXPECTED[name] for name in order]

    assert statuses == sorted(statuses, key=selectors.DUE_STATUSES.index)
    assert order.index("cancelled_ignored") < order.index("never_rotated_overdue")  # eligible earlier
    assert order[-1] == "no_dates"


def test_due_counts_agree_with_the_rows(agents, line):
    counts, never = selectors.due_counts(lines=[line], today=TODAY)
    rows = selectors.agents_due(lines=[line], today=TODAY)

    assert counts == {s: sum(1 for a in rows if a.status == s) for s in selectors.DUE_STATUSES}
    assert never == sum(1 for a in rows if a.never_rotated and a.status in ("due", "overdue"))
    assert never == 6
