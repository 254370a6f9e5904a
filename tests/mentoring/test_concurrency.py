"""Two people signing off the same stage at the same moment: exactly one sign-off is recorded."""

import threading

import pytest
from django.db import connection, connections

from mentoring import services
from mentoring.models import Stage, StageSignOff
from mentoring.services import MentoringError
from tests.factories.mentoring import enrolment_at, stage_of, tick_all

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT ... FOR UPDATE) need PostgreSQL; run with DATABASE_URL=postgres://...",
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_double_sign_off_leaves_exactly_one(team_lead, newcomer, mentor, prog):
    enrolment = enrolment_at(Stage.JOINT_REVIEW, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    tick_all(enrolment, mentor)
    stage = stage_of(enrolment, Stage.JOINT_REVIEW)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(actor) -> None:
        # Each thread has its own connection, so the two transactions really race in the database.
        try:
            barrier.wait(timeout=10)
            services.stage_sign_off(actor=actor, stage=stage)
            outcomes.append("signed")
        except MentoringError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(who,)) for who in (mentor, team_lead)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["already_signed_off", "signed"]
    assert StageSignOff.objects.filter(stage=stage).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.current_stage == Stage.OBSERVATION
    assert stage_of(enrolment, Stage.OBSERVATION).status == "open"
