from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from trainingsite.dashboard import Panel
from trainingsite.permissions import lines_led_by
from trainingsite.roles import Role

from . import selectors
from .models import Demand, Holiday, Rotation, ShiftPattern


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action("rotation.rotation.create", _("Rotation planned"), _("Rotation planned"))
    actions.register_action(
        "rotation.rotation.override", _("Rotation checks overridden"), _("Rotation checks overridden")
    )
    actions.register_action("rotation.rotation.cancel", _("Rotation cancelled"), _("Rotation cancelled"))
    actions.register_action("rotation.rotation.start", _("Rotation started"), _("Rotation started"))
    actions.register_action(
        "rotation.rotation.sign_off_review", _("Joint review signed off"), _("Joint review signed off")
    )
    actions.register_action(
        "rotation.rotation.sign_off_supervised",
        _("Supervised work signed off"),
        _("Supervised work signed off"),
    )
    actions.register_action("rotation.demand.update", _("Demand changed"), _("Demand changed"))
    actions.register_action("rotation.roster.update", _("Roster changed"), _("Roster changed"))


class ShiftPatternViewSet(SnippetViewSet):
    model = ShiftPattern
    icon = "time"
    menu_label = _("Shift patterns")
    list_display = ["line", "day_kind", "starts_at", "ends_at"]
    list_filter = ["line", "day_kind"]


class HolidayViewSet(SnippetViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("Holidays")
    list_display = ["date", "name"]


class DemandViewSet(SnippetViewSet):
    model = Demand
    icon = "table"
    menu_label = _("Demand")
    list_display = ["shift", "expected_requests", "aht_seconds", "max_occupancy_percent", "shrinkage_percent"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Rotations change only through the services (checks, locks, audit); the admin shows them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class HistoryView(snippet_views.HistoryView):
    # Wagtail asks for add/change/delete to show a history; here viewing is enough.
    any_permission_required = ["add", "change", "delete", "view"]


register_permission_policy(Rotation, ReadOnlyPolicy(Rotation))


class RotationViewSet(SnippetViewSet):
    """Read-only history for staff; team leads plan on the front end, where the checks run."""

    model = Rotation
    copy_view_enabled = False
    history_view_class = HistoryView
    icon = "redirect"
    menu_label = _("Rotations")
    list_display = ["agent", "host_line", "starts_on", "ends_on", "status"]
    list_filter = ["status", "home_line", "host_line"]
    inspect_view_enabled = True


class RotationViewSetGroup(ViewSetGroup):
    menu_label = _("Rotation")
    menu_icon = "redirect"
    menu_order = 320
    items = (ShiftPatternViewSet, HolidayViewSet, DemandViewSet, RotationViewSet)


register_snippet(RotationViewSetGroup)


def lead_panel_context(user) -> dict | None:
    today = timezone.localdate()
    lines = list(lines_led_by(user))
    if not lines:
        return None
    counts, never = selectors.due_counts(lines=lines, today=today)
    # The panel names the first six overdue agents; a seventh tells it to add "…".
    overdue = selectors.agents_due(lines=lines, today=today, statuses=["overdue"], limit=7)
    alerts = []
    horizon = today + datetime.timedelta(days=27)
    for line in lines:
        alerts.extend(
            cell
            for cell in selectors.coverage(line=line, start=today, end=horizon)
            if cell.minimum and cell.spare < 0
        )
    in_progress = list(
        selectors.rotations_for_lead(lines=lines).filter(status=Rotation.Status.IN_PROGRESS)[:10]
    )
    return {
        "counts": counts,
        "overdue": overdue,
        "never": never,
        "in_progress": in_progress,
        "alerts": alerts[:8],
        "alerts_total": len(alerts),
    }


@hooks.register("training_dashboard_panels")
def rotation_panels(request: HttpRequest, role: Role) -> list[Panel]:
    today = timezone.localdate()
    if role == Role.TEAM_LEAD:
        # Coverage for four weeks is the costliest panel of the dashboard, so it loads after the
        # page (htmx) and the dashboard's own query budget stays flat.
        return [Panel("rotation/panels/lead_lazy.html", {}, order=60)]
    if role == Role.MENTOR:
        guests = list(
            Rotation.objects.filter(
                host_mentor=request.user,
                status__in=[Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS],
                ends_on__gte=today,
            )
            .select_related("agent__profile", "home_line", "host_line", "host_group__line")
            .order_by("starts_on")[:10]
        )
        if not guests:
            return []
        return [Panel("rotation/panels/mentor.html", {"guests": guests}, order=60)]
    if role == Role.AGENT:
        rotation = (
            Rotation.objects.filter(
                agent=request.user,
                status__in=[Rotation.Status.PLANNED, Rotation.Status.IN_PROGRESS],
                ends_on__gte=today,
            )
            .select_related("host_line", "host_group__line", "host_mentor__profile")
            .prefetch_related("refresher_lessons")
            .order_by("starts_on")
            .first()
        )
        if rotation is None:
            return []
        return [Panel("rotation/panels/agent.html", {"rotation": rotation}, order=60)]
    return []


@hooks.register("training_nav_items")
def nav_items(request: HttpRequest, roles) -> list[tuple[str, str]]:
    if Role.TEAM_LEAD.value in roles:
        return [(reverse("rotation:overview"), _("Rotation"))]
    return []
