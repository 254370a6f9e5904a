"""Reads of study material and progress. Other apps (mentoring, certification, rotation) call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, Q, QuerySet, Subquery
from wagtail import hooks
from wagtail.models import Page

from trainingsite.models import Line, Profile

from .catalogue import LESSON_FIELDS, catalogue
from .models import LessonPage, LessonProgress, ModulePage, ProgrammePage
from .permissions import is_hidden

# Other apps widen "assigned programmes" (e.g. mentoring's enrolments) by registering a function
# `fn(user) -> Q` on ProgrammePage with this hook; the Qs are OR-ed with the line/group rule.
ASSIGNED_PROGRAMMES_HOOK = "courses_assigned_programmes"

LESSON_LIST_FIELDS = LESSON_FIELDS


def _lessons_under(paths: list[str]) -> QuerySet[LessonPage]:
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return LessonPage.objects.filter(condition)


def programme_lessons(programme: ProgrammePage) -> QuerySet[LessonPage]:
    """Live lessons of a programme in the editors' order (the page tree's order)."""
    return LessonPage.objects.live().descendant_of(programme).order_by("path")


def programmes_for(user: AbstractBaseUser) -> QuerySet[ProgrammePage]:
    """The live programmes assigned to `user`: those of their line (and of their group, when the
    programme names one), plus whatever other apps add through ASSIGNED_PROGRAMMES_HOOK.
    One query: the profile is read in a subquery unless it is already loaded."""
    condition = Q(pk__in=[])
    if user.pk:
        profile = user._state.fields_cache.get("profile")
        if profile is not None:
            line_id, group_id = profile.line_id, profile.group_id
        else:
            own = Profile.objects.filter(user_id=user.pk)
            line_id = Subquery(own.values("line_id")[:1])
            group_id = Subquery(own.values("group_id")[:1])
        if line_id is not None:
            condition |= Q(line_id=line_id) & (Q(group__isnull=True) | Q(group_id=group_id))
    for fn in hooks.get_hooks(ASSIGNED_PROGRAMMES_HOOK):
        extra = fn(user)
        if extra is not None:
            condition |= extra
    return ProgrammePage.objects.live().filter(condition).order_by("path")


def is_changed_since(*, lesson: LessonPage, progress: LessonProgress) -> bool:
    if lesson.last_substantive_revision_id is None:
        return False
    if progress.revision_id is None:
        return lesson.substantive_change_at is not None and lesson.substantive_change_at > progress.studied_at
    return progress.revision_id < lesson.last_substantive_revision_id


@dataclass(frozen=True)
class LessonStatus:
    """One lesson as one learner sees it."""

    lesson: LessonPage
    progress: LessonProgress | None

    @property
    def studied(self) -> bool:
        return self.progress is not None

    @property
    def changed(self) -> bool:
        return self.progress is not None and is_changed_since(lesson=self.lesson, progress=self.progress)

    @property
    def state(self) -> str:
        if self.progress is None:
            return "new"
        return "changed" if self.changed else "studied"


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: ProgrammePage
    total: int
    studied: int
    required_total: int
    required_studied: int
    next_lesson: LessonPage | None
    # Where the learner left off: the first lesson not yet studied after the last one they studied.
    continue_lesson: LessonPage | None = None
    outstanding_required: tuple[LessonPage, ...] = ()
    changed: tuple[LessonStatus, ...] = ()
    lessons: tuple[LessonStatus, ...] = field(default=(), repr=False)

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0

    @property
    def study_complete(self) -> bool:
        return self.required_studied >= self.required_total


def _progress_by_lesson(user: AbstractBaseUser, lesson_ids: list[int]) -> dict[int, LessonProgress]:
    if not lesson_ids or not user.pk:
        return {}
    return {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids).only(
            "pk", "user_id", "lesson_id", "revision_id", "studied_at"
        )
    }


def programmes_progress(
    *, user: AbstractBaseUser, programmes: Iterable[ProgrammePage], hidden: Iterable[str] = ()
) -> list[ProgrammeProgress]:
    """Progress in each programme: the lessons come from the catalogue, the learner's records from
    one query, whatever the number of programmes and lessons. `hidden` are tree paths the reader may
    not see (view restrictions); their lessons do not count."""
    programmes = list(programmes)
    if not programmes:
        return []
    hidden = tuple(hidden)
    library = catalogue()
    lessons = {
        programme.pk: [
            lesson for lesson in library.programme_lessons(programme) if not is_hidden(lesson.path, hidden)
        ]
        for programme in programmes
    }
    progress = _progress_by_lesson(user, [lesson.pk for own in lessons.values() for lesson in own])
    return [_programme_progress(programme, lessons[programme.pk], progress) for programme in programmes]


def _programme_progress(
    programme: ProgrammePage, lessons: list[LessonPage], progress: dict[int, LessonProgress]
) -> ProgrammeProgress:
    own = [LessonStatus(lesson, progress.get(lesson.pk)) for lesson in lessons]
    required = [s for s in own if s.lesson.required]
    outstanding = tuple(s.lesson for s in required if not s.studied)
    next_lesson = outstanding[0] if outstanding else next((s.lesson for s in own if not s.studied), None)
    studied_positions = [i for i, s in enumerate(own) if s.studied]
    continue_lesson = None
    if studied_positions:
        latest = max(studied_positions, key=lambda i: own[i].progress.studied_at)
        continue_lesson = next((s.lesson for s in own[latest + 1 :] if not s.studied), None)
    return ProgrammeProgress(
        programme=programme,
        total=len(own),
        studied=len(studied_positions),
        required_total=len(required),
        required_studied=len(required) - len(outstanding),
        next_lesson=next_lesson,
        continue_lesson=continue_lesson or next_lesson,
        outstanding_required=outstanding,
        changed=tuple(s for s in own if s.changed),
        lessons=tuple(own),
    )


def is_study_complete(*, user: AbstractBaseUser, programme: ProgrammePage) -> bool:
    return programmes_progress(user=user, programmes=[programme])[0].study_complete


@dataclass(frozen=True)
class OutlineSection:
    module: ModulePage | None
    lessons: list[LessonStatus]


def programme_outline(
    *, user: AbstractBaseUser, programme: ProgrammePage, hidden: Iterable[str] = ()
) -> tuple[ProgrammeProgress, list[OutlineSection]]:
    """The programme page: its lessons grouped by module (lessons directly under the programme
    first), each with the reader's status. One query (the reader's records) whatever the number
    of lessons."""
    hidden = tuple(hidden)
    [progress] = programmes_progress(user=user, programmes=[programme], hidden=hidden)
    modules = {
        module.path: module
        for module in catalogue().programme_modules(programme)
        if module.depth == programme.depth + 1 and not is_hidden(module.path, hidden)
    }
    sections: dict[str | None, OutlineSection] = {None: OutlineSection(module=None, lessons=[])}
    for path, module in modules.items():
        sections[path] = OutlineSection(module=module, lessons=[])
    for status in progress.lessons:
        parent = status.lesson.path[: -Page.steplen]
        section = sections.get(parent if parent != programme.path else None)
        if section is not None:
            section.lessons.append(status)
    return progress, [s for s in sections.values() if s.lessons or s.module is not None]


def lesson_status(*, user: AbstractBaseUser, lesson: LessonPage) -> LessonStatus:
    progress = None
    if user.is_authenticated and lesson.pk is not None:  # an unsaved lesson is an editor's preview
        progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    return LessonStatus(lesson, progress)


def changed_lessons_for(user: AbstractBaseUser) -> QuerySet[LessonProgress]:
    """Every lesson `user` studied that changed substantively since, whatever programme it is in
    (self-study counts), in one query."""
    return (
        LessonProgress.objects.filter(user=user, lesson__live=True)
        .filter(
            Q(revision__isnull=False, lesson__last_substantive_revision_id__gt=F("revision_id"))
            | Q(
                revision__isnull=True,
                lesson__last_substantive_revision__isnull=False,
                lesson__substantive_change_at__gt=F("studied_at"),
            )
        )
        .select_related("lesson")
        .only(
            "pk",
            "user_id",
            "lesson_id",
            "revision_id",
            "studied_at",
            *(f"lesson__{f}" for f in LESSON_LIST_FIELDS),
        )
        .order_by("-lesson__substantive_change_at")
    )


@dataclass(frozen=True)
class KeyPoint:
    lesson: LessonPage
    key: str  # stable across edits of other blocks: "<block id>:<item id or index>"
    point: str
    detail: str


def lesson_key_points(lesson: LessonPage) -> list[KeyPoint]:
    """The key-point blocks of one lesson; the key (block id, item id) is what sign-offs store."""
    points = []
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


def programme_key_points(programme: ProgrammePage) -> list[KeyPoint]:
    """Every key point of the programme's live lessons, in lesson order."""
    return [
        point for lesson in programme_lessons(programme).specific() for point in lesson_key_points(lesson)
    ]


@dataclass(frozen=True)
class LessonToRefresh:
    lesson: LessonPage
    progress: LessonProgress | None

    @property
    def never_studied(self) -> bool:
        return self.progress is None


def lessons_changed_since_studied(
    *, user: AbstractBaseUser, line: Line, include_never_studied: bool = True
) -> list[LessonToRefresh]:
    """The lessons of `line`'s programmes that changed substantively since `user` last studied them
    (and, unless told otherwise, those they never studied). Rotation refreshers are built from this."""
    paths = list(ProgrammePage.objects.live().for_line(line).values_list("path", flat=True))
    lessons = list(_lessons_under(paths).live().order_by("path")) if paths else []
    progress = _progress_by_lesson(user, [lesson.pk for lesson in lessons])
    result = []
    for lesson in lessons:
        record = progress.get(lesson.pk)
        if record is None:
            if include_never_studied:
                result.append(LessonToRefresh(lesson=lesson, progress=None))
        elif is_changed_since(lesson=lesson, progress=record):
            result.append(LessonToRefresh(lesson=lesson, progress=record))
    return result


def readable_pages(queryset: QuerySet, *, hidden: Iterable[str]) -> QuerySet:
    """Live pages of `queryset` outside the `hidden` subtrees."""
    queryset = queryset.live()
    for path in hidden:
        queryset = queryset.exclude(path__startswith=path)
    return queryset
