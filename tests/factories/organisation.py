import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from trainingsite.models import Line, Profile, SupportGroup
from trainingsite.roles import Role

PASSWORD = "pass-for-tests-1"


class LineFactory(DjangoModelFactory):
    class Meta:
        model = Line
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Line {n}")
    code = factory.Sequence(lambda n: f"line-{n}")
    level = 1
    response_minutes = 5
    service_level_percent = 80


class SupportGroupFactory(DjangoModelFactory):
    class Meta:
        model = SupportGroup

    line = factory.SubFactory(LineFactory, level=2)
    name = factory.Sequence(lambda n: f"Group {n}")
    code = factory.Sequence(lambda n: f"group-{n}")


class UserFactory(DjangoModelFactory):
    """A bare account; its profile is created by the signal. Use `person()` for a placed person."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="ru_RU")
    last_name = factory.Faker("last_name", locale="ru_RU")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password(PASSWORD)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    line = factory.SubFactory(LineFactory)
    hire_date = datetime.date(2025, 1, 15)
    line_joined_on = factory.SelfAttribute("hire_date")


def person(
    *,
    roles=(Role.AGENT,),
    line: Line | None = None,
    group: SupportGroup | None = None,
    leads=(),
    hire_date: datetime.date = datetime.date(2025, 1, 15),
    mentor_capacity: int = 3,
    **user_fields,
):
    """A user placed on a line with roles; team leads pass `leads=[line, ...]`."""
    user = UserFactory(**user_fields)
    line = line or (group.line if group else LineFactory())
    Profile.objects.filter(user=user).update(
        line=line, group=group, hire_date=hire_date, line_joined_on=hire_date, mentor_capacity=mentor_capacity
    )
    user.groups.add(*Group.objects.filter(name__in=[Role(r).value for r in roles]))
    if leads:
        user.profile.led_lines.add(*leads)
    user.refresh_from_db()
    return user
