"""Benchmark: what every page pays (middleware, session and user, header, CSP, base template).

Run: .venv/bin/python bench/common_path.py [--seconds 5] [--profile 300]

A scratch SQLite database with the demo (bench/out/), gunicorn with 2 sync workers, DEBUG off, the
same helpers as bench/courses_lesson_page.py. Pages, each through the whole middleware stack:
- "bare view": a view returning "hello", no session read;
- "trivial page": an agent-only view rendering base.html with an empty content block, signed in
  as the demo newcomer: the common path and nothing else;
- "people" (the team lead's people list) and "learner dashboard", for scale.
Prints req/s, latency, the query count and the ratio to the bare view measured in the same run.
`--cpu N` instead measures the CPU time per request in this process (steadier on a busy machine);
`--profile N` instead runs the trivial page N times in this process under cProfile and prints the
functions with the most cumulative time. Never asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import os
import pstats
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courses_lesson_page as base

DB = base.OUT / "common_path.sqlite3"
SETTINGS = "common_path_settings"
SETTINGS_SOURCE = base.settings_source("common_path.py", f"{SETTINGS}_urls", DB)
URLS_SOURCE = textwrap.dedent(
    """
    from django.http import HttpResponse
    from django.template.response import TemplateResponse
    from django.urls import path

    from trainingsite.decorators import role_required
    from trainingsite.roles import Role
    from trainingsite.urls import urlpatterns as site_urlpatterns


    def bare(request):
        return HttpResponse("hello")


    @role_required(Role.AGENT)
    def trivial(request):
        return TemplateResponse(request, "base.html", {})


    # Both go through the same middleware stack as every page.
    urlpatterns = [path("bench/bare/", bare), path("bench/trivial/", trivial), *site_urlpatterns]
    """
)
PAGES = ("bare view", "trivial page", "people", "learner dashboard")


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": os.pathsep.join([str(base.ROOT), str(base.OUT)]),
        "DATABASE_URL": f"sqlite:///{DB}",
    }


def prepare() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """A fresh database with the demo; the newcomer's and the team lead's cookies and the URLs."""
    (base.OUT / "static").mkdir(parents=True, exist_ok=True)
    (base.OUT / f"{SETTINGS}.py").write_text(SETTINGS_SOURCE)
    (base.OUT / f"{SETTINGS}_urls.py").write_text(URLS_SOURCE)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    env = environment()
    subprocess.run([base.BIN / "python", "manage.py", "migrate", "-v0"], cwd=base.ROOT, env=env, check=True)
    subprocess.run(
        [base.BIN / "python", "manage.py", "load_demo"],
        cwd=base.ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    sys.path[:0] = [str(base.ROOT), str(base.OUT)]
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    User = get_user_model()
    lead = User.objects.filter(groups__name="Team leads", is_active=True).order_by("pk").first()
    cookies = {}
    for role, user in (("learner", User.objects.get(username="newcomer")), ("lead", lead)):
        client = Client()
        client.force_login(user)
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    pages = {
        "bare view": ("learner", "/bench/bare/"),
        "trivial page": ("learner", "/bench/trivial/"),
        "people": ("lead", reverse("people:list")),
        "learner dashboard": ("learner", reverse("learner_dashboard")),
    }
    return cookies, pages


def query_counts(cookies: dict[str, str], pages: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    queries = {}
    for name, (role, url) in pages.items():
        client = Client(HTTP_COOKIE=cookies[role])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        queries[name] = [q["sql"] for q in context.captured_queries]
    return queries


def profile(cookies: dict[str, str], pages: dict[str, tuple[str, str]], runs: int) -> None:
    from django.test import Client

    role, url = pages["trivial page"]
    client = Client(HTTP_COOKIE=cookies[role])
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)


def wait_ready(port: int, path: str) -> None:
    """gunicorn's port opens before its workers have imported the project: wait for real answers."""
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn's workers did not answer")


def cpu_times(cookies: dict[str, str], pages: dict[str, tuple[str, str]], runs: int) -> dict[str, float]:
    """Median CPU time per request in this process (ms), through the test client: on a shared
    machine this moves far less than throughput does, since other processes' load is not counted."""
    from django.test import Client

    times = {}
    for name, (role, url) in pages.items():
        client = Client(HTTP_COOKIE=cookies[role])
        client.get(url)
        batches = []
        for _ in range(7):
            start = time.process_time()
            for _ in range(runs):
                client.get(url)
            batches.append((time.process_time() - start) / runs * 1000)
        times[name] = sorted(batches)[len(batches) // 2]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, help="profile the trivial page N times instead")
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument(
        "--cpu", type=int, default=0, help="instead of loading a server, N requests per batch in this process"
    )
    args = parser.parse_args()

    print("Preparing a scratch database with the demo ...", flush=True)
    cookies, pages = prepare()
    queries = query_counts(cookies, pages)
    if args.show_queries:
        for name, sqls in queries.items():
            print(f"\n{name}: {len(sqls)} queries")
            for sql in sqls:
                print(f"  {sql[:200]}")
    if args.profile:
        profile(cookies, pages, args.profile)
        return
    if args.cpu:
        times = cpu_times(cookies, pages, args.cpu)
        print(f"\nCPU time per request in one process (test client, SQLite demo), median of 7 x {args.cpu}")
        print(f"{'page':<19}{'ms':>8}{'queries':>9}  ratio to bare view")
        for name, ms in times.items():
            ratio = "1" if name == "bare view" else f"{ms / times['bare view']:.1f} x"
            print(f"{name:<19}{ms:>8.2f}{len(queries[name]):>9}  {ratio}")
        return

    load = base.run_wrk if shutil.which("wrk") else base.run_loop
    tool = (
        "wrk -t2 -c16" if load is base.run_wrk else "Python loop, 16 threads (install wrk for fair figures)"
    )
    base.environment = environment  # the shared server helper reads the environment from here
    port = base.free_port()
    server = base.start_server(port)
    try:
        wait_ready(port, pages["bare view"][1])
        for name in ("bare view", "trivial page"):  # warm both workers
            role, url = pages[name]
            load(port, url, cookies[role], 1)
        results = {}
        for name in PAGES:
            role, url = pages[name]
            results[name] = load(port, url, cookies[role], args.seconds)
            print(f"  {name}: {results[name][0]:.0f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)

    bare = results["bare view"][0]
    print(f"\ngunicorn 2 sync workers, SQLite (demo), DEBUG off; load: {tool}, {args.seconds}s per URL")
    print(f"{'page':<19}{'req/s':>8}{'p50':>10}{'p99':>10}{'queries':>9}  ratio to bare view")
    for name, (rate, p50, p99) in results.items():
        ratio = "1" if name == "bare view" else f"1/{bare / rate:.1f} ({100 * rate / bare:.0f} %)"
        print(f"{name:<19}{rate:>8.0f}{p50:>10}{p99:>10}{len(queries[name]):>9}  {ratio}")
    print("Target (docs/benchmarks): front-end pages at a quarter of the bare view or better.")
    if load is base.run_loop:
        print("Note: the Python loop cannot saturate the bare view: these ratios look better than they are.")


if __name__ == "__main__":
    main()
