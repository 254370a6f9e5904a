from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from courses.permissions import can_read_page, can_study, hidden_paths, is_staff_member
from tests.factories import make_lesson, person
from trainingsite.roles import Role


def test_staff_is_anyone_with_a_role(newcomer, editor, team_lead, line):
    assert all(is_staff_member(u) for u in (newcomer, editor, team_lead))
    assert not is_staff_member(person(roles=[], line=line))
    assert not is_staff_member(person(roles=[Role.AGENT], line=line, is_active=False, username="gone"))


def test_only_agents_study(newcomer, mentor, editor, team_lead):
    assert can_study(newcomer)
    assert can_study(mentor)
    assert not can_study(editor)
    assert not can_study(team_lead)


def test_can_read_page_follows_publication_and_restrictions(newcomer, team_lead, module, lesson):
    assert can_read_page(newcomer, lesson)
    draft = make_lesson(parent=module, publish=False)
    assert not can_read_page(newcomer, draft)
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=Role.TEAM_LEAD.value))
    assert not can_read_page(newcomer, lesson)
    assert can_read_page(team_lead, lesson)
    assert hidden_paths(newcomer) == (module.path,)


def test_password_restriction_hides_until_the_session_passed_it(newcomer, lesson):
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert not can_read_page(newcomer, lesson)
    assert can_read_page(newcomer, lesson, passed=[restriction.pk])
