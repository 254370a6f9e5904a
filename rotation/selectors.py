"""Reads for rotation: shifts by date, coverage per shift, who is due, mentor load."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from trainingsite.models import Line, Profile
from trainingsite.roles import Role

from . import conf
from .bridge import mentee_load
from .models import DayKind, Demand, Holiday, RosterEntry, Rotation, ShiftPattern

User = get_user_model()
ONE_DAY = datetime.timedelta(days=1)
ONE_WEEK = datetime.timedelta(weeks=1)


def daterange(start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def holidays_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    return dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "name"))


def day_kind(day: datetime.date, holidays: dict[datetime.date, str] | set[datetime.date]) -> str:
    return DayKind.DAY_OFF if day.weekday() >= 5 or day in holidays else DayKind.WEEKDAY


@dataclass(frozen=True)
class ShiftCoverage:
    date: datetime.date
    shift: ShiftPattern
    rostered: int
    away: int
    minimum: int
    is_holiday: bool = False

    @property
    def present(self) -> int:
        return self.rostered - self.away

    @property
    def spare(self) -> int:
        return self.present - self.minimum

    @property
    def level(self) -> str:
        """green above the minimum, amber at it, red below; none when the shift has no minimum."""
        if self.minimum == 0:
            return "none"
        if self.spare > 0:
            return "ok"
        return "warn" if self.spare == 0 else "bad"


@dataclass
class LineShifts:
    """A line's shifts, minimums and how many are rostered on each, loaded once and evaluated for
    any dates. Only counts come from the database: the roster of a single agent is read only for
    the agents away on rotation (a handful), never the whole line's."""

    line: Line
    patterns: dict[str, list[ShiftPattern]]
    minimums: dict[int, int]
    # (weekday, shift id) -> agents rostered; weekday -> agents rostered on any shift that day
    rostered: dict[tuple[int, int], int]
    rostered_by_weekday: dict[int, int]
    entries: QuerySet[RosterEntry]
    slots_of: dict[int, set[tuple[int, int]]] = field(default_factory=dict)

    def shifts_on(self, day: datetime.date, holidays) -> list[ShiftPattern]:
        return self.patterns.get(day_kind(day, holidays), [])

    @staticmethod
    def covers_weekday(day: datetime.date, shift: ShiftPattern) -> bool:
        # A weekday holiday: whoever was rostered that weekday covers the holiday shift.
        return shift.day_kind == DayKind.DAY_OFF and day.weekday() < 5

    def rostered_on(self, day: datetime.date, shift: ShiftPattern) -> int:
        if self.covers_weekday(day, shift):
            return self.rostered_by_weekday.get(day.weekday(), 0)
        return self.rostered.get((day.weekday(), shift.pk), 0)

    def load_slots(self, agent_ids: set[int]) -> None:
        """Read the (weekday, shift) slots of the agents not read yet: one query, or none."""
        missing = agent_ids - self.slots_of.keys()
        if not missing:
            return
        for agent_id in missing:
            self.slots_of[agent_id] = set()
        for agent_id, weekday, shift_id in self.entries.filter(agent_id__in=missing).values_list(
            "agent_id", "weekday", "shift_id"
        ):
            self.slots_of[agent_id].add((weekday, shift_id))

    def away_on(self, day: datetime.date, shift: ShiftPattern, away: set[int]) -> int:
        """How many of `away` (their slots loaded) were rostered on this shift of this day."""
        weekday = day.weekday()
        if self.covers_weekday(day, shift):
            return sum(1 for a in away if any(w == weekday for w, _s in self.slots_of.get(a, ())))
        return sum(1 for a in away if (weekday, shift.pk) in self.slots_of.get(a, ()))


def line_shifts(line: Line) -> LineShifts:
    patterns: dict[str, list[ShiftPattern]] = defaultdict(list)
    minimums: dict[int, int] = {}
    for pattern in (
        ShiftPattern.objects.filter(line=line).select_related("line", "demand").order_by("starts_at")
    ):
        patterns[pattern.day_kind].append(pattern)
        try:
            result = pattern.demand.compute()
        except Demand.DoesNotExist:
            result = None
        minimums[pattern.pk] = result.rostered if result else 0
    entries = RosterEntry.objects.filter(shift__line=line, agent__profile__line=line, agent__is_active=True)
    rostered = {
        (weekday, shift_id): n
        for weekday, shift_id, n in entries.order_by()
        .values("weekday", "shift_id")
        .annotate(n=Count("pk"))
        .values_list("weekday", "shift_id", "n")
    }
    by_weekday = dict(
        entries.order_by()
        .values("weekday")
        .annotate(n=Count("agent_id", distinct=True))
        .values_list("weekday", "n")
    )
    return LineShifts(line, dict(patterns), minimums, rostered, by_weekday, entries)


def away_by_day(
    *,
    line: Line,
    start: datetime.date,
    end: datetime.date,
    exclude_rotation_id: int | None = None,
    extra: Iterable[tuple[int, datetime.date, datetime.date]] = (),
) -> dict[datetime.date, set[int]]:
    """Agents of `line` away on rotation each day, plus `extra` (agent, first day, last day)."""
    rotations = Rotation.objects.active().filter(home_line=line).overlapping(start, end)
    if exclude_rotation_id:
        rotations = rotations.exclude(pk=exclude_rotation_id)
    spans = list(rotations.values_list("agent_id", "starts_on", "ends_on")) + list(extra)
    away: dict[datetime.date, set[int]] = defaultdict(set)
    for agent_id, first, last in spans:
        for day in daterange(max(first, start), min(last, end)):
            away[day].add(agent_id)
    return away


def coverage(
    *,
    line: Line,
    start: datetime.date,
    end: datetime.date,
    exclude_rotation_id: int | None = None,
    extra: Iterable[tuple[int, datetime.date, datetime.date]] = (),
    shifts: LineShifts | None = None,
) -> list[ShiftCoverage]:
    """Every shift of `line` from `start` to `end`: rostered, away, and the Erlang C minimum."""
    shifts = shifts or line_shifts(line)
    holidays = holidays_between(start, end)
    away = away_by_day(line=line, start=start, end=end, exclude_rotation_id=exclude_rotation_id, extra=extra)
    shifts.load_slots(set().union(*away.values()))
    result = []
    for day in daterange(start, end):
        for pattern in shifts.shifts_on(day, holidays):
            result.append(
                ShiftCoverage(
                    date=day,
                    shift=pattern,
                    rostered=shifts.rostered_on(day, pattern),
                    away=shifts.away_on(day, pattern, away.get(day, set())),
                    minimum=shifts.minimums.get(pattern.pk, 0),
                    is_holiday=day in holidays,
                )
            )
    return result


def away_per_week(*, lines, start: datetime.date, weeks: int) -> dict[tuple[int, int], int]:
    """(line id, week number from `start`) -> agents of the line away on rotation some day of that
    week: one grouped query with a count per week, whatever the number of rotations."""
    mondays = [start + datetime.timedelta(weeks=w) for w in range(weeks)]
    counts = {
        f"w{w}": Count("pk", filter=Q(starts_on__lte=monday + ONE_WEEK - ONE_DAY, ends_on__gte=monday))
        for w, monday in enumerate(mondays)
    }
    rows = (
        Rotation.objects.active()
        .filter(home_line__in=lines)
        .overlapping(start, mondays[-1] + datetime.timedelta(days=6))
        .order_by()
        .values("home_line_id")
        .annotate(**counts)
    )
    return {(row["home_line_id"], w): row[f"w{w}"] for row in rows for w in range(weeks)}


def mentor_guest_load(
    *,
    mentor_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    exclude_rotation_id: int | None = None,
) -> dict[int, int]:
    """Rotation guests each host mentor has during [start, end] (most on any one day)."""
    rotations = Rotation.objects.active().filter(host_mentor_id__in=list(mentor_ids)).overlapping(start, end)
    if exclude_rotation_id:
        rotations = rotations.exclude(pk=exclude_rotation_id)
    per_day: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    for mentor_id, first, last in rotations.values_list("host_mentor_id", "starts_on", "ends_on"):
        for day in daterange(max(first, start), min(last, end)):
            per_day[mentor_id][day] += 1
    return {mentor_id: max(days.values()) for mentor_id, days in per_day.items()}


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: int
    capacity: int
    mentees: int
    guests: int

    @property
    def free(self) -> int:
        return self.capacity - self.mentees - self.guests


def mentor_loads(
    *,
    mentor_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    exclude_rotation_id: int | None = None,
) -> dict[int, MentorLoad]:
    ids = list(mentor_ids)
    capacity = dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "mentor_capacity"))
    mentees = mentee_load(ids)
    guests = mentor_guest_load(mentor_ids=ids, start=start, end=end, exclude_rotation_id=exclude_rotation_id)
    return {i: MentorLoad(i, capacity.get(i, 0), mentees.get(i, 0), guests.get(i, 0)) for i in ids}


def host_mentors(*, line: Line, group=None) -> QuerySet:
    """Active mentors who can host guests on `line` (and `group`, when given)."""
    qs = User.objects.filter(
        is_active=True, groups__name=Role.MENTOR.value, profile__line=line
    ).select_related("profile")
    if group is not None:
        qs = qs.filter(profile__group=group)
    return qs.order_by("last_name", "first_name")


DUE_STATUSES = ("overdue", "due", "planned", "not_yet", "unknown")
# The statuses a team lead acts on: the overview lists these, the others are only counted.
ACTIONABLE = ("overdue", "due", "planned")


@dataclass(frozen=True)
class AgentDue:
    profile: Profile
    status: str
    since: datetime.date | None
    last_rotation_end: datetime.date | None
    next_rotation: Rotation | None
    today: datetime.date

    @property
    def eligible_on(self) -> datetime.date | None:
        return self.since + datetime.timedelta(days=conf.eligible_after_days()) if self.since else None

    @property
    def never_rotated(self) -> bool:
        return self.last_rotation_end is None

    @property
    def days_overdue(self) -> int:
        eligible_on = self.eligible_on
        if eligible_on is None or eligible_on > self.today:
            return 0
        return (self.today - eligible_on).days


def eligible_from(
    *, line_joined_on: datetime.date | None, last_rotation_end: datetime.date | None
) -> datetime.date | None:
    since = (
        max(d for d in (line_joined_on, last_rotation_end) if d)
        if (line_joined_on or last_rotation_end)
        else None
    )
    if since is None:
        return None
    return since + datetime.timedelta(days=conf.eligible_after_days())


def agent_profiles(*, lines) -> QuerySet[Profile]:
    """Active agents of `lines`; Exists rather than a join on groups, so no DISTINCT is needed."""
    agent_role = User.groups.through.objects.filter(user_id=OuterRef("user_id"), group__name=Role.AGENT.value)
    return Profile.objects.filter(line__in=lines, user__is_active=True).filter(Exists(agent_role))


def with_due_status(profiles: QuerySet[Profile], *, today: datetime.date) -> QuerySet[Profile]:
    """Annotate `last_rotation_end`, `since` (the later of joining the line and the last rotation's
    end) and `due_rank` (the index of the agent's status in DUE_STATUSES), all in SQL.

    The rotations are joined and aggregated once per agent (the rank and the order reuse the
    aggregates; correlated subqueries were repeated in every branch of the CASE). The thresholds
    are turned into dates here, so the database only compares dates, the same on SQLite and
    PostgreSQL: eligible once `since` is on or before `today - eligible_after`, overdue once it is
    more than `overdue_after` days before that.
    """
    eligible_by = today - datetime.timedelta(days=conf.eligible_after_days())
    overdue_by = eligible_by - datetime.timedelta(days=conf.overdue_after_days())
    done = Q(user__rotations__status__in=[Rotation.Status.DONE, Rotation.Status.IN_PROGRESS])
    upcoming = Q(
        user__rotations__status__in=[Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS],
        user__rotations__ends_on__gte=today,
    )
    joined = Coalesce("line_joined_on", "hire_date")
    rank = DUE_STATUSES.index
    return (
        profiles.annotate(
            last_rotation_end=Max("user__rotations__ends_on", filter=done),
            upcoming=Count("user__rotations", filter=upcoming),
        )
        .annotate(
            # GREATEST ignores NULL on PostgreSQL but not on SQLite; coalescing each side to the other
            # gives the later date, or the only one, on both.
            since=Greatest(
                Coalesce(joined, F("last_rotation_end")),
                Coalesce(F("last_rotation_end"), joined),
                output_field=DateField(),
            )
        )
        .annotate(
            due_rank=Case(
                When(upcoming__gt=0, then=Value(rank("planned"))),
                When(since__isnull=True, then=Value(rank("unknown"))),
                When(since__gt=eligible_by, then=Value(rank("not_yet"))),
                When(since__lt=overdue_by, then=Value(rank("overdue"))),
                default=Value(rank("due")),
                output_field=IntegerField(),
            )
        )
    )


def of_statuses(profiles: QuerySet[Profile], statuses: Iterable[str]) -> QuerySet[Profile]:
    return profiles.filter(due_rank__in=[DUE_STATUSES.index(s) for s in statuses])


def due_ordered(profiles: QuerySet[Profile]) -> QuerySet[Profile]:
    """Most pressing first, then the longest eligible, then by name (user id keeps pages stable)."""
    return profiles.select_related("user", "line", "group").order_by(
        "due_rank",
        F("since").asc(nulls_last=True),
        "user__last_name",
        "user__first_name",
        "patronymic",
        "user_id",
    )


def due_counts(*, lines, today: datetime.date) -> tuple[dict[str, int], int]:
    """Agents per due status, and how many of the due or overdue have never rotated: one query."""
    due_or_overdue = [DUE_STATUSES.index("due"), DUE_STATUSES.index("overdue")]
    counts = with_due_status(agent_profiles(lines=lines), today=today).aggregate(
        **{status: Count("pk", filter=Q(due_rank=rank)) for rank, status in enumerate(DUE_STATUSES)},
        never=Count("pk", filter=Q(due_rank__in=due_or_overdue, last_rotation_end__isnull=True)),
    )
    never = counts.pop("never")
    return counts, never


def due_rows(profiles: Iterable[Profile], *, today: datetime.date) -> list[AgentDue]:
    """AgentDue rows for annotated profiles (a page of them), with each one's next rotation."""
    profiles = list(profiles)
    upcoming: dict[int, Rotation] = {}
    planned = [p.user_id for p in profiles if p.upcoming]
    if planned:
        for rotation in (
            Rotation.objects.filter(
                agent_id__in=planned,
                status__in=[Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS],
                ends_on__gte=today,
            )
            .select_related("host_line", "host_group__line")
            .order_by("starts_on", "pk")
        ):
            upcoming.setdefault(rotation.agent_id, rotation)
    return [
        AgentDue(
            profile=p,
            status=DUE_STATUSES[p.due_rank],
            since=p.since,
            last_rotation_end=p.last_rotation_end,
            next_rotation=upcoming.get(p.user_id),
            today=today,
        )
        for p in profiles
    ]


def agents_due(
    *, lines, today: datetime.date, statuses: Iterable[str] | None = None, limit: int | None = None
) -> list[AgentDue]:
    """Active agents of `lines` (of `statuses`, the first `limit`, when given) with when they become
    eligible, most pressing first, in two queries whatever their number."""
    profiles = with_due_status(agent_profiles(lines=lines), today=today)
    if statuses is not None:
        profiles = of_statuses(profiles, statuses)
    profiles = due_ordered(profiles)
    return due_rows(profiles[:limit] if limit is not None else profiles, today=today)


def rotations_for_lead(*, lines) -> QuerySet[Rotation]:
    return (
        # Both are foreign keys, so a rotation matches once: no DISTINCT (costly with the joins).
        Rotation.objects.filter(Q(home_line__in=lines) | Q(host_line__in=lines)).select_related(
            "agent__profile", "home_line", "host_line", "host_group__line", "host_mentor__profile"
        )
    )
