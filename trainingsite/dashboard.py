"""Dashboards are built from panels that each app contributes.

An app registers a function in its `wagtail_hooks.py`:

    @hooks.register("training_dashboard_panels")
    def my_panels(request, role: Role) -> list[Panel]: ...

so the organisation app never imports the apps that build on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from wagtail import hooks

from .roles import Role

HOOK_NAME = "training_dashboard_panels"


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def panels_for(request: HttpRequest, role: Role) -> list[Panel]:
    panels: list[Panel] = []
    for fn in hooks.get_hooks(HOOK_NAME):
        panels.extend(fn(request, role) or [])
    return sorted(panels, key=lambda p: p.order)
