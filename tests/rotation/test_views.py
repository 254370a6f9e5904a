"""The team lead's pages: refusals as 409 with the reason, 404 for another line's lead, exports."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from rotation import services
from rotation.models import Demand, RosterEntry, Rotation
from rotation.views import ical_token
from tests.factories import PASSWORD

from .conftest import FRIDAY, MONDAY


def form(agent, host_mentor, group, first=MONDAY, last=FRIDAY, **extra):
    return {
        "agent": agent.pk,
        "host_line": group.line.pk,
        "host_group": group.pk,
        "host_mentor": host_mentor.pk,
        "starts_on": first.isoformat(),
        "ends_on": last.isoformat(),
        "goals": "",
        **extra,
    }


@pytest.fixture
def lead_client(client, team_lead):
    client.login(username=team_lead.username, password=PASSWORD)
    return client


@pytest.fixture
def planned(team_lead, crew, host_mentor, group):
    return services.rotation_create(
        actor=team_lead,
        agent=crew[0],
        host_line=group.line,
        host_group=group,
        host_mentor=host_mentor,
        starts_on=MONDAY,
        ends_on=FRIDAY,
    )


def test_plan_page_saves_a_valid_rotation(lead_client, crew, host_mentor, group):
    response = lead_client.post(reverse("rotation:create"), form(crew[0], host_mentor, group))
    rotation = Rotation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rotation:detail", args=[rotation.pk])


def test_plan_page_refuses_coverage_breach_with_the_shifts(lead_client, planned, crew, host_mentor, group):
    response = lead_client.post(reverse("rotation:create"), form(crew[1], host_mentor, group))
    assert response.status_code == 409
    body = response.content.decode()
    assert "The rotation was not saved" in body
    assert (
        "First line, Mon 01.03.2027 09:00-15:00: 2 of 4 rostered would remain, below the minimum of 3."
        in body
    )
    assert "Reason to override the failed checks" in body
    assert Rotation.objects.count() == 1


def test_plan_page_saves_an_override_and_shows_it(lead_client, planned, crew, host_mentor, group):
    response = lead_client.post(
        reverse("rotation:create"),
        form(crew[1], host_mentor, group, override_reason="Training before release"),
    )
    assert response.status_code == 302
    rotation = Rotation.objects.get(agent=crew[1])
    assert rotation.override_reason == "Training before release"
    page = lead_client.get(reverse("rotation:detail", args=[rotation.pk])).content.decode()
    assert "Training before release" in page
    assert "Rotation checks overridden" in page


def test_team_lead_of_another_line_gets_404_and_nothing_is_saved(
    client, other_team_lead, crew, host_mentor, group
):
    client.login(username=other_team_lead.username, password=PASSWORD)
    response = client.post(reverse("rotation:create"), form(crew[0], host_mentor, group))
    assert response.status_code == 404
    assert not Rotation.objects.exists()


def test_another_lines_lead_cannot_see_or_cancel_a_rotation(client, other_team_lead, planned):
    # The host line is the other lead's line: they may see it, but only the home lead cancels.
    client.login(username=other_team_lead.username, password=PASSWORD)
    assert client.get(reverse("rotation:detail", args=[planned.pk])).status_code == 200
    response = client.post(reverse("rotation:cancel", args=[planned.pk]), {"reason": "no"})
    assert response.status_code == 404
    planned.refresh_from_db()
    assert planned.status == Rotation.Status.PLANNED


def test_unrelated_agent_gets_404_for_a_rotation(client, agent_of_other_line, planned):
    client.login(username=agent_of_other_line.username, password=PASSWORD)
    assert client.get(reverse("rotation:detail", args=[planned.pk])).status_code == 404


def test_cancel_without_reason_is_refused(lead_client, planned):
    response = lead_client.post(reverse("rotation:cancel", args=[planned.pk]), {"reason": ""})
    assert response.status_code == 409
    assert "Write why the rotation is cancelled." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == Rotation.Status.PLANNED


def test_cancel_with_reason_is_audited(lead_client, planned):
    lead_client.post(reverse("rotation:cancel", args=[planned.pk]), {"reason": "Release week"})
    planned.refresh_from_db()
    assert (planned.status, planned.cancel_reason) == (Rotation.Status.CANCELLED, "Release week")
    assert ModelLogEntry.objects.for_instance(planned).filter(action="rotation.rotation.cancel").exists()


def test_calendar_shows_the_heat_map_and_who_is_away(
    lead_client, planned, line, django_assert_max_num_queries
):
    url = reverse("rotation:calendar") + f"?line={line.pk}&start={MONDAY.isoformat()}&weeks=2"
    with django_assert_max_num_queries(20):
        response = lead_client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "heatmap__cell--warn" in body  # 3 of minimum 3 on the mornings of the rotation week
    assert "heatmap__cell--ok" in body  # 4 of 3 the week after
    assert planned.agent.profile.full_name in body


def test_staffing_page_shows_inputs_and_the_erlang_result(lead_client, crew, shifts):
    demand = Demand.objects.get(shift=shifts["morning"])
    body = lead_client.get(reverse("rotation:staffing")).content.decode()
    assert str(demand.expected_requests) in body
    assert "Rostered minimum" in body
    assert "<strong>3</strong>" in body


def test_demand_edit_by_own_lead_is_saved_and_by_other_lead_404(
    client, team_lead, other_team_lead, crew, shifts
):
    url = reverse("rotation:demand_edit", args=[shifts["morning"].pk])
    data = {
        "expected_requests": 500,
        "aht_seconds": 300,
        "max_occupancy_percent": 85,
        "shrinkage_percent": 30,
    }
    client.login(username=other_team_lead.username, password=PASSWORD)
    assert client.post(url, data).status_code == 404
    assert Demand.objects.get(shift=shifts["morning"]).expected_requests != 500
    client.login(username=team_lead.username, password=PASSWORD)
    assert client.post(url, data).status_code == 302
    assert Demand.objects.get(shift=shifts["morning"]).expected_requests == 500


def test_demand_form_refuses_occupancy_over_100(lead_client, crew, shifts):
    url = reverse("rotation:demand_edit", args=[shifts["morning"].pk])
    data = {
        "expected_requests": 500,
        "aht_seconds": 300,
        "max_occupancy_percent": 120,
        "shrinkage_percent": 30,
    }
    response = lead_client.post(url, data)
    assert response.status_code == 200
    assert Demand.objects.get(shift=shifts["morning"]).max_occupancy_percent == 100


def test_roster_page_saves_the_ticked_shifts(lead_client, crew, shifts, line, team_lead):
    url = reverse("rotation:roster", args=[line.pk])
    assert lead_client.get(url).status_code == 200
    slot = f"{crew[0].pk}:0:{shifts['evening'].pk}"
    shown = [a.pk for a in crew] + [team_lead.pk]
    response = lead_client.post(url, {"agent": shown, "slot": [slot]})
    assert response.status_code == 302
    assert list(
        RosterEntry.objects.filter(shift__line=line).values_list("agent_id", "weekday", "shift_id")
    ) == [(crew[0].pk, 0, shifts["evening"].pk)]


def test_roster_is_paged_and_saving_a_page_keeps_the_other_pages(lead_client, crew, shifts, line, team_lead):
    from tests.factories import rostered_agents

    rostered_agents(line, shifts["morning"], 30, prefix="zz")  # 35 people on the line: two pages
    url = reverse("rotation:roster", args=[line.pk])
    first = lead_client.get(url).context
    second = lead_client.get(url, {"page": 2}).context
    first_ids = {agent.pk for agent, _cells in first["rows"]}
    second_ids = {agent.pk for agent, _cells in second["rows"]}
    assert (len(first_ids), len(second_ids)) == (25, 10)
    # The totals are the whole line's on every page: 34 agents rostered on Monday mornings.
    monday_morning = next(
        i for i, (d, p, _n) in enumerate(first["columns"]) if d == 0 and p == shifts["morning"]
    )
    assert first["totals"][monday_morning] == second["totals"][monday_morning] == 34

    response = lead_client.post(f"{url}?page=2", {"agent": sorted(second_ids), "slot": []})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2"
    assert not RosterEntry.objects.filter(agent_id__in=second_ids).exists()
    assert RosterEntry.objects.filter(agent_id__in=first_ids).count() == 5 * len(first_ids - {team_lead.pk})


def test_roster_refuses_a_slot_of_an_agent_not_on_the_page(lead_client, crew, shifts, line):
    url = reverse("rotation:roster", args=[line.pk])
    before = RosterEntry.objects.count()
    slot = f"{crew[0].pk}:0:{shifts['evening'].pk}"
    assert lead_client.post(url, {"agent": [crew[1].pk], "slot": [slot]}).status_code == 400
    assert RosterEntry.objects.count() == before


def test_roster_of_another_line_is_404(client, other_team_lead, line, crew):
    client.login(username=other_team_lead.username, password=PASSWORD)
    before = RosterEntry.objects.count()
    assert client.post(reverse("rotation:roster", args=[line.pk]), {"slot": []}).status_code == 404
    assert RosterEntry.objects.count() == before


def test_roster_with_junk_is_400(lead_client, line, crew):
    before = RosterEntry.objects.count()
    assert lead_client.post(reverse("rotation:roster", args=[line.pk]), {"slot": ["x:y"]}).status_code == 400
    assert RosterEntry.objects.count() == before


def test_csv_export_lists_the_rotations_of_the_leads_lines(lead_client, planned):
    response = lead_client.get(reverse("rotation:export_csv"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    header, row = text.strip().splitlines()
    assert header.startswith("Agent,Home line,Host,Host mentor,First day,Last day,Status")
    assert f"{planned.agent.profile.full_name},First line,Second line: Access recovery" in row
    assert "2027-03-01,2027-03-05,Planned" in row


def test_ical_feed_is_a_valid_calendar_for_the_signed_agent(client, planned):
    response = client.get(reverse("rotation:ical", args=[ical_token(planned.agent)]))
    text = response.content.decode()
    assert response["Content-Type"] == "text/calendar"
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270301\r\n" in text
    assert "DTEND;VALUE=DATE:20270306\r\n" in text  # exclusive end: the day after Friday
    assert f"UID:rotation-{planned.pk}@" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_ical_feed_with_a_forged_token_is_404(client, planned):
    assert client.get(reverse("rotation:ical", args=[f"{planned.agent.pk}:forged"])).status_code == 404


def test_planner_proposes_and_the_lead_accepts_part_of_it(
    lead_client, crew, host_mentor, group, line, other_line
):
    response = lead_client.post(
        reverse("rotation:planner"),
        {
            "lines": [line.pk],
            "host_lines": [other_line.pk],
            "start": MONDAY.isoformat(),
            "weeks": 4,
            "days": 5,
            "max_away": 2,
        },
    )
    proposal = response.context["proposal"]
    assert proposal.result.status == "optimal"
    # One spare place a week on the mornings (4 rostered, minimum 3): one agent a week.
    assert [r.starts_on for r in proposal.rows] == [MONDAY + datetime.timedelta(weeks=w) for w in range(4)]
    keys = [r.key for r in proposal.rows]
    response = lead_client.post(reverse("rotation:planner_accept"), {"row": keys[:2]})
    assert response.status_code == 302
    assert Rotation.objects.count() == 2
    log = ModelLogEntry.objects.filter(action="rotation.rotation.create").first()
    assert log.data["source"] == "planner"


def test_planner_accept_rechecks_every_row(lead_client, planned, crew, host_mentor, group):
    key = (
        f"{crew[1].pk}:{group.line.pk}:{group.pk}:{host_mentor.pk}:{MONDAY.isoformat()}:{FRIDAY.isoformat()}"
    )
    response = lead_client.post(reverse("rotation:planner_accept"), {"row": [key]}, follow=True)
    assert Rotation.objects.count() == 1
    assert "below the minimum of 3" in response.content.decode()


def test_planner_accept_for_another_lines_agent_is_404(client, other_team_lead, crew, host_mentor, group):
    client.login(username=other_team_lead.username, password=PASSWORD)
    key = (
        f"{crew[0].pk}:{group.line.pk}:{group.pk}:{host_mentor.pk}:{MONDAY.isoformat()}:{FRIDAY.isoformat()}"
    )
    assert client.post(reverse("rotation:planner_accept"), {"row": [key]}).status_code == 404
    assert not Rotation.objects.exists()


def test_planner_accept_with_junk_is_400(lead_client):
    assert lead_client.post(reverse("rotation:planner_accept"), {"row": ["1:2"]}).status_code == 400


def test_lead_dashboard_loads_the_rotation_panel_after_the_page(lead_client, planned):
    body = lead_client.get(reverse("lead_dashboard")).content.decode()
    assert f'hx-get="{reverse("rotation:lead_panel")}"' in body


def test_lead_panel_shows_due_agents_and_coverage_in_constant_queries(
    lead_client, planned, line, shifts, django_assert_max_num_queries
):
    from tests.factories import rostered_agents

    lead_client.get(reverse("rotation:lead_panel"))
    rostered_agents(line, shifts["evening"], 30, prefix="pm", hire_date=datetime.date(2024, 1, 1))
    with django_assert_max_num_queries(14):
        body = lead_client.get(reverse("rotation:lead_panel")).content.decode()
    assert "Rotation training" in body
    assert "Coverage holds" in body or "below" in body
    assert body.count("/rotation/new/?agent=") == 6  # the first six overdue agents are linked


def test_lead_panel_for_a_lead_without_lines_is_empty(client, db):
    from tests.factories import person
    from trainingsite.roles import Role

    lead = person(username="nolines", roles=[Role.TEAM_LEAD])
    client.force_login(lead)
    assert client.get(reverse("rotation:lead_panel")).content == b""


def test_agent_dashboard_shows_the_planned_rotation(client, planned, monkeypatch):
    import rotation.wagtail_hooks as hooks_module

    monkeypatch.setattr(hooks_module.timezone, "localdate", lambda: MONDAY - datetime.timedelta(days=3))
    client.login(username=planned.agent.username, password=PASSWORD)
    body = client.get(reverse("learner_dashboard")).content.decode()
    assert "My rotation" in body
    assert "Second line: Access recovery, 01.03.2027–05.03.2027" in body


def test_pages_need_the_team_lead_role(client, crew):
    client.login(username=crew[0].username, password=PASSWORD)
    for name in ("rotation:overview", "rotation:calendar", "rotation:planner", "rotation:staffing"):
        assert client.get(reverse(name)).status_code == 403


def test_admin_shows_rotations_read_only(client, planned, db):
    from tests.factories import person

    admin = person(username="root", roles=[], is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("wagtailsnippets_rotation_rotation:list")).status_code == 200
    assert (
        client.get(reverse("wagtailsnippets_rotation_rotation:inspect", args=[planned.pk])).status_code == 200
    )
    assert (
        client.get(reverse("wagtailsnippets_rotation_rotation:history", args=[planned.pk])).status_code == 200
    )
    assert client.get(reverse("wagtailsnippets_rotation_rotation:edit", args=[planned.pk])).status_code == 302
    assert client.get(reverse("wagtailsnippets_rotation_rotation:add")).status_code == 302


@pytest.mark.parametrize("extra", [0, 40])
def test_overview_and_planner_queries_do_not_grow_with_agents(
    lead_client, planned, line, other_line, shifts, extra
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import rostered_agents

    rostered_agents(line, shifts["evening"], extra, prefix="x", hire_date=datetime.date(2024, 1, 1))
    planner_form = {
        "lines": [line.pk],
        "host_lines": [other_line.pk],
        "start": MONDAY.isoformat(),
        "weeks": 8,
        "days": 5,
        "max_away": 2,
    }
    with CaptureQueriesContext(connection) as overview:
        assert lead_client.get(reverse("rotation:overview")).status_code == 200
    with CaptureQueriesContext(connection) as planner:
        assert lead_client.post(reverse("rotation:planner"), planner_form).status_code == 200
    # The same budgets whether the line has 4 or 44 agents.
    assert len(overview.captured_queries) <= 12
    assert len(planner.captured_queries) <= 25


def test_csv_export_neutralises_formulas_in_free_text(lead_client, planned):
    Rotation.objects.filter(pk=planned.pk).update(goals='=HYPERLINK("http://evil")')
    text = lead_client.get(reverse("rotation:export_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
