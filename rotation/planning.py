"""The auto-planner against the database: build the problem, solve it, explain it for a team lead."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trainingsite.models import Line, SupportGroup

from . import selectors
from .bridge import mentee_load
from .models import Rotation
from .planner import PlanAgent, PlanMentor, PlanProblem, PlanResult, Unit, shortages, solve

User = get_user_model()


@dataclass(frozen=True)
class ProposedRotation:
    agent: object
    home_line: Line
    host_line: Line
    host_group: SupportGroup | None
    host_mentor: object
    starts_on: datetime.date
    ends_on: datetime.date
    status: str  # due / overdue / not yet at the start of the horizon

    @property
    def host_label(self) -> str:
        return str(self.host_group) if self.host_group else self.host_line.name

    @property
    def key(self) -> str:
        group = self.host_group.pk if self.host_group else ""
        dates = f"{self.starts_on.isoformat()}:{self.ends_on.isoformat()}"
        return f"{self.agent.pk}:{self.host_line.pk}:{group}:{self.host_mentor.pk}:{dates}"


@dataclass
class Proposal:
    start: datetime.date
    weeks: int
    days: int
    result: PlanResult
    rows: list[ProposedRotation]
    unplaced: list[selectors.AgentDue]
    explanations: list[str] = field(default_factory=list)
    week_notes: list[str] = field(default_factory=list)

    @property
    def gap_percent(self) -> float:
        return round(self.result.gap * 100, 2)


def _unit_of(line_id: int, group_id: int | None, groups_by_line: dict[int, bool]) -> Unit:
    # Lines without groups host and send as a whole; lines with groups do so per group.
    return (line_id, group_id if groups_by_line.get(line_id) else None)


def week_spare(
    *, line: Line, start: datetime.date, weeks: int, days: int, max_away: int
) -> tuple[list[int], list[selectors.ShiftCoverage | None]]:
    """Per week, how many more agents of `line` may be away on every shift of the rotation days,
    and the tightest shift that decides it."""
    cells = selectors.coverage(line=line, start=start, end=start + datetime.timedelta(days=weeks * 7 - 1))
    by_week: dict[int, list[selectors.ShiftCoverage]] = defaultdict(list)
    for cell in cells:
        offset = (cell.date - start).days
        # A shift without a minimum cannot drop below it, however many are away.
        if offset % 7 < days and cell.minimum > 0:
            by_week[offset // 7].append(cell)
    spare, tightest = [], []
    for w in range(weeks):
        week_cells = by_week.get(w, [])
        worst = min(week_cells, key=lambda c: c.spare, default=None)
        margin = worst.spare if worst else max_away
        spare.append(max(0, min(max_away, margin)))
        tightest.append(worst)
    return spare, tightest


def propose(
    *,
    lines: QuerySet[Line],
    host_lines: QuerySet[Line],
    start: datetime.date,
    weeks: int,
    days: int = 5,
    max_away: int = 3,
    require_all_due: bool = False,
    time_limit: float = 20.0,
    today: datetime.date | None = None,
) -> Proposal:
    start = selectors.monday_of(start)
    today = today or start
    horizon_end = start + datetime.timedelta(days=weeks * 7 - 1)
    lines = list(lines)
    hosts_lines = list(host_lines)
    all_line_ids = {line.pk for line in lines} | {line.pk for line in hosts_lines}
    groups_by_line = dict.fromkeys(
        SupportGroup.objects.filter(line_id__in=all_line_ids).values_list("line_id", flat=True), True
    )
    groups = {g.pk: g for g in SupportGroup.objects.filter(line_id__in=all_line_ids).select_related("line")}
    line_objs = {line.pk: line for line in [*lines, *hosts_lines]}

    due = [
        a
        for a in selectors.agents_due(lines=lines, today=today, statuses=("overdue", "due", "not_yet"))
        if a.eligible_on and a.eligible_on <= horizon_end
    ]
    agents = [
        PlanAgent(
            id=a.profile.user_id,
            line=a.profile.line_id,
            unit=_unit_of(a.profile.line_id, a.profile.group_id, groups_by_line),
            eligible_week=math.ceil((a.eligible_on - start).days / 7),
        )
        for a in due
    ]
    home_capacity, tightest = {}, {}
    for line in lines:
        home_capacity[line.pk], tightest[line.pk] = week_spare(
            line=line, start=start, weeks=weeks, days=days, max_away=max_away
        )

    hosts: list[Unit] = []
    for line in hosts_lines:
        if groups_by_line.get(line.pk):
            hosts.extend((line.pk, g.pk) for g in groups.values() if g.line_id == line.pk)
        else:
            hosts.append((line.pk, None))
    mentor_users = {m.pk: m for line in hosts_lines for m in selectors.host_mentors(line=line)}
    mentors = _mentors_free(mentor_users, groups_by_line, start=start, weeks=weeks, days=days)
    problem = PlanProblem(
        weeks=weeks,
        agents=agents,
        mentors=mentors,
        home_capacity=home_capacity,
        hosts=[h for h in hosts if h in {m.unit for m in mentors}] or hosts,
        require_all_due=require_all_due,
        time_limit=time_limit,
    )
    result = solve(problem)

    by_id = {a.profile.user_id: a for a in due}
    rows = []
    for p in sorted(result.placements, key=lambda p: (p.week, by_id[p.agent_id].profile.full_name)):
        first = start + datetime.timedelta(days=7 * p.week)
        agent_due = by_id[p.agent_id]
        rows.append(
            ProposedRotation(
                agent=agent_due.profile.user,
                home_line=agent_due.profile.line,
                host_line=line_objs[p.host[0]],
                host_group=groups.get(p.host[1]) if p.host[1] else None,
                host_mentor=mentor_users[p.mentor_id],
                starts_on=first,
                ends_on=first + datetime.timedelta(days=days - 1),
                status=agent_due.status,
            )
        )
    unplaced = [by_id[i] for i in result.unplaced if i in by_id]
    proposal = Proposal(start=start, weeks=weeks, days=days, result=result, rows=rows, unplaced=unplaced)
    if unplaced or result.status == "infeasible":
        proposal.explanations = explain(problem, line_objs, groups)
        proposal.week_notes = _week_notes(lines, tightest, home_capacity, start)
    return proposal


def _mentors_free(mentor_users, groups_by_line, *, start, weeks, days) -> list[PlanMentor]:
    """Free places of each host mentor per week, in three queries whatever the horizon."""
    if not mentor_users:
        return []
    ids = list(mentor_users)
    end = start + datetime.timedelta(days=weeks * 7 - 1)
    capacity = {m.pk: m.profile.mentor_capacity for m in mentor_users.values()}
    mentees = mentee_load(ids)
    per_day: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    rotations = Rotation.objects.active().filter(host_mentor_id__in=ids).overlapping(start, end)
    for mentor_id, first, last in rotations.values_list("host_mentor_id", "starts_on", "ends_on"):
        for day in selectors.daterange(max(first, start), min(last, end)):
            per_day[mentor_id][day] += 1
    result = []
    for mentor_id, user in mentor_users.items():
        base = capacity[mentor_id] - mentees.get(mentor_id, 0)
        free = []
        for w in range(weeks):
            first = start + datetime.timedelta(days=7 * w)
            busiest = max(per_day[mentor_id].get(first + datetime.timedelta(days=d), 0) for d in range(days))
            free.append(base - busiest)
        result.append(
            PlanMentor(
                id=mentor_id,
                unit=_unit_of(user.profile.line_id, user.profile.group_id, groups_by_line),
                free=tuple(free),
            )
        )
    return result


def _unit_label(unit: Unit, line_objs, groups) -> str:
    return str(groups[unit[1]]) if unit[1] else line_objs[unit[0]].name


def explain(problem: PlanProblem, line_objs, groups) -> list[str]:
    """Why not everyone fits, from simple capacity checks, in a team lead's terms."""
    messages = []
    for shortage in shortages(problem):
        if shortage.kind == "home":
            messages.append(
                ngettext(
                    "%(line)s: %(needed)s agent is due, but the shifts leave room for only %(available)s "
                    "away over these weeks (short by %(short)s).",
                    "%(line)s: %(needed)s agents are due, but the shifts leave room for only %(available)s "
                    "away over these weeks (short by %(short)s).",
                    shortage.needed,
                )
                % {
                    "line": line_objs[shortage.key].name,
                    "needed": shortage.needed,
                    "available": shortage.available,
                    "short": shortage.short_by,
                }
            )
        elif shortage.kind == "host":
            messages.append(
                ngettext(
                    "%(unit)s: %(needed)s agent is due, but the host mentors have only %(available)s free "
                    "places over these weeks (short by %(short)s).",
                    "%(unit)s: %(needed)s agents are due, but the host mentors have only %(available)s free "
                    "places over these weeks (short by %(short)s).",
                    shortage.needed,
                )
                % {
                    "unit": _unit_label(shortage.key, line_objs, groups),
                    "needed": shortage.needed,
                    "available": shortage.available,
                    "short": shortage.short_by,
                }
            )
        else:
            messages.append(
                ngettext(
                    "%(unit)s: %(needed)s agent is due, but only %(available)s places fall in weeks when "
                    "both the line can spare people and host mentors are free (short by %(short)s).",
                    "%(unit)s: %(needed)s agents are due, but only %(available)s places fall in weeks when "
                    "both the line can spare people and host mentors are free (short by %(short)s).",
                    shortage.needed,
                )
                % {
                    "unit": _unit_label(shortage.key, line_objs, groups),
                    "needed": shortage.needed,
                    "available": shortage.available,
                    "short": shortage.short_by,
                }
            )
    if not messages and problem.agents:
        messages.append(
            _(
                "The line's spare places and the host mentors' free places do not fall in the same "
                "weeks often enough for everyone; add mentor capacity or widen the horizon."
            )
        )
    return messages


def _week_notes(lines, tightest, home_capacity, start: datetime.date) -> list[str]:
    notes = []
    for line in lines:
        for w, cell in enumerate(tightest[line.pk]):
            if home_capacity[line.pk][w] == 0 and cell is not None:
                notes.append(
                    _(
                        "%(line)s, week of %(week)s: nobody can be spared: %(day)s %(hours)s has "
                        "%(present)s present against a minimum of %(minimum)s."
                    )
                    % {
                        "line": line.name,
                        "week": date_format(start + datetime.timedelta(days=7 * w), "d.m.Y"),
                        "day": date_format(cell.date, "D d.m"),
                        "hours": cell.shift.hours_label,
                        "present": cell.present,
                        "minimum": cell.minimum,
                    }
                )
    return notes
