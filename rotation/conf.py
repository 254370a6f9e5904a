"""Rotation settings, each overridable in the Django settings module."""

from __future__ import annotations

from django.conf import settings


def eligible_after_days() -> int:
    """Time on the current line (since joining it or since the last rotation) before a rotation."""
    return getattr(settings, "ROTATION_ELIGIBLE_AFTER_DAYS", 182)


def overdue_after_days() -> int:
    """Days past eligibility after which an agent counts as overdue rather than merely due."""
    return getattr(settings, "ROTATION_OVERDUE_AFTER_DAYS", 60)


def max_away_per_line() -> int:
    """Default for the planner: at most this many agents of one line away in the same week."""
    return getattr(settings, "ROTATION_MAX_AWAY_PER_LINE", 3)


def planner_time_limit_seconds() -> float:
    return getattr(settings, "ROTATION_PLANNER_TIME_LIMIT", 20.0)
