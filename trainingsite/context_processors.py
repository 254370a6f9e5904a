from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .roles import Role, user_roles


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = user_roles(user)
    items = []
    if Role.AGENT in roles:
        items.append((reverse("learner_dashboard"), _("My training")))
    if Role.MENTOR in roles:
        items.append((reverse("mentor_dashboard"), _("My mentees")))
    if Role.TEAM_LEAD in roles:
        items.append((reverse("lead_dashboard"), _("My lines")))
        items.append((reverse("people:list"), _("People")))
    # Apps add their own entries (e.g. the study library) without this module importing them.
    for fn in hooks.get_hooks("training_nav_items"):
        items.extend(fn(request, roles) or [])
    if Role.EDITOR in roles or user.is_superuser:
        items.append((reverse("wagtailadmin_home"), _("Editing")))
    return {"nav_items": items, "user_roles": roles}
