"""Each role logs in through the real login page and lands on its own dashboard, and no other."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def people(transactional_db, newcomer, mentor, team_lead, editor):
    return {"newcomer": newcomer, "mentor": mentor, "lead": team_lead, "editor": editor}


@pytest.mark.parametrize(
    ("username", "heading", "path", "forbidden"),
    [
        ("newcomer", "My training", "/dashboard/learner/", "/dashboard/lead/"),
        ("mentor", "My mentees", "/dashboard/mentor/", "/people/"),
        ("lead", "My lines", "/dashboard/lead/", "/dashboard/learner/"),
    ],
)
def test_each_role_lands_on_its_own_dashboard(
    page: Page, live_server, people, username, heading, path, forbidden
):
    sign_in(page, live_server.url, username)
    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    response = page.goto(f"{live_server.url}{forbidden}")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Access denied")


def test_editor_lands_in_the_wagtail_admin(page: Page, live_server, people):
    sign_in(page, live_server.url, "editor")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    response = page.goto(f"{live_server.url}/dashboard/learner/")
    assert response.status == 403


def test_team_lead_adds_a_person_and_sees_them_listed(page: Page, live_server, people):
    sign_in(page, live_server.url, "lead")
    page.get_by_role("link", name="Add a person").first.click()
    page.get_by_label("Login").fill("v.orlova")
    page.get_by_label("First name").fill("Вера")
    page.get_by_label("Last name").fill("Орлова")
    page.get_by_label("Email").fill("v.orlova@example.test")
    page.get_by_label("Home line").select_option(label="First line")
    page.get_by_label("Hire date").fill("2026-11-02")
    page.get_by_role("button", name="Add and send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Орлова Вера")
    expect(page.get_by_role("status")).to_contain_text("invitation")
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("table")).to_contain_text("v.orlova")


def test_language_switch_and_logout(page: Page, live_server, people):
    sign_in(page, live_server.url, "newcomer")
    page.get_by_label("Language").select_option("ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Моё обучение")
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
