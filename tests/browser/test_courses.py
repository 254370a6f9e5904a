"""A newcomer studies a lesson; an editor publishes a change in the Wagtail admin; the newcomer sees
the lesson flagged and reads what changed."""

import pytest
from playwright.sync_api import Page, expect

from courses.models import LessonProgress
from tests.factories import PASSWORD, make_lesson, make_module, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


@pytest.fixture
def material(transactional_db, line, newcomer, editor):
    programme = make_programme(line=line, title="First line: basics", slug="first-line-basics")
    intro = make_lesson(parent=programme, title="Lines and SLA")
    module = make_module(programme=programme, title="Access")
    lesson = make_lesson(parent=module, title="Password recovery", summary="When automatic recovery fails.")
    make_lesson(parent=module, title="Blocked mailbox")
    return {"programme": programme, "intro": intro, "lesson": lesson}


def test_newcomer_studies_and_then_sees_what_changed(page: Page, live_server, material, newcomer):
    base = live_server.url
    sign_in(page, base, "newcomer")

    # The dashboard shows the assigned programme; the programme lists its lessons by module.
    expect(page.get_by_role("heading", name="Study")).to_be_visible()
    page.get_by_role("link", name="First line: basics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First line: basics")
    expect(page.locator(".lesson-aside")).to_contain_text("0 of 3 lessons studied")
    page.get_by_role("link", name="Password recovery").click()

    # One click, no page reload: the study panel is swapped in place and the bar moves.
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.__noReload = true")
    bar = page.locator("#study-panel progress")
    expect(bar).to_have_attribute("value", "0")
    page.get_by_role("button", name="Mark as studied").click()
    expect(page.locator("#study-panel")).to_contain_text("Marked as studied.")
    expect(bar).to_have_attribute("value", "33")
    expect(page.locator("#study-panel")).to_contain_text("1 of 3 lessons studied")
    assert page.evaluate("window.__noReload") is True
    assert LessonProgress.objects.filter(user=newcomer).count() == 1

    # An editor changes the summary in the Wagtail admin and publishes (not a minor change).
    sign_out(page)
    sign_in(page, base, "editor")
    page.goto(f"{base}/admin/pages/{material['lesson'].pk}/edit/")
    expect(page.locator("input[name=minor_change]")).not_to_be_checked()
    page.locator("textarea[name=summary]").fill("When automatic recovery fails: ask for old passwords first.")
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("published")

    # The newcomer sees the flag on the dashboard, the programme and the lesson, and the comparison.
    sign_out(page)
    sign_in(page, base, "newcomer")
    expect(page.locator(".study-dashboard")).to_contain_text("Password recovery")
    expect(page.locator(".study-dashboard .badge--warn")).to_have_text("Changed")
    page.goto(f"{base}{material['programme'].url}")
    expect(page.locator(".lesson-row--changed")).to_contain_text("Password recovery")
    page.locator(".lesson-row--changed").get_by_role("link", name="Password recovery").click()
    expect(page.locator(".notice--warn")).to_contain_text("This lesson changed since you studied it.")
    page.locator(".notice--warn").get_by_role("link", name="See what changed").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What changed: Password recovery")
    expect(page.locator(".change ins").first).to_contain_text("ask for old passwords first")

    # Studying the changes clears the flag.
    page.get_by_role("button", name="I have studied the changes").click()
    expect(page.locator(".notice--warn")).to_have_count(0)
    expect(page.locator("#study-panel")).to_contain_text("Studied")
