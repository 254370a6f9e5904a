"""Build right (or wrong) answers for an attempt from its frozen snapshot, as a browser would post them."""

import re
import shutil
import subprocess

from django.http import QueryDict

from certification.models import Attempt


def right_answer(item, *, wrong: bool = False) -> dict[str, list[str]]:
    snap = item.snapshot
    key = f"q{item.position}"
    choices = snap["choices"]
    kind = snap["type"]
    if kind == "single":
        pick = [c["id"] for c in choices if c["correct"] != wrong][:1]
        return {key: pick}
    if kind == "multiple":
        return {key: [c["id"] for c in choices if c["correct"] != wrong]}
    if kind == "truefalse":
        return {key: ["true" if snap["statement_is_true"] != wrong else "false"]}
    if kind == "ordering":
        n = len(choices)
        return {f"{key}-{c['id']}": [str((n - c["rank"]) if wrong else c["rank"] + 1)] for c in choices}
    if kind == "short":
        return {key: ["nonsense" if wrong else snap["accepted"][0]]}
    raise AssertionError(kind)


def as_querydict(data: dict[str, list[str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, values in data.items():
        q.setlist(key, values)
    return q


def all_answers(attempt: Attempt, *, wrong: bool = False) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for item in attempt.questions.all():
        data.update(right_answer(item, wrong=wrong))
    return data


def pdf_page_count(content: bytes) -> int:
    """Pages per poppler's pdfinfo (WeasyPrint compresses its object streams)."""
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return int(re.search(rb"^Pages:\s+(\d+)", result.stdout, re.M).group(1))


def pdf_page_size(content: bytes) -> tuple[float, float]:
    """The first page's width and height in points, per pdfinfo."""
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    match = re.search(rb"^Page size:\s+([\d.]+) x ([\d.]+) pts", result.stdout, re.M)
    return float(match.group(1)), float(match.group(2))


def pdf_text(content: bytes) -> str:
    """The PDF's text through poppler's pdftotext (a system dependency of the suite)."""
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()
