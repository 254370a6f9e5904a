import pytest

from certification.models import QuestionType
from tests.factories import CategoryFactory
from tests.factories.certification import programme, question, quiz


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programme_page(line):
    return programme(line=line, title="Основы первой линии")


@pytest.fixture
def category(line):
    return CategoryFactory(name="Access recovery", line=line)


@pytest.fixture
def bank(category):
    """One question of each type; right answers known to the tests."""
    return [
        question(category=category, type=QuestionType.SINGLE, name="single", text="Pick the right one"),
        question(
            category=category,
            type=QuestionType.MULTIPLE,
            name="multiple",
            choices=[("A right", True), ("B right", True), ("C wrong", False), ("D wrong", False)],
        ),
        question(category=category, type=QuestionType.TRUE_FALSE, name="truefalse", statement_is_true=False),
        question(category=category, type=QuestionType.ORDERING, name="ordering"),
        question(
            category=category,
            type=QuestionType.SHORT,
            name="short",
            accepted_answers="hosts file\nфайл hosts",
        ),
    ]


@pytest.fixture
def the_quiz(programme_page, bank):
    return quiz(programme_page=programme_page, questions=bank, shuffle_questions=False)
