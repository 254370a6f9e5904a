"""Query budgets of the team lead's rotation pages, the same for an organisation and one three times
its size: the rotation data comes from `rotation.scale` (roster, done, running, planned and
cancelled rotations), on top of `trainingsite.scale`'s people."""

import io
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rotation import scale as rotation_scale
from rotation import selectors, views
from rotation.models import RosterEntry, Rotation
from tests.budgets import assert_counts_hold
from trainingsite import scale as organisation_scale
from trainingsite.models import Line, Profile
from trainingsite.roles import Role

User = get_user_model()
SMALL, LARGE = 60, 180
# Queries per page as measured at both sizes; going over is a regression.
BUDGETS = {
    "overview": 8,  # 7 when no planned agent is on the page (their next rotation is one query)
    "overview, second pages and a filter": 8,
    "lead panel": 13,
    "calendar": 13,
    "roster": 9,
    "staffing": 5,
}


def _organisation(agents: int) -> User:
    out = io.StringIO()
    people = organisation_scale.build(agents=agents, stdout=out)
    # trainingsite.scale makes every tenth person a mentor, which at a small size puts all of them
    # on the first line; give the second line's groups hosts too, so every line sends agents away.
    second = Profile.objects.filter(user__in=people["agents"], line__code="second").order_by("user_id")
    hosts = list(second.values_list("user_id", flat=True)[::4])
    Group.objects.get(name=Role.MENTOR.value).user_set.add(*hosts)
    mentors = people["mentors"] + list(User.objects.filter(pk__in=hosts))
    rotation_scale.build(agents=people["agents"], mentors=mentors, leads=people["leads"], stdout=out)
    return User.objects.get(username=f"{organisation_scale.PREFIX}lead-first")


def _count(client, url: str) -> int:
    client.get(url)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context)


def _measure(client, agents: int) -> dict[str, int]:
    with transaction.atomic():
        lead = _organisation(agents)
        first = Line.objects.get(code="first")
        client.force_login(lead)
        counts = {
            "overview": _count(client, reverse("rotation:overview")),
            "overview, second pages and a filter": _count(
                client, reverse("rotation:overview") + "?status=overdue&page=2&rpage=2"
            ),
            "lead panel": _count(client, reverse("rotation:lead_panel")),
            "calendar": _count(client, reverse("rotation:calendar") + "?weeks=12"),
            "roster": _count(client, reverse("rotation:roster", args=[first.pk])),
            "staffing": _count(client, reverse("rotation:staffing")),
        }
        sizes = (RosterEntry.objects.count(), Rotation.objects.count())
        transaction.set_rollback(True)
    assert all(sizes), f"the scale builder made no rotation data: {sizes}"
    return counts


@pytest.mark.django_db
def test_rotation_pages_keep_their_query_count_as_the_organisation_grows(client):
    small = _measure(client, SMALL)
    large = _measure(client, LARGE)
    assert_counts_hold(small, large, BUDGETS)


@pytest.mark.django_db
def test_rotation_scale_builds_a_history_that_keeps_the_rules(client):
    with transaction.atomic():
        _organisation(SMALL)
        rotations = list(Rotation.objects.select_related("host_mentor__profile", "agent__profile"))
        assert {r.status for r in rotations} >= {Rotation.Status.DONE, Rotation.Status.PLANNED}
        by_agent: dict[int, list[Rotation]] = {}
        for r in rotations:
            by_agent.setdefault(r.agent_id, []).append(r)
            assert r.host_line_id != r.home_line_id
            assert r.host_mentor.profile.line_id == r.host_line_id
            assert r.host_group_id is None or r.host_mentor.profile.group_id == r.host_group_id
        for own in by_agent.values():
            own.sort(key=lambda r: r.starts_on)
            assert all(a.ends_on < b.starts_on for a, b in itertools.pairwise(own))
        # Every active agent is on the roster of their own line.
        unrostered = Profile.objects.filter(
            user__groups__name=Role.AGENT.value, user__roster_entries__isnull=True
        )
        assert not unrostered.exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_overview_pager_links_keep_the_filter_and_the_other_list_page(client, monkeypatch):
    monkeypatch.setattr(views, "DUE_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "ROTATIONS_PAGE_SIZE", 2)
    with transaction.atomic():
        lead = _organisation(SMALL)
        client.force_login(lead)
        counts, _never = selectors.due_counts(
            lines=Line.objects.filter(code="first"), today=timezone.localdate()
        )

        response = client.get(reverse("rotation:overview"), {"status": "overdue", "rpage": "2"})

        due_page, rotations_page = response.context["due_page"], response.context["rotations_page"]
        assert counts["overdue"] > 2
        assert rotations_page.paginator.count > 2
        assert due_page.paginator.count == counts["overdue"]
        assert [a.status for a in response.context["due"]] == ["overdue", "overdue"]
        assert rotations_page.number == 2
        body = response.content.decode()
        assert 'href="?status=overdue&amp;rpage=2&amp;page=2"' in body  # next agents, same rotations
        assert 'href="?status=overdue&amp;rpage=1"' in body  # previous rotations, same filter
        transaction.set_rollback(True)
