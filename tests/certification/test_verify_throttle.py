"""The public certificate page: throttled per client address, the same answer for any unknown code."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Certificate

pytestmark = pytest.mark.django_db

# What differs between any two responses: the per-request CSRF token, and the language switcher's
# `next` field, which echoes the requested address (escaped) so switching language stays on the page.
TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|name="next" type="hidden" value=")[^"]*')


def verify(client, code: str, address: str = "203.0.113.5"):
    return client.get(f"/certificates/verify/{code}/", REMOTE_ADDR=address)


def test_uses_the_shared_database_cache():
    # Every app process must see the same count: a per-process cache would multiply the limit.
    assert caches["throttle"].__class__.__name__ == "DatabaseCache"


def test_lookups_over_the_limit_get_a_plain_429(client, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 3
    for _ in range(3):
        assert verify(client, "nope").status_code == 404
    response = verify(client, "nope")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many lookups came from your address" in response.content.decode()
    # A real code is refused too: the throttle does not depend on what is looked up.
    assert verify(client, "A" * 43).status_code == 429


def test_the_limit_is_per_address(client, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 2
    for _ in range(3):
        verify(client, "nope", address="198.51.100.1")
    assert verify(client, "nope", address="198.51.100.1").status_code == 429
    assert verify(client, "nope", address="198.51.100.2").status_code == 404


def test_forwarded_address_counts_only_behind_a_trusted_proxy(client, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 2
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        # A client rotating a forged left-most entry is still counted by the proxy's entry.
        client.get(
            "/certificates/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.7"
        )
    blocked = client.get("/certificates/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert blocked.status_code == 429
    other = client.get("/certificates/verify/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert other.status_code == 404


@pytest.mark.parametrize("code", ["", "nope", "A" * 43, "A" * 64, "A" * 65, "x" * 500, "a/b/c", "%00", "é"])
def test_unknown_codes_answer_identically_with_the_same_work(client, code):
    reference = verify(client, "nope", address="192.0.2.50")
    with CaptureQueriesContext(connection) as queries:
        response = verify(client, code, address="192.0.2.51")
    if code == "":
        # No code at all is not the verify URL: Django's plain 404 before the view runs.
        assert response.status_code == 404
        return
    assert response.status_code == reference.status_code == 404
    assert TOKEN.sub(b"", response.content) == TOKEN.sub(b"", reference.content)
    # One certificate lookup whatever the code's length or shape (no short-cut for odd codes).
    lookups = [q for q in queries.captured_queries if "certification_certificate" in q["sql"]]
    assert len(lookups) == 1
    assert not Certificate.objects.exists()


def test_known_code_is_shown(client, the_quiz, newcomer):
    from tests.certification.test_views import finished

    certificate = finished(the_quiz, newcomer).certificate
    response = client.get(reverse("certification:verify", args=[certificate.code]))
    assert response.status_code == 200
    assert certificate.holder_name in response.content.decode()
