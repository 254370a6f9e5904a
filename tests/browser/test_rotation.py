"""A team lead plans a rotation that would break coverage, is refused with the reason, plans a
valid one, and sees it on the calendar."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from rotation import services
from tests.factories import PASSWORD, demand_for_minimum, person, rostered_agents, shift_patterns
from trainingsite.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MONDAY = datetime.date(2027, 3, 1)


@pytest.fixture
def org(transactional_db, line, other_line, group, team_lead):
    shifts = shift_patterns(line)
    demand_for_minimum(shifts["morning"], 3)
    crew = rostered_agents(line, shifts["morning"], 4, prefix="am")
    host = person(username="host", roles=[Role.AGENT, Role.MENTOR], line=other_line, group=group)
    services.rotation_create(
        actor=team_lead,
        agent=crew[0],
        host_line=other_line,
        host_group=group,
        host_mentor=host,
        starts_on=MONDAY,
        ends_on=MONDAY + datetime.timedelta(days=4),
    )
    return {"crew": crew, "host": host, "line": line, "other_line": other_line, "group": group}


def test_lead_is_refused_a_coverage_breach_then_plans_a_valid_rotation(
    page: Page, live_server, org, team_lead
):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(team_lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    agent = org["crew"][1]
    page.goto(f"{base}/rotation/new/")
    page.get_by_label("Agent").select_option(str(agent.pk))
    page.get_by_label("Host line").select_option(str(org["other_line"].pk))
    page.get_by_label("Host group").select_option(str(org["group"].pk))
    page.get_by_label("Host mentor").select_option(str(org["host"].pk))
    page.get_by_label("First day").fill("2027-03-01")
    page.get_by_label("Last day").fill("2027-03-05")
    page.get_by_role("button", name="Check and save").click()

    refusal = page.get_by_role("alert").filter(has_text="The rotation was not saved")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(
        "First line, Mon 01.03.2027 09:00-15:00: 2 of 4 rostered would remain, below the minimum of 3."
    )

    page.get_by_label("First day").fill("2027-03-08")
    page.get_by_label("Last day").fill("2027-03-12")
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(agent.profile.full_name)
    expect(page.locator(".messages")).to_contain_text("Rotation planned")

    page.goto(f"{base}/rotation/calendar/?line={org['line'].pk}&start=2027-03-08&weeks=1")
    week = page.locator(".heatmap-week")
    expect(week.locator(".away-list")).to_contain_text(agent.profile.full_name)
    expect(week.locator(".heatmap__cell--warn").first).to_contain_text("3 / 3")
