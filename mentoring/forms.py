from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import ProgrammePage
from trainingsite.forms import DateInput
from trainingsite.roles import Role

from .models import Enrolment, Shift, Stage

User = get_user_model()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.profile.full_name


class _ReadChoiceIterator(ModelChoiceIterator):
    """The choices from the list the view already read, when it gave one, instead of a new query."""

    def __iter__(self):
        if self.field.objects is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self) -> int:
        if self.field.objects is None:
            return super().__len__()
        return len(self.field.objects) + (self.field.empty_label is not None)


class MentorChoiceField(PersonChoiceField):
    """Shows each mentor's line, load and capacity, so a team lead picks one with room."""

    iterator = _ReadChoiceIterator

    def __init__(self, *args, load: dict[int, int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.load = load or {}
        self.objects: list | None = None

    def label_from_instance(self, obj) -> str:
        return _("%(name)s (%(line)s, %(load)s of %(capacity)s mentees)") % {
            "name": obj.profile.full_name,
            "line": obj.profile.line.name if obj.profile.line else "—",
            "load": self.load.get(obj.pk, 0),
            "capacity": obj.profile.mentor_capacity,
        }


def mentors_of(lines):
    return (
        User.objects.filter(is_active=True, groups__name=Role.MENTOR.value, profile__line__in=lines)
        .select_related("profile__line")
        .order_by("last_name", "first_name")
        .distinct()
    )


class EnrolForm(forms.Form):
    learner = PersonChoiceField(label=_("Newcomer"), queryset=User.objects.none())
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=ProgrammePage.objects.none())
    mentor = MentorChoiceField(
        label=_("Mentor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Assign later"),
        help_text=_("The mentor must work on the programme's line. Leave empty to assign one later."),
    )

    def __init__(self, *args, lines, load: dict[int, int], actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = (
            User.objects.filter(is_active=True, profile__line__in=lines)
            .exclude(pk=actor.pk)
            .select_related("profile")
            .order_by("last_name", "first_name")
        )
        self.fields["programme"].queryset = ProgrammePage.objects.live().order_by("title")
        self.fields["mentor"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.MENTOR.value)
            .select_related("profile__line")
            .order_by("profile__line__level", "last_name", "first_name")
            .distinct()
        )
        self.fields["mentor"].load = load


class MentorForm(forms.Form):
    mentor = MentorChoiceField(label=_("New mentor"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Why the change"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, line_id: int, load: dict[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.MENTOR.value, profile__line_id=line_id)
            .select_related("profile__line")
            .order_by("last_name", "first_name")
            .distinct()
        )
        self.fields["mentor"].load = load


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What is missing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TickForm(forms.Form):
    key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    ticked = forms.BooleanField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ObservationForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=12, decimal_places=1, initial=6)
    requests_observed = forms.IntegerField(label=_("Requests observed"), min_value=0, max_value=1000)
    questions = forms.CharField(
        label=_("Questions asked"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class SupervisedForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)
    requests_handled = forms.IntegerField(label=_("Requests handled"), min_value=1, max_value=1000)
    requests_corrected = forms.IntegerField(label=_("Requests corrected"), min_value=0, max_value=1000)
    feedback = forms.CharField(
        label=_("Feedback"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        handled, corrected = data.get("requests_handled"), data.get("requests_corrected")
        if handled is not None and corrected is not None and corrected > handled:
            self.add_error("requests_corrected", _("Cannot be more than the requests handled."))
        return data


class LeadFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False
    )
    mentor = MentorChoiceField(
        label=_("Mentor"), queryset=User.objects.none(), required=False, empty_label=_("Any mentor")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Enrolment.Status.choices],
        required=False,
        initial=Enrolment.Status.ACTIVE,
    )
    stuck = forms.BooleanField(label=_("Stuck only"), required=False)

    def __init__(self, *args, lines, mentors: list, **kwargs) -> None:
        """`mentors`: `mentors_of(lines)` as read by the view, each with its active `load`."""
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        field.queryset = mentors_of(lines)  # what a submitted choice is checked against
        field.objects = mentors
        field.load = {m.pk: m.load for m in mentors}
