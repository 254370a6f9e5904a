from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .models import Line, SupportGroup
from .roles import ROLES_GRANTED_BY_TEAM_LEAD, Role

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonForm(forms.Form):
    """A person as a team lead sees them. Choices are limited to the lead's own lines."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation to set a password goes here."))
    line = forms.ModelChoiceField(label=_("Home line"), queryset=Line.objects.none())
    group = forms.ModelChoiceField(label=_("Group"), queryset=SupportGroup.objects.none(), required=False)
    hire_date = forms.DateField(label=_("Hire date"), widget=DateInput())
    line_joined_on = forms.DateField(
        label=_("Joined the current line on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty to use the hire date."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(r.value, r.label) for r in ROLES_GRANTED_BY_TEAM_LEAD],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mentor_capacity = forms.IntegerField(
        label=_("Mentor capacity"),
        min_value=0,
        max_value=20,
        help_text=_("The most mentees at once, for mentors."),
    )

    def __init__(self, *args, lines, user=None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.person = user
        self.fields["line"].queryset = lines
        self.fields["group"].queryset = SupportGroup.objects.filter(line__in=lines).select_related("line")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email)
        if self.person is not None:
            others = others.exclude(pk=self.person.pk)
        if others.exists():
            raise forms.ValidationError(_("Another person already uses this email."))
        return email

    def clean(self) -> dict:
        data = super().clean()
        line, group = data.get("line"), data.get("group")
        if line and group and group.line_id != line.pk:
            self.add_error("group", _("The group must belong to the chosen line."))
        hired, joined = data.get("hire_date"), data.get("line_joined_on")
        if hired and joined and joined < hired:
            self.add_error("line_joined_on", _("A person cannot join a line before being hired."))
        return data


class PersonCreateForm(PersonForm):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    field_order = ["username"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login is already taken."))
        return username


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the person's history."),
    )


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or login"), required=False)
    line = forms.ModelChoiceField(label=_("Line"), queryset=Line.objects.none(), required=False)
    group = forms.ModelChoiceField(label=_("Group"), queryset=SupportGroup.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Everyone")), ("active", _("Active")), ("inactive", _("Inactive"))],
    )

    def __init__(self, *args, lines, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["group"].queryset = SupportGroup.objects.filter(line__in=lines).select_related("line")
        self.fields["role"].choices = [("", _("Any role")), *Role.choices]
