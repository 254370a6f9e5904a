"""Mentor board (50 mentees) and team lead's list (500 enrolments) against a bare Django view.

Runs in-process (Django's test client, full middleware stack, SQLite file database) so that it needs
no server; prints requests per second, the ratio to a bare view measured in the same run, and the
query count of each page. Figures drift with the machine: read the ratio, not the absolute numbers.

    .venv/bin/python bench/mentoring_dashboards.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / "bench_mentoring.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

urlpatterns = [
    path("bench-hello/", lambda request: HttpResponse("hello")),
    path("", include("trainingsite.urls")),
]

SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))


def build() -> tuple:
    from mentoring import services
    from tests.factories import LineFactory, person
    from tests.factories.mentoring import programme, study_all
    from tests.mentoring.test_query_budgets import _bulk_enrolments
    from trainingsite.roles import Role

    if DB.exists():
        DB.unlink()
    call_command("migrate", verbosity=0)
    line = LineFactory(name="First line", code="first", level=1)
    lead = person(username="lead", roles=[Role.TEAM_LEAD], line=line, leads=[line])
    mentor = person(username="mentor", roles=[Role.AGENT, Role.MENTOR], line=line, mentor_capacity=60)
    prog = programme(line=line, lessons=5, points_per_lesson=3)
    for i in range(50):
        learner = person(username=f"mentee{i}", roles=[Role.AGENT], line=line)
        enrolment = services.enrolment_create(actor=lead, learner=learner, programme=prog, mentor=mentor)
        if i % 2:
            study_all(learner, prog)
            services.enrolment_study_sync(enrolment=enrolment)
    others = [person(username=f"m{i}", roles=[Role.AGENT, Role.MENTOR], line=line) for i in range(10)]
    _bulk_enrolments(450, line=line, prog=prog, mentors=others)
    return lead, mentor


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    queries = len(ctx.captured_queries)  # now: the next request clears the log
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        client.get(url)
        count += 1
    return count / (time.perf_counter() - started), queries


def main() -> None:
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
        lead, mentor = build()
        bare_client = Client()
        bare, _ = measure(bare_client, "/bench-hello/")
        rows = [("bare Django view", bare, 0)]
        mentor_client = Client()
        mentor_client.force_login(mentor)
        rows.append(("mentor board, 50 mentees", *measure(mentor_client, "/training/mentees/")))
        rows.append(("mentor dashboard (panel)", *measure(mentor_client, "/dashboard/mentor/")))
        lead_client = Client()
        lead_client.force_login(lead)
        rows.append(("team lead list, 500 enrolments", *measure(lead_client, "/training/enrolments/")))
        rows.append(("team lead dashboard (panel)", *measure(lead_client, "/dashboard/lead/")))
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"database: {engine}, {SECONDS:.0f} s per page")
        print(f"{'page':<34}{'req/s':>9}{'ratio':>9}{'queries':>9}")
        for name, rate, queries in rows:
            print(f"{name:<34}{rate:>9.1f}{'1/' + format(bare / rate, '.0f'):>9}{queries:>9}")
    DB.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
