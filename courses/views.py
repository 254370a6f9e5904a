from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh
from wagtail.models import Page

from trainingsite.decorators import role_required
from trainingsite.roles import Role

from . import selectors, services
from .compare import lesson_changes as compare_lessons
from .context import reader_hidden_paths, study_context
from .errors import StudyError
from .models import LessonPage, LessonProgress, ModulePage, ProgrammePage
from .permissions import (
    STAFF_ROLES,
    can_study,
    is_hidden,
    is_staff_member,
    passed_restriction_ids,
)

SEARCH_RESULTS_PER_PAGE = 20


@require_POST
@role_required(Role.AGENT)
def lesson_mark_studied(request: HttpRequest, pk: int) -> HttpResponse:
    # Unpublished lessons are as invisible as missing ones; restricted ones are refused openly.
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    passed = passed_restriction_ids(request)
    hidden = reader_hidden_paths(request)
    if is_hidden(lesson.path, hidden):
        raise PermissionDenied(_("You may not read this lesson."))
    try:
        services.lesson_mark_studied(user=request.user, lesson=lesson, passed_restrictions=passed)
    except StudyError as exc:
        if request.htmx:
            return HttpResponseClientRefresh()
        return render(
            request,
            "409.html",
            {"message": exc.message, "back_url": lesson.get_url(request)},
            status=exc.status,
        )
    if not request.htmx:
        messages.success(request, _("Marked as studied."))
        return redirect(lesson.get_url(request) or "/")
    context = study_context(request, lesson, hidden=hidden)
    context["just_studied"] = True
    return TemplateResponse(request, "courses/partials/study_panel.html", context)


@role_required(*STAFF_ROLES)
def lesson_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed in a lesson since the reader studied it. Only the reader's own record."""
    progress = get_object_or_404(
        LessonProgress.objects.select_related("revision").filter(user=request.user), pk=pk
    )
    lesson = get_object_or_404(LessonPage.objects.live(), pk=progress.lesson_id)
    if is_hidden(lesson.path, reader_hidden_paths(request)):
        raise PermissionDenied(_("You may not read this lesson."))
    studied = progress.revision.as_object() if progress.revision else None
    current = lesson.live_revision.as_object() if lesson.live_revision_id else lesson
    return TemplateResponse(
        request,
        "courses/lesson_changes.html",
        {
            "lesson": lesson,
            "progress": progress,
            "changes": compare_lessons(studied, current) if studied is not None else None,
            "changed": selectors.is_changed_since(lesson=lesson, progress=progress),
            "can_study": can_study(request.user),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_staff_member(request.user):
        raise PermissionDenied
    # A NUL byte cannot be sent to PostgreSQL (a 500 there): drop it, as forms do.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    page, by_prefix = None, False
    if query:
        pages = selectors.readable_pages(
            Page.objects.type(ProgrammePage, ModulePage, LessonPage), hidden=reader_hidden_paths(request)
        ).specific()
        results = pages.search(query, operator="and")
        if not results.count():
            # Full-text search matches whole words, and Russian words change their endings
            # ("пароль", "пароля"): fall back to titles starting with what was typed.
            results, by_prefix = pages.autocomplete(query), True
        page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "courses/search.html", {"query": query, "page": page, "by_prefix": by_prefix}
    )
