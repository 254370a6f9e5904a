"""Erlang C staffing: how many agents a shift needs to hold the line's service level.

Pure functions over numbers, so the figures can be checked against published tables and the
page can show every input next to the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

# Erlang C has no answer once agents <= traffic (the queue grows without bound); past this many
# agents the search stops so that absurd inputs fail loudly instead of looping.
MAX_AGENTS = 100_000


def traffic_erlangs(*, requests: float, period_seconds: float, aht_seconds: float) -> float:
    if period_seconds <= 0:
        raise ValueError("period_seconds must be positive")
    return requests * aht_seconds / period_seconds


def erlang_c(*, agents: int, traffic: float) -> float:
    """Probability that a request waits (Erlang C), via the numerically stable Erlang B recursion."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(*, agents: int, traffic: float, aht_seconds: float, target_seconds: float) -> float:
    """Share of requests answered within `target_seconds` (0..1)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents=agents, traffic=traffic)
    return max(0.0, 1.0 - wait * math.exp(-(agents - traffic) * target_seconds / aht_seconds))


@dataclass(frozen=True)
class Staffing:
    traffic: float
    agents_for_service_level: int
    agents_for_occupancy: int
    agents_on_line: int
    rostered: int
    service_level: float
    occupancy: float

    @property
    def service_level_percent(self) -> float:
        return round(self.service_level * 100, 1)

    @property
    def occupancy_percent(self) -> float:
        return round(self.occupancy * 100, 1)


# The answer depends only on these numbers and a line has a handful of shifts, so each is worked out
# once per process: the calendar and the lead's panel ask for every shift's minimum on each request.
@lru_cache(maxsize=1024)
def staffing(
    *,
    requests: float,
    period_seconds: float,
    aht_seconds: float,
    target_percent: float,
    target_seconds: float,
    max_occupancy_percent: float = 100,
    shrinkage_percent: float = 0,
) -> Staffing:
    """The minimum agents on the line for the service level and occupancy cap, then rostered for
    shrinkage (breaks, sickness, training: people paid for the shift but not answering)."""
    if not 0 < target_percent <= 100:
        raise ValueError("target_percent must be in (0, 100]")
    if not 0 < max_occupancy_percent <= 100:
        raise ValueError("max_occupancy_percent must be in (0, 100]")
    if not 0 <= shrinkage_percent < 100:
        raise ValueError("shrinkage_percent must be in [0, 100)")
    traffic = traffic_erlangs(requests=requests, period_seconds=period_seconds, aht_seconds=aht_seconds)
    if traffic <= 0:
        return Staffing(0.0, 0, 0, 0, 0, 1.0, 0.0)
    target = target_percent / 100
    agents = max(1, math.floor(traffic) + 1)
    # The Erlang B recursion is restarted per candidate; the answer is within a few dozen of the
    # traffic for any real line, so the linear search is far below a millisecond.
    while service_level(
        agents=agents, traffic=traffic, aht_seconds=aht_seconds, target_seconds=target_seconds
    ) < (target - 1e-12):
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError("demand too high to staff")
    for_occupancy = math.ceil(traffic / (max_occupancy_percent / 100) - 1e-9)
    on_line = max(agents, for_occupancy)
    rostered = math.ceil(on_line / (1 - shrinkage_percent / 100) - 1e-9)
    return Staffing(
        traffic=traffic,
        agents_for_service_level=agents,
        agents_for_occupancy=for_occupancy,
        agents_on_line=on_line,
        rostered=rostered,
        service_level=service_level(
            agents=on_line, traffic=traffic, aht_seconds=aht_seconds, target_seconds=target_seconds
        ),
        occupancy=traffic / on_line,
    )
