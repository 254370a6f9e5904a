from decimal import Decimal

import pytest
from django.http import QueryDict

from certification.grading import AnswerError, grade_fraction, normalise_short, parse_response


def snap(kind, choices=(), **extra):
    base = {"type": kind, "points": "1", "statement_is_true": True, "accepted": [], "choices": list(choices)}
    base.update(extra)
    return base


def c(cid, correct=False, rank=0):
    return {"id": cid, "text": cid, "correct": correct, "feedback": "", "rank": rank}


def qd(**values):
    q = QueryDict(mutable=True)
    for key, value in values.items():
        q.setlist(key.replace("_", "-"), value if isinstance(value, list) else [value])
    return q


MULTI = snap("multiple", [c("a", True), c("b", True), c("x"), c("y")])


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (["a", "b"], Decimal(1)),
        (["a"], Decimal("0.5")),
        (["a", "x"], Decimal(0)),
        (["a", "b", "x"], Decimal("0.5")),
        (["a", "b", "x", "y"], Decimal(0)),  # ticking everything earns nothing
        (["x"], Decimal(0)),  # never below zero
    ],
)
def test_multiple_choice_partial_credit_rule(picked, expected):
    assert grade_fraction(MULTI, {"choices": picked}) == expected


def test_ordering_scores_share_of_steps_in_place():
    s = snap("ordering", [c("s3", rank=2), c("s1", rank=0), c("s2", rank=1), c("s4", rank=3)])
    assert grade_fraction(s, {"order": ["s1", "s2", "s3", "s4"]}) == 1
    assert grade_fraction(s, {"order": ["s1", "s2", "s4", "s3"]}) == Decimal("0.5")


def test_short_answer_ignores_case_spaces_and_yo():
    s = snap("short", accepted=["Файл hosts"])
    assert grade_fraction(s, {"text": "  файл   HOSTS "}) == 1
    assert grade_fraction(s, {"text": "файлhosts"}) == 1
    assert grade_fraction(s, {"text": "hosts"}) == 0
    assert normalise_short("Ёлка") == normalise_short("елка")


def test_true_false_compares_with_statement():
    s = snap("truefalse", statement_is_true=False)
    assert grade_fraction(s, {"value": False}) == 1
    assert grade_fraction(s, {"value": True}) == 0


def test_parse_refuses_forged_choice_id():
    with pytest.raises(AnswerError) as exc:
        parse_response(MULTI, qd(q1=["a", "forged"]), "q1")
    assert exc.value.code == "forged_choice"
    assert str(exc.value) == "This answer is not one of the choices of this question."


def test_parse_refuses_two_answers_to_single_choice():
    s = snap("single", [c("a", True), c("b")])
    with pytest.raises(AnswerError) as exc:
        parse_response(s, qd(q1=["a", "b"]), "q1")
    assert exc.value.code == "too_many_choices"


def test_parse_ordering_needs_distinct_places():
    s = snap("ordering", [c("s1", rank=0), c("s2", rank=1)])
    with pytest.raises(AnswerError) as exc:
        parse_response(s, qd(q1_s1="1", q1_s2="1"), "q1")
    assert exc.value.code == "bad_order"
    assert parse_response(s, qd(q1_s1="2", q1_s2="1"), "q1") == {"order": ["s2", "s1"]}


def test_parse_ordering_refuses_forged_step():
    s = snap("ordering", [c("s1", rank=0), c("s2", rank=1)])
    with pytest.raises(AnswerError) as exc:
        parse_response(s, qd(q1_s1="1", q1_s2="2", q1_evil="3"), "q1")
    assert exc.value.code == "forged_choice"


def test_parse_empty_answer_is_none():
    assert parse_response(MULTI, qd(), "q1") is None
