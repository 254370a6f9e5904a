from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingsite.models import Line, SupportGroup
from trainingsite.roles import Role

from . import conf
from .models import Demand

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.profile.full_name


class DemandForm(forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["expected_requests", "aht_seconds", "max_occupancy_percent", "shrinkage_percent"]


class RotationForm(forms.Form):
    agent = PersonChoiceField(label=_("Agent"), queryset=User.objects.none())
    host_line = forms.ModelChoiceField(label=_("Host line"), queryset=Line.objects.all())
    host_group = forms.ModelChoiceField(
        label=_("Host group"), queryset=SupportGroup.objects.select_related("line"), required=False
    )
    host_mentor = PersonChoiceField(label=_("Host mentor"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    override_reason = forms.CharField(
        label=_("Reason to override the failed checks"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Only if a check failed and you decide to plan it anyway; the reason is recorded."),
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.fields["host_mentor"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.MENTOR.value)
            .select_related("profile__line", "profile__group")
            .order_by("profile__line__level", "last_name")
        )
        self.fields["host_mentor"].label_from_instance = lambda u: (
            f"{u.profile.full_name} ({u.profile.group or u.profile.line})"
        )

    def clean(self):
        data = super().clean()
        line, group = data.get("host_line"), data.get("host_group")
        if line and group and group.line_id != line.pk:
            self.add_error("host_group", _("The host group must belong to the host line."))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def next_monday(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)


class PlannerForm(forms.Form):
    lines = forms.ModelMultipleChoiceField(
        label=_("Plan for the lines"), queryset=Line.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    host_lines = forms.ModelMultipleChoiceField(
        label=_("Host lines"), queryset=Line.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=_("From the week of"), widget=DateInput())
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=52, initial=8)
    days = forms.IntegerField(
        label=_("Days of each rotation"), min_value=1, max_value=7, initial=5, help_text=_("From Monday.")
    )
    max_away = forms.IntegerField(
        label=_("At most away per line and week"), min_value=1, max_value=100, initial=conf.max_away_per_line
    )
    require_all_due = forms.BooleanField(
        label=_("Every agent already due must be placed"),
        required=False,
        help_text=_("If that is impossible, the planner says which weeks and lines lack capacity."),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = lines
        self.fields["start"].initial = next_monday()

    def clean_start(self) -> datetime.date:
        start = self.cleaned_data["start"]
        if start < timezone.localdate():
            raise forms.ValidationError(_("Plan from today or later."))
        return start
