"""A team lead opens the reports from the header, reads the charts, narrows to one line and
downloads a table, under the Content-Security-Policy (tests/browser/conftest.py fails on a violation)."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, person
from tests.factories.certification import programme as make_programme
from tests.factories.reports import certificate, path
from trainingsite.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def org(transactional_db, line, team_lead):
    prog = make_programme(line=line, title="First line basics")
    for i, spans in enumerate([[2, 1, 10, 5, 2], [4], []]):
        learner = person(username=f"learner{i}", roles=[Role.AGENT], line=line)
        path(learner, prog, spans=spans)
        certificate(learner, prog, line=line, valid_until=timezone.localdate() + datetime.timedelta(days=20))
    return prog


def test_lead_reads_the_reports_and_downloads_a_table(page: Page, live_server, org, team_lead, line):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(team_lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Reports", exact=True).first.click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    stages = page.get_by_role("img", name="Newcomers in each stage")
    expect(stages).to_be_visible()
    expect(page.get_by_role("img", name="Certificates expiring, by days left")).to_be_visible()

    page.get_by_label("Line").select_option(str(line.pk))
    page.get_by_label("Coverage weeks").fill("4")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"Figures for {line.name}.")).to_be_visible()

    with page.expect_download() as info:
        page.locator("#stages-heading").locator("xpath=..").get_by_role("link", name="Download CSV").click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Stage,Newcomers" in content
    assert "Study,1" in content
