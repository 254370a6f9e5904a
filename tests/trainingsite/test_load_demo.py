from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from trainingsite.models import Line, Profile
from trainingsite.roles import Role

User = get_user_model()


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load()


def test_demo_builds_the_organisation_of_the_brief(demo):
    assert set(Line.objects.values_list("code", flat=True)) == {"first", "second", "third"}
    second = Line.objects.get(code="second")
    assert set(second.groups.values_list("code", flat=True)) == {"access", "web", "mobile"}
    assert 55 <= Profile.objects.exclude(line=None).count() <= 70
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    lead = User.objects.get(username="lead2")
    assert set(lead.profile.led_lines.values_list("code", flat=True)) == {"second", "third"}
    assert Line.objects.get(code="first").response_minutes == 5
    assert Line.objects.get(code="third").resolution_hours == 24


def test_demo_people_have_russian_names_and_spread_hire_dates(demo):
    assert User.objects.filter(last_name="Смирнова", first_name="Анна").exists()
    dates = list(Profile.objects.exclude(hire_date=None).values_list("hire_date", flat=True))
    assert (max(dates) - min(dates)).days > 600


def test_demo_prints_the_logins(demo):
    for login in ("newcomer", "mentor", "lead", "editor", "admin", "demo12345"):
        assert login in demo


def test_demo_logins_work(demo, client):
    assert client.login(username="newcomer", password="demo12345")


def test_load_demo_twice_changes_nothing(demo):
    users, profiles = User.objects.count(), Profile.objects.count()
    load()
    assert (User.objects.count(), Profile.objects.count()) == (users, profiles)


def test_load_demo_refuses_a_database_with_real_data(db):
    User.objects.create_user("real.person", password="x")
    with pytest.raises(CommandError, match="not from the demo"):
        load()
    assert not Line.objects.exists()
    assert User.objects.count() == 1


def test_load_demo_with_force_adds_the_demo_anyway(db):
    User.objects.create_user("real.person", password="x")
    load("--force")
    assert Line.objects.count() == 3
    assert User.objects.filter(username="real.person").exists()
