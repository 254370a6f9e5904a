"""Every write of the courses app."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Revision

from .errors import StudyError
from .models import LessonPage, LessonProgress
from .permissions import can_study, hidden_paths, is_hidden
from .signals import lesson_studied

User = get_user_model()


@transaction.atomic
def lesson_mark_studied(
    *, user, lesson: LessonPage, passed_restrictions: Collection[int] = ()
) -> LessonProgress:
    """Record that `user` studied the live revision of `lesson`.

    Idempotent: marking the same revision again changes nothing; marking after a substantive change
    moves the record to the new revision, which clears "changed since you studied it".
    `passed_restrictions` are the password restrictions the user's session has passed.
    """
    if not can_study(user):
        raise StudyError(_("Only agents record study progress."), code="not_agent")
    # One learner's clicks are serialised on their own row; learners never wait for each other.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    current = LessonPage.objects.filter(pk=lesson.pk).only("pk", "path", "live", "live_revision_id").first()
    if current is None or not current.live:
        raise StudyError(_("This lesson is not published."), code="not_live")
    if is_hidden(current.path, hidden_paths(user, passed=passed_restrictions)):
        raise StudyError(_("You may not read this lesson."), code="restricted")

    revision_id = current.live_revision_id
    progress = LessonProgress.objects.select_for_update().filter(user=user, lesson_id=current.pk).first()
    now = timezone.now()
    if progress is None:
        progress = LessonProgress(user=user, lesson_id=current.pk, revision_id=revision_id, studied_at=now)
        progress.full_clean()
        progress.save()
        action = "courses.lesson.studied"
    elif progress.revision_id != revision_id or revision_id is None:
        progress.revision_id = revision_id
        progress.studied_at = now
        progress.save(update_fields=["revision", "studied_at"])
        action = "courses.lesson.restudied"
    else:
        return progress

    log(
        instance=progress,
        action=action,
        user=user,
        data={"lesson": current.pk, "title": lesson.title, "revision": revision_id},
    )
    transaction.on_commit(
        lambda: lesson_studied.send(sender=LessonProgress, user=user, lesson=lesson, progress=progress)
    )
    return progress


def lesson_record_publication(*, lesson: LessonPage, revision: Revision | None) -> bool:
    """Called when a lesson is published. Unless the editor ticked "minor change", the published
    revision becomes the one learners must have studied. Returns whether it was substantive.

    Written with `update()` so that it creates no revision of its own and fires no signals.
    """
    minor = bool(lesson.minor_change)
    updates: dict = {"minor_change": False}
    if not minor and revision is not None:
        updates["last_substantive_revision"] = revision
        updates["substantive_change_at"] = timezone.now()
    LessonPage.objects.filter(pk=lesson.pk).update(**updates)
    for field, value in updates.items():
        setattr(lesson, field, value)
    if revision is not None:
        log(
            instance=lesson,
            action="courses.lesson.minor_change" if minor else "courses.lesson.substantive_change",
            user=revision.user,
            revision=revision,
            data={"revision": revision.pk},
        )
    return not minor
