from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from trainingsite.dashboard import Panel
from trainingsite.roles import Role, has_role

from . import selectors
from .models import Attempt, Certificate, Question, QuestionCategory, Quiz, QuizOverride
from .permissions import can_edit_bank


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action("certification.attempt.finish", _("Attempt graded"), _("Quiz attempt graded"))
    actions.register_action(
        "certification.override.grant", _("Exception granted"), _("Quiz exception granted")
    )
    actions.register_action(
        "certification.certificate.issue", _("Certificate issued"), _("Certificate issued")
    )
    actions.register_action(
        "certification.certificate.revoke", _("Certificate revoked"), _("Certificate revoked")
    )
    actions.register_action(
        "certification.questions.import", _("Questions imported"), _("GIFT questions imported")
    )


class QuestionAdminForm(WagtailAdminModelForm):
    """Checks the question and its inline choices together (e.g. one right answer for single choice)."""

    def clean(self):
        data = super().clean()
        formset = self.formsets.get("choices")
        choices = []
        if formset is not None:
            # ClusterForm validates child formsets after the parent's clean(): validate them now.
            formset.is_valid()
            for form in formset.forms:
                if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                    continue
                if form.cleaned_data.get("DELETE"):
                    continue
                choices.append((form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct"))))
        probe = Question(type=data.get("type"), accepted_answers=data.get("accepted_answers") or "")
        try:
            probe.validate_choices(choices)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        self.add_error(field, error)
            else:
                raise forms.ValidationError(exc.messages) from None
        return data


Question.base_form_class = QuestionAdminForm


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-1"
    menu_label = _("Categories")
    list_display = ["name", "line"]
    list_filter = ["line"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["name", "category", "type", "version", "is_active", "updated_at"]
    list_filter = ["category", "type", "is_active"]
    search_fields = ["name", "text"]
    search_backend_name = None
    copy_view_enabled = True


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = [
        "title",
        "programme",
        "time_limit_minutes",
        "pass_mark_percent",
        "attempts_allowed",
        "is_active",
    ]


class AttemptViewSet(SnippetViewSet):
    """Read-only: attempts are written only by the quiz itself."""

    model = Attempt
    icon = "time"
    menu_label = _("Attempts")
    list_display = ["user", "quiz", "number", "status", "percent", "passed", "started_at"]
    list_filter = ["quiz", "status", "passed"]
    inspect_view_enabled = True
    add_to_admin_menu = False


class CertificateViewSet(SnippetViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    list_display = ["holder_name", "programme_title", "line_name", "issued_on", "valid_until", "revoked_at"]
    list_filter = ["line"]
    search_fields = ["holder_name"]
    search_backend_name = None
    inspect_view_enabled = True


class QuizOverrideViewSet(SnippetViewSet):
    model = QuizOverride
    icon = "warning"
    menu_label = _("Exceptions")
    list_display = ["user", "quiz", "extra_minutes", "extra_attempts", "granted_by", "created_at"]
    inspect_view_enabled = True


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Learner records change only through services (grading, revocation), never by admin edits."""

    WRITE_ACTIONS = frozenset({"add", "change", "delete", "lock", "unlock", "publish", "unpublish"})

    def user_has_permission(self, user, action):
        return action not in self.WRITE_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        actions = set(actions) - self.WRITE_ACTIONS
        return bool(actions) and super().user_has_any_permission(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions, **kwargs):
        actions = set(actions) - self.WRITE_ACTIONS
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions, **kwargs)

    def instances_user_has_any_permission_for(self, user, actions):
        actions = set(actions) - self.WRITE_ACTIONS
        if not actions:
            return self.model._default_manager.none()
        return super().instances_user_has_any_permission_for(user, actions)


for _model in (Attempt, Certificate, QuizOverride):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class CertificationViewSetGroup(ViewSetGroup):
    menu_label = _("Certification")
    menu_icon = "success"
    menu_order = 250
    items = (
        QuestionViewSet,
        QuestionCategoryViewSet,
        QuizViewSet,
        AttemptViewSet,
        CertificateViewSet,
        QuizOverrideViewSet,
    )


register_snippet(CertificationViewSetGroup)


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_edit_bank(request.user)


@hooks.register("register_admin_menu_item")
def gift_menu_item():
    return EditorMenuItem(
        _("GIFT import / export"), reverse("certification:gift_import"), icon_name="upload", order=260
    )


# --- other apps read certification through hooks ---------------------------------------------------


@hooks.register("training_certification_status")
def certification_status(*, user, programme) -> dict | None:
    """For mentoring's certification stage: the programme's quiz and where this person stands."""
    quiz = Quiz.objects.active().filter(programme_id=programme.pk).first()
    if quiz is None:
        return None
    [status] = selectors.quiz_statuses(user=user, quizzes=[quiz])
    labels = {
        "passed": _("Passed"),
        "in_progress": _("In progress"),
        "failed": _("Not passed yet"),
        "not_started": _("Not started"),
    }
    if status.certificate and status.state == "passed":
        label = _("Passed, certificate valid until %(date)s") % {
            "date": status.certificate.valid_until.strftime("%d.%m.%Y")
        }
    else:
        label = labels[status.state]
    return {
        "url": reverse("certification:quiz_detail", args=[quiz.pk]),
        "label": str(label),
        "state": status.state,
    }


@hooks.register("training_dashboard_panels")
def dashboard_panels(request, role) -> list[Panel]:
    user = request.user
    panels: list[Panel] = []
    if role == Role.AGENT and has_role(user, Role.AGENT):
        # A person holds a handful of certificates: read them once for the quiz states and the list.
        certificates = list(selectors.certificates_of(user))
        statuses = selectors.quiz_statuses(
            user=user, quizzes=selectors.quizzes_for_learner(user), certificates=certificates
        )
        if statuses or certificates:
            panels.append(
                Panel(
                    "certification/panels/learner.html",
                    {"statuses": statuses, "certificates": certificates[:5]},
                    order=50,
                )
            )
    if role == Role.TEAM_LEAD and has_role(user, Role.TEAM_LEAD):
        today = timezone.localdate()
        expiring = list(
            selectors.certificates_for_lead(user, expiring_days=90).only(
                "pk", "holder_name", "programme_title", "valid_until", "line_id"
            )[:8]
        )
        panels.append(
            Panel(
                "certification/panels/lead.html",
                {"counts": selectors.expiring_counts(user), "expiring": expiring, "today": today},
                order=60,
            )
        )
    return panels


@hooks.register("training_nav_items")
def nav_items(request, roles) -> list[tuple[str, str]]:
    items = []
    if Role.AGENT.value in roles:
        items.append((reverse("certification:my_quizzes"), _("Quizzes")))
    if Role.TEAM_LEAD.value in roles:
        items.append((reverse("certification:lead_certificates"), _("Certificates")))
    return items
