"""The rotation auto-planner on organisations of 820 and 5,000 agents, and Erlang C timing.

Run: .venv/bin/python bench/rotation_planner.py  (no database needed). Prints seconds, the solver's
status and its gap to the proven bound, and checks every plan with the independent checker.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rotation.planner import PlanAgent, PlanMentor, PlanProblem, check_plan, solve
from rotation.staffing import staffing

FIRST, SECOND = 1, 2


def organisation(*, first: int, second: int, weeks: int, seed: int = 7) -> PlanProblem:
    """An organisation like the Dom.ru one: a first line and a second line of three groups.
    Join dates spread over three years, so some agents are long overdue and others become due
    during the horizon; about one mentor per 15 agents with 3 places, partly taken by mentees."""
    rng = random.Random(seed)
    groups = [(SECOND, 1), (SECOND, 2), (SECOND, 3)]
    agents = []
    for i in range(first):
        agents.append(PlanAgent(i, FIRST, (FIRST, None), rng.randint(-80, 60)))
    for i in range(second):
        agents.append(PlanAgent(first + i, SECOND, groups[i % 3], rng.randint(-80, 60)))
    mentors = []
    units = [(FIRST, None)] * max(1, first // 15) + [groups[i % 3] for i in range(max(3, second // 15))]
    for n, unit in enumerate(units):
        base = 3 - rng.choice([0, 1, 1, 2])
        mentors.append(
            PlanMentor(100_000 + n, unit, tuple(max(0, base - (rng.random() < 0.1)) for _ in range(weeks)))
        )
    # Spare places per week: the margin over the Erlang C minimum (a few per cent of the line),
    # with holiday weeks where nobody can be spared.
    home = {
        FIRST: [0 if w % 13 == 12 else rng.randint(first // 60, first // 30) for w in range(weeks)],
        SECOND: [0 if w % 13 == 12 else rng.randint(second // 80, second // 35) for w in range(weeks)],
    }
    return PlanProblem(
        weeks=weeks,
        agents=agents,
        mentors=mentors,
        home_capacity=home,
        hosts=[(FIRST, None), *groups],
        time_limit=60,
    )


def run(label: str, problem: PlanProblem) -> None:
    result = solve(problem)
    errors = check_plan(problem, result.placements)
    print(
        f"{label:<28} {result.seconds:6.2f} s  {result.status:<9} gap {result.gap * 100:5.2f} %  "
        f"placed {len(result.placements):>5} of {len(problem.agents)} "
        f"({result.variables} count variables)  checker: {'ok' if not errors else errors[:3]}"
    )


def erlang() -> None:
    n = 2000
    started = time.perf_counter()
    for i in range(n):
        staffing(
            requests=10_000 + i,
            period_seconds=43_200,
            aht_seconds=360,
            target_percent=80,
            target_seconds=300,
            max_occupancy_percent=85,
            shrinkage_percent=30,
        )
    per = (time.perf_counter() - started) / n * 1000
    print(f"{'Erlang C, 83 erlangs':<28} {per:6.3f} ms per line and interval (mean of {n})")


if __name__ == "__main__":
    run("820 agents x 26 weeks", organisation(first=570, second=250, weeks=26))
    run("820 agents x 52 weeks", organisation(first=570, second=250, weeks=52))
    run("5,000 agents x 52 weeks", organisation(first=3500, second=1500, weeks=52))
    erlang()
