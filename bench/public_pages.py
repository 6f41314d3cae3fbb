"""Public pages under load: wrk against gunicorn (2 workers) on PostgreSQL with the demo district.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aoc_pages_bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/public_pages.py
    … bench/public_pages.py --duration 10 --connections 32      # the defaults
    … bench/public_pages.py --page /statistics/students/         # add a page (repeatable)

The database named in DATABASE_URL must contain "bench": it is created when missing, migrated and loaded
with the demo district (``seed_demo``, idempotent). With REDIS_URL the cache is Redis, as in production;
without it each gunicorn worker has its own local-memory cache (the output says so). Only this
benchmark's cache keys are used (``CACHE_KEY_PREFIX=aocpagesbench``); the cache is never flushed.

Side by side in the same run, at the same concurrency: ``/healthz``, the trivial view of the same app
(one ``SELECT 1``, a plain-text answer: the whole middleware stack and a database round trip, no
template), and the public pages as an anonymous visitor gets them: the home page, the school
directory, the statistics overview (``/statistics/``, the demo's published round) and any ``--page``.
Each page is fetched once before it is measured (a visitor after the first one gets the cached page),
then ``wrk -t2 -c32 -d10s --latency``. The machine may be shared, so the pages take turns with the
baseline for ``--rounds`` rounds (3), and each page's ratio is taken against the baseline of its own
round; the table shows the medians, and the worst round's p99.

Targets (issue "Speed of public pages"): each page serves at least half the trivial view's requests per
second, with p99 latency under 250 ms. Exit status: 0 when every target holds, 1 when one is missed, 2 on
a set-up error.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "/healthz"
PAGES = ["/", "/schools/", "/statistics/"]
TARGET_RATIO = 0.5
TARGET_P99_MS = 250.0


def configure_environment() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database whose name contains 'bench', "
            "e.g. postgres://postgres@127.0.0.1:5432/aoc_pages_bench"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aoc.settings")
    os.environ["DEBUG"] = "0"  # as in production: compiled templates cached, no query log
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on 127.0.0.1
    os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
    os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
    os.environ.setdefault("CACHE_KEY_PREFIX", "aocpagesbench")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")  # the demo's uploads run inline
    # DEBUG=0 serves static files through WhiteNoise's manifest: collected once into a temporary folder.
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="aocpagesbench-static-"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def ensure_database() -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def set_up() -> None:
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", quiet=True)
    print(f"demo district loaded ({time.perf_counter() - started:.1f} s)")
    call_command("collectstatic", interactive=False, verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments, no user input
        [sys.executable, "-m", "gunicorn", "aoc.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=dict(os.environ),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{BASELINE}", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def fetch(port: int, path: str) -> int:
    """One anonymous GET (warms the cache); the response's size in bytes."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return len(response.read())


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(port: int, path: str, *, connections: int, duration: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
               f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)[1])
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non_2xx": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


def cpu_per_request(path: str, repeat: int = 300) -> float:
    """CPU milliseconds per request of ``path`` served in this process (Django's test client, the cache
    warm): the server's own cost, which a busy machine does not inflate the way it inflates wall time."""
    from django.test import Client

    client = Client()
    client.get(path)
    started = time.process_time()
    for _ in range(repeat):
        client.get(path)
    return (time.process_time() - started) / repeat * 1000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (wrk -d)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (wrk -c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (wrk -t)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all pages, taking turns")
    parser.add_argument("--page", action="append", default=[], help="another public page to measure")
    args = parser.parse_args()

    configure_environment()
    try:
        set_up()
    except Exception as exc:  # set-up errors: say what failed, exit 2
        print(f"set-up failed: {exc}", file=sys.stderr)
        return 2
    cache = (
        "Redis" if os.environ.get("REDIS_URL") else "local memory, one per worker (set REDIS_URL for Redis)"
    )
    print(f"gunicorn, 2 workers, DEBUG=0; PostgreSQL; cache: {cache}; CPUs on this machine: {os.cpu_count()}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page\n")

    port = free_port()
    server = start_gunicorn(port)
    paths = [BASELINE, *PAGES, *args.page]
    runs: dict[str, list[dict]] = {path: [] for path in paths}
    sizes = {}
    try:
        for path in paths:
            sizes[path] = fetch(port, path)
            fetch(port, path)
        # The machine is shared: the pages take turns with the baseline, round after round, and each
        # page's ratio is taken against the baseline of its own round.
        for number in range(1, args.rounds + 1):
            for path in paths:
                result = run_wrk(
                    port, path, connections=args.connections, duration=args.duration, threads=args.threads
                )
                runs[path].append(result)
            print(
                f"round {number}: "
                + ", ".join(f"{p} {runs[p][-1]['rps']:.0f}/s p99 {runs[p][-1]['p99']:.0f} ms" for p in paths)
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    cpu = {path: cpu_per_request(path) for path in paths}
    missed = []
    print(
        f"\n{'page':<28}{'bytes':>9}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms':>8}  target"
        "   (medians of the rounds; p99: the worst round)"
    )
    for path in paths:
        ratios = [run["rps"] / base["rps"] for run, base in zip(runs[path], runs[BASELINE], strict=True)]
        rps = statistics.median(run["rps"] for run in runs[path])
        ratio = statistics.median(ratios)
        p50 = statistics.median(run["p50"] for run in runs[path])
        p99 = max(run["p99"] for run in runs[path])
        non_2xx = sum(run["non_2xx"] for run in runs[path])
        socket_errors = "; ".join(run["socket_errors"] for run in runs[path] if run["socket_errors"])
        if path == BASELINE:
            verdict = "(baseline)"
        else:
            ok = ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and not non_2xx
            verdict = "ok" if ok else "MISSED"
            if not ok:
                missed.append(path)
        notes = [f"{non_2xx} non-2xx"] if non_2xx else []
        if socket_errors:
            notes.append(f"socket errors: {socket_errors}")
        print(
            f"{path:<28}{sizes[path]:>9}{rps:>10.0f}{ratio:>8.2f}{p50:>9.1f}{p99:>9.1f}{cpu[path]:>8.2f}"
            f"  {verdict}" + (f"  ({'; '.join(notes)})" if notes else "")
        )
    print("CPU ms: CPU time per request served in-process by Django (cache warm), a cross-check of the ratio")
    print(f"\ntargets: req/s >= {TARGET_RATIO:.0%} of {BASELINE}, p99 < {TARGET_P99_MS:.0f} ms")
    if missed:
        print("missed: " + ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
