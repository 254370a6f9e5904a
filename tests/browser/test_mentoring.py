"""The sign-off journey: the newcomer asks, the mentor signs off, the newcomer's path moves on."""

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import Stage
from tests.factories import PASSWORD
from tests.factories.mentoring import enrolment_at, programme, tick_all

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture
def ready_for_review_sign_off(transactional_db, team_lead, newcomer, mentor, line):
    prog = programme(line=line, title="First line basics")
    enrolment = enrolment_at(Stage.JOINT_REVIEW, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    tick_all(enrolment, mentor)
    return enrolment


def test_newcomer_asks_mentor_signs_off_and_the_path_moves_on(
    page: Page, browser, live_server, ready_for_review_sign_off
):
    base = live_server.url
    sign_in(page, base, "newcomer")
    page.goto(f"{base}/training/path/")
    review = page.locator("#stage-joint_review")
    expect(review).to_have_class("is-current")
    review.get_by_label("Note for your mentor").fill("All key points covered")
    review.get_by_role("button", name="Ask for sign-off").click()
    expect(page.locator("#stage-joint_review")).to_contain_text("Sign-off asked for")
    expect(page.get_by_text("Your mentor is asked to sign off.")).to_be_visible()

    mentor_context = browser.new_context()
    mentor_page = mentor_context.new_page()
    sign_in(mentor_page, base, "mentor")
    mentor_page.goto(f"{base}/training/mentees/")
    card = mentor_page.locator(f"#mentee-{ready_for_review_sign_off.pk}")
    expect(card).to_contain_text("Asks for sign-off")
    expect(card).to_contain_text("All key points covered")
    card.get_by_role("button", name="Sign off").click()
    card = mentor_page.locator(f"#mentee-{ready_for_review_sign_off.pk}")
    expect(card).to_contain_text("Signed off: Joint review.")
    expect(card).to_contain_text("Observation")
    mentor_context.close()

    page.reload()
    expect(page.locator("#stage-joint_review")).to_have_class("is-done")
    expect(page.locator("#stage-joint_review")).to_contain_text("Signed off by")
    expect(page.locator("#stage-observation")).to_have_class("is-current")
    expect(page.locator(".mentoring-history")).to_contain_text("Signed off")
    page.screenshot(path="test-results/mentoring-path-after-sign-off.png", full_page=True)
