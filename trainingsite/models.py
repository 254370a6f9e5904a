from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class LineQuerySet(models.QuerySet["Line"]):
    def led_by(self, user) -> LineQuerySet:
        return self.filter(team_leads__user=user)


class Line(index.Indexed, models.Model):
    """A support tier: the first line holds the flow, the second resolves, the third repairs."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(
        _("level"), help_text=_("1 for the first line, 2 for the second, and so on.")
    )
    description = models.TextField(_("description"), blank=True)
    response_minutes = models.PositiveIntegerField(
        _("answer within (minutes)"),
        null=True,
        blank=True,
        help_text=_("SLA: the customer gets an answer within this many minutes."),
    )
    service_level_percent = models.PositiveSmallIntegerField(
        _("service level target (%)"),
        default=80,
        help_text=_("Share of requests that must meet the answer time, e.g. 80 %."),
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolve within (hours)"),
        null=True,
        blank=True,
        help_text=_("SLA: the request is resolved within this many hours."),
    )

    objects = LineQuerySet.as_manager()

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("support line")
        verbose_name_plural = _("support lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_level_percent__gte=1) & Q(service_level_percent__lte=100),
                name="line_service_level_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupportGroup(index.Indexed, models.Model):
    """A specialisation inside a line, e.g. access recovery, web, mobile applications."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="groups", verbose_name=_("line"))
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40)
    description = models.TextField(_("description"), blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["line__level", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["line", "code"], name="group_code_unique_in_line"),
            models.UniqueConstraint(fields=["line", "name"], name="group_name_unique_in_line"),
        ]

    def __str__(self) -> str:
        return f"{self.line.name}: {self.name}"


class ProfileQuerySet(models.QuerySet["Profile"]):
    def active(self) -> ProfileQuerySet:
        return self.filter(user__is_active=True)

    def in_lines(self, lines) -> ProfileQuerySet:
        return self.filter(line__in=lines)


class Profile(models.Model):
    """What the organisation knows about a person. Active or not is `user.is_active`."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        verbose_name=_("user"),
    )
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    line = models.ForeignKey(
        Line,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("home line"),
    )
    group = models.ForeignKey(
        SupportGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("group"),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    line_joined_on = models.DateField(_("joined the current line on"), null=True, blank=True)
    led_lines = models.ManyToManyField(
        Line, blank=True, related_name="team_leads", verbose_name=_("team lead of")
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentor capacity"),
        default=settings.TRAINING_DEFAULT_MENTOR_CAPACITY,
        help_text=_("The most mentees this person mentors at once."),
    )

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(line_joined_on__isnull=True)
                | Q(hire_date__isnull=True)
                | Q(line_joined_on__gte=models.F("hire_date")),
                name="profile_joined_line_after_hire",
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(line__isnull=False),
                name="profile_group_needs_line",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        parts = [self.user.last_name, self.user.first_name, self.patronymic]
        return " ".join(p for p in parts if p) or self.user.get_username()

    @property
    def short_name(self) -> str:
        name = " ".join(p for p in [self.user.first_name, self.user.last_name] if p)
        return name or self.user.get_username()

    def clean(self) -> None:
        if self.group_id and self.group.line_id != self.line_id:
            raise ValidationError({"group": _("The group must belong to the person's home line.")})
        if self.hire_date and self.line_joined_on and self.line_joined_on < self.hire_date:
            raise ValidationError({"line_joined_on": _("A person cannot join a line before being hired.")})

    def days_on_line(self, today: datetime.date | None = None) -> int | None:
        start = self.line_joined_on or self.hire_date
        if start is None:
            return None
        return ((today or datetime.date.today()) - start).days
