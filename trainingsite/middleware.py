from __future__ import annotations

import functools
import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# What a view may set on its response (django-csp's decorators) to change the policy of that page.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _policies(admin: bool) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The policy and report-only policy headers, and their excluded URL prefixes: they depend only
    on the settings, so they are built once per process instead of on every response."""
    policy = build_policy(update=settings.ADMIN_CSP_EXTRA if admin else None)
    report_only = build_policy(report_only=True)
    excluded = tuple(
        (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
    )
    excluded_ro = tuple(
        (getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        or ()
    )
    return policy, report_only, excluded, excluded_ro


def _excluded_prefixes(name: str) -> tuple[str, ...]:
    return tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs) -> None:
    if setting in {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "ADMIN_CSP_EXTRA"}:
        _policies.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with a looser policy for the Wagtail admin only.

    The front end is written to a strict policy; Wagtail's admin still relies on inline scripts,
    inline styles and eval (choosers), so its pages get ADMIN_CSP_EXTRA added.
    """

    admin_prefix = "/admin/"

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        admin = request.path_info.startswith(self.admin_prefix)
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, a) for a in _PER_RESPONSE
        ):
            # A nonce or a view's own policy: django-csp builds this response's header.
            if admin and not hasattr(response, "_csp_update"):
                response._csp_update = settings.ADMIN_CSP_EXTRA
            return super().process_response(request, response)

        # Every other response: the same headers django-csp would build, from the per-process copy.
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        policy, report_only, excluded, excluded_ro = _policies(admin)
        path = request.path_info
        if (
            policy
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not path.startswith(excluded)
        ):
            response[HEADER] = policy
        if (
            report_only
            and HEADER_REPORT_ONLY not in response
            and not getattr(response, "_csp_exempt_ro", False)
            and not path.startswith(excluded_ro)
        ):
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header is written is an error, not a
        # silently missing nonce.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
