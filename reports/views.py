"""The team lead's reports page and a CSV export of each of its tables."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trainingsite.decorators import role_required
from trainingsite.models import Line
from trainingsite.permissions import lines_led_by
from trainingsite.roles import Role

from . import selectors
from .charts import bar_chart

DEFAULT_WEEKS = 8
MAX_WEEKS = 12


def _lines(request: HttpRequest) -> tuple[list[Line], Line | None]:
    """The lines the report covers: every line the user leads, or the one asked for.

    A line id that is not one of the user's lines (another line's, unknown or malformed) is a 404,
    so nobody learns whether another line exists from the answer."""
    led = list(lines_led_by(request.user).order_by("level", "name"))
    wanted = request.GET.get("line", "")
    if not wanted:
        return led, None
    chosen = next((line for line in led if str(line.pk) == wanted), None)
    if chosen is None:
        raise Http404
    return [chosen], chosen


def _weeks(request: HttpRequest) -> int:
    try:
        return max(1, min(MAX_WEEKS, int(request.GET.get("weeks", DEFAULT_WEEKS))))
    except ValueError:
        return DEFAULT_WEEKS


def _days(value: float | None) -> str:
    return "—" if value is None else _("%(days)s d") % {"days": number_format(value, 1)}


def _percent(value: float) -> str:
    return f"{number_format(value, 1)} %"


def _charts(data: dict) -> dict:
    counts = data["stage_counts"]
    durations = data["durations"]
    rates = data["quiz_rates"]
    expiring = data["expiring"]
    coverage = data["coverage"]
    charts = {
        "stages": bar_chart(
            id="chart-stages",
            title=_("Newcomers in each stage"),
            description="; ".join(f"{c.label}: {c.count}" for c in counts),
            rows=[(c.label, [(c.count, "primary", f"{c.label}: {c.count}")], str(c.count)) for c in counts],
        ),
        "durations": bar_chart(
            id="chart-durations",
            title=_("Median days per stage"),
            description="; ".join(f"{d.label}: {_days(d.median_days)}" for d in durations.stages),
            rows=[
                (
                    d.label,
                    [(d.median_days or 0, "primary", f"{d.label}: {_days(d.median_days)}")],
                    _days(d.median_days),
                )
                for d in durations.stages
            ],
        ),
        "quizzes": bar_chart(
            id="chart-quizzes",
            title=_("Pass rate per quiz"),
            description="; ".join(f"{q.title}: {_percent(q.rate)}" for q in rates),
            rows=[
                (q.title, [(q.rate, "ok", f"{q.title}: {_percent(q.rate)}")], _percent(q.rate)) for q in rates
            ],
            maximum=100,
        ),
        "expiring": bar_chart(
            id="chart-expiring",
            title=_("Certificates expiring, by days left"),
            description="; ".join(
                _("%(band)s days: %(n)s") % {"band": band, "n": n} for band, n in expiring.bands
            ),
            rows=[
                (
                    _("%(band)s days") % {"band": band},
                    [(n, "warn" if i == 0 else "muted", str(n))],
                    str(n),
                )
                for i, (band, n) in enumerate(expiring.bands)
            ],
        ),
    }
    several_lines = len(data["lines"]) > 1
    # A line without an answer-time SLA has no minimum: its weeks would be empty bars, the table says so.
    weeks = [w for w in coverage if w.shifts]
    coverage_rows = []
    for w in weeks:
        label = date_format(w.monday, "d.m.Y")
        if several_lines:
            label = f"{w.line.name}, {label}"
        coverage_rows.append(
            (
                label,
                [
                    (w.above, "ok", _("%(n)s above the minimum") % {"n": w.above}),
                    (w.at, "warn", _("%(n)s at the minimum") % {"n": w.at}),
                    (w.below, "bad", _("%(n)s below the minimum") % {"n": w.below}),
                ],
                ngettext("%(n)s below", "%(n)s below", w.below) % {"n": w.below},
            )
        )
    charts["coverage"] = bar_chart(
        id="chart-coverage",
        title=_("Shifts above, at and below the minimum, by week"),
        description="; ".join(
            _("%(week)s: %(above)s above, %(at)s at, %(below)s below the minimum")
            % {"week": row[0], "above": w.above, "at": w.at, "below": w.below}
            for row, w in zip(coverage_rows, weeks, strict=True)
        ),
        rows=coverage_rows,
        legend=[
            ("ok", _("above the minimum")),
            ("warn", _("at the minimum")),
            ("bad", _("below the minimum")),
        ],
    )
    return charts


def report_data(*, lines: list[Line], today: datetime.date, weeks: int) -> dict:
    return {
        "lines": lines,
        "stage_counts": selectors.stage_counts(lines=lines),
        "durations": selectors.durations(lines=lines),
        "quiz_rates": selectors.quiz_pass_rates(lines=lines),
        "failed_questions": selectors.most_failed_questions(lines=lines),
        "expiring": selectors.certificates_expiring(lines=lines, today=today),
        "coverage": selectors.coverage_weeks(lines=lines, start=today, weeks=weeks),
    }


@role_required(Role.TEAM_LEAD)
def report(request: HttpRequest) -> HttpResponse:
    lines, chosen = _lines(request)
    led = lines if chosen is None else list(lines_led_by(request.user).order_by("level", "name"))
    context: dict = {"led_lines": led, "chosen": chosen, "weeks": _weeks(request)}
    if lines:
        data = report_data(lines=lines, today=timezone.localdate(), weeks=context["weeks"])
        context.update(data, charts=_charts(data), windows=selectors.EXPIRY_WINDOWS)
    return TemplateResponse(request, "reports/report.html", context)


def _csv_safe(cells: Iterable[object]) -> list[str]:
    # Names, titles and question texts are typed by people: a leading =, +, -, @ (or a tab or
    # carriage return) would run as a formula when the file is opened in a spreadsheet.
    # Numbers are ours (a negative margin is a number, not a formula) and are written as they are.
    out = []
    for cell in cells:
        if isinstance(cell, str):
            out.append("'" + cell if cell and cell[0] in "=+-@\t\r" else cell)
        else:
            out.append("" if cell is None else str(cell))
    return out


def _rows_stages(lines, today, weeks):
    yield [_("Stage"), _("Newcomers")]
    for c in selectors.stage_counts(lines=lines):
        yield [c.label, c.count]


def _rows_durations(lines, today, weeks):
    d = selectors.durations(lines=lines)
    yield [_("Stage"), _("Median days"), _("Stages completed")]
    for s in d.stages:
        yield [s.label, "" if s.median_days is None else s.median_days, s.completed]
    yield [
        _("Enrolment to certification"),
        "" if d.to_certification_days is None else d.to_certification_days,
        d.certified,
    ]


def _rows_quizzes(lines, today, weeks):
    yield [_("Quiz"), _("Attempts"), _("Passed"), _("Pass rate (%)"), _("Learners")]
    for q in selectors.quiz_pass_rates(lines=lines):
        yield [q.title, q.attempts, q.passed, q.rate, q.learners]


def _rows_questions(lines, today, weeks):
    yield [_("Question"), _("Text"), _("Quiz"), _("Asked"), _("Failed"), _("Failure rate (%)")]
    for q in selectors.most_failed_questions(lines=lines):
        yield [q.name, q.text, q.quiz, q.asked, q.failed, q.rate]


def _rows_certificates(lines, today, weeks):
    yield [_("Name"), _("Programme"), _("Line"), _("Valid until"), _("Days left")]
    for c in selectors.certificates_expiring(lines=lines, today=today).certificates:
        yield [c.holder_name, c.programme_title, c.line_name, c.valid_until.isoformat(), c.days_left]


def _rows_coverage(lines, today, weeks):
    yield [
        _("Line"),
        _("Week of"),
        _("Shifts with a minimum"),
        _("Above the minimum"),
        _("At the minimum"),
        _("Below the minimum"),
        _("Smallest margin"),
    ]
    for w in selectors.coverage_weeks(lines=lines, start=today, weeks=weeks):
        yield [
            w.line.name,
            w.monday.isoformat(),
            w.shifts,
            w.above,
            w.at,
            w.below,
            "" if w.tightest is None else w.tightest,
        ]


EXPORTS: dict[str, Callable] = {
    "stages": _rows_stages,
    "durations": _rows_durations,
    "quizzes": _rows_quizzes,
    "questions": _rows_questions,
    "certificates": _rows_certificates,
    "coverage": _rows_coverage,
}


@role_required(Role.TEAM_LEAD)
def export_csv(request: HttpRequest, table: str) -> HttpResponse:
    rows = EXPORTS.get(table)
    if rows is None:
        raise Http404
    lines, _chosen = _lines(request)
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{table}-{today.isoformat()}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic names as UTF-8
    writer = csv.writer(response)
    for row in rows(lines, today, _weeks(request)):
        writer.writerow(_csv_safe(row))
    return response
