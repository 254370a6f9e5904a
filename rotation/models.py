from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trainingsite.models import Line, SupportGroup

from .staffing import Staffing, staffing

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DayKind(models.TextChoices):
    WEEKDAY = "weekday", _("Weekday")
    DAY_OFF = "day_off", _("Weekend or holiday")


class ShiftPattern(models.Model):
    """A shift a line works on a kind of day, e.g. weekdays 09:00-15:00."""

    line = models.ForeignKey(
        Line, on_delete=models.CASCADE, related_name="shift_patterns", verbose_name=_("line")
    )
    day_kind = models.CharField(_("days"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["line__level", "day_kind", "starts_at"]
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")
        constraints = [
            models.UniqueConstraint(
                fields=["line", "day_kind", "starts_at"], name="shift_pattern_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_pattern_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line.name}: {self.get_day_kind_display()} {self.hours_label}"

    @property
    def hours_label(self) -> str:
        return f"{self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def duration_seconds(self) -> int:
        start = datetime.datetime.combine(datetime.date.min, self.starts_at)
        end = datetime.datetime.combine(datetime.date.min, self.ends_at)
        return int((end - start).total_seconds())


class Holiday(models.Model):
    """A public holiday: lines work their weekend shifts that day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.name}"


class Demand(models.Model):
    """Expected load of one shift of a line; the SLA target comes from the line itself."""

    shift = models.OneToOneField(
        ShiftPattern, on_delete=models.CASCADE, related_name="demand", verbose_name=_("shift")
    )
    expected_requests = models.PositiveIntegerField(
        _("expected requests per shift"), help_text=_("Requests that reach the line during one such shift.")
    )
    aht_seconds = models.PositiveIntegerField(
        _("average handling time (seconds)"), help_text=_("Talk or writing time plus wrap-up, per request.")
    )
    max_occupancy_percent = models.PositiveSmallIntegerField(
        _("maximum occupancy (%)"),
        default=85,
        help_text=_("Share of their time agents may spend handling requests; above ~85 % people burn out."),
    )
    shrinkage_percent = models.PositiveSmallIntegerField(
        _("shrinkage (%)"),
        default=30,
        help_text=_("Share of rostered time lost to breaks, sickness, meetings and training."),
    )

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demand")
        constraints = [
            models.CheckConstraint(condition=Q(aht_seconds__gte=1), name="demand_aht_positive"),
            models.CheckConstraint(
                condition=Q(max_occupancy_percent__gte=1) & Q(max_occupancy_percent__lte=100),
                name="demand_occupancy_range",
            ),
            models.CheckConstraint(condition=Q(shrinkage_percent__lte=90), name="demand_shrinkage_range"),
        ]

    def __str__(self) -> str:
        return str(self.shift)

    def compute(self) -> Staffing | None:
        """None when the line has no answer-time SLA (e.g. a line measured in hours to resolve)."""
        line = self.shift.line
        if not line.response_minutes:
            return None
        return staffing(
            requests=self.expected_requests,
            period_seconds=self.shift.duration_seconds,
            aht_seconds=self.aht_seconds,
            target_percent=line.service_level_percent,
            target_seconds=line.response_minutes * 60,
            max_occupancy_percent=self.max_occupancy_percent,
            shrinkage_percent=self.shrinkage_percent,
        )


class RosterEntry(models.Model):
    """An agent's weekly availability on their home line: this shift on this weekday, every week.

    On a holiday, the people rostered for that weekday cover the line's holiday shifts."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_entries",
        verbose_name=_("agent"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    shift = models.ForeignKey(
        ShiftPattern, on_delete=models.CASCADE, related_name="roster", verbose_name=_("shift")
    )

    class Meta:
        ordering = ["weekday", "shift__starts_at"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        constraints = [
            models.UniqueConstraint(fields=["agent", "weekday", "shift"], name="roster_entry_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="roster_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agent}: {self.get_weekday_display()} {self.shift.hours_label}"


class RotationQuerySet(models.QuerySet["Rotation"]):
    def active(self) -> RotationQuerySet:
        return self.exclude(status=Rotation.Status.CANCELLED)

    def overlapping(self, starts_on: datetime.date, ends_on: datetime.date) -> RotationQuerySet:
        return self.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)

    def of_lines(self, lines) -> RotationQuerySet:
        return self.filter(home_line__in=lines)


class Rotation(models.Model):
    """A short training stint of an agent on another line or group."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rotations", verbose_name=_("agent")
    )
    home_line = models.ForeignKey(
        Line, on_delete=models.PROTECT, related_name="rotations_out", verbose_name=_("home line")
    )
    host_line = models.ForeignKey(
        Line, on_delete=models.PROTECT, related_name="rotations_in", verbose_name=_("host line")
    )
    host_group = models.ForeignKey(
        SupportGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rotations_in",
        verbose_name=_("host group"),
    )
    host_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rotation_guests",
        verbose_name=_("host mentor"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    override_reason = models.TextField(
        _("reason for overriding the checks"),
        blank=True,
        help_text=_("Written by the team lead who saved the rotation despite a failed check."),
    )
    refresher_lessons = models.ManyToManyField(
        "courses.LessonPage",
        blank=True,
        related_name="+",
        verbose_name=_("lessons to refresh"),
    )
    review_signed_off_at = models.DateTimeField(_("joint review signed off at"), null=True, blank=True)
    supervised_signed_off_at = models.DateTimeField(_("supervised work signed off at"), null=True, blank=True)
    mentoring_enrolment_id = models.PositiveIntegerField(
        _("mentoring enrolment"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rotations_planned",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    objects = RotationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="rotation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="rotation_cancel_needs_reason"
            ),
        ]
        indexes = [models.Index(fields=["home_line", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.agent} → {self.host_label} ({self.starts_on:%d.%m}–{self.ends_on:%d.%m.%Y})"

    @property
    def host_label(self) -> str:
        return str(self.host_group) if self.host_group_id else self.host_line.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        if self.host_group_id and self.host_group.line_id != self.host_line_id:
            raise ValidationError({"host_group": _("The host group must belong to the host line.")})
