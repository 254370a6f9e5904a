"""Pure functions: build the frozen question an attempt shows, read a learner's answer, grade it.

Nothing here touches the database, so every rule is unit-tested on plain dicts.
"""

from __future__ import annotations

import random
import re
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .errors import AnswerError
from .models import Question, QuestionType

SHORT_ANSWER_MAX = 500
_rng = random.SystemRandom()


def snapshot_question(question: Question, *, shuffle_choices: bool) -> dict:
    """The question as this attempt will show and grade it, with fresh opaque choice ids."""
    choices = []
    if question.type == QuestionType.TRUE_FALSE:
        choices = []
    else:
        for rank, choice in enumerate(question.choices.all()):
            choices.append(
                {
                    # Random per attempt: an id seen in one attempt (or guessed) means nothing elsewhere.
                    "id": secrets.token_urlsafe(9),
                    "text": choice.text,
                    "correct": choice.is_correct,
                    "feedback": choice.feedback,
                    "rank": rank,
                }
            )
        if question.type == QuestionType.ORDERING:
            _shuffle_away_from_answer(choices)
        elif shuffle_choices:
            _rng.shuffle(choices)
    return {
        "type": question.type,
        "name": question.name,
        "text": question.text,
        "explanation": question.explanation,
        "points": str(question.points),
        "version": question.version,
        "statement_is_true": question.statement_is_true,
        "accepted": question.accepted_answer_list() if question.type == QuestionType.SHORT else [],
        "choices": choices,
    }


def _shuffle_away_from_answer(items: list) -> None:
    """Shuffle steps so that the order shown is never already the right one."""
    if len(items) < 2:
        return
    original = [item["rank"] for item in items]
    for _attempt in range(20):
        _rng.shuffle(items)
        if [item["rank"] for item in items] != original:
            return
    items.reverse()


def parse_response(snapshot: dict, data, prefix: str) -> dict | None:
    """Read the posted answer to one question; None means "no answer yet".

    `data` is a QueryDict (or a dict of lists). Choice ids not in this attempt's snapshot are refused.
    """
    kind = snapshot["type"]
    ids = {c["id"] for c in snapshot["choices"]}

    def getlist(key: str) -> list[str]:
        return (
            [v for v in data.getlist(key) if v != ""] if hasattr(data, "getlist") else list(data.get(key, []))
        )

    def check(values: list[str]) -> list[str]:
        if any(v not in ids for v in values):
            raise AnswerError(
                _("This answer is not one of the choices of this question."), code="forged_choice"
            )
        return values

    if kind == QuestionType.SINGLE:
        values = check(getlist(prefix))
        if len(values) > 1:
            raise AnswerError(_("Pick only one answer."), code="too_many_choices")
        return {"choice": values[0]} if values else None
    if kind == QuestionType.MULTIPLE:
        values = check(getlist(prefix))
        return {"choices": sorted(set(values))} if values else None
    if kind == QuestionType.TRUE_FALSE:
        values = getlist(prefix)
        if not values:
            return None
        if values[0] not in ("true", "false") or len(values) > 1:
            raise AnswerError(_("Answer true or false."), code="bad_value")
        return {"value": values[0] == "true"}
    if kind == QuestionType.ORDERING:
        ranks: dict[str, int] = {}
        for choice in snapshot["choices"]:
            values = getlist(f"{prefix}-{choice['id']}")
            if not values:
                continue
            try:
                ranks[choice["id"]] = int(values[0])
            except ValueError:
                raise AnswerError(_("Give each step a place number."), code="bad_value") from None
        extra = [k for k in _keys(data) if k.startswith(f"{prefix}-") and k[len(prefix) + 1 :] not in ids]
        if extra:
            raise AnswerError(
                _("This answer is not one of the choices of this question."), code="forged_choice"
            )
        if not ranks:
            return None
        n = len(snapshot["choices"])
        if len(ranks) < n or sorted(ranks.values()) != list(range(1, n + 1)):
            raise AnswerError(
                _("Give each step a different place, from 1 to %(n)s.") % {"n": n}, code="bad_order"
            )
        return {"order": sorted(ranks, key=ranks.__getitem__)}
    if kind == QuestionType.SHORT:
        values = getlist(prefix)
        text = (values[0] if values else "").strip()
        if len(text) > SHORT_ANSWER_MAX:
            raise AnswerError(_("The answer is too long."), code="too_long")
        return {"text": text} if text else None
    raise AnswerError(_("Unknown question type."), code="bad_type")


def _keys(data) -> list[str]:
    return list(data.keys())


def normalise_short(text: str) -> str:
    """Case- and space-insensitive, and ё counts as е (Russian keyboards often lack it)."""
    return re.sub(r"\s+", "", text).casefold().replace("ё", "е")


def grade_fraction(snapshot: dict, response: dict | None) -> Decimal:
    """Share of the question's points earned, 0..1.

    Multiple choice: (right picks - wrong picks) / number of right choices, never below zero, so
    ticking everything earns nothing. Ordering: the share of steps put in their right place.
    """
    if not response:
        return Decimal(0)
    kind = snapshot["type"]
    choices = {c["id"]: c for c in snapshot["choices"]}
    if kind == QuestionType.SINGLE:
        choice = choices.get(response.get("choice"))
        return Decimal(1) if choice and choice["correct"] else Decimal(0)
    if kind == QuestionType.MULTIPLE:
        right_total = sum(1 for c in choices.values() if c["correct"])
        picked = [choices[i] for i in response.get("choices", []) if i in choices]
        right = sum(1 for c in picked if c["correct"])
        wrong = len(picked) - right
        if not right_total:
            return Decimal(0)
        return max(Decimal(0), Decimal(right - wrong) / Decimal(right_total))
    if kind == QuestionType.TRUE_FALSE:
        return Decimal(1) if response.get("value") == snapshot["statement_is_true"] else Decimal(0)
    if kind == QuestionType.ORDERING:
        order = response.get("order", [])
        if not choices:
            return Decimal(0)
        in_place = sum(
            1 for place, cid in enumerate(order) if cid in choices and choices[cid]["rank"] == place
        )
        return Decimal(in_place) / Decimal(len(choices))
    if kind == QuestionType.SHORT:
        given = normalise_short(response.get("text", ""))
        return (
            Decimal(1)
            if given and given in {normalise_short(a) for a in snapshot["accepted"]}
            else Decimal(0)
        )
    return Decimal(0)


def grade_points(snapshot: dict, response: dict | None) -> Decimal:
    points = Decimal(snapshot["points"]) * grade_fraction(snapshot, response)
    return points.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def is_fully_right(snapshot: dict, response: dict | None) -> bool:
    return grade_fraction(snapshot, response) == 1
