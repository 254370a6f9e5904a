"""The auto-planner's core: which week each due agent rotates and with which host, by CP-SAT.

Pure Python over plain data, so the benchmark and the tests drive it without a database.

The model never has a variable per agent x week x host (that does not scale past a few dozen
agents). Agents of the same home unit who become eligible in the same week are interchangeable,
so stage 1 counts, per such class and week, how many rotate, under

- home coverage: per line and week, no more away than the line's spare places (the smallest
  margin over the minimum on any of that week's shifts, so whoever goes, no shift drops below
  its minimum) and the set maximum away per line;
- host capacity, by Hall's theorem: per home unit and week, its agents fit in the free mentor
  places of the hosts it may go to, and all agents of the week fit in all hosts together. A home
  unit may go to every host but itself, so these two families are exactly Hall's condition and
  a host assignment always exists.

Stage 2 turns counts into hosts with a max-flow per week, then mentors and agents greedily.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

# Placing anyone outweighs any amount of waiting; waiting costs the square of the weeks, so
# long-overdue agents go first and leaving one of them out costs the most.
PLACE_WEIGHT = 100_000
# Agents overdue by more than this many weeks are treated alike (keeps the coefficients small).
MAX_OVERDUE_WEEKS = 52

Unit = tuple[int, int | None]  # (line id, group id or None)


@dataclass(frozen=True)
class PlanAgent:
    id: int
    line: int
    unit: Unit
    eligible_week: int  # index of the first week they may go; negative when already overdue


@dataclass(frozen=True)
class PlanMentor:
    id: int
    unit: Unit
    free: tuple[int, ...]  # free places per week


@dataclass
class PlanProblem:
    weeks: int
    agents: list[PlanAgent]
    mentors: list[PlanMentor]
    # line id -> spare places per week (coverage margin, already capped by max away)
    home_capacity: dict[int, list[int]]
    hosts: list[Unit]
    require_all_due: bool = False
    time_limit: float = 20.0
    workers: int = 2


@dataclass(frozen=True)
class Placement:
    agent_id: int
    week: int
    host: Unit
    mentor_id: int


@dataclass
class PlanResult:
    status: str  # "optimal", "feasible", "infeasible", "unknown"
    placements: list[Placement]
    unplaced: list[int]
    objective: float = 0.0
    bound: float = 0.0
    seconds: float = 0.0
    variables: int = 0
    stats: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative distance to the solver's proven bound (0 when optimal)."""
        if self.status == "optimal" or not self.bound:
            return 0.0
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


def _host_capacity(problem: PlanProblem) -> dict[Unit, list[int]]:
    cap: dict[Unit, list[int]] = {h: [0] * problem.weeks for h in problem.hosts}
    for mentor in problem.mentors:
        if mentor.unit in cap:
            for w in range(problem.weeks):
                cap[mentor.unit][w] += max(0, mentor.free[w])
    return cap


def solve(problem: PlanProblem) -> PlanResult:
    started = time.perf_counter()
    weeks = problem.weeks
    host_cap = _host_capacity(problem)
    total_host = [sum(host_cap[h][w] for h in problem.hosts) for w in range(weeks)]

    classes: dict[tuple[Unit, int], list[PlanAgent]] = defaultdict(list)
    for agent in problem.agents:
        if agent.eligible_week < weeks:
            classes[(agent.unit, max(agent.eligible_week, -MAX_OVERDUE_WEEKS))].append(agent)
    out_of_horizon = [a.id for a in problem.agents if a.eligible_week >= weeks]

    model = cp_model.CpModel()
    impossible = False
    x: dict[tuple[tuple[Unit, int], int], cp_model.IntVar] = {}
    objective = []
    by_line_week: dict[tuple[int, int], list] = defaultdict(list)
    by_unit_week: dict[tuple[Unit, int], list] = defaultdict(list)
    by_week: dict[int, list] = defaultdict(list)
    for key, members in classes.items():
        unit, eligible = key
        line = unit[0]
        size = len(members)
        first = max(0, eligible)
        row = []
        for w in range(first, weeks):
            upper = min(size, problem.home_capacity.get(line, [0] * weeks)[w])
            if upper <= 0:
                continue
            var = model.new_int_var(0, upper, f"x_{line}_{unit[1]}_{eligible}_{w}")
            x[(key, w)] = var
            row.append(var)
            by_line_week[(line, w)].append(var)
            by_unit_week[(unit, w)].append(var)
            by_week[w].append(var)
            left_out = (weeks - eligible) ** 2
            objective.append((PLACE_WEIGHT + left_out - (w - eligible) ** 2) * var)
        if row:
            if problem.require_all_due and eligible <= 0:
                model.add(sum(row) == size)
            else:
                model.add(sum(row) <= size)
        elif problem.require_all_due and eligible <= 0:
            impossible = True  # no week of the horizon has a place for this class at all
    for (line, w), vars_ in by_line_week.items():
        model.add(sum(vars_) <= problem.home_capacity[line][w])
    for (unit, w), vars_ in by_unit_week.items():
        model.add(sum(vars_) <= sum(host_cap[h][w] for h in problem.hosts if h != unit))
    for w, vars_ in by_week.items():
        model.add(sum(vars_) <= total_host[w])
    model.maximize(sum(objective))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.time_limit
    solver.parameters.num_workers = problem.workers
    code = cp_model.INFEASIBLE if impossible else solver.solve(model)
    status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(code, "unknown")
    if status in ("infeasible", "unknown"):
        return PlanResult(
            status=status,
            placements=[],
            unplaced=[a.id for a in problem.agents],
            seconds=time.perf_counter() - started,
            variables=len(x),
        )
    counts = {key: solver.value(var) for key, var in x.items() if solver.value(var)}
    placements = _assign(problem, classes, counts, host_cap)
    placed = {p.agent_id for p in placements}
    return PlanResult(
        status=status,
        placements=placements,
        unplaced=[a.id for a in problem.agents if a.id not in placed and a.id not in out_of_horizon]
        + out_of_horizon,
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        seconds=time.perf_counter() - started,
        variables=len(x),
        stats={"classes": len(classes), "wall": solver.wall_time},
    )


def _hosts_greedy(units, demand, hosts, capacity, total) -> dict[Unit, list[Unit]] | None:
    """Spread a week's guests over the hosts with the most free places (least used so far on a
    tie); None when that greedy choice paints itself into a corner."""
    remaining = dict(capacity)
    to_host: dict[Unit, list[Unit]] = defaultdict(list)
    for unit in sorted(units, key=lambda u: -demand[u]):
        for _i in range(demand[unit]):
            options = [h for h in hosts if h != unit and remaining[h] > 0]
            if not options:
                return None
            host = max(options, key=lambda h: (remaining[h], -total[h]))
            remaining[host] -= 1
            to_host[unit].append(host)
    return to_host


def _hosts_max_flow(units, demand, hosts, capacity) -> dict[Unit, list[Unit]]:
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    unit_node = {u: 2 + i for i, u in enumerate(units)}
    host_node = {h: 2 + len(units) + i for i, h in enumerate(hosts)}
    arcs = []
    for u in units:
        flow.add_arc_with_capacity(source, unit_node[u], demand[u])
        for h in hosts:
            if h != u and capacity[h] > 0:
                arcs.append((flow.add_arc_with_capacity(unit_node[u], host_node[h], demand[u]), u, h))
    for h in hosts:
        flow.add_arc_with_capacity(host_node[h], sink, capacity[h])
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() != sum(demand[u] for u in units):
        raise RuntimeError("host assignment failed despite Hall's condition")  # pragma: no cover
    to_host: dict[Unit, list[Unit]] = defaultdict(list)
    for arc, u, h in arcs:
        to_host[u].extend([h] * flow.flow(arc))
    return to_host


def _assign(problem, classes, counts, host_cap) -> list[Placement]:
    """Stage 2: hosts per week (balanced greedy, else max-flow, which Hall's condition guarantees),
    then the host mentor with the most free places, then named agents."""
    # Within a class, agents are taken in a stable order (lowest id first) week by week.
    queues = {key: sorted(members, key=lambda a: a.id) for key, members in classes.items()}
    mentors_by_unit: dict[Unit, list[PlanMentor]] = defaultdict(list)
    for mentor in problem.mentors:
        mentors_by_unit[mentor.unit].append(mentor)
    used: dict[tuple[int, int], int] = defaultdict(int)
    guests_total: dict[int, int] = defaultdict(int)
    host_total: dict[Unit, int] = defaultdict(int)
    placements: list[Placement] = []
    per_week: dict[int, dict[tuple[Unit, int], int]] = defaultdict(dict)
    for (key, w), n in counts.items():
        per_week[w][key] = n
    for w in sorted(per_week):
        week_counts = per_week[w]
        units = sorted({key[0] for key in week_counts})
        demand: dict[Unit, int] = defaultdict(int)
        for (unit, _e), n in week_counts.items():
            demand[unit] += n
        capacity = {h: host_cap[h][w] for h in problem.hosts}
        to_host = _hosts_greedy(units, demand, problem.hosts, capacity, host_total) or _hosts_max_flow(
            units, demand, problem.hosts, capacity
        )
        for key in sorted(week_counts, key=lambda k: k[1]):
            unit = key[0]
            for _i in range(week_counts[key]):
                agent = queues[key].pop(0)
                host = to_host[unit].pop()
                mentor = max(
                    (m for m in mentors_by_unit[host] if m.free[w] - used[(m.id, w)] > 0),
                    key=lambda m: (m.free[w] - used[(m.id, w)], -guests_total[m.id]),
                )
                used[(mentor.id, w)] += 1
                guests_total[mentor.id] += 1
                host_total[host] += 1
                placements.append(Placement(agent.id, w, host, mentor.id))
    return placements


@dataclass(frozen=True)
class Shortage:
    kind: str  # "home" (line coverage), "host" (mentor places), "weeks" (the two do not meet)
    key: object
    needed: int
    available: int

    @property
    def short_by(self) -> int:
        return max(0, self.needed - self.available)


def shortages(problem: PlanProblem) -> list[Shortage]:
    """Simple capacity checks that explain why agents cannot all be placed: per home line, the
    due agents against the line's spare places over the horizon; per home unit, against the hosts'
    free mentor places in the weeks the line can spare them."""
    host_cap = _host_capacity(problem)
    found: list[Shortage] = []
    by_line: dict[int, list[PlanAgent]] = defaultdict(list)
    by_unit: dict[Unit, list[PlanAgent]] = defaultdict(list)
    for agent in problem.agents:
        if agent.eligible_week < problem.weeks:
            by_line[agent.line].append(agent)
            by_unit[agent.unit].append(agent)
    for line, agents in by_line.items():
        first = max(0, min(a.eligible_week for a in agents))
        places = sum(problem.home_capacity.get(line, [0] * problem.weeks)[first:])
        if places < len(agents):
            found.append(Shortage("home", line, len(agents), places))
    short_lines = {s.key for s in found}
    for unit, agents in by_unit.items():
        first = max(0, min(a.eligible_week for a in agents))
        weeks = range(first, problem.weeks)
        home = problem.home_capacity.get(unit[0], [0] * problem.weeks)
        hosts = [sum(host_cap[h][w] for h in problem.hosts if h != unit) for w in range(problem.weeks)]
        if sum(hosts[w] for w in weeks) < len(agents):
            found.append(Shortage("host", unit, len(agents), sum(hosts[w] for w in weeks)))
        elif unit[0] not in short_lines:
            # Enough places on each side over the horizon, but not in the same weeks.
            both = sum(min(home[w], hosts[w]) for w in weeks)
            if both < len(agents):
                found.append(Shortage("weeks", unit, len(agents), both))
    return found


def check_plan(problem: PlanProblem, placements: list[Placement]) -> list[str]:
    """An independent check of a plan against every constraint; returns the violations."""
    errors = []
    agents = {a.id: a for a in problem.agents}
    mentors = {m.id: m for m in problem.mentors}
    seen = set()
    away: dict[tuple[int, int], int] = defaultdict(int)
    guests: dict[tuple[int, int], int] = defaultdict(int)
    for p in placements:
        agent = agents.get(p.agent_id)
        if agent is None:
            errors.append(f"unknown agent {p.agent_id}")
            continue
        if p.agent_id in seen:
            errors.append(f"agent {p.agent_id} placed twice")
        seen.add(p.agent_id)
        if not 0 <= p.week < problem.weeks:
            errors.append(f"agent {p.agent_id} outside the horizon")
        if p.week < agent.eligible_week:
            errors.append(f"agent {p.agent_id} placed before eligible")
        if p.host == agent.unit or p.host not in problem.hosts:
            errors.append(f"agent {p.agent_id} sent to an invalid host {p.host}")
        mentor = mentors.get(p.mentor_id)
        if mentor is None or mentor.unit != p.host:
            errors.append(f"agent {p.agent_id}: mentor {p.mentor_id} not of host {p.host}")
        away[(agent.line, p.week)] += 1
        guests[(p.mentor_id, p.week)] += 1
    for (line, w), n in away.items():
        if n > problem.home_capacity.get(line, [0] * problem.weeks)[w]:
            errors.append(f"line {line} week {w}: {n} away, spare {problem.home_capacity[line][w]}")
    for (mentor_id, w), n in guests.items():
        if mentor_id in mentors and n > mentors[mentor_id].free[w]:
            errors.append(f"mentor {mentor_id} week {w}: {n} guests, free {mentors[mentor_id].free[w]}")
    if problem.require_all_due:
        for agent in problem.agents:
            if agent.eligible_week <= 0 and agent.id not in seen:
                errors.append(f"due agent {agent.id} left out")
    return errors


def upper_bound_placeable(problem: PlanProblem) -> int:
    """The most agents any plan could place (for reports): never more than the agents or places."""
    return min(
        len(problem.agents),
        sum(sum(c) for c in problem.home_capacity.values()),
        sum(sum(max(0, f) for f in m.free) for m in problem.mentors),
    )


def weeks_between(days: int) -> int:
    return math.ceil(days / 7)
