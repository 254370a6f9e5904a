import datetime

import pytest

from tests.factories import demand_for_minimum, person, rostered_agents, shift_patterns
from trainingsite.roles import Role

MONDAY = datetime.date(2027, 3, 1)
FRIDAY = MONDAY + datetime.timedelta(days=4)


@pytest.fixture
def shifts(line):
    return shift_patterns(line)


@pytest.fixture
def crew(line, shifts):
    """Four agents on the morning shift of every weekday; the minimum of that shift is 3."""
    demand_for_minimum(shifts["morning"], 3)
    return rostered_agents(line, shifts["morning"], 4, prefix="am")


@pytest.fixture
def host_mentor(other_line, group):
    return person(
        username="host", roles=[Role.AGENT, Role.MENTOR], line=other_line, group=group, mentor_capacity=2
    )
