"""The site header: the same for everybody of one language and one set of roles, so it is rendered
once per process for each of them and only the per-request values are filled in afterwards."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template import Context
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .roles import Role, user_roles

# Letters only, so that HTML escaping leaves them as they are.
CSRF_MARK = "xsitehdrcsrfx"
NEXT_MARK = "xsitehdrnextx"
NAME_MARK = "xsitehdrnamex"
CURRENT_MARK = "xsitehdrcurrentx"

_rendered: dict[tuple, str] = {}
# Keys are a handful of role combinations times the languages; the bound only guards against
# something unexpected (e.g. many ad hoc groups) growing the dict without end.
_MAX_ENTRIES = 512


def nav_items(request: HttpRequest, roles: frozenset[str], *, is_superuser: bool) -> list[tuple[str, str]]:
    """The header's links for a person with `roles`.

    Hooks (`training_nav_items`) receive the request and the roles; what they return is cached per
    language and roles (and superuser or not), so an item must depend on nothing else of the person.
    """
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
    if Role.EDITOR in roles or is_superuser:
        items.append((reverse("wagtailadmin_home"), _("Editing")))
    return items


def site_header_html(context: Context) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    roles = user_roles(user) if signed_in else frozenset()
    is_superuser = signed_in and user.is_superuser
    token = context.get("csrf_token")
    with_csrf = bool(token) and str(token) != "NOTPROVIDED"
    language = get_language()
    key = (language, get_script_prefix(), signed_in, is_superuser, roles, with_csrf)
    html = _rendered.get(key)
    if html is None:
        html = render_to_string(
            "trainingsite/partials/site_header.html",
            {
                "nav_items": nav_items(request, roles, is_superuser=is_superuser) if signed_in else [],
                "signed_in": signed_in,
                "LANGUAGE_CODE": language,
                "csrf_token": CSRF_MARK if with_csrf else None,
                "next_path": NEXT_MARK,
                "user_name": NAME_MARK,
                "current_mark": CURRENT_MARK,
            },
        )
        if len(_rendered) >= _MAX_ENTRIES:
            _rendered.clear()
        _rendered[key] = html

    if request is not None:
        here = f'href="{escape(request.path)}"'
        html = html.replace(here + CURRENT_MARK, here + ' aria-current="page"')
    html = html.replace(CURRENT_MARK, "").replace(
        NEXT_MARK, escape(request.get_full_path()) if request is not None else ""
    )
    if with_csrf:
        html = html.replace(CSRF_MARK, escape(str(token)))
    if signed_in:
        html = html.replace(NAME_MARK, escape(user.get_full_name() or user.username))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, the values filled in escaped


@receiver(setting_changed)
def _forget_rendered_headers(*, setting: str, **kwargs) -> None:
    if setting in {"LANGUAGES", "ROOT_URLCONF", "TEMPLATES", "INSTALLED_APPS", "FORCE_SCRIPT_NAME"}:
        _rendered.clear()
