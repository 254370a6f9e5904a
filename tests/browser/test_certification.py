"""A newcomer takes and passes the quiz, downloads the certificate, and its verify URL tells the truth."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from certification.models import Attempt, QuestionType
from tests.factories import PASSWORD, CategoryFactory
from tests.factories.certification import programme, question, quiz

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def setup(transactional_db, line, newcomer, team_lead, settings, live_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATION_PUBLIC_BASE_URL = live_server.url
    category = CategoryFactory(name="Доступ", line=line)
    bank = [
        question(
            category=category, type=QuestionType.SINGLE, name="single", text="Что спросить у владельца?"
        ),
        question(
            category=category,
            type=QuestionType.MULTIPLE,
            name="multiple",
            text="Причины блокировки?",
            choices=[("Взлом", True), ("Вирусы", True), ("Много писем", False)],
        ),
        question(
            category=category,
            type=QuestionType.TRUE_FALSE,
            name="tf",
            text="Доступ к чужому ящику можно дать.",
            statement_is_true=False,
        ),
        question(category=category, type=QuestionType.ORDERING, name="order", text="Порядок шагов"),
        question(
            category=category,
            type=QuestionType.SHORT,
            name="short",
            text="Какой файл?",
            accepted_answers="hosts",
        ),
    ]
    page_ = programme(line=line, title="Основы первой линии")
    return quiz(
        programme_page=page_, questions=bank, title="Аттестация первой линии", shuffle_questions=False
    )


def answer_everything(page: Page, attempt: Attempt) -> None:
    for item in attempt.questions.order_by("position"):
        snap, box = item.snapshot, page.locator(f"#question-{item.position}")
        if snap["type"] == "single":
            right = next(c for c in snap["choices"] if c["correct"])
            box.get_by_label(right["text"]).check()
        elif snap["type"] == "multiple":
            for c in snap["choices"]:
                if c["correct"]:
                    box.get_by_label(c["text"]).check()
        elif snap["type"] == "truefalse":
            box.get_by_label("False" if not snap["statement_is_true"] else "True", exact=True).check()
        elif snap["type"] == "ordering":
            for c in snap["choices"]:
                box.locator(f"select[name='q{item.position}-{c['id']}']").select_option(str(c["rank"] + 1))
        elif snap["type"] == "short":
            box.get_by_label("Your answer").fill(snap["accepted"][0])
        expect(box.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)


def test_newcomer_passes_downloads_and_verifies(page: Page, live_server, setup, browser, tmp_path):
    base = live_server.url
    sign_in(page, base, "newcomer")
    page.goto(f"{base}/certification/")
    page.get_by_role("link", name="Аттестация первой линии").first.click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("timer")).to_be_visible()
    attempt = Attempt.objects.get(user__username="newcomer")
    answer_everything(page, attempt)
    page.screenshot(path=str(tmp_path / "attempt.png"), full_page=True)

    # The answers were autosaved: a fresh page (as after closing the browser) shows them.
    page.reload()
    short = attempt.questions.get(snapshot__type="short").position
    expect(page.locator(f"#question-{short}").get_by_label("Your answer")).to_have_value("hosts")

    page.get_by_role("button", name="Finish and submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("result")
    expect(page.locator(".quiz-result")).to_contain_text("Passed")
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    href = page.get_by_role("link", name="Download the certificate (PDF)").get_attribute("href")
    pdf = page.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "certificate.pdf").write_bytes(pdf.body())
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-raw", str(tmp_path / "certificate.pdf"), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    url = re.search(r"(http://\S+/certificates/verify/\S+/)", text).group(1)

    visitor = browser.new_page()  # anyone, not logged in
    visitor.goto(url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("VALID")
    expect(visitor.locator("main")).to_contain_text("Основы первой линии")

    lead = browser.new_page()
    sign_in(lead, base, "lead")
    lead.goto(f"{base}/certification/lead/certificates/")
    lead.screenshot(path=str(tmp_path / "lead.png"), full_page=True)
    lead.get_by_role("link", name="Revoke").first.click()
    lead.get_by_label("Reason").fill("Ответы подсказывал коллега")
    lead.get_by_role("button", name="Revoke").click()
    expect(lead.get_by_role("status")).to_contain_text("revoked")

    visitor.goto(url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("REVOKED")
    visitor.screenshot(path=str(tmp_path / "verify.png"))
    lead.goto(f"{base}/dashboard/lead/")
    lead.screenshot(path=str(tmp_path / "lead_dashboard.png"), full_page=True)
