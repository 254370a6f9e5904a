"""Item analysis of a quiz, after Moodle's quiz statistics report.

- Facility index: mean share of the question's points earned, in %.
- Discrimination index: Pearson correlation (x100) between the question's score and the score on
  the rest of the attempt; low or negative values mean strong learners do no better on it.
- Choice frequencies: how often each choice (by its text in the version shown) was picked.
- Cronbach's alpha over attempt slots (position k of every attempt), as Moodle does for quizzes
  that draw random questions.
Flags use Moodle's guidance: facility under 5 % or over 95 %, discrimination under 0 (check the key)
or under 20 (weak), a wrong choice nobody picked.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import AttemptQuestion, Quiz

MIN_ATTEMPTS_FOR_UNPICKED_FLAG = 10


@dataclass
class ItemStats:
    question_id: int
    name: str
    type: str
    versions: list[int]
    count: int
    facility: float | None
    discrimination: float | None
    choices: list[tuple[str, bool, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    quiz: Quiz
    attempts: int
    mean_percent: float | None
    alpha: float | None
    items: list[ItemStats]


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy)


def _variance(values: list[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def cronbach_alpha(matrix: list[list[float]]) -> float | None:
    """Rows = attempts, columns = items (fractions 0..1)."""
    if len(matrix) < 3 or not matrix or len(matrix[0]) < 2:
        return None
    k = len(matrix[0])
    item_var = sum(_variance([row[j] for row in matrix]) for j in range(k))
    total_var = _variance([sum(row) for row in matrix])
    if total_var == 0:
        return None
    return (k / (k - 1)) * (1 - item_var / total_var)


def quiz_statistics(quiz: Quiz) -> QuizStats:
    rows = list(
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__status="finished")
        .values_list(
            "attempt_id", "position", "question_id", "question_version", "snapshot", "response", "score"
        )
        .order_by("attempt_id", "position")
    )
    by_attempt: dict[int, list] = defaultdict(list)
    for row in rows:
        by_attempt[row[0]].append(row)
    totals = {
        attempt_id: sum(_fraction(r) * float(r[4]["points"]) for r in items)
        for attempt_id, items in by_attempt.items()
    }
    by_question: dict[int, list] = defaultdict(list)
    for row in rows:
        by_question[row[2]].append(row)
    items: list[ItemStats] = []
    for question_id, q_rows in by_question.items():
        latest = max(q_rows, key=lambda r: r[3])[4]
        fractions = [_fraction(r) for r in q_rows]
        rest = [totals[r[0]] - _fraction(r) * float(r[4]["points"]) for r in q_rows]
        facility = 100 * sum(fractions) / len(fractions)
        corr = _pearson(fractions, rest)
        stats = ItemStats(
            question_id=question_id,
            name=latest["name"],
            type=latest["type"],
            versions=sorted({r[3] for r in q_rows}),
            count=len(q_rows),
            facility=facility,
            discrimination=None if corr is None else 100 * corr,
        )
        picks: Counter = Counter()
        correct_by_text: dict[str, bool] = {}
        for r in q_rows:
            snapshot, response = r[4], r[5] or {}
            texts = {c["id"]: c["text"] for c in snapshot["choices"]}
            for c in snapshot["choices"]:
                correct_by_text.setdefault(c["text"], c["correct"])
            if snapshot["type"] in ("single", "multiple"):
                picked = [response.get("choice")] if "choice" in response else response.get("choices", [])
                picks.update(texts[i] for i in picked if i in texts)
            elif snapshot["type"] == "truefalse" and "value" in response:
                picks[_("True") if response["value"] else _("False")] += 1
        if latest["type"] in ("single", "multiple"):
            stats.choices = [(text, ok, picks.get(text, 0)) for text, ok in correct_by_text.items()]
        elif latest["type"] == "truefalse":
            stats.choices = [
                (_("True"), latest["statement_is_true"], picks.get(_("True"), 0)),
                (_("False"), not latest["statement_is_true"], picks.get(_("False"), 0)),
            ]
        stats.flags = _flags(stats)
        items.append(stats)
    items.sort(key=lambda s: s.name)
    slots = min((len(v) for v in by_attempt.values()), default=0)
    matrix = [[_fraction(r) for r in sorted(v, key=lambda r: r[1])[:slots]] for v in by_attempt.values()]
    max_total = {a: sum(float(r[4]["points"]) for r in v) for a, v in by_attempt.items()}
    percents = [100 * totals[a] / max_total[a] for a in by_attempt if max_total[a]]
    return QuizStats(
        quiz=quiz,
        attempts=len(by_attempt),
        mean_percent=sum(percents) / len(percents) if percents else None,
        alpha=cronbach_alpha(matrix) if slots >= 2 else None,
        items=items,
    )


def _fraction(row) -> float:
    points = float(row[4]["points"])
    return float(row[6] or 0) / points if points else 0.0


def _flags(stats: ItemStats) -> list[str]:
    flags = []
    if stats.facility is not None and stats.count >= 3:
        if stats.facility < 5:
            flags.append(_("Very hard: almost nobody gets it right"))
        elif stats.facility > 95:
            flags.append(_("Very easy: almost everybody gets it right"))
    if stats.discrimination is not None:
        if stats.discrimination < 0:
            flags.append(_("Negative discrimination: check the answer key"))
        elif stats.discrimination < 20:
            flags.append(_("Weak discrimination"))
    if stats.count >= MIN_ATTEMPTS_FOR_UNPICKED_FLAG and any(
        not ok and picks == 0 for _text, ok, picks in stats.choices
    ):
        flags.append(_("A wrong choice nobody picks"))
    return flags


def statistics_csv(stats: QuizStats) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Question"),
            _("Type"),
            _("Versions"),
            _("Answers"),
            _("Facility %"),
            _("Discrimination"),
            _("Choices"),
            _("Flags"),
        ]
    )
    for item in stats.items:
        writer.writerow(
            [
                _csv_safe(item.name),
                item.type,
                " ".join(str(v) for v in item.versions),
                item.count,
                "" if item.facility is None else f"{item.facility:.1f}",
                "" if item.discrimination is None else f"{item.discrimination:.1f}",
                _csv_safe("; ".join(f"{'*' if ok else ''}{text}: {n}" for text, ok, n in item.choices)),
                _csv_safe("; ".join(item.flags)),
            ]
        )
    writer.writerow([])
    writer.writerow([_("Attempts"), stats.attempts])
    writer.writerow([_("Cronbach's alpha"), "" if stats.alpha is None else f"{stats.alpha:.3f}"])
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running editor-typed text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
