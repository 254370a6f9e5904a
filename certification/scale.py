"""The certification part of `load_scale`: a question bank, a quiz per programme, finished attempts.

Questions, choices, attempts and their frozen questions are bulk-created: going through
`attempt_start`/`attempt_finish` for 100,000 attempts would take hours. Each attempt is built the way
the services build one (a snapshot from `grading.snapshot_question` with fresh choice ids, a response
in the service's shape, points from `grading.grade_points`), so pages and item analysis read it
exactly as they read a real one. A handful of passed attempts get their certificate through
`services.certificate_issue`, which renders and stores the real PDF.
"""

from __future__ import annotations

import copy
import datetime
import random
import secrets
from decimal import Decimal

from django.utils import timezone

from . import grading, services
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Choice,
    Question,
    QuestionCategory,
    QuestionType,
    Quiz,
    QuizSection,
)

QUESTIONS_PER_PROGRAMME = 40
DRAWN = 5
PASS_MARK = 80


def build(*, programmes: list, agents: list, attempts: int, certificates: int, stdout, seed: int = 13) -> int:
    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    categories = QuestionCategory.objects.bulk_create(
        QuestionCategory(name=f"Банк: {p.title}", line_id=p.line_id) for p in programmes
    )
    questions = Question.objects.bulk_create(
        Question(
            category=category,
            name=f"Вопрос {n + 1}",
            type=QuestionType.SINGLE,
            text=f"{category.name}: что сделать в ситуации {n + 1}?",
            explanation="Так требует регламент.",
        )
        for category in categories
        for n in range(QUESTIONS_PER_PROGRAMME)
    )
    Choice.objects.bulk_create(
        Choice(question=q, text=f"Вариант {k + 1}", is_correct=k == 0, sort_order=k)
        for q in questions
        for k in range(4)
    )
    quizzes = Quiz.objects.bulk_create(
        Quiz(
            programme=p,
            title=f"Аттестация: {p.title}",
            time_limit_minutes=20,
            attempts_allowed=3,
            delay_minutes=60,
            pass_mark_percent=PASS_MARK,
        )
        for p in programmes
    )
    QuizSection.objects.bulk_create(
        QuizSection(quiz=quiz, category=category, draw_count=DRAWN, sort_order=0)
        for quiz, category in zip(quizzes, categories, strict=True)
    )
    # One frozen form per question (the choices in one query); each attempt copies it with new ids.
    bank: dict[int, list[tuple[Question, dict]]] = {c.pk: [] for c in categories}
    for question in Question.objects.filter(category__in=categories).prefetch_related("choices"):
        bank[question.category_id].append(
            (question, grading.snapshot_question(question, shuffle_choices=True))
        )
    pairs = [(quiz, category.pk) for quiz, category in zip(quizzes, categories, strict=True)]
    made = _attempts(rng, agents, pairs, bank, attempts)
    issued = 0
    for attempt in Attempt.objects.filter(passed=True, quiz__in=quizzes).order_by("-finished_at")[
        :certificates
    ]:
        services.certificate_issue(attempt=attempt, when=attempt.finished_at)
        issued += 1
    stdout.write(
        f"Certification: {len(questions)} questions, {len(quizzes)} quizzes, {made} finished attempts, "
        f"{issued} certificates."
    )
    return made


def _attempts(rng: random.Random, takers: list, quizzes: list, bank: dict, total: int) -> int:
    """Up to `total` finished attempts over the last year: everyone takes every quiz (self-study
    counts), and whoever failed tries again, up to the quiz's three attempts."""
    now = timezone.now()
    slots = [(user, quiz, category_id) for user in takers for quiz, category_id in quizzes]
    rng.shuffle(slots)
    made = 0
    for number in (1, 2, 3):
        failed = []
        for start in range(0, len(slots), 2000):
            chunk = slots[start : start + 2000][: total - made]
            if not chunk:
                break
            attempts = _chunk(rng, chunk, number, bank, now)
            made += len(attempts)
            failed += [slot for slot, attempt in zip(chunk, attempts, strict=True) if not attempt.passed]
        slots = failed
    return made


def _chunk(rng: random.Random, chunk: list, number: int, bank: dict, now: datetime.datetime) -> list[Attempt]:
    attempts, drawn = [], []
    for user, quiz, category_id in chunk:
        # Attempt 1 within 221-320 days ago, 2 within 111-210, 3 within the last 100: in order.
        started = now - datetime.timedelta(
            days=rng.randint(1, 100) + 110 * (3 - number), minutes=rng.randint(0, 1440)
        )
        skill = 0.3 + 0.55 * rng.random()  # chance of a right answer: about one in four passes
        items, score, max_score = [], Decimal(0), Decimal(0)
        for position, (question, frozen) in enumerate(rng.sample(bank[category_id], DRAWN), start=1):
            snapshot = copy.deepcopy(frozen)
            for choice in snapshot["choices"]:
                choice["id"] = secrets.token_urlsafe(9)
            rng.shuffle(snapshot["choices"])
            right = rng.random() < skill
            pick = next(c for c in snapshot["choices"] if c["correct"] == right)
            response = {"choice": pick["id"]}
            points = grading.grade_points(snapshot, response)
            score += points
            max_score += Decimal(snapshot["points"])
            items.append((position, question, snapshot, response, points))
        percent = (100 * score / max_score).quantize(Decimal("0.01"))
        attempts.append(
            Attempt(
                quiz=quiz,
                user=user,
                number=number,
                status=AttemptStatus.FINISHED,
                started_at=started,
                deadline=started + datetime.timedelta(minutes=quiz.time_limit_minutes),
                finished_at=started + datetime.timedelta(minutes=rng.randint(5, 19)),
                pass_mark_percent=quiz.pass_mark_percent,
                review_policy=quiz.review_policy,
                score=score,
                max_score=max_score,
                percent=percent,
                passed=percent >= quiz.pass_mark_percent,
            )
        )
        drawn.append(items)
    Attempt.objects.bulk_create(attempts)
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            position=position,
            question=question,
            question_version=question.version,
            snapshot=snapshot,
            response=response,
            answered_at=attempt.finished_at,
            score=points,
        )
        for attempt, items in zip(attempts, drawn, strict=True)
        for position, question, snapshot, response, points in items
    )
    return attempts
