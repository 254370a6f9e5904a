import pytest

from tests.factories import make_lesson, make_module, make_programme


@pytest.fixture
def programme(line):
    return make_programme(line=line, title="First line: basics", slug="first-line-basics")


@pytest.fixture
def module(programme):
    return make_module(programme=programme, title="Access")


@pytest.fixture
def lesson(module):
    return make_lesson(parent=module, title="Password recovery")


@pytest.fixture
def lessons(programme, module, lesson):
    """Three lessons in order: one under the programme, two in the module (one optional)."""
    first = make_lesson(parent=programme, title="Lines and SLA")
    optional = make_lesson(parent=module, title="Knowledge base", required=False)
    return [first, lesson, optional]
