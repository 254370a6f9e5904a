"""Benchmark: every main page at the scale of a large support centre, next to a bare Django view.

Run (once, a few minutes):
    createdb -h 127.0.0.1 -U postgres scale_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench .venv/bin/python manage.py load_scale
then:
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench
    .venv/bin/python bench/scale_pages.py [--seconds 5]

gunicorn with 2 sync workers, DEBUG off, PostgreSQL with the `load_scale` organisation; load from
`wrk -t2 -c16` (or the bounded Python loop when wrk is missing), with the server, wrk and the
helpers of bench/courses_lesson_page.py. Each page is requested as the person who would open it.
Prints the median server time (p50), p99, req/s, the query count and the ratio to the bare view
measured in the same run. Never asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courses_lesson_page as base

SETTINGS = "scale_bench_settings"
SETTINGS_SOURCE = base.settings_source("scale_pages.py", f"{base.SETTINGS}_urls")


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": os.pathsep.join([str(base.ROOT), str(base.OUT)]),
    }


def prepare() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Session cookies of a newcomer, their mentor and the first line's team lead, and each page's URL."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "Set DATABASE_URL to the PostgreSQL database loaded with load_scale (see the docstring)."
        )
    (base.OUT / "static").mkdir(parents=True, exist_ok=True)
    (base.OUT / f"{SETTINGS}.py").write_text(SETTINGS_SOURCE)
    (base.OUT / f"{base.SETTINGS}_urls.py").write_text(base.URLS_SOURCE)
    sys.path[:0] = [str(base.ROOT), str(base.OUT)]
    os.environ.update(environment())
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from certification import services
    from certification.models import Quiz
    from courses.models import LessonPage
    from mentoring.models import Enrolment

    User = get_user_model()
    candidates = (
        Enrolment.objects.filter(learner__username__startswith="scale-", learner__profile__line__code="first")
        .exclude(mentor=None)
        .select_related("learner", "mentor", "programme")
        .order_by("pk")
    )
    lead = User.objects.filter(username="scale-lead-first").first()
    if lead is None or not candidates.exists():
        raise SystemExit("No scale organisation in this database: run manage.py load_scale first.")
    # The first newcomer who has an open attempt or may start one: earlier runs use up attempts and
    # the quiz's delay between them, and the quiz-attempt page needs an open one.
    for enrolment in candidates[:50]:
        programme = enrolment.programme.specific
        quiz = Quiz.objects.get(programme=programme)
        try:
            attempt = services.attempt_start(quiz=quiz, user=enrolment.learner)
        except services.CertificationError:
            continue
        break
    else:
        raise SystemExit("None of the first 50 enrolled newcomers may start a quiz: rebuild the scale DB.")
    learner, mentor = enrolment.learner, enrolment.mentor
    lesson = LessonPage.objects.live().child_of(programme).first()
    cookies = {}
    for role, user in (("learner", learner), ("mentor", mentor), ("lead", lead)):
        client = Client()
        client.force_login(user)
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    pages = {
        "bare view": ("learner", "/bench/bare/"),
        "learner dashboard": ("learner", reverse("learner_dashboard")),
        "lesson": ("learner", lesson.url),
        "programme": ("learner", programme.url),
        "my path": ("learner", reverse("mentoring:my_path")),
        "quiz": ("learner", reverse("certification:quiz_detail", args=[quiz.pk])),
        "quiz attempt": ("learner", reverse("certification:attempt", args=[attempt.pk])),
        "mentor board": ("mentor", reverse("mentoring:mentees")),
        "lead dashboard": ("lead", reverse("lead_dashboard")),
        "people": ("lead", reverse("people:list")),
        "enrolments": ("lead", reverse("mentoring:lead_list")),
        "certificates": ("lead", reverse("certification:lead_certificates")),
        "rotation overview": ("lead", reverse("rotation:overview")),
    }
    return cookies, pages


def query_counts(cookies: dict[str, str], pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (role, url) in pages.items():
        client = Client(HTTP_COOKIE=cookies[role])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(context)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8070)
    args = parser.parse_args()

    cookies, pages = prepare()
    counts = query_counts(cookies, pages)
    load = base.run_wrk if shutil.which("wrk") else base.run_loop
    tool = (
        "wrk -t2 -c16" if load is base.run_wrk else "Python loop, 16 threads (install wrk for fair figures)"
    )
    base.environment = environment  # the shared server helper reads the environment from here
    server = base.start_server(args.port)
    try:
        for name in ("bare view", "lesson"):  # warm both workers
            role, url = pages[name]
            load(args.port, url, cookies[role], 1)
        results = {}
        for name, (role, url) in pages.items():
            results[name] = load(args.port, url, cookies[role], args.seconds)
            print(f"  {name}: {results[name][0]:.0f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)

    bare = results["bare view"][0]
    print(f"\ngunicorn 2 sync workers, PostgreSQL (load_scale), DEBUG off; {tool}, {args.seconds}s per URL")
    print(f"{'page':<19}{'req/s':>8}{'p50':>10}{'p99':>10}{'queries':>9}  ratio to bare view")
    for name, (rate, p50, p99) in results.items():
        ratio = "1" if name == "bare view" else base._ratio(rate, bare)
        print(f"{name:<19}{rate:>8.0f}{p50:>10}{p99:>10}{counts[name]:>9}  {ratio}")
    print("Target (docs/benchmarks): pages and dashboards at a quarter of the bare view or better.")


if __name__ == "__main__":
    main()
