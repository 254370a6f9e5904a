import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = "login"


def attempt(client, username, password="wrong", ip="10.0.0.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def throttled(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "trainingsite.backends.RoleModelBackend",
    ]


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def test_wrong_passwords_lock_that_account_from_that_address(client, newcomer, limit):
    for _ in range(limit):
        assert attempt(client, "newcomer").status_code in (200, 429)
    response = attempt(client, "newcomer", password=PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_reach_the_same_account_from_another_address(client, newcomer, limit):
    for _ in range(limit):
        attempt(client, "newcomer")
    response = attempt(client, "newcomer", password=PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(newcomer.pk)


def test_lockout_does_not_reach_other_accounts_behind_the_same_address(client, newcomer, mentor, limit):
    # A whole office often sits behind one address: one person's typos must not lock the others out.
    for _ in range(limit):
        attempt(client, "newcomer")
    response = attempt(client, "mentor", password=PASSWORD)
    assert response.status_code == 302


def test_lockout_page_says_nothing_of_whether_the_account_exists(client, newcomer, limit):
    for _ in range(limit):
        attempt(client, "newcomer")
        attempt(client, "nobody-has-this-login")
    real = attempt(client, "newcomer")
    unknown = attempt(client, "nobody-has-this-login")
    assert real.status_code == unknown.status_code == 429
    assert main_of(real.text) == main_of(unknown.text)
    assert "newcomer" not in main_of(real.text)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_success_resets_the_failure_count(client, newcomer, limit):
    for _ in range(limit - 1):
        attempt(client, "newcomer")
    assert attempt(client, "newcomer", password=PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="newcomer").exists()


def test_forwarded_for_is_trusted_only_behind_configured_proxies(client, newcomer, limit, settings):
    # Without a trusted proxy a forged header must not let an attacker spread failures over addresses.
    for n in range(limit):
        client.post(
            reverse(LOGIN),
            {"username": "newcomer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert attempt(client, "newcomer", password=PASSWORD, ip="10.0.0.9").status_code == 429
