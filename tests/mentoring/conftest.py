import pytest

from tests.factories import person
from tests.factories.mentoring import programme as make_programme
from trainingsite.roles import Role


@pytest.fixture
def prog(line):
    return make_programme(line=line)


@pytest.fixture
def mentor_b(line):
    return person(username="mentor_b", roles=[Role.AGENT, Role.MENTOR], line=line)


@pytest.fixture
def mentor_other_line(other_line):
    return person(username="mentor_x", roles=[Role.AGENT, Role.MENTOR], line=other_line)
