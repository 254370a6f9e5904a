from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Line, Profile, SupportGroup


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action("trainingsite.person.create", _("Person added"), _("Person added"))
    actions.register_action("trainingsite.person.deactivate", _("Deactivated"), _("Person deactivated"))
    actions.register_action("trainingsite.person.reactivate", _("Reactivated"), _("Person reactivated"))


class LineViewSet(SnippetViewSet):
    model = Line
    icon = "list-ol"
    menu_label = _("Support lines")
    list_display = ["name", "level", "response_minutes", "service_level_percent", "resolution_hours"]


class SupportGroupViewSet(SnippetViewSet):
    model = SupportGroup
    icon = "group"
    menu_label = _("Groups")
    list_display = ["name", "line"]
    list_filter = ["line"]


class ProfileViewSet(SnippetViewSet):
    """Read and audit people from the admin; team leads manage them on the front end."""

    model = Profile
    icon = "user"
    menu_label = _("Profiles")
    list_display = ["__str__", "line", "group", "hire_date"]
    list_filter = ["line"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    search_backend_name = None
    inspect_view_enabled = True


class OrganisationViewSetGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 300
    items = (LineViewSet, SupportGroupViewSet, ProfileViewSet)


register_snippet(OrganisationViewSetGroup)
