"""Reads of study material and progress. Other apps (mentoring, certification, rotation) call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import LessonPage, LessonProgress, ProgrammePage


def _lessons_under(paths: list[str]) -> QuerySet[LessonPage]:
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return LessonPage.objects.filter(condition)


def programme_lessons(programme: ProgrammePage) -> QuerySet[LessonPage]:
    """Live lessons of a programme in the editors' order (the page tree's order)."""
    return LessonPage.objects.live().descendant_of(programme).order_by("path")


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: ProgrammePage
    total: int
    studied: int
    required_total: int
    required_studied: int
    next_lesson: LessonPage | None

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0

    @property
    def study_complete(self) -> bool:
        return self.required_studied >= self.required_total


def programmes_progress(*, user, programmes: Iterable[ProgrammePage]) -> list[ProgrammeProgress]:
    """Progress in each programme, in two queries whatever the number of programmes and lessons."""
    programmes = list(programmes)
    if not programmes:
        return []
    lessons = list(
        _lessons_under([p.path for p in programmes])
        .live()
        .order_by("path")
        .only("pk", "path", "title", "slug", "url_path", "required", "depth", "estimated_minutes")
    )
    studied = set(
        LessonProgress.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons]).values_list(
            "lesson_id", flat=True
        )
    )
    result = []
    for programme in programmes:
        own = [lesson for lesson in lessons if lesson.path.startswith(programme.path)]
        required = [lesson for lesson in own if lesson.required]
        next_lesson = next((lesson for lesson in own if lesson.pk not in studied and lesson.required), None)
        next_lesson = next_lesson or next((lesson for lesson in own if lesson.pk not in studied), None)
        result.append(
            ProgrammeProgress(
                programme=programme,
                total=len(own),
                studied=sum(1 for lesson in own if lesson.pk in studied),
                required_total=len(required),
                required_studied=sum(1 for lesson in required if lesson.pk in studied),
                next_lesson=next_lesson,
            )
        )
    return result


def is_study_complete(*, user, programme: ProgrammePage) -> bool:
    return programmes_progress(user=user, programmes=[programme])[0].study_complete


@dataclass(frozen=True)
class KeyPoint:
    lesson: LessonPage
    key: str  # stable across edits of other blocks: "<block id>:<item id or index>"
    point: str
    detail: str


def programme_key_points(programme: ProgrammePage) -> list[KeyPoint]:
    """Every key point of the programme's live lessons, in lesson order."""
    points = []
    for lesson in programme_lessons(programme).specific():
        for block in lesson.body:
            if block.block_type != "key_points":
                continue
            for index, item in enumerate(block.value["points"].bound_blocks):
                item_id = getattr(item, "id", None) or str(index)
                points.append(
                    KeyPoint(
                        lesson=lesson,
                        key=f"{block.id}:{item_id}",
                        point=item.value["point"],
                        detail=item.value["detail"],
                    )
                )
    return points


@dataclass(frozen=True)
class LessonToRefresh:
    lesson: LessonPage
    progress: LessonProgress | None

    @property
    def never_studied(self) -> bool:
        return self.progress is None


def lessons_changed_since_studied(*, user, line, include_never_studied: bool = True) -> list[LessonToRefresh]:
    """The lessons of `line`'s programmes that changed substantively since `user` last studied them
    (and, unless told otherwise, those they never studied). Rotation refreshers are built from this."""
    paths = list(ProgrammePage.objects.live().for_line(line).values_list("path", flat=True))
    lessons = list(_lessons_under(paths).live().order_by("path")) if paths else []
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons])
    }
    result = []
    for lesson in lessons:
        record = progress.get(lesson.pk)
        if record is None:
            if include_never_studied:
                result.append(LessonToRefresh(lesson=lesson, progress=None))
        elif is_changed_since(lesson=lesson, progress=record):
            result.append(LessonToRefresh(lesson=lesson, progress=record))
    return result


def is_changed_since(*, lesson: LessonPage, progress: LessonProgress) -> bool:
    if lesson.last_substantive_revision_id is None:
        return False
    if progress.revision_id is None:
        return lesson.substantive_change_at is not None and lesson.substantive_change_at > progress.studied_at
    return progress.revision_id < lesson.last_substantive_revision_id
