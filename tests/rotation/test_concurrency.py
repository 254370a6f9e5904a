"""Two team leads taking the last spare place of a shift at the same moment: one wins, one is refused."""

import threading

import pytest
from django.db import connection, connections

from rotation import services
from rotation.models import Rotation
from tests.factories import demand_for_minimum, person, rostered_agents, shift_patterns
from trainingsite.roles import Role

from .conftest import FRIDAY, MONDAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT ... FOR UPDATE) need PostgreSQL; run with DATABASE_URL=postgres://...",
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_plans_never_take_a_shift_below_its_minimum(line, other_line, group, team_lead):
    shifts = shift_patterns(line)
    demand_for_minimum(shifts["morning"], 3)
    crew = rostered_agents(line, shifts["morning"], 4, prefix="am")  # one spare place
    second_lead = person(username="lead-b", roles=[Role.TEAM_LEAD], line=line, leads=[line])
    host = person(username="host", roles=[Role.AGENT, Role.MENTOR], line=other_line, group=group)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def plan(actor, agent) -> None:
        try:
            barrier.wait(timeout=10)
            services.rotation_create(
                actor=actor,
                agent=agent,
                host_line=other_line,
                host_group=group,
                host_mentor=host,
                starts_on=MONDAY,
                ends_on=FRIDAY,
            )
            outcomes.append("planned")
        except services.RotationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=plan, args=(team_lead, crew[0])),
        threading.Thread(target=plan, args=(second_lead, crew[1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["coverage", "planned"]
    assert Rotation.objects.count() == 1
