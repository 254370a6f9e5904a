from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with a looser policy for the Wagtail admin only.

    The front end is written to a strict policy; Wagtail's admin still relies on inline scripts,
    inline styles and eval (choosers), so its pages get ADMIN_CSP_EXTRA added.
    """

    admin_prefix = "/admin/"

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(self.admin_prefix) and not hasattr(response, "_csp_update"):
            response._csp_update = settings.ADMIN_CSP_EXTRA
        return super().process_response(request, response)
