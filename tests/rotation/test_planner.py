"""The planner never returns a plan that breaks a constraint: checked here by code of its own."""

import datetime
import random
from collections import defaultdict

import pytest

from rotation import planning, selectors
from rotation.models import Rotation
from rotation.planner import PlanAgent, PlanMentor, PlanProblem, check_plan, shortages, solve
from tests.factories import demand_for_minimum, person, rostered_agents
from trainingsite.roles import Role

from .conftest import MONDAY


def independent_violations(problem: PlanProblem, placements) -> list[str]:
    """Written apart from the planner: recount everything from the placements alone."""
    agents = {a.id: a for a in problem.agents}
    free = {m.id: m for m in problem.mentors}
    errors = []
    if len({p.agent_id for p in placements}) != len(placements):
        errors.append("an agent placed twice")
    away = defaultdict(int)
    guests = defaultdict(int)
    for p in placements:
        a = agents[p.agent_id]
        if p.week < max(0, a.eligible_week) or p.week >= problem.weeks:
            errors.append(f"week {p.week} outside {a}")
        if p.host == a.unit:
            errors.append(f"{a} hosted at home")
        if free[p.mentor_id].unit != p.host:
            errors.append("mentor of another host")
        away[(a.line, p.week)] += 1
        guests[(p.mentor_id, p.week)] += 1
    errors += [f"line {k} over" for k, n in away.items() if n > problem.home_capacity[k[0]][k[1]]]
    errors += [f"mentor {k} over" for k, n in guests.items() if n > free[k[0]].free[k[1]]]
    return errors


def random_problem(seed: int, *, agents: int = 60, weeks: int = 8) -> PlanProblem:
    rng = random.Random(seed)
    units = [(1, None), (2, 21), (2, 22)]
    people = [
        PlanAgent(i, u[0], u, rng.randint(-10, weeks + 2))
        for i, u in ((i, rng.choice(units)) for i in range(agents))
    ]
    mentors = [
        PlanMentor(1000 + n, rng.choice(units), tuple(rng.randint(-1, 2) for _ in range(weeks)))
        for n in range(8)
    ]
    home = {1: [rng.randint(0, 4) for _ in range(weeks)], 2: [rng.randint(0, 2) for _ in range(weeks)]}
    return PlanProblem(
        weeks=weeks, agents=people, mentors=mentors, home_capacity=home, hosts=units, time_limit=10
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_plans_break_no_constraint(seed):
    problem = random_problem(seed)
    result = solve(problem)
    assert result.status == "optimal"
    assert independent_violations(problem, result.placements) == []
    assert check_plan(problem, result.placements) == []
    placed = {p.agent_id for p in result.placements}
    assert placed.isdisjoint(result.unplaced)
    assert placed | set(result.unplaced) == {a.id for a in problem.agents}


def test_most_overdue_agent_goes_first_when_only_one_place():
    problem = PlanProblem(
        weeks=1,
        agents=[
            PlanAgent(1, 1, (1, None), 0),
            PlanAgent(2, 1, (1, None), -20),
            PlanAgent(3, 1, (1, None), -3),
        ],
        mentors=[PlanMentor(9, (2, None), (5,))],
        home_capacity={1: [1]},
        hosts=[(1, None), (2, None)],
    )
    result = solve(problem)
    assert [p.agent_id for p in result.placements] == [2]


def test_overdue_agents_go_in_earlier_weeks():
    problem = PlanProblem(
        weeks=2,
        agents=[PlanAgent(1, 1, (1, None), 0), PlanAgent(2, 1, (1, None), -8)],
        mentors=[PlanMentor(9, (2, None), (1, 1))],
        home_capacity={1: [1, 1]},
        hosts=[(2, None)],
    )
    weeks = {p.agent_id: p.week for p in solve(problem).placements}
    assert weeks == {2: 0, 1: 1}


def test_requiring_every_due_agent_reports_infeasible_and_why():
    problem = PlanProblem(
        weeks=2,
        agents=[PlanAgent(i, 1, (1, None), 0) for i in range(5)],
        mentors=[PlanMentor(9, (2, None), (3, 3))],
        home_capacity={1: [1, 2]},
        hosts=[(2, None)],
        require_all_due=True,
    )
    result = solve(problem)
    assert result.status == "infeasible"
    assert result.placements == []
    (shortage,) = shortages(problem)
    assert (shortage.kind, shortage.needed, shortage.available, shortage.short_by) == ("home", 5, 3, 2)


@pytest.fixture
def planning_org(line, other_line, group, shifts, team_lead):
    """Six first-line agents on mornings (minimum 4), two second-line hosts of capacity 1."""
    demand_for_minimum(shifts["morning"], 4)
    agents = rostered_agents(line, shifts["morning"], 6, prefix="p")
    mentors = [
        person(
            username=f"hm{i}",
            roles=[Role.AGENT, Role.MENTOR],
            line=other_line,
            group=group,
            mentor_capacity=1,
        )
        for i in range(2)
    ]
    return agents, mentors


def db_violations(proposal, *, max_away: int) -> list[str]:
    """Check a proposal against the database the way the service does: real per-shift coverage,
    each mentor's guests per day, one rotation per agent, no more than max_away per line a day."""
    errors = []
    rows = proposal.rows
    if len({r.agent.pk for r in rows}) != len(rows):
        errors.append("agent twice")
    by_line = defaultdict(list)
    for r in rows:
        by_line[r.home_line].append((r.agent.pk, r.starts_on, r.ends_on))
    end = proposal.start + datetime.timedelta(days=proposal.weeks * 7)
    for line, spans in by_line.items():
        before = selectors.coverage(line=line, start=proposal.start, end=end)
        after = selectors.coverage(line=line, start=proposal.start, end=end, extra=spans)
        for was, cell in zip(before, after, strict=True):
            if cell.present < was.present and cell.present < cell.minimum:
                errors.append(f"{cell.date} {cell.shift} {cell.present} < {cell.minimum}")
        per_day = defaultdict(int)
        for _a, first, last in spans:
            for day in selectors.daterange(first, last):
                per_day[day] += 1
        errors += [f"{d}: {n} away" for d, n in per_day.items() if n > max_away]
    guests = defaultdict(int)
    for r in rows:
        for day in selectors.daterange(r.starts_on, r.ends_on):
            guests[(r.host_mentor.pk, day)] += 1
    loads = selectors.mentor_loads(mentor_ids={r.host_mentor.pk for r in rows}, start=proposal.start, end=end)
    errors += [f"mentor {m} {d}" for (m, d), n in guests.items() if n > loads[m].capacity - loads[m].mentees]
    for r in rows:
        profile = r.agent.profile
        eligible = selectors.eligible_from(line_joined_on=profile.line_joined_on, last_rotation_end=None)
        if eligible and r.starts_on < eligible:
            errors.append(f"{r.agent} before eligible")
    return errors


def test_proposal_from_the_database_respects_every_rule(planning_org, line, other_line):
    proposal = planning.propose(
        lines=type(line).objects.filter(pk=line.pk),
        host_lines=type(line).objects.filter(pk=other_line.pk),
        start=MONDAY,
        weeks=4,
        max_away=3,
    )
    assert proposal.result.status == "optimal"
    # Two spare places a week (6 rostered, minimum 4), two mentors of capacity 1: 6 agents in 3 weeks.
    assert len(proposal.rows) == 6
    assert db_violations(proposal, max_away=3) == []
    assert all(r.starts_on.weekday() == 0 and (r.ends_on - r.starts_on).days == 4 for r in proposal.rows)


def test_proposal_explains_a_line_without_spare_capacity(planning_org, line, other_line, shifts):
    shifts["morning"].demand.delete()
    demand_for_minimum(shifts["morning"], 6)  # every rostered agent is needed
    proposal = planning.propose(
        lines=type(line).objects.filter(pk=line.pk),
        host_lines=type(line).objects.filter(pk=other_line.pk),
        start=MONDAY,
        weeks=2,
        max_away=3,
        require_all_due=True,
    )
    assert proposal.result.status == "infeasible"
    assert proposal.rows == []
    assert proposal.explanations == [
        "First line: 6 agents are due, but the shifts leave room for only 0 away over these weeks "
        "(short by 6).",
        "First line: 6 agents are due, but the host mentors have only 4 free places over these weeks "
        "(short by 2).",
    ]
    assert proposal.week_notes[0] == (
        "First line, week of 01.03.2027: nobody can be spared: Mon 01.03 09:00-15:00 has 6 present "
        "against a minimum of 6."
    )


def test_agents_with_a_planned_rotation_are_not_proposed_again(
    planning_org, line, other_line, team_lead, group
):
    agents, mentors = planning_org
    Rotation.objects.create(
        agent=agents[0],
        home_line=line,
        host_line=other_line,
        host_group=group,
        host_mentor=mentors[0],
        starts_on=MONDAY + datetime.timedelta(days=21),
        ends_on=MONDAY + datetime.timedelta(days=25),
        created_by=team_lead,
    )
    proposal = planning.propose(
        lines=type(line).objects.filter(pk=line.pk),
        host_lines=type(line).objects.filter(pk=other_line.pk),
        start=MONDAY,
        weeks=4,
        max_away=3,
        today=MONDAY,
    )
    assert agents[0].pk not in {r.agent.pk for r in proposal.rows}
    assert db_violations(proposal, max_away=3) == []
