"""Every call into the mentoring app goes through here.

Rotation may depend on mentoring (never the reverse). When mentoring refuses a refresher (for
instance its own capacity count, which includes refreshers planned for later weeks), the rotation
is still planned and its host mentor signs it off on the rotation itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainingsite.errors import ServiceError


def mentee_load(mentor_ids: Iterable[int]) -> dict[int, int]:
    """Active mentees per mentor by mentoring's own count, without refreshers: rotation opens every
    refresher and counts it as a guest on the rotation's dates instead."""
    from mentoring.models import Enrolment
    from mentoring.selectors import mentor_load

    return mentor_load(mentor_ids=mentor_ids, kinds=[Enrolment.Kind.ONBOARDING])


def refresher_enrol(*, actor, rotation, programme, lessons) -> tuple[int | None, str]:
    """Open mentoring's refresher (study of `lessons` -> joint review -> supervised work, signed
    off by the host mentor). Returns (enrolment id, "") or (None, why mentoring refused)."""
    from mentoring.models import Enrolment
    from mentoring.services import enrolment_create

    try:
        enrolment = enrolment_create(
            actor=actor,
            learner=rotation.agent,
            programme=programme,
            mentor=rotation.host_mentor,
            kind=Enrolment.Kind.REFRESHER,
            lessons=list(lessons),
        )
    except ServiceError as exc:
        return None, str(exc.message)
    return enrolment.pk, ""


def refresher_enrolment_url(enrolment_id: int) -> str:
    from django.urls import reverse

    return reverse("mentoring:enrolment", args=[enrolment_id])


def connect_signals(on_refresher_completed) -> None:
    """Call `on_refresher_completed(enrolment_id)` when mentoring completes an enrolment."""
    from mentoring.signals import enrolment_completed

    def receiver(sender, enrolment, **kwargs) -> None:
        on_refresher_completed(enrolment.pk)

    enrolment_completed.connect(receiver, weak=False, dispatch_uid="rotation.refresher_completed")


def refresher_cancel(*, actor, enrolment_id: int, reason: str) -> str:
    """Close the refresher of a cancelled rotation; returns "" or why mentoring refused."""
    from mentoring.models import Enrolment
    from mentoring.services import enrolment_cancel

    enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.ACTIVE:
        return ""
    try:
        enrolment_cancel(actor=actor, enrolment=enrolment, reason=reason)
    except ServiceError as exc:
        return str(exc.message)
    return ""
