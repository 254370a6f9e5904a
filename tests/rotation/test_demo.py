"""The rotation demo: meaningful minimums for a ~60-person organisation, idempotent."""

import datetime
from io import StringIO

import pytest
from django.utils import timezone

from rotation import demo as rotation_demo
from rotation import selectors
from rotation.models import Holiday, RosterEntry, Rotation, ShiftPattern
from trainingsite import demo as org_demo
from trainingsite.models import Line


@pytest.fixture
def demo(db):
    out = StringIO()
    org_demo.load(stdout=out)
    rotation_demo.load(stdout=out)
    return out.getvalue()


def test_demo_has_shifts_holidays_and_rotations_in_every_state(demo):
    assert ShiftPattern.objects.filter(line__code="first").count() == 3
    assert Holiday.objects.filter(date__month=1, date__day=1).exists()
    statuses = set(Rotation.objects.values_list("status", flat=True))
    assert {Rotation.Status.DONE, Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS} <= statuses


def test_demo_minimums_leave_the_first_line_room_for_a_few_away(demo):
    first = Line.objects.get(code="first")
    monday = selectors.monday_of(timezone.localdate()) + datetime.timedelta(weeks=6)
    cells = selectors.coverage(line=first, start=monday, end=monday + datetime.timedelta(days=4))
    for cell in (c for c in cells if not c.is_holiday):
        assert cell.minimum > 0
        assert 1 <= cell.rostered - cell.minimum <= 4, cell


def test_demo_has_agents_due_for_rotation(demo):
    due = selectors.agents_due(lines=Line.objects.filter(code="first"), today=timezone.localdate())
    assert sum(1 for a in due if a.status in ("due", "overdue")) >= 5


def test_demo_runs_twice_without_adding_anything(demo):
    counts = (Rotation.objects.count(), RosterEntry.objects.count(), Holiday.objects.count())
    out = StringIO()
    rotation_demo.load(stdout=out)
    assert (Rotation.objects.count(), RosterEntry.objects.count(), Holiday.objects.count()) == counts
    assert "0 roster entries and 0 rotations added" in out.getvalue()
