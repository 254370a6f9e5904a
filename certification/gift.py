"""Moodle GIFT import and export for the question types GIFT has.

Supported: single choice (`=right ~wrong`), multiple choice (`~%50%right ~%-50%wrong`), true/false
(`T`/`F`, with `#wrong feedback#right feedback`), short answer (`=one =other`), `::title::`,
per-answer `#feedback`, general feedback `####` (our explanation) and `$CATEGORY:`. Ordering is not
a GIFT type: export leaves those questions out with a comment. Numerical, matching, essay and
missing-word questions are reported as unsupported, so nothing is imported half-understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Question, QuestionType

SPECIAL = "~=#{}:"


@dataclass
class ParsedChoice:
    text: str
    is_correct: bool
    feedback: str = ""


@dataclass
class ParsedQuestion:
    line: int
    name: str
    type: str
    text: str
    explanation: str = ""
    category: str = ""
    statement_is_true: bool = True
    accepted: list[str] = field(default_factory=list)
    choices: list[ParsedChoice] = field(default_factory=list)


@dataclass
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


def _unescape(text: str) -> str:
    return re.sub(r"\\([~=#{}:n])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in SPECIAL else ch for ch in text).replace("\n", "\\n")


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split `=a ~b` into [("=", "a"), ("~", "b")]."""
    parts: list[tuple[str, str]] = []
    i, current, marker = 0, [], None
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch in markers:
            if marker is not None or "".join(current).strip():
                parts.append((marker or "", "".join(current)))
            marker, current = ch, []
        else:
            current.append(ch)
        i += 1
    if marker is not None or "".join(current).strip():
        parts.append((marker or "", "".join(current)))
    return parts


def _split_feedback(text: str) -> tuple[str, str]:
    pos = _find_unescaped(text, "#")
    if pos < 0:
        return _unescape(text), ""
    return _unescape(text[:pos]), _unescape(text[pos + 1 :])


def _blocks(source: str):
    """Yield (first line number, text) of each question, and category lines as their own blocks."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            if block:
                yield start, "\n".join(block)
                block = []
            yield number, stripped
            continue
        if not stripped:
            if block:
                yield start, "\n".join(block)
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def parse(source: str) -> tuple[list[ParsedQuestion], list[GiftError]]:
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    category = ""
    for line, block in _blocks(source):
        if block.startswith("$CATEGORY:"):
            category = block[len("$CATEGORY:") :].strip().split("/")[-1].strip()
            continue
        try:
            question = _parse_question(block, line)
        except _Error as exc:
            errors.append(GiftError(line + exc.offset, exc.message))
            continue
        question.category = category
        questions.append(question)
    if not questions and not errors:
        errors.append(GiftError(1, _("No questions were found.")))
    return questions, errors


class _Error(Exception):
    def __init__(self, message: str, offset: int = 0) -> None:
        self.message = message
        self.offset = offset


def _parse_question(block: str, line: int) -> ParsedQuestion:
    text = block
    name = ""
    if text.startswith("::"):
        end = _find_unescaped(text, "::", 2)
        if end < 0:
            raise _Error(_("The title is not closed with '::'."))
        name = _unescape(text[2:end])
        text = text[end + 2 :]
    open_at = _find_unescaped(text, "{")
    if open_at < 0:
        raise _Error(_("No answer block '{...}' was found."))
    close_at = _find_unescaped(text, "}", open_at)
    if close_at < 0:
        raise _Error(_("The answer block is not closed with '}'."), block[: block.find("{")].count("\n"))
    after = text[close_at + 1 :].strip()
    if after:
        raise _Error(_("Missing-word questions (text after the answers) are not supported."))
    stem = re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", text[:open_at]).strip()
    stem = re.sub(r"<[^>]+>", "", _unescape(stem)).strip()
    if not stem:
        raise _Error(_("The question has no text."))
    answer = text[open_at + 1 : close_at]
    explanation = ""
    general = _find_unescaped(answer, "####")
    if general >= 0:
        explanation = _unescape(answer[general + 4 :])
        answer = answer[:general]
    answer_stripped = answer.strip()
    name = name or stem[:80]
    question = ParsedQuestion(line=line, name=name[:150], type="", text=stem, explanation=explanation)
    head = re.match(r"^(TRUE|FALSE|T|F)\b(.*)$", answer_stripped, re.S)
    if head and not answer_stripped.startswith(("=", "~")):
        question.type = QuestionType.TRUE_FALSE
        question.statement_is_true = head.group(1).startswith("T")
        return question
    if not answer_stripped:
        raise _Error(_("Essay questions (empty answers) are not supported."))
    if answer_stripped.startswith("#"):
        raise _Error(_("Numerical questions are not supported."))
    if "->" in answer_stripped:
        raise _Error(_("Matching questions are not supported."))
    parts = _split_unescaped(answer_stripped, "=~")
    if any(marker == "" for marker, _text in parts):
        raise _Error(_("Each answer must start with '=' (right) or '~' (wrong)."))
    weighted = False
    for marker, raw in parts:
        raw = raw.strip()
        weight = None
        match = re.match(r"^%(-?\d+(?:\.\d+)?)%(.*)$", raw, re.S)
        if match:
            weighted = True
            weight = Decimal(match.group(1))
            raw = match.group(2)
        choice_text, feedback = _split_feedback(raw)
        if not choice_text:
            raise _Error(_("An answer is empty."))
        is_correct = marker == "=" or (weight is not None and weight > 0)
        question.choices.append(ParsedChoice(choice_text[:500], is_correct, feedback[:500]))
    markers = {marker for marker, _text in parts}
    if markers == {"="}:
        question.type = QuestionType.SHORT
        question.accepted = [c.text for c in question.choices]
        question.choices = []
        return question
    correct = sum(1 for c in question.choices if c.is_correct)
    if weighted and "=" not in markers:
        question.type = QuestionType.MULTIPLE
        if correct < 1:
            raise _Error(_("A multiple-choice question needs at least one answer with a positive weight."))
    else:
        question.type = QuestionType.SINGLE
        if correct != 1:
            raise _Error(_("A single-choice question needs exactly one right answer ('=')."))
    if len(question.choices) < 2:
        raise _Error(_("A choice question needs at least two answers."))
    return question


def export(questions) -> str:
    """GIFT text of the given questions (ordering questions are left out with a comment)."""
    out: list[str] = []
    category = None
    for question in questions:
        if question.category_id != category:
            category = question.category_id
            out.append(f"$CATEGORY: {question.category.name}\n")
        out.append(_export_one(question))
    return "\n".join(out)


def _export_one(question: Question) -> str:
    head = f"::{_escape(question.name)}::{_escape(question.text)} {{"
    general = f"\n\t####{_escape(question.explanation)}" if question.explanation else ""
    if question.type == QuestionType.ORDERING:
        return f"// {question.name}: ordering questions have no GIFT form; not exported.\n"
    if question.type == QuestionType.TRUE_FALSE:
        return f"{head}{'TRUE' if question.statement_is_true else 'FALSE'}{general}\n}}\n"
    if question.type == QuestionType.SHORT:
        answers = "".join(f"\n\t={_escape(a)}" for a in question.accepted_answer_list())
        return f"{head}{answers}{general}\n}}\n"
    lines = []
    choices = list(question.choices.all())
    if question.type == QuestionType.MULTIPLE:
        right = sum(1 for c in choices if c.is_correct) or 1
        wrong = (len(choices) - right) or 1
        for c in choices:
            weight = _percent(100 / right) if c.is_correct else "-" + _percent(100 / wrong)
            fb = f"#{_escape(c.feedback)}" if c.feedback else ""
            lines.append(f"\n\t~%{weight}%{_escape(c.text)}{fb}")
    else:
        for c in choices:
            fb = f"#{_escape(c.feedback)}" if c.feedback else ""
            lines.append(f"\n\t{'=' if c.is_correct else '~'}{_escape(c.text)}{fb}")
    return f"{head}{''.join(lines)}{general}\n}}\n"


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")
