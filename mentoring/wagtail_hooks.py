from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from trainingsite.dashboard import Panel
from trainingsite.roles import Role

from . import selectors
from .models import Enrolment, ObservationEntry, SupervisedShift

ACTIONS = [
    ("mentoring.enrolment.create", _("Enrolled"), _("Enrolled in a training programme")),
    ("mentoring.enrolment.complete", _("Training completed"), _("Training path completed")),
    ("mentoring.enrolment.cancel", _("Training cancelled"), _("Training path cancelled")),
    ("mentoring.mentor.change", _("Mentor assigned"), _("Mentor assigned or changed")),
    ("mentoring.stage.complete", _("Stage completed"), _("Stage completed")),
    ("mentoring.stage.sign_off", _("Signed off"), _("Stage signed off")),
    ("mentoring.stage.withdraw", _("Sign-off withdrawn"), _("Sign-off withdrawn")),
    ("mentoring.signoff.request", _("Sign-off asked for"), _("Sign-off asked for")),
    ("mentoring.signoff.send_back", _("Sent back"), _("Sign-off request sent back")),
    ("mentoring.point.tick", _("Key point covered"), _("Key point covered")),
    ("mentoring.point.untick", _("Key point reopened"), _("Key point reopened")),
    ("mentoring.question.ask", _("Question asked"), _("Question asked")),
    ("mentoring.question.answer", _("Question answered"), _("Question answered")),
    ("mentoring.observation.log", _("Observation logged"), _("Observation session logged")),
    ("mentoring.observation.confirm", _("Observation confirmed"), _("Observation session confirmed")),
    ("mentoring.supervised.record", _("Supervised shift recorded"), _("Supervised shift recorded")),
]


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    for action, label, message in ACTIONS:
        actions.register_action(action, label, message)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Training records change only through the services (which check the rules and audit);
    the admin shows them and their history but never edits them."""

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
    # Wagtail asks for add/change/delete to see a history; here viewing is enough (nobody edits).
    any_permission_required = ["add", "change", "delete", "view"]


class ReadOnlySnippetViewSet(SnippetViewSet):
    inspect_view_enabled = True
    copy_view_enabled = False
    history_view_class = HistoryView


# Registered the Wagtail 8 way (a policy on the viewset is deprecated); the admin then offers no
# add, edit or delete for these models anywhere.
for _model in (Enrolment, ObservationEntry, SupervisedShift):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class EnrolmentViewSet(ReadOnlySnippetViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    list_display = ["__str__", "kind", "current_stage", "status", "mentor", "created_at"]
    list_filter = ["kind", "status", "current_stage", "programme"]
    search_fields = ["learner__username", "learner__last_name", "learner__first_name"]
    search_backend_name = None
    inspect_view_fields = [
        "learner",
        "programme",
        "kind",
        "mentor",
        "status",
        "current_stage",
        "stage_started_at",
        "created_at",
        "created_by",
        "completed_at",
        "cancel_reason",
    ]


class ObservationViewSet(ReadOnlySnippetViewSet):
    model = ObservationEntry
    icon = "view"
    menu_label = _("Observation sessions")
    list_display = ["enrolment", "date", "shift", "hours", "requests_observed", "confirmed_at"]


class SupervisedViewSet(ReadOnlySnippetViewSet):
    model = SupervisedShift
    icon = "tasks"
    menu_label = _("Supervised shifts")
    list_display = ["enrolment", "date", "shift", "requests_handled", "requests_corrected"]


class MentoringViewSetGroup(ViewSetGroup):
    menu_label = _("Mentoring")
    menu_icon = "group"
    menu_order = 310
    items = (EnrolmentViewSet, ObservationViewSet, SupervisedViewSet)


register_snippet(MentoringViewSetGroup)


@hooks.register("training_dashboard_panels")
def mentoring_panels(request: HttpRequest, role: Role) -> list[Panel]:
    user = request.user
    if role == Role.AGENT:
        enrolments = selectors.learner_enrolments(user)
        return [Panel("mentoring/panels/my_path.html", {"enrolments": enrolments}, order=10)]
    if role == Role.MENTOR:
        return [Panel("mentoring/panels/mentees.html", {"rows": selectors.mentee_summaries(user)}, order=10)]
    if role == Role.TEAM_LEAD:
        from trainingsite.permissions import lines_led_by

        lines = lines_led_by(user)
        counts = selectors.lead_counts(lines=lines, stuck_only=True)
        return [
            Panel(
                "mentoring/panels/lead.html",
                {
                    "stage_counts": counts.stages,
                    "stuck": counts.matching,
                    "stuck_days": selectors.stuck_after_days(),
                },
                order=10,
            )
        ]
    return []


@hooks.register("courses_assigned_programmes")
def enrolled_programmes(user) -> Q | None:
    """A newcomer's onboarding programme is assigned to them even when it is not their line's (a
    move between lines is enrolled before the profile moves). A subquery: no query of its own."""
    if not user.pk:
        return None
    enrolled = Enrolment.objects.filter(
        learner_id=user.pk, kind=Enrolment.Kind.ONBOARDING, status=Enrolment.Status.ACTIVE
    ).values("programme_id")
    return Q(pk__in=enrolled)


@hooks.register("training_nav_items")
def nav_items(request: HttpRequest, roles) -> list[tuple[str, str]]:
    items = []
    if Role.AGENT.value in roles:
        items.append((reverse("mentoring:my_path"), _("My path")))
    if Role.TEAM_LEAD.value in roles:
        items.append((reverse("mentoring:lead_list"), _("Training")))
    return items
