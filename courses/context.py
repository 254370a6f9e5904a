"""Context for the library's page templates and partials: what the reader sees of their own study.

Kept out of models.py so that pages hold content and this module holds the reader's state."""

from __future__ import annotations

from django.http import HttpRequest

from . import selectors
from .catalogue import catalogue
from .models import LessonPage, ProgrammePage, TrainingLibraryPage
from .permissions import Restriction, can_study, hidden_paths, passed_restriction_ids


def request_restrictions(request: HttpRequest) -> tuple[Restriction, ...]:
    """The page tree's view restrictions, from the catalogue once per request."""
    cached = getattr(request, "_courses_restrictions", None)
    if cached is None:
        cached = request._courses_restrictions = catalogue().restrictions
    return cached


def reader_hidden_paths(request: HttpRequest) -> tuple[str, ...]:
    """Subtrees the reader may not see, computed once per request."""
    cached = getattr(request, "_courses_hidden_paths", None)
    if cached is None:
        cached = hidden_paths(
            request.user, passed=passed_restriction_ids(request), restrictions=request_restrictions(request)
        )
        request._courses_hidden_paths = cached
    return cached


def study_context(request: HttpRequest, lesson: LessonPage, *, hidden: tuple[str, ...] | None = None) -> dict:
    """What the lesson page and the "mark as studied" partial show about the reader's study."""
    hidden = reader_hidden_paths(request) if hidden is None else hidden
    # Breadcrumbs and the programme the lesson belongs to, from the catalogue: no query.
    ancestors = catalogue().ancestors(lesson)
    programme = next((a for a in ancestors if isinstance(a, ProgrammePage) and a.live), None)
    context: dict = {
        "lesson": lesson,
        "ancestors": ancestors,
        "programme": programme,
        "can_study": can_study(request.user),
    }
    if programme is None:
        context["status"] = selectors.lesson_status(user=request.user, lesson=lesson)
        return context
    [progress] = selectors.programmes_progress(user=request.user, programmes=[programme], hidden=hidden)
    statuses = list(progress.lessons)
    index = next((i for i, s in enumerate(statuses) if s.lesson.pk == lesson.pk), None)
    context["programme_progress"] = progress
    if index is None:  # not live: an editor's preview
        context["status"] = selectors.lesson_status(user=request.user, lesson=lesson)
        return context
    context["status"] = statuses[index]
    context["previous_lesson"] = statuses[index - 1].lesson if index > 0 else None
    context["next_lesson"] = statuses[index + 1].lesson if index + 1 < len(statuses) else None
    context["position"] = index + 1
    return context


def programme_context(request: HttpRequest, programme: ProgrammePage) -> dict:
    progress, sections = selectors.programme_outline(
        user=request.user, programme=programme, hidden=reader_hidden_paths(request)
    )
    assigned = selectors.programmes_for(request.user).filter(pk=programme.pk).exists()
    return {
        "ancestors": catalogue().ancestors(programme),
        "progress": progress,
        "sections": sections,
        "assigned": assigned,
        "can_study": can_study(request.user),
    }


def library_context(request: HttpRequest, library: TrainingLibraryPage) -> dict:
    hidden = reader_hidden_paths(request)
    programmes = list(
        selectors.readable_pages(ProgrammePage.objects.child_of(library), hidden=hidden)
        .select_related("line", "group")
        .order_by("line__level", "path")
    )
    assigned = set(selectors.programmes_for(request.user).values_list("pk", flat=True))
    progress = selectors.programmes_progress(user=request.user, programmes=programmes, hidden=hidden)
    return {
        "assigned_progress": [p for p in progress if p.programme.pk in assigned],
        "other_progress": [p for p in progress if p.programme.pk not in assigned],
        "can_study": can_study(request.user),
    }


def module_context(request: HttpRequest, module) -> dict:
    ancestors = catalogue().ancestors(module)
    programme = next((a for a in ancestors if isinstance(a, ProgrammePage) and a.live), None)
    if programme is None:
        return {"ancestors": ancestors, "statuses": []}
    [progress] = selectors.programmes_progress(
        user=request.user, programmes=[programme], hidden=reader_hidden_paths(request)
    )
    return {
        "ancestors": ancestors,
        "programme": programme,
        "statuses": [s for s in progress.lessons if s.lesson.path.startswith(module.path)],
    }
