from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from trainingsite.dashboard import Panel
from trainingsite.roles import Role


@hooks.register("training_dashboard_panels")
def reports_panels(request: HttpRequest, role: Role) -> list[Panel]:
    # Only a link: the figures are computed on the reports page, so the dashboard's budget is untouched.
    if role == Role.TEAM_LEAD:
        return [Panel("reports/panels/lead.html", {}, order=90)]
    return []


@hooks.register("training_nav_items")
def nav_items(request: HttpRequest, roles) -> list[tuple[str, str]]:
    if Role.TEAM_LEAD.value in roles:
        return [(reverse("reports:report"), _("Reports"))]
    return []
