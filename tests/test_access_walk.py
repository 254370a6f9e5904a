"""The access-control walk: every URL of the project, as every kind of outsider, with other people's ids.

The URLs come from the resolver, so a new page is walked as soon as it is routed. Each is requested
with GET and POST as anonymous, and as four people of line B (newcomer, mentor, team lead, editor)
with the ids of line A's people and their records (enrolment, stages, questions, observations,
attempts, certificate, rotation, shifts). It asserts:

- no 500, ever;
- anonymous visitors are sent to the login page unless the page is public by design;
- no page shown to a line-B person carries line A's private data (names, a planted question, a
  planted quiz answer), unless it is meant to (the public certificate check);
- no POST writes anything (a fingerprint of every model before and after each request).

One world is built per role (a function-scoped fixture): safe with pytest-django's transactions and
about as fast as sharing it, since the requests dominate.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from certification import services as cert_services
from certification.models import QuestionType
from mentoring.models import ReviewQuestion, Stage
from rotation.models import Rotation
from tests.factories import CategoryFactory, LineFactory, SupportGroupFactory, person, shift_patterns
from tests.factories.certification import question, quiz
from tests.factories.mentoring import enrolment_at, log_observation
from tests.factories.mentoring import programme as mentoring_programme
from trainingsite.roles import Role

pytestmark = pytest.mark.django_db

# --- what is walked -------------------------------------------------------------------------------

# Left out of the walk, with why. Everything else the resolver knows is walked.
EXCLUDED_PREFIXES = (
    # Wagtail's admin: its own permission system (editors only), tested by Wagtail; our admin
    # customisations have their own tests in each app.
    "admin/",
    # Wagtail's document serving and password form: covered by tests/courses/test_documents.py,
    # which needs real files.
    "documents/",
    # Django's auth views (login, logout, password change/reset): logging out or sending reset mails
    # is what they are for; the login throttle has tests/trainingsite/test_login_throttle.py.
    "accounts/",
)
# Wagtail serves the library with a catch-all pattern; the walk asks for the restricted lesson.
WAGTAIL_SERVE = "wagtail_serve"

# Public by design: no login.
PUBLIC = {
    "certification:verify",  # printed and QR-encoded on certificates
    "rotation:ical",  # calendar apps cannot log in: a signed token is the credential
    "set_language",  # the language switch (a cookie, no data)
    # Wagtail's forms for passing a page's view restriction (sign in, or the page's password).
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
}

# Pages meant to show line A's person to the people walked here.
MEANT_TO_SHOW = {
    "certification:verify",  # the public check shows the holder's name
}

# Models whose rows change when nothing is "written": the session store and login bookkeeping.
FINGERPRINT_SKIP = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}

SECRET_QUESTION = "Как вернуть доступ к кабинету клиента QX-PLANTED-QUESTION"
SECRET_ANSWER = "QX-PLANTED-ANSWER"
A_NEWCOMER_SURNAME = "Квакушкина"
A_AGENT_SURNAME = "Тарабаркин"
PRIVATE = (SECRET_QUESTION, SECRET_ANSWER, A_NEWCOMER_SURNAME, A_AGENT_SURNAME)


# Posted to every URL: enough fields that a form would be valid if only the access check were missing.
def post_payload(world: dict) -> dict:
    return {
        "reason": "walk",
        "comment": "walk",
        "answer": "walk",
        "question": "walk",
        "text": "walk",
        "note": "walk",
        "key": "x",
        "q1": "x",
        "learner": world["newcomer_a"].pk,
        "agent": world["agent_a"].pk,
        "user": world["newcomer_a"].pk,
        "mentor": world["mentor_a"].pk,
        "certificate": [world["certificate"].pk],
        "date": timezone.localdate().isoformat(),
        "hours": "4",
        "requests_observed": "5",
        "requests_handled": "5",
        "requests_corrected": "0",
        "shift": "day",
        "extra_minutes": "10",
        "extra_attempts": "1",
        "expected_requests": "10",
    }


def walked_patterns() -> list[tuple[str, str, list[str]]]:
    """(route, name, kwarg names) of every named URL pattern outside the exclusions."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed URL pattern {route!r}: name it so the walk can reverse it"
                name = namespace + pattern.name
                kwargs = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
                found.append((route, name, kwargs))

    walk(get_resolver().url_patterns, "", "")
    return found


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def world(settings, tmp_path) -> dict:
    settings.MEDIA_ROOT = tmp_path / "media"
    line_a = LineFactory(name="First line", code="first", level=1, response_minutes=5)
    line_b = LineFactory(name="Second line", code="second", level=2, response_minutes=10)
    line_c = LineFactory(name="Third line", code="third", level=3, response_minutes=60)
    group_b = SupportGroupFactory(line=line_b, name="Access", code="access")

    newcomer_a = person(
        username="walk_newcomer_a", first_name="Зинаида", last_name=A_NEWCOMER_SURNAME, line=line_a
    )
    agent_a = person(
        username="walk_agent_a",
        first_name="Пётр",
        last_name=A_AGENT_SURNAME,
        line=line_a,
        hire_date=datetime.date(2023, 1, 10),
    )
    mentor_a = person(username="walk_mentor_a", roles=[Role.AGENT, Role.MENTOR], line=line_a)
    lead_a = person(username="walk_lead_a", roles=[Role.TEAM_LEAD], line=line_a, leads=[line_a])
    mentor_c = person(username="walk_mentor_c", roles=[Role.AGENT, Role.MENTOR], line=line_c)

    newcomer_b = person(username="walk_newcomer_b", line=line_b, group=group_b)
    mentor_b = person(username="walk_mentor_b", roles=[Role.AGENT, Role.MENTOR], line=line_b, group=group_b)
    lead_b = person(username="walk_lead_b", roles=[Role.TEAM_LEAD], line=line_b, leads=[line_b])
    editor = person(username="walk_editor", roles=[Role.EDITOR], line=line_b)

    # Line A's training path: joint review signed off, a question asked, an observation to confirm.
    programme_a = mentoring_programme(line=line_a, title="Line A basics")
    enrolment = enrolment_at(
        Stage.OBSERVATION, lead=lead_a, learner=newcomer_a, mentor=mentor_a, prog=programme_a
    )
    from mentoring import services as mentoring_services

    mentoring_services.review_question_ask(actor=newcomer_a, enrolment=enrolment, question=SECRET_QUESTION)
    observation = log_observation(enrolment, newcomer_a)
    # Line B has its own path, so line B's pages have something of their own to show.
    programme_b = mentoring_programme(line=line_b, title="Line B access")
    enrolment_at(Stage.STUDY, lead=lead_b, learner=newcomer_b, mentor=mentor_b, prog=programme_b)

    # Line A's quiz: the newcomer passed (certificate); another agent is halfway through.
    category = CategoryFactory(name="Line A topics", line=line_a)
    bank = [
        question(category=category, type=QuestionType.SINGLE, text="Pick one"),
        question(category=category, type=QuestionType.SHORT, text="Name it", accepted_answers="hosts"),
    ]
    quiz_a = quiz(programme_page=programme_a, questions=bank, shuffle_questions=False)
    from tests.certification.helpers import all_answers, as_querydict

    passed = cert_services.attempt_start(quiz=quiz_a, user=newcomer_a)
    cert_services.attempt_answer_all(attempt=passed, user=newcomer_a, data=as_querydict(all_answers(passed)))
    passed = cert_services.attempt_finish(attempt=passed, user=newcomer_a)
    certificate = passed.certificate
    assert certificate is not None
    open_attempt = cert_services.attempt_start(quiz=quiz_a, user=agent_a)
    short = open_attempt.questions.get(snapshot__type="short")
    data = QueryDict(mutable=True)
    data[f"q{short.position}"] = SECRET_ANSWER
    cert_services.attempt_answer(attempt=open_attempt, user=agent_a, position=short.position, data=data)

    # Line A's rotation: its agent spends a week on the third line.
    shifts = shift_patterns(line_a)
    start = timezone.localdate() + datetime.timedelta(days=14)
    rotation = Rotation.objects.create(
        agent=agent_a,
        home_line=line_a,
        host_line=line_c,
        host_mentor=mentor_c,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=4),
        goals="Learn the third line's escalations",
        created_by=lead_a,
    )

    lesson = programme_a.get_children().live().last().specific
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=Role.TEAM_LEAD.value))

    stage = enrolment.stages.get(stage=Stage.JOINT_REVIEW)
    ids = {
        # Each URL's ids: line A's records of the kind the URL handles.
        "people:": {"pk": newcomer_a.pk},
        "courses:": {"pk": lesson.pk},
        "mentoring:stage_": {"pk": stage.pk},
        "mentoring:question_answer": {"pk": ReviewQuestion.objects.get(enrolment=enrolment).pk},
        "mentoring:observation_confirm": {"pk": observation.pk},
        "mentoring:": {"pk": enrolment.pk},
        "certification:quiz_detail": {"pk": quiz_a.pk},
        "certification:attempt_start": {"pk": quiz_a.pk},
        "certification:item_analysis": {"pk": quiz_a.pk},
        "certification:attempt": {"pk": open_attempt.pk, "position": short.position},
        "certification:attempt_review": {"pk": passed.pk},
        "certification:certificate": {"pk": certificate.pk},
        "certification:verify": {"code": certificate.code},
        "rotation:demand_edit": {"shift_pk": shifts["morning"].pk},
        "rotation:roster": {"line_pk": line_a.pk},
        "rotation:sign_off": {"pk": rotation.pk, "stage": "review"},
        "rotation:ical": {"token": f"{agent_a.pk}-forged"},
        "rotation:": {"pk": rotation.pk},
    }
    return {
        "roles": {"newcomer": newcomer_b, "mentor": mentor_b, "lead": lead_b, "editor": editor},
        "newcomer_a": newcomer_a,
        "agent_a": agent_a,
        "mentor_a": mentor_a,
        "lead_a": lead_a,
        # Query strings every GET is also tried with: line A's ids in the filters pages read, and
        # garbage in the same names (bad input must be a 4xx or ignored, never a 500).
        "queries": [
            {
                "line": line_a.pk,
                "agent": agent_a.pk,
                "person": newcomer_a.pk,
                "mentor": mentor_a.pk,
                "programme": programme_a.pk,
                "category": category.pk,
                "q": "walk",
                "status": "active",
                "stage": "observation",
                "format": "csv",
                "expand": newcomer_a.pk,
            },
            {
                "line": "x",
                "agent": "-1",
                "programme": "1e9",
                "category": "'",
                "weeks": "x",
                "start": "not-a-date",
                "starts_on": "2026-13-45",
                "page": "999999",
                "month": "13/2026",
                "expiring": "x",
                "next": "https://evil.example/",
                "q": "walk\x00",  # PostgreSQL refuses NUL bytes in text: must not reach a query
            },
        ],
        "enrolment": enrolment,
        "open_attempt": open_attempt,
        "certificate": certificate,
        "lesson": lesson,
        "ids": ids,
    }


def url_kwargs(name: str, kwargs: list[str], ids: dict[str, dict]) -> dict:
    """The most specific entry of `ids` whose key starts `name`; a new URL falls back to line A's
    newcomer's id, so it is walked (with someone else's id) before anybody maps it."""
    best = max((key for key in ids if name.startswith(key)), key=len, default=None)
    chosen = ids[best] if best else {}
    fallback = {"int": chosen.get("pk", 0)}
    values = {}
    for kwarg in kwargs:
        if kwarg in chosen:
            values[kwarg] = chosen[kwarg]
        elif kwarg == "position":
            values[kwarg] = 1
        else:
            values[kwarg] = fallback["int"] or ids["people:"]["pk"]
    return values


def urls_to_walk(world: dict) -> list[tuple[str, str]]:
    urls = []
    for _route, name, kwargs in walked_patterns():
        if name == WAGTAIL_SERVE:
            urls.append((name, world["lesson"].url))
            continue
        urls.append((name, reverse(name, kwargs=url_kwargs(name, kwargs, world["ids"]))))
    return urls


# --- the checks -----------------------------------------------------------------------------------


def fingerprint() -> dict[str, tuple]:
    """Per model: row count, highest id and the latest of each date/time column."""
    prints = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in FINGERPRINT_SKIP or model._meta.proxy or not model._meta.managed:
            continue
        dated = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField | models.DateTimeField) and f.name != "last_login"
        ]
        aggregates = {"n": models.Count("pk")}
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField):
            aggregates["top"] = models.Max("pk")  # PostgreSQL has no max() of a uuid
        aggregates.update({f"max_{f}": models.Max(f) for f in dated})
        if label == "auth.user":
            aggregates["active"] = models.Count("pk", filter=models.Q(is_active=True))
        prints[label] = tuple(sorted(model._base_manager.aggregate(**aggregates).items()))
    return prints


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return ""
    return raw.decode("utf-8", errors="replace")


def request(client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    if method.startswith("GET?"):
        # As HTMX asks for it: views answering partials take another branch.
        return client.get(url, data, headers={"HX-Request": "true"})
    return client.post(url, data)


def methods(world: dict) -> list[tuple[str, dict | None]]:
    return [("GET", None), *((f"GET?{i}", query) for i, query in enumerate(world["queries"])), ("POST", None)]


def test_the_walk_covers_every_app_url():
    names = {name for _route, name, _kwargs in walked_patterns()}
    # A sample from each app, so a broken walker (e.g. nothing found) cannot pass silently.
    for expected in (
        "people:edit",
        "courses:lesson_studied",
        "mentoring:enrolment",
        "certification:attempt_answer",
        "certification:verify",
        "rotation:detail",
        WAGTAIL_SERVE,
    ):
        assert expected in names
    assert not any(name.startswith(("wagtailadmin", "wagtaildocs")) for name in names)


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(client, world):
    payload = post_payload(world)
    problems = []
    for name, url in urls_to_walk(world):
        for method, query in (("GET", None), ("POST", None)):
            before = fingerprint() if method == "POST" else None
            response = request(client, method, url, query or payload)
            after = fingerprint() if method == "POST" else None
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}")
            if method == "POST" and changed(before, after):
                problems.append(f"POST {url} wrote {changed(before, after)}")
            if name in PUBLIC:
                continue
            if response.status_code == 405:
                continue  # the method is refused before anything is read
            if response.status_code != 302 or not response.url.startswith(reverse("login")):
                problems.append(f"{method} {url}: {response.status_code}, not a login redirect")
            elif name not in MEANT_TO_SHOW:
                leaked = [secret for secret in PRIVATE if secret in body_of(response)]
                if leaked:
                    problems.append(f"{method} {url} shows {leaked}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["newcomer", "mentor", "lead", "editor"])
def test_line_b_people_see_nothing_of_line_a_and_write_nothing(client, world, role):
    client.force_login(world["roles"][role])
    payload = post_payload(world)
    problems = []
    for name, url in urls_to_walk(world):
        for method, query in methods(world):
            before = fingerprint() if method == "POST" else None
            response = request(client, method, url, query or payload)
            after = fingerprint() if method == "POST" else None
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}")
            if method == "POST" and changed(before, after):
                problems.append(f"POST {url} wrote {changed(before, after)}")
            if name in MEANT_TO_SHOW:
                continue
            leaked = [secret for secret in PRIVATE if secret in body_of(response)]
            if leaked:
                problems.append(f"{method} {url} ({response.status_code}) shows {leaked}")
    assert not problems, "\n".join(problems)


def test_the_detectors_see_what_the_owners_see(client, world):
    """The markers and the fingerprint catch what they look for: line A's own people see the planted
    data, and a permitted POST shows up as a write."""
    client.force_login(world["lead_a"])
    page = client.get(reverse("mentoring:enrolment", args=[world["enrolment"].pk])).content.decode()
    assert SECRET_QUESTION in page
    assert A_NEWCOMER_SURNAME in page
    client.force_login(world["agent_a"])
    page = client.get(reverse("certification:attempt", args=[world["open_attempt"].pk])).content.decode()
    assert SECRET_ANSWER in page
    client.force_login(world["mentor_a"])
    question = ReviewQuestion.objects.get(enrolment=world["enrolment"])
    before = fingerprint()
    client.post(reverse("mentoring:question_answer", args=[question.pk]), {"answer": "Through the portal."})
    assert "mentoring.reviewquestion" in changed(before, fingerprint())
