"""Reads that span relations, shaped for the pages that show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .models import Line, Profile, SupportGroup
from .roles import Role


@dataclass
class LineSummary:
    line: Line
    active: int
    inactive: int
    newcomers: int
    mentors: int
    mentor_capacity: int
    groups: list[tuple[SupportGroup, int]] = field(default_factory=list)


def line_summaries(*, lines: QuerySet[Line], today: datetime.date | None = None) -> list[LineSummary]:
    """Headcounts per line and group in a fixed number of queries, whatever the headcount."""
    today = today or timezone.localdate()
    newcomer_since = today - datetime.timedelta(days=settings.TRAINING_NEWCOMER_DAYS)
    active = Q(members__user__is_active=True)
    mentor = active & Q(members__user__groups__name=Role.MENTOR.value)
    lines = lines.annotate(
        n_active=Count("members", filter=active, distinct=True),
        n_inactive=Count("members", filter=Q(members__user__is_active=False), distinct=True),
        n_newcomers=Count(
            "members", filter=active & Q(members__hire_date__gte=newcomer_since), distinct=True
        ),
        n_mentors=Count("members", filter=mentor, distinct=True),
    ).prefetch_related(
        Prefetch(
            "groups",
            queryset=SupportGroup.objects.annotate(
                n_active=Count("members", filter=Q(members__user__is_active=True))
            ).order_by("name"),
        )
    )
    capacity = dict(
        Profile.objects.filter(line__in=lines, user__is_active=True, user__groups__name=Role.MENTOR.value)
        .values("line")
        .annotate(total=Sum("mentor_capacity"))
        .values_list("line", "total")
    )
    return [
        LineSummary(
            line=line,
            active=line.n_active,
            inactive=line.n_inactive,
            newcomers=line.n_newcomers,
            mentors=line.n_mentors,
            mentor_capacity=capacity.get(line.pk) or 0,
            groups=[(g, g.n_active) for g in line.groups.all()],
        )
        for line in lines
    ]


def people_for_lead(*, profiles: QuerySet[Profile]) -> QuerySet[Profile]:
    return (
        profiles.select_related("user", "line", "group")
        .prefetch_related("user__groups")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def person_history(*, profile: Profile, limit: int = 50) -> QuerySet[ModelLogEntry]:
    return ModelLogEntry.objects.for_instance(profile).select_related("user").order_by("-timestamp")[:limit]
