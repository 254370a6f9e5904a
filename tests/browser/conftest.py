import pytest
from playwright.sync_api import ConsoleMessage, Page


@pytest.fixture(autouse=True)
def no_csp_violations(page: Page):
    """Fail any browser test whose front-end pages break the Content-Security-Policy.

    The Wagtail admin runs under a looser policy of its own and is not checked here.
    """
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        url = (message.location or {}).get("url", "") or page.url
        if "Content Security Policy" in message.text and "/admin/" not in url:
            violations.append(f"{url}: {message.text}")

    page.on("console", on_console)
    yield
    assert not violations, "\n".join(violations)
