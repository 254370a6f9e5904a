"""What every page pays: the user and their roles, the site header, the security headers."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trainingsite.backends import RoleModelBackend
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
