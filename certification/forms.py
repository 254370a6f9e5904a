from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from trainingsite.permissions import lines_led_by

from .models import QuestionCategory, Quiz


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept in the certificate's history. The holder's public page will show REVOKED."),
    )


class OverrideForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.active())
    extra_minutes = forms.IntegerField(label=_("Extra minutes"), min_value=0, max_value=240, initial=0)
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=0, max_value=5, initial=0)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, lead, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, profile__line__in=lines_led_by(lead))
            .exclude(pk=lead.pk)
            .select_related("profile")
            .order_by("last_name", "first_name")
        )
        self.fields["person"].label_from_instance = lambda u: u.profile.full_name
        self.fields["quiz"].queryset = Quiz.objects.active().filter(programme__line__in=lines_led_by(lead))

    def clean(self):
        data = super().clean()
        if not data.get("extra_minutes") and not data.get("extra_attempts"):
            raise forms.ValidationError(_("Grant extra minutes, an extra attempt, or both."))
        return data


class CertificateFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("Any status")),
        ("valid", _("Valid")),
        ("expired", _("Expired")),
        ("revoked", _("Revoked")),
    ]
    EXPIRING_CHOICES = [("", _("Any time")), ("30", _("30 days")), ("60", _("60 days")), ("90", _("90 days"))]

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    line = forms.ModelChoiceField(
        label=_("Line"), queryset=None, required=False, empty_label=_("All my lines")
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    expiring = forms.TypedChoiceField(
        label=_("Expiring within"), choices=EXPIRING_CHOICES, required=False, coerce=int, empty_value=None
    )
    month = forms.DateField(
        label=_("Issued in month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, lead, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines_led_by(lead)


class GiftImportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Import into category"),
        queryset=QuestionCategory.objects.all(),
        help_text=_("Questions with a $CATEGORY line go to that category (created if missing) instead."),
    )
    file = forms.FileField(label=_("GIFT file (.txt, UTF-8)"), required=False)
    text = forms.CharField(
        label=_("Or paste GIFT text"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 2_000_000:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            try:
                data["source"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        else:
            data["source"] = data.get("text") or ""
        if not data["source"].strip():
            raise forms.ValidationError(_("Upload a file or paste GIFT text."))
        return data
