"""Every call into the mentoring app goes through here.

The mentoring app is built alongside this one; until it offers these functions, rotation works
on its own: mentors carry only rotation guests, and the refresher is signed off on the rotation.
"""

from __future__ import annotations

from collections.abc import Iterable


def mentee_load(mentor_ids: Iterable[int]) -> dict[int, int]:
    """Active mentees per mentor (mentoring's count), 0 for a mentor without any."""
    try:
        from mentoring.selectors import mentor_load
    except ImportError:
        return {}
    return mentor_load(mentor_ids=list(mentor_ids))


def refresher_enrol(*, actor, rotation, programme, lessons) -> int | None:
    """Open mentoring's refresher enrolment for a rotation; None when mentoring cannot yet."""
    try:
        from mentoring.models import Enrolment
        from mentoring.services import enrolment_create
    except ImportError:
        return None
    enrolment = enrolment_create(
        actor=actor,
        learner=rotation.agent,
        programme=programme,
        mentor=rotation.host_mentor,
        kind=Enrolment.Kind.REFRESHER,
        lessons=list(lessons),
    )
    return enrolment.pk
