"""Demo rotation data for the demo organisation (~60 people): shifts, demand, roster, holidays,
past, current and planned rotations. Idempotent: everything is looked up before it is added.

Demand is scaled to the demo's size so that the Erlang C minimums leave a first line of ~32
agents (16 per weekday shift) room for two or three away at once, as a real line would have.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from trainingsite.models import Line, SupportGroup
from trainingsite.roles import Role

from . import services
from .models import DayKind, Demand, Holiday, RosterEntry, Rotation, ShiftPattern
from .selectors import host_mentors, mentor_loads, monday_of

User = get_user_model()

SHIFTS = [
    (DayKind.WEEKDAY, "Утренняя", datetime.time(9), datetime.time(15)),
    (DayKind.WEEKDAY, "Вечерняя", datetime.time(15), datetime.time(21)),
    (DayKind.DAY_OFF, "Выходная", datetime.time(10), datetime.time(18)),
]
# line code -> per shift (requests per shift, handling seconds, max occupancy %, shrinkage %)
DEMAND = {
    "first": [(440, 360, 85, 30), (400, 360, 85, 30), (320, 360, 85, 30)],
    "second": [(120, 720, 85, 25), (105, 720, 85, 25), (60, 720, 85, 25)],
}
HOLIDAYS = [
    (1, 1, "Новогодние каникулы"),
    (1, 2, "Новогодние каникулы"),
    (1, 7, "Рождество Христово"),
    (2, 23, "День защитника Отечества"),
    (3, 8, "Международный женский день"),
    (5, 1, "Праздник Весны и Труда"),
    (5, 9, "День Победы"),
    (6, 12, "День России"),
    (11, 4, "День народного единства"),
]


def _shifts(lines: dict[str, Line]) -> dict[tuple[str, str, datetime.time], ShiftPattern]:
    patterns = {}
    for code, line in lines.items():
        for kind, name, start, end in SHIFTS:
            pattern, _ = ShiftPattern.objects.get_or_create(
                line=line, day_kind=kind, starts_at=start, defaults={"ends_at": end, "name": name}
            )
            patterns[(code, kind, start)] = pattern
        for (kind, _n, start, _e), figures in zip(SHIFTS, DEMAND.get(code, []), strict=False):
            requests, aht, occupancy, shrinkage = figures
            Demand.objects.get_or_create(
                shift=patterns[(code, kind, start)],
                defaults={
                    "expected_requests": requests,
                    "aht_seconds": aht,
                    "max_occupancy_percent": occupancy,
                    "shrinkage_percent": shrinkage,
                },
            )
    return patterns


def _roster(line: Line, code: str, patterns) -> int:
    """Half the line on mornings, half on evenings; a third works Saturday, a third Sunday."""
    agents = list(
        User.objects.filter(profile__line=line, groups__name=Role.AGENT.value, is_active=True).order_by(
            "username"
        )
    )
    morning = patterns[(code, DayKind.WEEKDAY, datetime.time(9))]
    evening = patterns[(code, DayKind.WEEKDAY, datetime.time(15))]
    weekend = patterns[(code, DayKind.DAY_OFF, datetime.time(10))]
    have = set(RosterEntry.objects.filter(shift__line=line).values_list("agent_id", flat=True))
    new = []
    for i, agent in enumerate(agents):
        if agent.pk in have:
            continue
        shift = morning if i % 2 == 0 else evening
        new.extend(RosterEntry(agent=agent, weekday=d, shift=shift) for d in range(5))
        if i % 3 < 2:
            new.append(RosterEntry(agent=agent, weekday=5 + i % 3, shift=weekend))
    RosterEntry.objects.bulk_create(new)
    return len(new)


def _freest_mentor(line: Line, group: SupportGroup | None, first: datetime.date):
    """The host mentor with the most free places that week (fewest rotation guests on a tie, so
    mentoring's own count of refreshers stays low too)."""
    mentors = list(host_mentors(line=line, group=group))
    if not mentors:
        return None
    loads = mentor_loads(
        mentor_ids=[m.pk for m in mentors], start=first, end=first + datetime.timedelta(days=4)
    )
    guests = {
        m.pk: Rotation.objects.active().filter(host_mentor=m, status__in=["planned", "in_progress"]).count()
        for m in mentors
    }
    best = max(mentors, key=lambda m: (loads[m.pk].free - guests[m.pk], -guests[m.pk]))
    return best if loads[best.pk].free > 0 else None


def load(*, stdout, today: datetime.date | None = None) -> list[tuple[str, str, str]]:
    today = today or timezone.localdate()
    lines = {line.code: line for line in Line.objects.filter(code__in=["first", "second", "third"])}
    if "first" not in lines or "second" not in lines:
        stdout.write("Rotation: the demo organisation is missing; skipped.")
        return []
    patterns = _shifts(lines)
    for year in (today.year, today.year + 1):
        for month, day, name in HOLIDAYS:
            Holiday.objects.get_or_create(date=datetime.date(year, month, day), defaults={"name": name})
    entries = sum(_roster(line, code, patterns) for code, line in lines.items())

    users = {
        u.username: u for u in User.objects.select_related("profile").filter(profile__line__isnull=False)
    }
    lead, lead2 = users.get("lead"), users.get("lead2")
    mentor, mentor2 = users.get("mentor"), users.get("mentor2")
    if not all((lead, lead2, mentor, mentor2)):
        stdout.write("Rotation: demo team leads or mentors missing; rotations skipped.")
        return []
    added = 0
    monday = monday_of(today)
    groups = {g.code: g for g in SupportGroup.objects.filter(line=lines["second"])}

    def seasoned(line_code: str, group_code: str | None, skip: int = 0):
        qs = (
            User.objects.filter(
                profile__line=lines[line_code],
                groups__name=Role.AGENT.value,
                profile__line_joined_on__lte=today - datetime.timedelta(days=400),
            )
            .exclude(groups__name=Role.MENTOR.value)
            .order_by("username")
        )
        if group_code:
            qs = qs.filter(profile__group=groups[group_code])
        return qs[skip] if qs.count() > skip else None

    # Past rotations, done and signed off: a second-line agent back on the first line, and a
    # first-line agent who spent a week with the access group.
    past = [
        (seasoned("second", "web"), lines["first"], None, mentor, monday - datetime.timedelta(weeks=20)),
        (
            seasoned("first", None),
            lines["second"],
            groups["access"],
            mentor2,
            monday - datetime.timedelta(weeks=12),
        ),
    ]
    for agent, host_line, host_group, host_mentor, first in past:
        if agent is None or Rotation.objects.filter(agent=agent, starts_on=first).exists():
            continue
        done_at = timezone.make_aware(
            datetime.datetime.combine(first + datetime.timedelta(days=4), datetime.time(18))
        )
        Rotation.objects.create(
            agent=agent,
            home_line=agent.profile.line,
            host_line=host_line,
            host_group=host_group,
            host_mentor=host_mentor,
            starts_on=first,
            ends_on=first + datetime.timedelta(days=4),
            goals="Посмотреть, как изменилась работа соседей, и свежим взглядом найти узкие места.",
            status=Rotation.Status.DONE,
            review_signed_off_at=done_at - datetime.timedelta(days=3),
            supervised_signed_off_at=done_at,
            created_by=lead2 if agent.profile.line_id == lines["second"].pk else lead,
        )
        Rotation.objects.filter(agent=agent, starts_on=first).update(
            created_at=done_at - datetime.timedelta(days=40)
        )
        added += 1

    # Current and planned rotations go through the service, so the demo obeys every check.
    planned = [
        (lead2, seasoned("second", "mobile"), lines["first"], None, monday, True),
        (lead2, mentor2, lines["first"], None, monday + datetime.timedelta(weeks=2), False),
        (
            lead,
            seasoned("first", None, skip=1),
            lines["second"],
            groups["access"],
            monday + datetime.timedelta(weeks=1),
            False,
        ),
        (
            lead,
            seasoned("first", None, skip=2),
            lines["second"],
            groups["web"],
            monday + datetime.timedelta(weeks=3),
            False,
        ),
    ]
    for actor, agent, host_line, host_group, first, start_now in planned:
        if agent is None or Rotation.objects.filter(agent=agent, starts_on=first).exists():
            continue
        host_mentor = _freest_mentor(host_line, host_group, first)
        if host_mentor is None:
            stdout.write(f"Rotation: no host mentor with a free place on {host_line}; demo rotation skipped.")
            continue
        try:
            rotation = services.rotation_create(
                actor=actor,
                agent=agent,
                host_line=host_line,
                host_group=host_group,
                host_mentor=host_mentor,
                starts_on=first,
                ends_on=first + datetime.timedelta(days=4),
                goals="Неделя на соседней линии: что изменилось за полгода, типичные обращения, "
                "передача заявок.",
                source="demo",
            )
        except services.RotationRefused as exc:
            stdout.write(f"Rotation: demo rotation of {agent.username} refused: {exc.message}")
            continue
        if start_now:
            services.rotation_start(actor=actor, rotation=rotation, today=max(today, first))
        added += 1
    stdout.write(
        f"Rotation: {ShiftPattern.objects.count()} shift patterns, {Holiday.objects.count()} holidays, "
        f"{entries} roster entries and {added} rotations added."
    )
    return []
