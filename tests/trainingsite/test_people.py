import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.factories import PASSWORD, SupportGroupFactory, person
from trainingsite import services
from trainingsite.errors import ServiceError
from trainingsite.models import Profile
from trainingsite.roles import Role

User = get_user_model()


def new_person_data(line, **overrides):
    data = {
        "username": "p.ivanova",
        "first_name": "Полина",
        "last_name": "Иванова",
        "patronymic": "Сергеевна",
        "email": "p.ivanova@example.test",
        "line": line.pk,
        "group": "",
        "hire_date": "2026-10-01",
        "line_joined_on": "",
        "roles": [Role.AGENT.value],
        "mentor_capacity": 3,
    }
    data.update(overrides)
    return data


def edit_data(user, **overrides):
    profile = user.profile
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "patronymic": profile.patronymic,
        "email": user.email,
        "line": profile.line_id,
        "group": profile.group_id or "",
        "hire_date": profile.hire_date.isoformat(),
        "line_joined_on": profile.line_joined_on.isoformat(),
        "roles": list(user.groups.values_list("name", flat=True)),
        "mentor_capacity": profile.mentor_capacity,
    }
    data.update(overrides)
    return data


def test_team_lead_adds_a_person_who_gets_an_invitation(
    client, team_lead, line, django_capture_on_commit_callbacks
):
    client.force_login(team_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:create"), new_person_data(line))
    assert response.status_code == 302
    user = User.objects.get(username="p.ivanova")
    assert user.profile.line == line
    assert user.profile.line_joined_on == datetime.date(2026, 10, 1)
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {Role.AGENT.value}
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    assert (
        ModelLogEntry.objects.for_instance(user.profile).filter(action="trainingsite.person.create").exists()
    )


def test_invited_person_sets_a_password_and_signs_in(
    client, team_lead, line, django_capture_on_commit_callbacks
):
    client.force_login(team_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:create"), new_person_data(line))
    client.logout()
    link = next(w for w in mail.outbox[0].body.split() if "/accounts/reset/" in w)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Strong-pass-2026", "new_password2": "Strong-pass-2026"}
    )
    assert response.status_code == 302
    assert client.login(username="p.ivanova", password="Strong-pass-2026")


def test_adding_a_person_to_another_line_is_refused(client, team_lead, other_line):
    client.force_login(team_lead)
    response = client.post(reverse("people:create"), new_person_data(other_line))
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not User.objects.filter(username="p.ivanova").exists()
    assert mail.outbox == []


def test_team_lead_cannot_grant_team_lead_or_editor(client, team_lead, line):
    client.force_login(team_lead)
    for role in (Role.TEAM_LEAD, Role.EDITOR):
        response = client.post(reverse("people:create"), new_person_data(line, roles=[role.value]))
        assert response.status_code == 400
        assert "Select a valid choice" in response.text
    assert not User.objects.filter(username="p.ivanova").exists()


def test_taken_login_is_refused(client, team_lead, line, newcomer):
    client.force_login(team_lead)
    response = client.post(reverse("people:create"), new_person_data(line, username="NEWCOMER"))
    assert response.status_code == 400
    assert "This login is already taken" in response.text
    assert User.objects.filter(username__iexact="newcomer").count() == 1


def test_group_of_another_line_is_refused(client, team_lead, line):
    team_lead.profile.led_lines.add(group_line := SupportGroupFactory().line)
    foreign_group = SupportGroupFactory(line=group_line)
    client.force_login(team_lead)
    response = client.post(reverse("people:create"), new_person_data(line, group=foreign_group.pk))
    assert response.status_code == 400
    assert "The group must belong to the chosen line" in response.text
    assert not User.objects.filter(username="p.ivanova").exists()


def test_joining_the_line_before_being_hired_is_refused(client, team_lead, line):
    client.force_login(team_lead)
    response = client.post(
        reverse("people:create"), new_person_data(line, hire_date="2026-10-01", line_joined_on="2026-09-01")
    )
    assert response.status_code == 400
    assert "cannot join a line before being hired" in response.text
    assert not User.objects.filter(username="p.ivanova").exists()


def test_team_lead_edits_a_person_and_makes_them_mentor(client, team_lead, newcomer):
    client.force_login(team_lead)
    response = client.post(
        reverse("people:edit", args=[newcomer.pk]),
        edit_data(
            newcomer, roles=[Role.AGENT.value, Role.MENTOR.value], mentor_capacity=2, patronymic="Ивановна"
        ),
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.profile.patronymic == "Ивановна"
    assert newcomer.profile.mentor_capacity == 2
    assert set(newcomer.groups.values_list("name", flat=True)) == {Role.AGENT.value, Role.MENTOR.value}


def test_editing_keeps_roles_a_team_lead_cannot_grant(client, team_lead, line):
    editor_agent = person(username="ea", roles=[Role.AGENT, Role.EDITOR], line=line)
    client.force_login(team_lead)
    data = edit_data(editor_agent, roles=[Role.AGENT.value])
    client.post(reverse("people:edit", args=[editor_agent.pk]), data)
    assert set(editor_agent.groups.values_list("name", flat=True)) == {Role.AGENT.value, Role.EDITOR.value}


def test_person_of_another_line_is_404_and_unchanged(client, team_lead, agent_of_other_line):
    client.force_login(team_lead)
    url = reverse("people:edit", args=[agent_of_other_line.pk])
    assert client.get(url).status_code == 404
    before = agent_of_other_line.last_name
    response = client.post(url, edit_data(agent_of_other_line, last_name="Changed"))
    assert response.status_code == 404
    assert (
        client.post(reverse("people:deactivate", args=[agent_of_other_line.pk]), {"reason": "x"}).status_code
        == 404
    )
    agent_of_other_line.refresh_from_db()
    assert agent_of_other_line.last_name == before
    assert agent_of_other_line.is_active


def test_team_lead_cannot_move_a_person_to_a_line_they_do_not_lead(client, team_lead, newcomer, other_line):
    client.force_login(team_lead)
    response = client.post(
        reverse("people:edit", args=[newcomer.pk]), edit_data(newcomer, line=other_line.pk)
    )
    assert response.status_code == 400
    newcomer.refresh_from_db()
    assert newcomer.profile.line != other_line


def test_team_lead_cannot_edit_themselves(client, team_lead):
    client.force_login(team_lead)
    assert client.get(reverse("people:edit", args=[team_lead.pk])).status_code == 404


def test_deactivation_needs_a_reason(client, team_lead, newcomer):
    client.force_login(team_lead)
    response = client.post(reverse("people:deactivate", args=[newcomer.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.text
    newcomer.refresh_from_db()
    assert newcomer.is_active


def test_deactivated_person_cannot_sign_in_and_history_says_why(client, team_lead, newcomer):
    client.force_login(team_lead)
    response = client.post(reverse("people:deactivate", args=[newcomer.pk]), {"reason": "Left the company"})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.is_active
    page = client.get(reverse("people:edit", args=[newcomer.pk]))
    assert "Left the company" in page.text
    client.logout()
    assert not client.login(username="newcomer", password=PASSWORD)


def test_deactivating_twice_is_a_conflict(client, team_lead, newcomer):
    client.force_login(team_lead)
    client.post(reverse("people:deactivate", args=[newcomer.pk]), {"reason": "Left"})
    response = client.post(reverse("people:deactivate", args=[newcomer.pk]), {"reason": "Again"})
    assert response.status_code == 409
    assert "already inactive" in response.text
    assert (
        ModelLogEntry.objects.for_instance(newcomer.profile)
        .filter(action="trainingsite.person.deactivate")
        .count()
        == 1
    )


def test_reactivate(client, team_lead, newcomer):
    services.person_deactivate(actor=team_lead, profile=newcomer.profile, reason="Leave")
    client.force_login(team_lead)
    assert client.post(reverse("people:reactivate", args=[newcomer.pk])).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_active


def test_reactivating_an_active_person_is_a_conflict(client, team_lead, newcomer):
    client.force_login(team_lead)
    response = client.post(reverse("people:reactivate", args=[newcomer.pk]))
    assert response.status_code == 409
    assert "already active" in response.text


def test_person_update_service_refuses_another_lines_person(team_lead, agent_of_other_line, line):
    with pytest.raises(ServiceError) as exc:
        services.person_update(
            actor=team_lead,
            profile=agent_of_other_line.profile,
            first_name="X",
            last_name="Y",
            email="x@example.test",
            line=line,
            group=None,
        )
    assert exc.value.code == "not_your_person"
    agent_of_other_line.refresh_from_db()
    assert agent_of_other_line.first_name != "X"


def test_people_list_shows_only_own_lines_and_filters(
    client, team_lead, newcomer, mentor, agent_of_other_line
):
    client.force_login(team_lead)
    response = client.get(reverse("people:list"))
    names = {p.user.username for p in response.context["page"].object_list}
    assert names == {"newcomer", "mentor", "lead"}
    response = client.get(reverse("people:list"), {"role": Role.MENTOR.value})
    assert {p.user.username for p in response.context["page"].object_list} == {"mentor"}
    response = client.get(reverse("people:list"), {"q": newcomer.last_name})
    assert "newcomer" in {p.user.username for p in response.context["page"].object_list}


def test_people_list_query_count_is_fixed(client, team_lead, line, django_assert_max_num_queries):
    for i in range(60):
        person(username=f"crowd{i}", line=line)
    client.force_login(team_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:list"))
    assert len(response.context["page"].object_list) == 50


def test_send_password_link(client, team_lead, newcomer):
    client.force_login(team_lead)
    response = client.post(reverse("people:invite", args=[newcomer.pk]))
    assert response.status_code == 302
    assert mail.outbox[0].to == [newcomer.email]


def test_every_new_user_gets_a_profile(db):
    user = User.objects.create_user("someone", password="x")
    assert Profile.objects.filter(user=user).exists()
