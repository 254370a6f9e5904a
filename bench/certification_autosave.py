"""Benchmark: quiz autosave throughput next to a bare Django view, in the same run.

Serves the project with gunicorn (2 sync workers, SQLite, DEBUG off) on a throwaway database with
16 learners each in an open attempt, then drives both endpoints with 16 concurrent keep-alive
clients (2 processes x 8 threads) for a few seconds each. The load generator is Python and shares
the 2 cores with the server, so the ratio to the bare view is the figure to read (target: autosave
at half the bare view's throughput or better). Printed, never asserted.

Run: .venv/bin/python bench/certification_autosave.py [seconds per endpoint, default 8]
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS_PER_PROCESS = 8
PROCESSES = 2
LEARNERS = CLIENTS_PER_PROCESS * PROCESSES

SETTINGS = """
from trainingsite.settings.test import *  # noqa
DEBUG = False
TEMPLATES[0]["OPTIONS"]["debug"] = False
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}, "CONN_MAX_AGE": 60,
    "OPTIONS": {{"transaction_mode": "IMMEDIATE", "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}},
}}}}
ROOT_URLCONF = "bench_urls"
MEDIA_ROOT = {media!r}
LOGGING = {{"version": 1, "disable_existing_loggers": True}}
"""

URLS = """
from django.http import HttpResponse
from django.urls import path
from trainingsite.urls import urlpatterns as project


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("bench/hello/", hello), *project]
"""


def prepare(tmp: Path) -> list[dict]:
    """Migrate a fresh database and open one attempt per learner; returns each client's request."""
    (tmp / "bench_settings.py").write_text(
        SETTINGS.format(db=str(tmp / "bench.sqlite3"), media=str(tmp / "media"))
    )
    (tmp / "bench_urls.py").write_text(URLS)
    sys.path[:0] = [str(tmp), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from certification import autosave, services
    from certification.models import QuestionType
    from tests.factories import CategoryFactory, LineFactory, person
    from tests.factories.certification import programme, question, quiz
    from trainingsite.roles import Role

    call_command("migrate", verbosity=0)
    line = LineFactory(code="first", name="Первая линия")
    category = CategoryFactory(name="Доступ", line=line)
    bank = [
        question(category=category, type=QuestionType.SHORT, name=f"short{n}", accepted_answers="hosts")
        for n in range(5)
    ]
    the_quiz = quiz(programme_page=programme(line=line), questions=bank, time_limit_minutes=600)
    requests = []
    for n in range(LEARNERS):
        user = person(username=f"bench{n}", roles=[Role.AGENT], line=line)
        attempt = services.attempt_start(quiz=the_quiz, user=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)
        item = attempt.questions.first()
        requests.append(
            {
                "path": f"/certification/attempts/{attempt.pk}/answer/{item.position}/",
                "field": f"q{item.position}",
                "headers": {
                    "Cookie": f"sessionid={session.session_key}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    # What the attempt page hands its autosave requests (certification/autosave.py).
                    autosave.HEADER: autosave.key_for(
                        attempt_id=attempt.pk, user=user, session_key=session.session_key
                    ),
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            }
        )
    return requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_process(port: int, specs: list[dict], seconds: float, kind: str, out) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(spec: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        local: list[float] = []
        while time.perf_counter() < deadline:
            n += 1
            start = time.perf_counter()
            if kind == "hello":
                conn.request("GET", "/bench/hello/")
            else:
                conn.request(
                    "POST", spec["path"], body=f"{spec['field']}=answer+{n}", headers=spec["headers"]
                )
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker, args=(spec,)) for spec in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((latencies, errors[0]))


def drive(port: int, requests: list[dict], seconds: float, kind: str) -> tuple[float, float, float, int]:
    out = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=client_process,
            args=(
                port,
                requests[i * CLIENTS_PER_PROCESS : (i + 1) * CLIENTS_PER_PROCESS],
                seconds,
                kind,
                out,
            ),
        )
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    latencies, errors = [], 0
    for _ in procs:
        lat, err = out.get()
        latencies.extend(lat)
        errors += err
    for p in procs:
        p.join()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return len(latencies) / seconds, p50, p99, errors


def lua_script(requests: list[dict]) -> str:
    """A wrk script that cycles through every learner's autosave request, answers changing."""
    entries = []
    for spec in requests:
        headers = ", ".join(f'["{k}"] = "{v}"' for k, v in spec["headers"].items())
        entries.append(f'{{path = "{spec["path"]}", field = "{spec["field"]}", headers = {{{headers}}}}}')
    return (
        "local specs = {" + ",\n".join(entries) + "}\n"
        "local i, n = 0, 0\n"
        "request = function()\n"
        "  i = i % #specs + 1; n = n + 1\n"
        "  local s = specs[i]\n"
        '  return wrk.format("POST", s.path, s.headers, s.field .. "=answer+" .. n)\n'
        "end\n"
    )


def run_wrk(
    port: int, path: str, seconds: float, script: str | None = None
) -> tuple[float, float, float, int]:
    """wrk -t2 -c16, as the peers' figures were taken; returns req/s, p50, p99 and non-2xx answers."""
    args = ["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script or "")
    if script:
        args += ["-s", f.name]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(f.name)
    if os.environ.get("BENCH_VERBOSE"):
        print(output)

    def ms(label: str) -> float:
        value = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output)
        return float(value.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[value.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, ms("50%"), ms("99%"), int(errors.group(1)) if errors else 0


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 8.0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        requests = prepare(tmp)
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": f"{tmp}:{ROOT}"}
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "trainingsite.wsgi:application",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/bench/hello/")
                    break
                except OSError:
                    time.sleep(0.2)
            drive(port, requests, 1.0, "hello")  # warm both workers
            drive(port, requests, 1.0, "autosave")
            if shutil.which("wrk"):
                tool = "wrk -t2 -c16"
                bare = run_wrk(port, "/bench/hello/", seconds)
                save = run_wrk(port, requests[0]["path"], seconds, lua_script(requests))
            else:
                tool = "Python clients, 2 processes x 8 threads (install wrk for fair figures)"
                bare = drive(port, requests, seconds, "hello")
                save = drive(port, requests, seconds, "autosave")
        finally:
            server.terminate()
            server.wait()
    print(f"gunicorn 2 sync workers, SQLite, DEBUG off; load: {tool}, {seconds:.0f} s per endpoint")
    print(f"{'endpoint':<28}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, (rps, p50, p99, err) in (("bare Django view", bare), ("quiz autosave (HTMX POST)", save)):
        print(f"{name:<28}{rps:8.0f}{p50:9.1f}{p99:9.1f}{err:8d}")
    print(f"autosave / bare = 1/{bare[0] / save[0]:.1f} (target: 1/2 or better)")


if __name__ == "__main__":
    main()
