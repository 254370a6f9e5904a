"""Question bank, quizzes and programmes for certification tests."""

from __future__ import annotations

import itertools

import factory
from django.conf import settings
from factory.django import DjangoModelFactory
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from certification.models import Choice, Question, QuestionCategory, QuestionType, Quiz, QuizSection
from courses.models import ProgrammePage, TrainingLibraryPage

_slugs = itertools.count(1)


def library() -> TrainingLibraryPage:
    existing = TrainingLibraryPage.objects.first()
    if existing:
        return existing
    # A transactional test flushes the tree that Wagtail's migration made: put the root back.
    Locale.get_default() if Locale.objects.exists() else Locale.objects.create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    page = TrainingLibraryPage(title="Library", slug="library")
    root.add_child(instance=page)
    return page


def programme(*, line, title: str = "First line basics", slug: str | None = None, validity_months: int = 12):
    page = ProgrammePage(
        title=title,
        slug=slug or f"programme-{next(_slugs)}",
        line=line,
        certificate_validity_months=validity_months,
    )
    library().add_child(instance=page)
    return page


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Topic {n}")
    line = None


def question(
    *,
    category,
    type: str = QuestionType.SINGLE,
    name: str | None = None,
    text: str = "Question?",
    choices: list[tuple[str, bool]] | None = None,
    points: str = "1",
    **kwargs,
) -> Question:
    q = Question.objects.create(
        category=category,
        type=type,
        name=name or f"q-{Question.objects.count() + 1}",
        text=text,
        points=points,
        **kwargs,
    )
    if choices is None and type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        choices = [("Right", True), ("Wrong", False), ("Also wrong", False)]
    if choices is None and type == QuestionType.ORDERING:
        choices = [("Step one", False), ("Step two", False), ("Step three", False)]
    for i, (text_, ok) in enumerate(choices or []):
        Choice.objects.create(
            question=q, text=text_, is_correct=ok, feedback=f"Feedback on {text_}", sort_order=i
        )
    return q


def quiz(*, programme_page, category=None, questions=None, draw: int | None = None, **kwargs) -> Quiz:
    defaults = {
        "title": "Certification quiz",
        "time_limit_minutes": 30,
        "attempts_allowed": 2,
        "delay_minutes": 0,
        "pass_mark_percent": 60,
        "review_policy": "full",
    }
    defaults.update(kwargs)
    q = Quiz.objects.create(programme=programme_page, **defaults)
    section = QuizSection.objects.create(
        quiz=q, category=category, draw_count=draw or (len(questions) if questions else 3), sort_order=0
    )
    if questions:
        section.fixed_questions.set(questions)
        section.save()
    return q
