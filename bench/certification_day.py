"""Load test: a whole first line (570 agents) takes a timed certification quiz at once.

Run after load_scale (see bench/scale_pages.py), against the same PostgreSQL database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench .venv/bin/python bench/certification_day.py
Options: --agents 570 --questions 10 --workers 2 --port 8071 --think 0 --deadline 300

What it does, all on 127.0.0.1:
1. Prepares a "certification day" programme and quiz (10 single-choice questions, 20 minutes, pass
   mark 25 % so that about half pass and certificates are issued during the run) and clears the
   previous run's attempts of that quiz. The agents are the first 570 first-line agents of load_scale.
2. Starts gunicorn (2 sync workers, DEBUG off) with the project's settings plus a bare view.
3. Logs every agent in through the real login form (CSRF, django-axes, session), 32 at a time.
   The benchmark settings put Django's MD5 hasher first, only for these benchmark accounts: 570
   PBKDF2 checks (about 0.4 s of CPU each) would measure password hashing, not the quiz.
4. The waiting room: every agent opens the quiz page (32 at a time, as people arrive). Then the day:
   at the start time every agent at once presses "start", loads the attempt page, autosaves every
   answer (HTMX request with the page's autosave key, one question at a time, `--think` seconds
   apart), and finishes; one in ten presses "finish" twice at the same moment, like a double click.
   Every response is timed; the report says when the last start was answered and the last attempt
   page was on screen, counted from the moment everyone pressed start.
5. The bare view, served the same way, with the same 570 concurrent clients, in the same run.
6. A task worker (`manage.py db_worker`, as in production) renders the certificate PDFs the finishes
   queued; the report says how long after the day it had rendered them all.
7. Checks in the database: one finished, graded attempt per agent; every answer the server
   acknowledged is stored with the choice that was sent; one finish audit entry per attempt; at most
   one certificate per attempt. Any failure is printed and the exit status is 1.

The client is a minimal asyncio HTTP/1.1 client (gunicorn's sync workers close every connection);
it shares the 2 cores with the server, so read the ratio to the bare view rather than the absolute
figures. Bounded: every request times out after 60 s and the whole day after --deadline seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import textwrap
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courses_lesson_page as base
import scale_pages

HOST = "127.0.0.1"
PASSWORD = "certification-day"  # noqa: S105 (benchmark accounts only)
SETTINGS = "certification_day_settings"
SETTINGS_SOURCE = scale_pages.SETTINGS_SOURCE + textwrap.dedent(
    """
    # Benchmark accounts only: see bench/certification_day.py (step 3).
    from django.conf import global_settings

    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
    # As in production: a finish queues the certificate PDF for the task worker.
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    """
)
PROGRAMME_SLUG = "certification-day"
REQUEST_TIMEOUT = 60


def environment() -> dict[str, str]:
    return {**scale_pages.environment(), "DJANGO_SETTINGS_MODULE": SETTINGS}


# --- preparation (in this process, before the server starts) ---------------------------------------


def prepare(agents: int, questions: int) -> tuple[int, list[str]]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database loaded with load_scale.")
    (base.OUT / "static").mkdir(parents=True, exist_ok=True)
    (base.OUT / f"{scale_pages.SETTINGS}.py").write_text(scale_pages.SETTINGS_SOURCE)
    (base.OUT / f"{SETTINGS}.py").write_text(SETTINGS_SOURCE)
    (base.OUT / f"{base.SETTINGS}_urls.py").write_text(base.URLS_SOURCE)
    sys.path[:0] = [str(base.ROOT), str(base.OUT)]
    os.environ.update(environment())
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from wagtail.models import ModelLogEntry

    from certification.models import (
        Attempt,
        AttemptQuestion,
        Certificate,
        Choice,
        Question,
        QuestionCategory,
        QuestionType,
        Quiz,
        QuizSection,
    )
    from courses.models import ProgrammePage, TrainingLibraryPage
    from trainingsite.models import Line

    User = get_user_model()
    people = list(
        User.objects.filter(username__startswith="scale-", profile__line__code="first", groups__name="Agents")
        .order_by("username")
        .values_list("pk", "username")[:agents]
    )
    if len(people) < agents:
        raise SystemExit(f"Only {len(people)} first-line agents here: run load_scale (1,000 agents) first.")
    first = Line.objects.get(code="first")
    with transaction.atomic():
        programme = ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).first()
        if programme is None:
            library = TrainingLibraryPage.objects.get()
            programme = library.add_child(
                instance=ProgrammePage(title="День аттестации первой линии", slug=PROGRAMME_SLUG, line=first)
            )
            programme.save_revision().publish()
        quiz = Quiz.objects.filter(programme=programme).first()
        if quiz is None:
            category = QuestionCategory.objects.create(name="День аттестации", line=first)
            for n in range(questions):
                question = Question.objects.create(
                    category=category,
                    name=f"Вопрос {n + 1}",
                    type=QuestionType.SINGLE,
                    text=f"Ситуация {n + 1}?",
                )
                Choice.objects.bulk_create(
                    Choice(question=question, text=f"Ответ {k + 1}", is_correct=k == 0, sort_order=k)
                    for k in range(4)
                )
            quiz = Quiz.objects.create(
                programme=programme,
                title="Аттестация первой линии",
                time_limit_minutes=20,
                attempts_allowed=1,
                pass_mark_percent=25,
            )
            QuizSection.objects.create(quiz=quiz, category=category, draw_count=questions)
        # Benchmark cleanup: the previous run's attempts of this quiz only.
        old = list(Attempt.objects.filter(quiz=quiz).values_list("pk", flat=True))
        ModelLogEntry.objects.filter(
            action="certification.attempt.finish", object_id__in=[str(pk) for pk in old]
        ).delete()
        Certificate.objects.filter(attempt_id__in=old).delete()
        AttemptQuestion.objects.filter(attempt_id__in=old).delete()
        Attempt.objects.filter(pk__in=old).delete()
        User.objects.filter(pk__in=[pk for pk, _ in people]).update(
            password=make_password(PASSWORD, hasher="md5")
        )
    return quiz.pk, [name for _, name in people]


def verify(quiz_id: int, saved: dict[str, dict[int, str]]) -> list[str]:
    """What the database holds after the day, against what the server acknowledged."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from certification.models import Attempt, AttemptQuestion, Certificate

    problems = []
    attempts = {a.user.username: a for a in Attempt.objects.filter(quiz_id=quiz_id).select_related("user")}
    per_user = Attempt.objects.filter(quiz_id=quiz_id).values_list("user_id", flat=True)
    if len(per_user) != len(set(per_user)):
        problems.append("someone has more than one attempt")
    for username in saved:
        attempt = attempts.get(username)
        if attempt is None:
            problems.append(f"{username}: no attempt")
        elif attempt.status != "finished" or attempt.score is None:
            problems.append(f"{username}: attempt {attempt.pk} not finished and graded")
    stored = defaultdict(dict)
    for attempt_id, position, response in AttemptQuestion.objects.filter(
        attempt__quiz_id=quiz_id
    ).values_list("attempt_id", "position", "response"):
        stored[attempt_id][position] = (response or {}).get("choice")
    lost = 0
    for username, answers in saved.items():
        attempt = attempts.get(username)
        for position, choice in answers.items():
            if attempt is None or stored[attempt.pk].get(position) != choice:
                lost += 1
    if lost:
        problems.append(f"{lost} acknowledged answers not stored as sent")
    content_type = ContentType.objects.get_for_model(Attempt)
    finishes = defaultdict(int)
    for object_id in ModelLogEntry.objects.filter(
        content_type=content_type,
        action="certification.attempt.finish",
        object_id__in=[str(a.pk) for a in attempts.values()],
    ).values_list("object_id", flat=True):
        finishes[object_id] += 1
    twice = [k for k, v in finishes.items() if v > 1]
    missing = [a.pk for a in attempts.values() if finishes[str(a.pk)] == 0]
    if twice:
        problems.append(f"graded more than once: attempts {twice[:10]}")
    if missing:
        problems.append(f"no finish entry for attempts {missing[:10]}")
    certificates = Certificate.objects.filter(attempt__quiz_id=quiz_id)
    passed = sum(1 for a in attempts.values() if a.passed)
    if certificates.count() != passed:
        problems.append(f"{certificates.count()} certificates for {passed} passed attempts")
    print(
        f"Database: {len(attempts)} attempts, all finished and graded: "
        f"{all(a.status == 'finished' and a.score is not None for a in attempts.values())}; "
        f"{sum(len(v) for v in saved.values())} acknowledged answers, {lost} lost; "
        f"{sum(finishes.values())} finish entries; {passed} passed, {certificates.count()} certificates."
    )
    return problems


# --- a minimal HTTP/1.1 client --------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: str


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        self.latencies[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1


async def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str],
    form: dict | None = None,
    headers: dict | None = None,
) -> Response:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        body = urlencode(form or {}).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            lines.append(f"Referer: http://{HOST}:{port}{path}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body if method == "POST" else b""))
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed: dict[str, list[str]] = defaultdict(list)
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()].append(value.strip())
    for cookie in parsed.get("set-cookie", []):
        name, _, rest = cookie.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    return Response(int(status_line.split()[1]), parsed, payload.decode("utf-8", "replace"))


async def timed(stats: Stats, kind: str, expect: tuple[int, ...], *args, **kwargs) -> Response | None:
    began = time.perf_counter()
    try:
        response = await asyncio.wait_for(request(*args, **kwargs), REQUEST_TIMEOUT)
    except (TimeoutError, OSError, IndexError, ValueError):
        stats.add(kind, time.perf_counter() - began, ok=False)
        return None
    stats.add(kind, time.perf_counter() - began, ok=response.status in expect)
    return response if response.status in expect else None


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AUTOSAVE_KEY = re.compile(r'"X-Autosave-Key": "([0-9a-f]+)"')
ANSWER = re.compile(r'hx-post="(/certification/attempts/\d+/answer/(\d+)/)"')


async def log_in(port: int, username: str, stats: Stats) -> dict[str, str] | None:
    cookies: dict[str, str] = {}
    page = await timed(stats, "login form", (200,), port, "GET", "/accounts/login/", cookies=cookies)
    if page is None:
        return None
    token = CSRF.search(page.body).group(1)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    done = await timed(stats, "log in", (302,), port, "POST", "/accounts/login/", cookies=cookies, form=form)
    return cookies if done is not None and "sessionid" in cookies else None


async def take_quiz(
    port: int,
    quiz_id: int,
    cookies: dict[str, str],
    stats: Stats,
    rng: random.Random,
    think: float,
    double: bool,
    token: str,
) -> tuple[dict[int, str], float | None]:
    """Start (from the quiz page already open), autosave every answer, finish.

    Returns {position: choice id} acknowledged and the moment the attempt page arrived."""
    acknowledged: dict[int, str] = {}
    detail = f"/certification/quizzes/{quiz_id}/"
    started = await timed(
        stats,
        "start",
        (302,),
        port,
        "POST",
        f"{detail}start/",
        cookies=cookies,
        form={"csrfmiddlewaretoken": token},
    )
    if started is None:
        return acknowledged, None
    attempt_url = started.headers["location"][0].replace(f"http://{HOST}:{port}", "")
    page = await timed(stats, "attempt page", (200,), port, "GET", attempt_url, cookies=cookies)
    if page is None:
        return acknowledged, None
    on_screen = time.perf_counter()
    token = CSRF.search(page.body).group(1)
    # The page's form hands every autosave its key (hx-headers), as htmx does in a browser.
    key = AUTOSAVE_KEY.search(page.body)
    autosave_headers = {"HX-Request": "true", "X-CSRFToken": token}
    if key:
        autosave_headers["X-Autosave-Key"] = key.group(1)
    blocks = page.body.split('hx-post="')[1:]
    for block in blocks:
        match = ANSWER.match('hx-post="' + block)
        if match is None:
            continue
        url, position = match.group(1), int(match.group(2))
        choices = re.findall(rf'name="q{position}" value="([^"]+)"', block)
        choice = rng.choice(choices)
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        saved = await timed(
            stats,
            "autosave",
            (200,),
            port,
            "POST",
            url,
            cookies=cookies,
            form={f"q{position}": choice},
            headers=autosave_headers,
        )
        if saved is not None:
            acknowledged[position] = choice
    finish_url = attempt_url.rstrip("/") + "/finish/"
    presses = 2 if double else 1
    await asyncio.gather(
        *(
            timed(
                stats,
                "finish",
                (302,),
                port,
                "POST",
                finish_url,
                cookies=cookies,
                form={"csrfmiddlewaretoken": token},
            )
            for _ in range(presses)
        )
    )
    return acknowledged, on_screen


async def open_quiz(port: int, quiz_id: int, cookies: dict[str, str], stats: Stats) -> str | None:
    """The quiz page, opened while waiting for the start; returns its CSRF token."""
    page = await timed(
        stats, "quiz page", (200,), port, "GET", f"/certification/quizzes/{quiz_id}/", cookies=cookies
    )
    return CSRF.search(page.body).group(1) if page is not None else None


async def bare(port: int, cookies: dict[str, str], stats: Stats, count: int) -> None:
    for _ in range(count):
        await timed(stats, "bare view", (200,), port, "GET", "/bench/bare/", cookies=cookies)


# --- the run --------------------------------------------------------------------------------------


def report(title: str, stats: Stats, seconds: float) -> float:
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    rate = total / seconds if seconds else 0.0
    print(f"\n{title}: {total} requests in {seconds:.1f} s = {rate:.0f} req/s, {errors} errors")
    print(f"  {'request':<14}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'errors':>8}")
    for kind, values in stats.latencies.items():
        values = sorted(values)

        def pick(q: float, values: list[float] = values) -> str:
            return f"{1000 * values[min(len(values) - 1, int(q * len(values)))]:.0f}ms"

        print(
            f"  {kind:<14}{len(values):>7}{pick(0.5):>9}{pick(0.95):>9}{pick(0.99):>9}"
            f"{1000 * values[-1]:>7.0f}ms{stats.errors.get(kind, 0):>8}"
        )
    return rate


async def run(args: argparse.Namespace, quiz_id: int, usernames: list[str]) -> tuple[dict, list[str]]:
    rng = random.Random(570)
    warm = Stats()  # both workers import and render everything once before anything is timed
    for path in ("/bench/bare/", "/accounts/login/") * 4:
        await timed(warm, "warm", (200,), args.port, "GET", path, cookies={})
    logins = Stats()
    gate = asyncio.Semaphore(32)

    async def one_login(username: str):
        async with gate:
            return await log_in(args.port, username, logins)

    began = time.perf_counter()
    sessions = await asyncio.gather(*(one_login(u) for u in usernames))
    report("Logins (32 at a time, before the day starts)", logins, time.perf_counter() - began)
    ready = [(u, c) for u, c in zip(usernames, sessions, strict=True) if c is not None]

    # The waiting room: people open the quiz page as they arrive, before the start time.
    waiting = Stats()

    async def one_open(cookies: dict[str, str]):
        async with gate:
            return await open_quiz(args.port, quiz_id, cookies, waiting)

    began = time.perf_counter()
    tokens = await asyncio.gather(*(one_open(c) for _, c in ready))
    report("Quiz page opened while waiting (32 at a time)", waiting, time.perf_counter() - began)
    ready = [(u, c, t) for (u, c), t in zip(ready, tokens, strict=True) if t is not None]

    # The start time: everyone presses "start" in the same second.
    day = Stats()
    began = time.perf_counter()
    tasks = [
        asyncio.create_task(
            take_quiz(args.port, quiz_id, cookies, day, rng, args.think, double=n % 10 == 0, token=token)
        )
        for n, (_, cookies, token) in enumerate(ready)
    ]
    done, pending = await asyncio.wait(tasks, timeout=args.deadline)
    for task in pending:
        task.cancel()
    day_seconds = time.perf_counter() - began
    day_rate = report(f"Certification day: {len(ready)} agents at once", day, day_seconds)
    starts = sorted(day.latencies["start"])
    results = [t.result() if t in done else ({}, None) for t in tasks]
    saved = {u: r[0] for (u, _, _), r in zip(ready, results, strict=True)}
    on_screen = sorted(r[1] - began for r in results if r[1] is not None)

    bare_stats = Stats()
    per_client = max(1, round(sum(len(v) for v in day.latencies.values()) / max(1, len(ready))))
    began = time.perf_counter()
    await asyncio.gather(*(bare(args.port, cookies, bare_stats, per_client) for _, cookies, _ in ready))
    bare_rate = report(
        f"Bare Django view, same {len(ready)} concurrent clients, {per_client} requests each",
        bare_stats,
        time.perf_counter() - began,
    )
    autosave = sorted(day.latencies["autosave"])
    print(
        f"\nRatio: the day ran at {day_rate:.0f} req/s against the bare view's {bare_rate:.0f} "
        f"= 1/{bare_rate / max(day_rate, 0.001):.1f} ({100 * day_rate / max(bare_rate, 0.001):.0f} %)."
    )
    if starts:
        print(
            f"All {len(starts)} starts answered within {starts[-1]:.1f} s of everyone pressing start "
            f"(median {statistics.median(starts):.2f} s); every attempt page was on screen within "
            f"{on_screen[-1]:.1f} s (median {statistics.median(on_screen):.2f} s)."
        )
    if autosave:
        print(f"Autosave median {1000 * statistics.median(autosave):.0f} ms under this load.")
    problems = (
        [] if len(ready) == len(usernames) else [f"{len(usernames) - len(ready)} agents could not log in"]
    )
    if pending:
        problems.append(f"{len(pending)} agents had not finished after {args.deadline} s")
    if any(day.errors.values()):
        problems.append(f"request errors during the day: {dict(day.errors)}")
    return saved, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=570)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between two answers")
    parser.add_argument("--deadline", type=int, default=300, help="seconds the whole day may take")
    args = parser.parse_args()
    if not 8070 <= args.port <= 8079:
        raise SystemExit("Use a port from 8070 to 8079.")

    quiz_id, usernames = prepare(args.agents, args.questions)
    base.environment = environment
    server = base.start_server(args.port) if args.workers == 2 else start_server(args.port, args.workers)
    worker = start_task_worker()
    try:
        try:
            saved, problems = asyncio.run(run(args, quiz_id, usernames))
        finally:
            server.terminate()
            server.wait(timeout=15)
        problems += wait_for_pdfs(quiz_id)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    problems += verify(quiz_id, saved)
    print(
        f"\ngunicorn {args.workers} sync workers, PostgreSQL, DEBUG off; asyncio client on the same 2 cores."
    )
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        raise SystemExit(1)
    print("No answer lost, every attempt graded once.")


def start_task_worker():
    import subprocess

    return subprocess.Popen(
        [base.BIN / "python", "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=base.ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
    )


def wait_for_pdfs(quiz_id: int, timeout: float = 300) -> list[str]:
    """Wait until the task worker has stored the PDF of every certificate issued during the day."""
    from certification.models import Certificate

    certificates = Certificate.objects.filter(attempt__quiz_id=quiz_id)
    started = time.monotonic()
    while True:
        waiting = certificates.filter(pdf="").count()
        if not waiting or time.monotonic() - started > timeout:
            break
        time.sleep(0.5)
    took = time.monotonic() - started
    if waiting:
        return [f"{waiting} certificate PDFs still not rendered {timeout:.0f} s after the day"]
    print(
        f"Certificate PDFs: all {certificates.count()} rendered by the task worker "
        f"{took:.1f} s after the last finish was answered."
    )
    return []


def start_server(port: int, workers: int):
    import socket
    import subprocess

    server = subprocess.Popen(
        [
            base.BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "trainingsite.wsgi:application",
        ],
        cwd=base.ROOT,
        env=environment(),
    )
    for _ in range(100):
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main()
