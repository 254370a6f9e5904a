import pytest
from django.urls import reverse

from tests.factories import PASSWORD, person
from trainingsite.roles import Role

# Some tests reach the database only through request.getfixturevalue(); the mark makes pytest-django
# treat the whole module as database tests (run before the transactional ones).
pytestmark = pytest.mark.django_db

DASHBOARDS = {
    Role.AGENT: "learner_dashboard",
    Role.MENTOR: "mentor_dashboard",
    Role.TEAM_LEAD: "lead_dashboard",
}


@pytest.mark.parametrize("name", [*DASHBOARDS.values(), "home", "people:list", "people:create"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("newcomer", "learner_dashboard"),
        ("mentor", "mentor_dashboard"),
        ("team_lead", "lead_dashboard"),
    ],
)
def test_home_lands_each_role_on_its_dashboard(client, request, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(expected)


def test_home_sends_an_editor_to_the_wagtail_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert response.url == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_person_without_a_role_is_told_so(client, line):
    client.force_login(person(username="nobody", roles=[], line=line))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "no role" in response.text


@pytest.mark.parametrize(
    ("fixture", "forbidden"),
    [
        ("newcomer", ["mentor_dashboard", "lead_dashboard", "people:list", "people:create"]),
        ("mentor", ["lead_dashboard", "people:list"]),
        ("team_lead", ["learner_dashboard", "mentor_dashboard"]),
        ("editor", ["learner_dashboard", "mentor_dashboard", "lead_dashboard", "people:list"]),
    ],
)
def test_pages_of_other_roles_are_forbidden(client, request, fixture, forbidden):
    client.force_login(request.getfixturevalue(fixture))
    for name in forbidden:
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "Access denied" in response.text


def test_non_editors_cannot_enter_the_wagtail_admin(client, newcomer, team_lead):
    for user in (newcomer, team_lead):
        client.force_login(user)
        response = client.get(reverse("wagtailadmin_home"))
        assert response.status_code == 302
        assert "login" in response.url


def test_learner_dashboard_shows_own_line_and_sla(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("learner_dashboard"))
    assert response.status_code == 200
    assert "My training" in response.text
    assert newcomer.profile.line.name in response.text
    assert "within 5 minutes" in response.text


def test_mentor_sees_both_roles_in_the_navigation(client, mentor):
    client.force_login(mentor)
    response = client.get(reverse("mentor_dashboard"))
    assert reverse("learner_dashboard") in response.text
    assert reverse("lead_dashboard") not in response.text


def test_lead_dashboard_counts_people_of_own_lines_only(
    client, team_lead, line, newcomer, mentor, agent_of_other_line
):
    client.force_login(team_lead)
    response = client.get(reverse("lead_dashboard"))
    summary = response.context["summaries"]
    assert [s.line for s in summary] == [line]
    assert summary[0].active == 3  # newcomer, mentor and the lead themselves
    assert summary[0].mentors == 1
    assert summary[0].mentor_capacity == 3
    assert agent_of_other_line.profile.line.name not in response.text


def test_lead_dashboard_query_count_does_not_grow_with_people(
    client, team_lead, line, django_assert_max_num_queries
):
    client.force_login(team_lead)
    client.get(reverse("lead_dashboard"))
    for i in range(40):
        person(
            username=f"crowd{i}", line=line, roles=[Role.AGENT, Role.MENTOR] if i % 5 == 0 else [Role.AGENT]
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("lead_dashboard")).status_code == 200


def test_login_with_password_lands_on_dashboard(client, newcomer):
    response = client.post(reverse("login"), {"username": "newcomer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("learner_dashboard")


def test_wrong_password_gives_a_generic_error(client, newcomer):
    response = client.post(reverse("login"), {"username": "newcomer", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-Secret-42", "new_password2": "a-new-Secret-42"},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password("a-new-Secret-42")


def test_password_change_refuses_wrong_old_password(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "a-new-Secret-42", "new_password2": "a-new-Secret-42"},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.text
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)
