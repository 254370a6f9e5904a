"""What every page pays: the user and their roles, the site header, the security headers."""

import re
from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import person
from trainingsite.backends import RoleModelBackend
from trainingsite.navigation import _rendered
from trainingsite.roles import Role, user_roles

# A signed-in page with nothing of its own: the session, then the user with their roles.
TRIVIAL_PAGE_BUDGET = 2


def test_get_user_loads_the_roles_in_the_same_query(mentor, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = RoleModelBackend().get_user(mentor.pk)
        assert user_roles(user) == {Role.AGENT.value, Role.MENTOR.value}
    assert user == mentor
    assert not hasattr(user, "_role_name")


def test_get_user_of_a_person_without_any_role(newcomer, django_assert_num_queries):
    newcomer.groups.clear()
    with django_assert_num_queries(1):
        user = RoleModelBackend().get_user(newcomer.pk)
        assert user_roles(user) == frozenset()
    assert user == newcomer


def test_get_user_refuses_a_deactivated_person_and_an_unknown_id(newcomer):
    get_user_model().objects.filter(pk=newcomer.pk).update(is_active=False)
    assert RoleModelBackend().get_user(newcomer.pk) is None
    assert RoleModelBackend().get_user(newcomer.pk + 1000) is None


def test_a_trivial_signed_in_page_stays_within_its_query_budget(client, team_lead):
    client.force_login(team_lead)
    url = reverse("password_change")
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert reverse("people:list") in response.text  # the header did check the roles
    assert len(context) <= TRIVIAL_PAGE_BUDGET, [q["sql"] for q in context.captured_queries]


def header_of(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def nav_links(html: str) -> set[str]:
    header = header_of(html)
    if "<nav" not in header:
        return set()
    nav = header[header.index("<nav") : header.index("</nav>")]
    return set(re.findall(r'href="([^"]+)"', nav))


# What each role sees in the header (from trainingsite and every app's `training_nav_items`).
LIBRARY = "/library/"
EXPECTED = {
    "newcomer": {
        reverse("learner_dashboard"),
        reverse("mentoring:my_path"),
        reverse("certification:my_quizzes"),
        LIBRARY,
        reverse("courses:search"),
    },
    "mentor": {
        reverse("learner_dashboard"),
        reverse("mentor_dashboard"),
        reverse("mentoring:my_path"),
        reverse("certification:my_quizzes"),
        LIBRARY,
        reverse("courses:search"),
    },
    "team_lead": {
        reverse("lead_dashboard"),
        reverse("people:list"),
        reverse("mentoring:lead_list"),
        reverse("certification:lead_certificates"),
        reverse("rotation:overview"),
        reverse("reports:report"),
        LIBRARY,
        reverse("courses:search"),
    },
    "editor": {LIBRARY, reverse("courses:search"), reverse("wagtailadmin_home")},
}


# The people are fetched by name, so pytest-django cannot see that this test uses the database: the
# mark keeps it ordered before transactional tests, whose flush would leave it an empty database.
@pytest.mark.django_db
@pytest.mark.parametrize("order", [list(EXPECTED), list(reversed(EXPECTED))], ids=["lead-last", "lead-first"])
def test_header_shows_each_role_its_own_items_whatever_role_warmed_the_cache(client, request, order):
    _rendered.clear()
    for name in order:
        user = request.getfixturevalue(name)
        client.force_login(user)
        # The password page is the same for everyone: only the header differs.
        html = client.get(reverse("password_change")).text
        assert nav_links(html) == EXPECTED[name], name
        assert (user.get_full_name() or user.username) in header_of(html)
        client.logout()


def test_header_is_rendered_per_language(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = header_of(client.get(reverse("password_change")).text)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    russian = header_of(client.get(reverse("password_change")).text)
    assert "My training" in english
    assert "Моё обучение" not in english
    assert "Моё обучение" in russian
    assert "My training" not in russian
    assert '<option value="ru" selected>' in russian
    assert '<option value="en" selected>' in english


def test_header_marks_the_page_being_shown_and_only_it(client, newcomer):
    client.force_login(newcomer)
    html = header_of(client.get(reverse("learner_dashboard")).text)
    assert html.count('aria-current="page"') == 1
    assert f'href="{reverse("learner_dashboard")}" aria-current="page"' in html
    html = header_of(client.get(reverse("password_change")).text)
    assert "aria-current" not in html
    assert "xsitehdr" not in html


def test_header_fills_in_the_person_and_the_page_escaped(client, line):
    user = person(username="ann", first_name="<b>Ann</b>", last_name="O'Neil", line=line)
    client.force_login(user)
    html = header_of(client.get(reverse("password_change") + "?a=1&b=2").text)
    assert "&lt;b&gt;Ann&lt;/b&gt; O&#x27;Neil" in html
    assert "<b>" not in html
    assert 'name="next" type="hidden" value="/accounts/password_change/?a=1&amp;b=2"' in html


def test_header_forms_carry_a_working_csrf_token(db, newcomer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(newcomer)
    html = client.get(reverse("password_change")).text
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header_of(html)))
    assert len(tokens) == 1
    assert f'"X-CSRFToken": "{next(iter(tokens))}"' in html
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_of_a_visitor_has_no_navigation_and_no_person(client, newcomer):
    client.force_login(newcomer)
    client.get(reverse("password_change"))  # warm the cache with a signed-in header
    client.logout()
    html = header_of(client.get(reverse("login")).text)
    assert "<nav" not in html
    assert reverse("logout") not in html
    assert "newcomer" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_editing_link_for_a_superuser_is_not_shown_to_a_person_without_a_role(client, line):
    admin = person(username="root", roles=[], line=line, is_superuser=True)
    nobody = person(username="nobody", roles=[], line=line)
    client.force_login(admin)
    assert reverse("wagtailadmin_home") in nav_links(client.get(reverse("password_change")).text)
    client.force_login(nobody)
    html = client.get(reverse("password_change")).text
    assert nav_links(html) == set()


def test_content_security_policy_is_built_once_and_is_django_csp_s_own(client, newcomer, editor):
    from csp.utils import build_policy

    from trainingsite import middleware

    middleware._policies.cache_clear()
    client.force_login(newcomer)
    with patch.object(middleware, "build_policy", wraps=build_policy) as built:
        first = client.get(reverse("password_change"))["Content-Security-Policy"]
        second = client.get(reverse("learner_dashboard"))["Content-Security-Policy"]
    assert first == second == build_policy()
    assert built.call_count == 2  # the policy and the (empty) report-only one, once
    client.force_login(editor)
    admin = client.get(reverse("wagtailadmin_home"))["Content-Security-Policy"]
    assert admin == build_policy(update=settings.ADMIN_CSP_EXTRA)


def test_a_view_s_own_policy_still_applies(rf, newcomer):
    from trainingsite.middleware import ContentSecurityPolicyMiddleware

    def view(request):
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://example.org"]}
        return response

    request = rf.get("/anything/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    assert "img-src 'self' data: https://example.org" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_policy_follows_a_settings_change(client, newcomer, settings):
    client.force_login(newcomer)
    client.get(reverse("password_change"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get(reverse("password_change"))["Content-Security-Policy"] == "default-src 'none'"


def test_static_urls_are_the_manifest_s_and_built_once(tmp_path):
    import json

    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from trainingsite.storage import CachedManifestStaticFilesStorage

    manifest = {"paths": {"site/site.css": "site/site.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = CachedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    parent = CompressedManifestStaticFilesStorage
    with patch.object(parent, "url", autospec=True, side_effect=parent.url) as built:
        first = storage.url("site/site.css")
        second = storage.url("site/site.css")
    assert first == second == plain.url("site/site.css") == "/static/site/site.0123abcd.css"
    assert built.call_count == 1
