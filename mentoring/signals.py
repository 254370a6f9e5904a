"""Signals mentoring sends, and its receivers of study progress.

`enrolment_completed(sender=Enrolment, enrolment=...)` fires after the transaction that completes a
path commits, so that apps building on mentoring (rotation) can react without mentoring importing them.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

enrolment_completed = Signal()


def on_lesson_studied(sender, *, user=None, instance=None, **kwargs) -> None:
    """A lesson was studied: the study stage completes by itself when the last one is done."""
    from .services import learner_study_sync

    learner = user if user is not None else getattr(instance, "user", None)
    if learner is None:
        return
    transaction.on_commit(lambda: learner_study_sync(user=learner))
