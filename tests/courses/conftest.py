import pytest

from tests.factories import make_lesson, make_module, make_programme


@pytest.fixture
def programme(line):
    return make_programme(line=line, title="First line: basics", slug="first-line-basics")


@pytest.fixture
def first_lesson(programme):
    """A lesson straight under the programme, before its module in the tree's order."""
    return make_lesson(parent=programme, title="Lines and SLA")


@pytest.fixture
def module(programme, first_lesson):
    return make_module(programme=programme, title="Access")


@pytest.fixture
def lesson(module):
    return make_lesson(parent=module, title="Password recovery")


@pytest.fixture
def lessons(first_lesson, module, lesson):
    """Three lessons in order: one under the programme, two in the module (the last optional)."""
    optional = make_lesson(parent=module, title="Knowledge base", required=False)
    return [first_lesson, lesson, optional]
