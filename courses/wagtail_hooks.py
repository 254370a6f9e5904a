from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from trainingsite.dashboard import Panel
from trainingsite.roles import Role

from . import selectors
from .context import reader_hidden_paths
from .models import TrainingLibraryPage
from .permissions import is_staff_member


@hooks.register("before_serve_page")
def materials_are_for_staff(
    page: Page, request: HttpRequest, serve_args, serve_kwargs
) -> HttpResponse | None:
    """Everything the site serves is study material: anonymous visitors sign in first and people
    outside the organisation get 403. Wagtail's own hook then applies view restrictions."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_staff_member(request.user):
        raise PermissionDenied
    return None


@hooks.register("training_nav_items")
def nav_items(request: HttpRequest, roles) -> list[tuple[str, str]]:
    if not is_staff_member(request.user):
        return []
    items = []
    library = TrainingLibraryPage.objects.live().only("pk", "url_path", "path", "depth").first()
    if library is not None:
        url = library.get_url(request)
        if url:
            items.append((url, _("Materials")))
    items.append((reverse("courses:search"), _("Search")))
    return items


@hooks.register("training_dashboard_panels")
def study_panels(request: HttpRequest, role: Role) -> list[Panel]:
    if role != Role.AGENT:
        return []
    hidden = reader_hidden_paths(request)
    progress = selectors.programmes_progress(
        user=request.user, programmes=selectors.programmes_for(request.user), hidden=hidden
    )
    assigned_lessons = {status.lesson.pk for p in progress for status in p.changed}
    # Self-study outside the assigned programmes changes too; show it once.
    changed_elsewhere = [
        record
        for record in selectors.changed_lessons_for(request.user)
        if record.lesson_id not in assigned_lessons
        and not any(record.lesson.path.startswith(h) for h in hidden)
    ]
    return [
        Panel(
            "courses/panels/learner_study.html",
            {"progress": progress, "changed_elsewhere": changed_elsewhere},
            order=10,
        )
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action("courses.lesson.studied", _("Lesson studied"), _("Lesson studied"))
    actions.register_action(
        "courses.lesson.restudied", _("Lesson studied again"), _("Lesson studied again after a change")
    )
    actions.register_action(
        "courses.lesson.substantive_change",
        _("Substantive change"),
        _("Published as a substantive change: learners who studied it are asked to look again"),
    )
    actions.register_action(
        "courses.lesson.minor_change", _("Minor change"), _("Published as a minor change: nobody is flagged")
    )
