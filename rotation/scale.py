"""The rotation part of `load_scale`: shifts, demand sized to each line, a weekly roster for every
agent, and two years of rotations (done, running, planned, a few cancelled).

Roster entries and rotations are bulk-created: `rotation_create` re-checks coverage and mentor
capacity on every call, which for a thousand people would take minutes and refuse most of a
history that, in real life, was planned week by week. The history keeps the rules the services
enforce where the pages depend on them: one rotation at a time per agent, a host mentor of the
host line (and group), guests spread over the mentors, and no more agents of a line away in a week
than the auto-planner's default allows.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from trainingsite.models import Line, Profile, SupportGroup

from . import conf
from .demo import HOLIDAYS, SHIFTS
from .models import DayKind, Demand, Holiday, RosterEntry, Rotation, ShiftPattern
from .selectors import monday_of
from .staffing import staffing

# Handling time, max occupancy and shrinkage per line (the demo's figures); requests are sized so
# that the Erlang C minimum leaves this share of the rostered agents free to rotate.
DEMAND = {"first": (360, 85, 30), "second": (720, 85, 25)}
SPARE_SHARE = 0.08
ROTATION_DAYS = 5
# Shares of agents (not newcomers) with a rotation done in the past two years, and with a second.
ROTATED_SHARE = 0.6
TWICE_SHARE = 0.3
PLANNED_WEEKS = 8
GOALS = "Неделя на соседней линии: типичные обращения, передача заявок, что изменилось за полгода."


def build(*, agents: list, mentors: list, leads: list, stdout, seed: int = 17) -> int:
    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    today = timezone.localdate()
    lines = {line.code: line for line in Line.objects.filter(code__in=["first", "second", "third"])}
    profiles = {
        p["user_id"]: p
        for p in Profile.objects.filter(user__in=agents).values(
            "user_id", "line_id", "group_id", "line_joined_on", "hire_date"
        )
    }
    for year in (today.year - 1, today.year, today.year + 1):
        for month, day, name in HOLIDAYS:
            Holiday.objects.get_or_create(date=datetime.date(year, month, day), defaults={"name": name})
    entries = _roster(lines, agents, profiles)
    made = _rotations(rng, today, lines, agents, mentors, leads, profiles)
    stdout.write(f"Rotation: {entries} roster entries, {made} rotations.")
    return made


def _roster(lines: dict[str, Line], agents: list, profiles: dict) -> int:
    """Half of each line on mornings and half on evenings; two in three also work one weekend day.
    Each line's demand is sized to its own roster, so coverage at scale looks like the demo's."""
    patterns: dict[tuple[int, str, datetime.time], ShiftPattern] = {}
    for line in lines.values():
        for kind, name, start, end in SHIFTS:
            patterns[(line.pk, kind, start)], _new = ShiftPattern.objects.get_or_create(
                line=line, day_kind=kind, starts_at=start, defaults={"ends_at": end, "name": name}
            )
    roster, per_shift = [], defaultdict(set)
    by_line: dict[int, int] = defaultdict(int)
    for agent in agents:
        line_id = profiles[agent.pk]["line_id"]
        i = by_line[line_id]
        by_line[line_id] += 1
        weekday_shift = patterns[(line_id, DayKind.WEEKDAY, SHIFTS[i % 2][2])]
        roster += [RosterEntry(agent_id=agent.pk, weekday=d, shift=weekday_shift) for d in range(5)]
        per_shift[weekday_shift.pk].add(agent.pk)
        if i % 3 < 2:
            weekend = patterns[(line_id, DayKind.DAY_OFF, SHIFTS[2][2])]
            roster.append(RosterEntry(agent_id=agent.pk, weekday=5 + i % 3, shift=weekend))
            per_shift[weekend.pk].add(agent.pk)
    RosterEntry.objects.bulk_create(roster, batch_size=2000)
    for code, (aht, occupancy, shrinkage) in DEMAND.items():
        line = lines.get(code)
        if line is None or not line.response_minutes:
            continue
        for kind, _name, start, _end in SHIFTS:
            pattern = patterns[(line.pk, kind, start)]
            # Weekend shifts see a third of the agents of a weekday shift on each day.
            rostered = len(per_shift[pattern.pk]) // (2 if kind == DayKind.DAY_OFF else 1)
            requests = _requests_for(pattern, line, rostered, aht, occupancy, shrinkage)
            if requests:
                Demand.objects.get_or_create(
                    shift=pattern,
                    defaults={
                        "expected_requests": requests,
                        "aht_seconds": aht,
                        "max_occupancy_percent": occupancy,
                        "shrinkage_percent": shrinkage,
                    },
                )
    return len(roster)


def _requests_for(
    pattern: ShiftPattern, line: Line, rostered: int, aht: int, occupancy: int, shrinkage: int
) -> int:
    """The most requests per shift whose Erlang C minimum leaves SPARE_SHARE of `rostered` free."""
    target = int(rostered * (1 - SPARE_SHARE))
    if target < 1:
        return 0

    def minimum(requests: int) -> int:
        return staffing(
            requests=requests,
            period_seconds=pattern.duration_seconds,
            aht_seconds=aht,
            target_percent=line.service_level_percent,
            target_seconds=line.response_minutes * 60,
            max_occupancy_percent=occupancy,
            shrinkage_percent=shrinkage,
        ).rostered

    low, high = 0, pattern.duration_seconds * target // aht + 1  # beyond that, traffic > agents
    while low < high:
        middle = (low + high + 1) // 2
        if minimum(middle) <= target:
            low = middle
        else:
            high = middle - 1
    return low


def _rotations(rng: random.Random, today, lines, agents, mentors, leads, profiles) -> int:
    """Past rotations for most seasoned agents, this week's and the next weeks' for a few."""
    second = lines.get("second")
    groups = list(SupportGroup.objects.filter(line=second).order_by("code")) if second else []
    mentor_profiles = {
        p["user_id"]: p
        for p in Profile.objects.filter(user__in=mentors).values("user_id", "line_id", "group_id")
    }
    hosts_of: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for mentor_id, p in mentor_profiles.items():
        hosts_of[(p["line_id"], p["group_id"])].append(mentor_id)
    lead_of = dict(Profile.objects.filter(user__in=leads).values_list("line_id", "user_id"))
    line_by_pk = {line.pk: line for line in lines.values()}

    def host_for(home_line_id: int, n: int) -> tuple[int, int | None, int] | None:
        """Second-line agents rotate to the first line; everyone else to a group of the second."""
        if second is None or "first" not in lines:
            return None
        if home_line_id == second.pk:
            host = (lines["first"].pk, None)
        elif groups:
            group = groups[n % len(groups)]
            host = (second.pk, group.pk)
        else:
            return None
        candidates = hosts_of.get(host)
        return (*host, candidates[n % len(candidates)]) if candidates else None

    monday = monday_of(today)
    max_away = conf.max_away_per_line()
    away_in_week: dict[tuple[int, datetime.date], int] = defaultdict(int)
    rotations = []

    def add(agent_id: int, n: int, first: datetime.date, status: str) -> bool:
        home = profiles[agent_id]["line_id"]
        host = host_for(home, n)
        if host is None or home not in lead_of:
            return False
        week = monday_of(first)
        if status != Rotation.Status.DONE and away_in_week[(home, week)] >= max_away:
            return False
        away_in_week[(home, week)] += 1
        last = first + datetime.timedelta(days=ROTATION_DAYS - 1)
        done_at = timezone.make_aware(datetime.datetime.combine(last, datetime.time(18)))
        rotations.append(
            Rotation(
                agent_id=agent_id,
                home_line=line_by_pk[home],
                host_line_id=host[0],
                host_group_id=host[1],
                host_mentor_id=host[2],
                starts_on=first,
                ends_on=last,
                goals=GOALS,
                status=status,
                cancel_reason="Не хватило людей на смене." if status == Rotation.Status.CANCELLED else "",
                review_signed_off_at=done_at - datetime.timedelta(days=2)
                if status == Rotation.Status.DONE
                else None,
                supervised_signed_off_at=done_at if status == Rotation.Status.DONE else None,
                created_by_id=lead_of[home],
            )
        )
        return True

    eligible_after = conf.eligible_after_days()
    for n, agent in enumerate(agents):
        p = profiles[agent.pk]
        joined = p["line_joined_on"] or p["hire_date"]
        if joined is None:
            continue
        # Done rotations: only after a first stretch on the line, the latest at least a week ago.
        earliest = joined + datetime.timedelta(days=eligible_after)
        latest = monday - datetime.timedelta(weeks=1)
        if earliest < latest and rng.random() < ROTATED_SHARE:
            span = (latest - earliest).days
            times = 2 if rng.random() < TWICE_SHARE else 1
            # Distinct Mondays no later than `latest`: never overlapping, all over before this week.
            for first in sorted(
                {monday_of(earliest + datetime.timedelta(days=rng.randint(0, span))) for _ in range(times)}
            ):
                add(agent.pk, n, first, Rotation.Status.DONE)
        roll = rng.random()
        if today - joined < datetime.timedelta(days=eligible_after):
            continue
        if roll < 0.01:
            add(agent.pk, n, monday, Rotation.Status.IN_PROGRESS)
        elif roll < 0.06:
            week = monday + datetime.timedelta(weeks=rng.randint(1, PLANNED_WEEKS))
            add(agent.pk, n, week, Rotation.Status.PLANNED)
        elif roll < 0.08:
            add(agent.pk, n, monday + datetime.timedelta(weeks=rng.randint(1, 4)), Rotation.Status.CANCELLED)
    Rotation.objects.bulk_create(rotations, batch_size=2000)
    return len(rotations)
