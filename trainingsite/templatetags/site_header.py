from django import template
from django.template import Context
from django.utils.safestring import SafeString

from trainingsite.navigation import site_header_html

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    """The header with the main navigation, cached per language and set of roles."""
    return site_header_html(context)
