"""The demo organisation, after the domain brief: three lines, the second line's groups, ~60 people.

Idempotent: people and lines are looked up by login and code, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import Line, Profile, SupportGroup
from .roles import Role

User = get_user_model()

DEMO_PASSWORD = "demo12345"  # noqa: S105 (demo data, printed in the README)

LINES = [
    # code, name, level, answer minutes, service level %, resolve hours, description
    (
        "first",
        "Первая линия",
        1,
        5,
        80,
        None,
        "Принимает почти все обращения: отвечает по базе знаний, уточняет данные, "
        "закрывает решённые и передаёт сложные на вторую линию.",
    ),
    (
        "second",
        "Вторая линия",
        2,
        10,
        80,
        None,
        "Группы специалистов: полный индивидуальный ответ, после которого не нужно обращаться повторно.",
    ),
    (
        "third",
        "Третья линия",
        3,
        None,
        80,
        24,
        "Инженеры активного оборудования: удалённый ремонт устройств клиента.",
    ),
]
GROUPS = [
    ("second", "access", "Восстановление доступа", "Пароли, взломанные и заблокированные ящики."),
    ("second", "web", "Веб", "Веб-интерфейс, личный кабинет, браузеры."),
    ("second", "mobile", "Мобильные приложения", "Приложения для iOS и Android."),
]

MALE = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Павел",
    "Иван",
    "Денис",
    "Тимур",
]
FEMALE = [
    "Анастасия",
    "Мария",
    "Дарья",
    "Екатерина",
    "Виктория",
    "Полина",
    "Ксения",
    "Алина",
    "Юлия",
    "Татьяна",
    "Наталья",
    "Ирина",
    "Светлана",
    "Вероника",
    "Людмила",
    "Софья",
]
SURNAMES = [
    "Иванов",
    "Смирнов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Соловьёв",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
    "Комаров",
    "Орлов",
    "Киселёв",
    "Макаров",
    "Андреев",
    "Ковалёв",
    "Ильин",
    "Гусев",
    "Титов",
    "Кузьмин",
]
PATRONYMICS_M = ["Александрович", "Сергеевич", "Игоревич", "Викторович", "Олегович", "Андреевич"]
PATRONYMICS_F = ["Александровна", "Сергеевна", "Игоревна", "Викторовна", "Олеговна", "Андреевна"]
# A few people from elsewhere: support teams are not all of one origin.
OTHERS = [("Ion", "Popescu", ""), ("Aigerim", "Seitkali", ""), ("Giorgi", "Beridze", "")]

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    patronymic: str
    line: str
    group: str | None
    hired_days_ago: int
    roles: tuple[Role, ...]
    leads: tuple[str, ...] = ()
    capacity: int = 3


# The accounts the README lists, one per role.
KEY_PEOPLE = [
    DemoPerson("newcomer", "Анна", "Смирнова", "Игоревна", "first", None, 40, (Role.AGENT,)),
    DemoPerson(
        "mentor", "Игорь", "Кузнецов", "Петрович", "first", None, 700, (Role.AGENT, Role.MENTOR), capacity=4
    ),
    DemoPerson(
        "lead", "Елена", "Васильева", "Андреевна", "first", None, 720, (Role.TEAM_LEAD,), leads=("first",)
    ),
    DemoPerson(
        "lead2",
        "Сергей",
        "Морозов",
        "Викторович",
        "second",
        None,
        715,
        (Role.TEAM_LEAD,),
        leads=("second", "third"),
    ),
    DemoPerson("editor", "Ольга", "Павлова", "Сергеевна", "second", None, 690, (Role.EDITOR,)),
    DemoPerson(
        "mentor2", "Мария", "Лебедева", "Олеговна", "second", "access", 600, (Role.AGENT, Role.MENTOR)
    ),
    DemoPerson("newcomer2", "Дмитрий", "Орлов", "Александрович", "second", "access", 30, (Role.AGENT,)),
]


def translit(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower())


def _crowd(rng: random.Random) -> list[DemoPerson]:
    """The rest of the organisation, deterministic for a given seed."""
    people: list[DemoPerson] = []
    plan = [
        # line, group, how many, mentors among them, newcomers among them
        ("first", None, 30, 4, 10),
        ("second", "access", 5, 1, 1),
        ("second", "web", 6, 1, 1),
        ("second", "mobile", 6, 1, 1),
        ("third", None, 6, 1, 0),
    ]
    used: set[str] = {p.username for p in KEY_PEOPLE}
    index = 0
    for line, group, count, mentors, newcomers in plan:
        for i in range(count):
            if index < len(OTHERS) and line == "first" and i in (7, 14, 21):
                first, last, patronymic = OTHERS[index]
                index += 1
            else:
                female = rng.random() < 0.55
                first = rng.choice(FEMALE if female else MALE)
                last = rng.choice(SURNAMES)
                if female:
                    last = last[:-1] + "а" if last.endswith("й") else last + "а"
                patronymic = rng.choice(PATRONYMICS_F if female else PATRONYMICS_M)
            base = f"{translit(first)[0]}.{translit(last)}"
            username, n = base, 1
            while username in used:
                n += 1
                username = f"{base}{n}"
            used.add(username)
            if i < mentors:
                roles, hired = (Role.AGENT, Role.MENTOR), rng.randint(420, 730)
            elif i < mentors + newcomers:
                roles, hired = (Role.AGENT,), rng.randint(7, 120)
            else:
                roles, hired = (Role.AGENT,), rng.randint(150, 730)
            people.append(DemoPerson(username, first, last, patronymic, line, group, hired, roles))
    return people


def demo_people() -> list[DemoPerson]:
    return KEY_PEOPLE + _crowd(random.Random(2026))


def demo_usernames() -> set[str]:
    return {p.username for p in demo_people()} | {"admin"}


def foreign_data() -> list[str]:
    """What in the database is not demo data (load_demo refuses to mix with it without --force)."""
    found = []
    others = User.objects.exclude(username__in=demo_usernames())
    if others.exists():
        found.append(f"{others.count()} user(s) not from the demo, e.g. {others.first().username!r}")
    lines = Line.objects.exclude(code__in=[code for code, *_ in LINES])
    if lines.exists():
        found.append(f"{lines.count()} line(s) not from the demo")
    return found


def load(*, stdout, today: datetime.date | None = None) -> list[tuple[str, str, str]]:
    """Build the organisation. Returns (role, login, name) of the accounts to show."""
    today = today or timezone.localdate()
    lines = {}
    for code, name, level, minutes, percent, hours, description in LINES:
        lines[code], _ = Line.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "response_minutes": minutes,
                "service_level_percent": percent,
                "resolution_hours": hours,
                "description": description,
            },
        )
    groups = {}
    for line_code, code, name, description in GROUPS:
        groups[code], _ = SupportGroup.objects.get_or_create(
            line=lines[line_code], code=code, defaults={"name": name, "description": description}
        )
    role_groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}

    created = 0
    for person in demo_people():
        user, was_created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@support.example",
            },
        )
        if not was_created:
            continue
        created += 1
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        hired = today - datetime.timedelta(days=person.hired_days_ago)
        Profile.objects.filter(user=user).update(
            patronymic=person.patronymic,
            line=lines[person.line],
            group=groups.get(person.group) if person.group else None,
            hire_date=hired,
            line_joined_on=hired,
            mentor_capacity=person.capacity,
        )
        user.groups.add(*[role_groups[r.value] for r in person.roles])
        if person.leads:
            user.profile.led_lines.add(*[lines[code] for code in person.leads])

    admin, admin_created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Администратор",
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@support.example",
        },
    )
    if admin_created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    stdout.write(
        f"Organisation: {len(lines)} lines, {len(groups)} groups, {created} people added "
        f"({User.objects.count()} users in all)."
    )
    key = [
        ("Newcomer (first line)", "newcomer", "Анна Смирнова"),
        ("Newcomer (second line, access)", "newcomer2", "Дмитрий Орлов"),
        ("Mentor (first line)", "mentor", "Игорь Кузнецов"),
        ("Mentor (second line)", "mentor2", "Мария Лебедева"),
        ("Team lead (first line)", "lead", "Елена Васильева"),
        ("Team lead (second and third lines)", "lead2", "Сергей Морозов"),
        ("Content editor", "editor", "Ольга Павлова"),
        ("Administrator", "admin", "Администратор"),
    ]
    return key
