from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import BaseViewRestriction, Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from trainingsite.dashboard import Panel
from trainingsite.roles import Role

from . import selectors
from .catalogue import use_cached_site
from .context import reader_hidden_paths, request_restrictions
from .models import LessonProgress
from .permissions import can_download_document, is_staff_member, passed_restriction_ids, restriction_accepts


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
    # A signed-in reader outside a group restriction gets a plain 403. Wagtail's own hook would send
    # them to the login page, which sends signed-in people straight back: a redirect loop.
    for restriction in request_restrictions(request):
        if (
            restriction.kind == BaseViewRestriction.GROUPS
            and page.path.startswith(restriction.path)
            and not restriction_accepts(restriction, request.user)
        ):
            raise PermissionDenied
    return None


@hooks.register("before_serve_document")
def documents_follow_their_lessons(document, request: HttpRequest) -> HttpResponse | None:
    """Documents are served through Django (WAGTAILDOCS_SERVE_METHOD = "serve_view"), so every
    download passes here: anonymous visitors sign in, people outside the organisation and readers
    who may not read any lesson using the file get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_download_document(request.user, document, passed=passed_restriction_ids(request)):
        raise PermissionDenied
    return None


@hooks.register("training_nav_items")
def nav_items(request: HttpRequest, roles) -> list[tuple[str, str]]:
    if not is_staff_member(request.user):
        return []
    # The library is the default Site's root page, served at Wagtail's root URL: no query needed.
    return [(reverse("wagtail_serve", args=[""]), _("Materials")), (reverse("courses:search"), _("Search"))]


@hooks.register("training_dashboard_panels")
def study_panels(request: HttpRequest, role: Role) -> list[Panel]:
    if role != Role.AGENT:
        return []
    use_cached_site(request)  # the panel links to pages: Wagtail's site without a query
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


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Study records are written by learners through `lesson_mark_studied` only; the admin reads them
    (superusers, or whoever is given the model's "view" permission)."""

    WRITE_ACTIONS = frozenset({"add", "change", "delete", "copy"})

    def user_has_permission(self, user, action):
        if action in self.WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        readable = [action for action in actions if action not in self.WRITE_ACTIONS]
        if not readable:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(readable)


class LessonProgressViewSet(SnippetViewSet):
    model = LessonProgress
    icon = "tick"
    menu_label = _("Study progress")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["user", "lesson", "studied_at"]
    list_export = ["user", "lesson", "revision", "studied_at"]
    list_filter = ["lesson"]
    search_fields = ["user__username", "user__last_name", "lesson__title"]
    search_backend_name = None
    inspect_view_enabled = True
    ordering = ["-studied_at"]


register_permission_policy(LessonProgress, ReadOnlyPermissionPolicy(LessonProgress))
register_snippet(LessonProgressViewSet)
