"""The organisation part of `load_scale`: lines, groups and `agents` people in bulk.

People are made with bulk_create (no post_save signal), so their profiles and role memberships are
made in bulk here too. Every login starts with PREFIX, which is how a second run is recognised.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import Line, Profile, SupportGroup
from .roles import Role

User = get_user_model()

PREFIX = "scale-"
PASSWORD = "scale12345"  # noqa: S105 (benchmark data only)
FIRST_NAMES = ["Анна", "Иван", "Мария", "Олег", "Елена", "Павел", "Ольга", "Денис", "Ирина", "Кирилл"]
LAST_NAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Морозов"]
# Shares of a real support organisation (domain brief: 570 of 820 on the first line).
LINE_SHARES = [("first", 0.70), ("second", 0.22), ("third", 0.08)]
LINES = [
    ("first", "Первая линия", 1, 5, None),
    ("second", "Вторая линия", 2, 10, None),
    ("third", "Третья линия", 3, None, 24),
]
GROUPS = [("access", "Восстановление доступа"), ("web", "Веб"), ("mobile", "Мобильные приложения")]


def already_loaded() -> bool:
    return User.objects.filter(username__startswith=PREFIX).exists()


def lines() -> dict[str, Line]:
    """The three lines of the demo (made here if the demo is not loaded), by code."""
    result = {}
    for code, name, level, minutes, hours in LINES:
        result[code], _new = Line.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "response_minutes": minutes, "resolution_hours": hours},
        )
    for code, name in GROUPS:
        SupportGroup.objects.get_or_create(line=result["second"], code=code, defaults={"name": name})
    return result


def build(*, agents: int, stdout, seed: int = 7) -> dict[str, list]:
    """`agents` agents spread over the lines (one in ten a mentor, the newest one in ten newcomers),
    plus one team lead per line. Returns users by role for the other apps' scale builders."""
    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    by_code = lines()
    groups = list(SupportGroup.objects.filter(line=by_code["second"]).order_by("code"))
    password = make_password(PASSWORD)  # hashed once: hashing 1,000 times would take minutes
    today = timezone.localdate()
    now = timezone.now()
    plan: list[tuple[str, Line]] = []
    for code, share in LINE_SHARES:
        plan += [(code, by_code[code])] * round(agents * share)
    plan = (plan + [("first", by_code["first"])] * agents)[:agents]
    users = [
        User(
            username=f"{PREFIX}{n:05d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"{PREFIX}{n:05d}@example.com",
            password=password,
            date_joined=now,
        )
        for n in range(len(plan))
    ]
    leads = [
        User(
            username=f"{PREFIX}lead-{code}", first_name="Руководитель", last_name=line.name, password=password
        )
        for code, line in by_code.items()
    ]
    User.objects.bulk_create(users + leads)
    # bulk_create returns primary keys on PostgreSQL and SQLite alike.
    profiles = []
    for n, (user, (code, line)) in enumerate(zip(users, plan, strict=True)):
        hired = today - datetime.timedelta(days=20 if n % 10 == 9 else rng.randint(60, 2000))
        group = groups[n % len(groups)] if code == "second" else None
        profiles.append(Profile(user=user, line=line, group=group, hire_date=hired, line_joined_on=hired))
    profiles += [Profile(user=lead, line=by_code[code]) for lead, code in zip(leads, by_code, strict=True)]
    Profile.objects.bulk_create(profiles)
    Profile.led_lines.through.objects.bulk_create(
        Profile.led_lines.through(profile_id=lead.pk, line_id=by_code[code].pk)
        for lead, code in zip(leads, by_code, strict=True)
    )
    role_groups = {role: Group.objects.get(name=role.value) for role in Role}
    mentors = [u for n, u in enumerate(users) if n % 10 == 0]
    newcomers = [u for n, u in enumerate(users) if n % 10 == 9]
    memberships = [User.groups.through(user_id=u.pk, group_id=role_groups[Role.AGENT].pk) for u in users]
    memberships += [User.groups.through(user_id=u.pk, group_id=role_groups[Role.MENTOR].pk) for u in mentors]
    memberships += [User.groups.through(user_id=u.pk, group_id=role_groups[Role.TEAM_LEAD].pk) for u in leads]
    User.groups.through.objects.bulk_create(memberships)
    stdout.write(
        f"Organisation: {len(users)} agents ({len(mentors)} mentors, {len(newcomers)} newcomers), "
        "3 team leads."
    )
    return {"agents": users, "mentors": mentors, "newcomers": newcomers, "leads": leads}
