import datetime

from rotation.models import DayKind, Demand, RosterEntry, ShiftPattern
from trainingsite.roles import Role

from .organisation import person

MORNING = datetime.time(9), datetime.time(15)
EVENING = datetime.time(15), datetime.time(21)
WEEKEND = datetime.time(10), datetime.time(18)


def shift_patterns(line) -> dict[str, ShiftPattern]:
    """The domain's default shifts: weekdays 09-15 and 15-21, weekends and holidays 10-18."""
    return {
        name: ShiftPattern.objects.get_or_create(
            line=line, day_kind=kind, starts_at=start, defaults={"ends_at": end, "name": name}
        )[0]
        for name, kind, (start, end) in [
            ("morning", DayKind.WEEKDAY, MORNING),
            ("evening", DayKind.WEEKDAY, EVENING),
            ("weekend", DayKind.DAY_OFF, WEEKEND),
        ]
    }


def demand_for_minimum(shift: ShiftPattern, minimum: int, *, aht: int = 360) -> Demand:
    """Demand whose Erlang C rostered minimum is exactly `minimum` (no occupancy cap or shrinkage,
    so the figure is the agents the SLA needs)."""
    demand = Demand(
        shift=shift, expected_requests=1, aht_seconds=aht, max_occupancy_percent=100, shrinkage_percent=0
    )
    for requests in range(1, 100_000):
        demand.expected_requests = requests
        if demand.compute().rostered == minimum:
            demand.save()
            return demand
        if demand.compute().rostered > minimum:
            break
    raise ValueError(f"no demand gives a minimum of {minimum}")


def rostered_agents(line, shift: ShiftPattern, count: int, *, prefix: str, weekdays=range(5), **kwargs):
    """`count` agents of `line` rostered on `shift` every weekday."""
    agents = []
    for i in range(count):
        agent = person(username=f"{prefix}{i}", roles=[Role.AGENT], line=line, **kwargs)
        RosterEntry.objects.bulk_create(RosterEntry(agent=agent, weekday=d, shift=shift) for d in weekdays)
        agents.append(agent)
    return agents
