"""GeoJSON benchmark: ``/api/v1/schools.geojson`` with 30,000 schools, and the map that reads it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aocgisbench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/geojson.py
    … bench/geojson.py --schools 30000 --repeat 50     # the defaults
    … bench/geojson.py --no-http                        # only the in-process test client
    … bench/geojson.py --browser                        # also the map page in headless Chromium

The database named in DATABASE_URL is created if missing, migrated, and owned by the benchmark (its name
must contain "bench"): its schools are replaced by ``--schools`` generated ones at every run
(``bulk_create``), unless ``--reuse`` finds exactly that many. With REDIS_URL the cache is Redis, as in
production (otherwise Django's local-memory cache: the figures then say so). Only the benchmark's own cache
keys are deleted, never the whole cache.

Measured: the first (cold) build; requests served from the cache, in-process (Django test client) and over
HTTP from gunicorn on 127.0.0.1; a conditional GET (304); the size of the file, plain and gzipped; with
--browser, the map page in Chromium: time to a clustered map, the number of marker elements in the page,
and the time a filter takes.

Exit status: 0 when every target holds (served from cache in under 300 ms at the 95th percentile, under
2 MB gzipped), 1 when one is missed, 2 on a set-up error. What is measured and why: bench/GEOJSON.md.
"""

import argparse
import gzip
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
TARGET_GZIP_BYTES = 2 * 1024 * 1024
URL = "/api/v1/schools.geojson"

PREFIXES = ("บ้าน", "วัด", "ชุมชนบ้าน", "บ้านควน", "บ้านทุ่ง", "บ้านคลอง", "บ้านหนอง", "บ้านนา", "วัดควน")
PLACES = (
    "ควนลัง", "คลองแห", "ทุ่งตำเสา", "พะตง", "น้ำน้อย", "ท่าข้าม", "คอหงส์", "คูเต่า", "ฉลุง", "บางกล่ำ",
    "ท่าช้าง", "แม่ทอม", "บ้านหาร", "โคกม่วง", "คลองหลา", "ควนเนียง", "รัตภูมิ", "กำแพงเพชร", "ท่าชะมวง",
    "เขาพระ", "ห้วยลึก", "บางเหรียง", "ควนโส", "โหนด", "พรุ", "ไร่", "สะพานไม้แก่น", "ปลักธง", "ต้นส้าน",
)  # fmt: skip
SUFFIXES = ("", "", "", "ใน", "นอก", "เหนือ", "ใต้", "ออก", "ตก", "ใหม่", "สามัคคี", "พัฒนา", "วิทยา")


# --- Set-up -------------------------------------------------------------------------------------------


def configure_environment() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/aocgisbench"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aoc.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log, no debug wrappers
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on 127.0.0.1
    os.environ.setdefault("CACHE_KEY_PREFIX", "aocgisbench")
    # WhiteNoise (DEBUG=0) looks for collected static files; the API needs none: an empty directory.
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="aocgisbench-static-"))
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
    name = config["NAME"]
    if "bench" not in name:  # the benchmark replaces the schools of its database
        print(f"refusing to use database {name!r}: its name must contain 'bench'", file=sys.stderr)
        sys.exit(2)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def seed(n: int, *, reuse: bool, seed_value: int = 2569) -> float:
    """Replace the schools with ``n`` generated ones (with enrolment and some public photos), in bulk.
    Returns the seconds it took (0 when reused)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from schools.models import Amphoe, EnrolmentFigure, School, SchoolPhoto

    call_command("migrate", verbosity=0, interactive=False)
    if reuse and School.objects.count() == n:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed_value)
    amphoes = list(Amphoe.objects.order_by("dopa_code"))
    from django.conf import settings

    south, west, north, east = settings.PROVINCE_BOUNDS
    # Villages: schools gather around a few hundred places, as they do on a real map.
    towns = [
        (rng.uniform(south + 0.05, north - 0.05), rng.uniform(west + 0.05, east - 0.05)) for _ in range(400)
    ]
    levels = [("kinder_primary", 0.8), ("kinder_lower_secondary", 0.15), ("primary", 0.05)]
    with transaction.atomic():
        with connection.cursor() as cursor:  # the benchmark owns this database
            cursor.execute(
                "TRUNCATE schools_schoolphoto, schools_enrolmentfigure, schools_membership, "
                "schools_dataofficer, gis_proposalevent, gis_proposal, datacollection_submission, "
                "datacollection_round_target_schools, schools_school RESTART IDENTITY CASCADE"
            )
        schools = []
        for i in range(n):
            town = towns[i % len(towns)]
            distance, angle = abs(rng.gauss(0, 0.03)), rng.uniform(0, 2 * math.pi)
            lat = min(max(town[0] + distance * math.cos(angle), south), north)
            lon = min(max(town[1] + distance * math.sin(angle), west), east)
            area = i // 10000 + 1
            name = f"{rng.choice(PREFIXES)}{rng.choice(PLACES)}{rng.choice(SUFFIXES)}"
            schools.append(
                School(
                    code=f"1090{i:06d}",
                    smis_code=f"90{area:02d}{i % 10000:04d}",
                    area_code=f"90{area:02d}",
                    name_th=name,
                    name_en="",
                    level=rng.choices([lv for lv, _w in levels], [w for _lv, w in levels])[0],
                    amphoe=amphoes[(i * 7) % len(amphoes)],
                    tambon=rng.choice(PLACES),
                    phone=f"074-{rng.randint(200, 899)}-{rng.randint(100, 999)}",
                    email=f"school{i}@example.org" if rng.random() < 0.5 else "",
                    website=f"https://school{i}.example.org" if rng.random() < 0.3 else "",
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                    generated_fields=["latitude", "longitude", "phone", "email"],
                )
            )
        School.objects.bulk_create(schools, batch_size=2000)
        created = list(School.objects.order_by("pk").values_list("pk", flat=True))
        EnrolmentFigure.objects.bulk_create(
            [
                EnrolmentFigure(
                    school_id=pk,
                    as_of="2026-06-10",
                    students=max(0, int(rng.lognormvariate(4.8, 0.9))),
                    source=EnrolmentFigure.Source.DEMO,
                )
                for pk in created
            ],
            batch_size=5000,
        )
        SchoolPhoto.objects.bulk_create(
            [
                SchoolPhoto(school_id=pk, image=f"schools/bench/{pk}-{k}.jpg", caption="อาคารเรียน", order=k)
                for pk in created
                if rng.random() < 0.1
                for k in range(1, 3)
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- Measuring ----------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def forget(params: dict) -> None:
    """Delete the cache entry of ``params`` only (never the whole cache: it may be shared)."""
    from django.core.cache import cache

    from gis.api.views import cache_key
    from gis.selectors import MapFilters
    from schools.selectors import default_size_scheme

    cache.delete(cache_key(MapFilters(**params), default_size_scheme()))


def in_process(repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    gzip_header = {"Accept-Encoding": "gzip"}
    figures = {}
    forget({})
    started = time.perf_counter()
    response = client.get(URL, headers=gzip_header)
    figures["cold_ms"] = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    figures["gzip_bytes"] = len(response.content)
    figures["raw_bytes"] = len(gzip.decompress(response.content))
    figures["schools"] = int(response["X-Schools-Count"])
    etag = response["ETag"]

    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(URL, headers=gzip_header)
        warm.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    figures["warm_ms"] = warm
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, headers=gzip_header)
    figures["warm_queries"] = len(queries)
    reset_queries()

    from gis.selectors import registry_version
    from schools.selectors import default_size_scheme

    scheme = default_size_scheme()
    version = []
    for _ in range(repeat):
        started = time.perf_counter()
        registry_version(scheme)
        version.append((time.perf_counter() - started) * 1000)
    figures["version_ms"] = version

    not_modified = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(URL, headers={**gzip_header, "If-None-Match": etag})
        not_modified.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 304
    figures["304_ms"] = not_modified

    forget({"amphoe": "9011"})
    started = time.perf_counter()
    response = client.get(URL, {"amphoe": "9011"}, headers=gzip_header)
    figures["filtered_cold_ms"] = (time.perf_counter() - started) * 1000
    filtered = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(URL, {"amphoe": "9011"}, headers=gzip_header)
        filtered.append((time.perf_counter() - started) * 1000)
    figures["filtered_warm_ms"] = filtered
    figures["filtered_schools"] = int(response["X-Schools-Count"])
    figures["filtered_gzip_bytes"] = len(response.content)
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="0")
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments, no user input
        [sys.executable, "-m", "gunicorn", "aoc.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def over_http(repeat: int) -> dict:
    """Requests to gunicorn on 127.0.0.1 (2 workers), gzip accepted, the cache already warm."""
    port = free_port()
    server = start_gunicorn(port)
    try:
        url = f"http://127.0.0.1:{port}{URL}"

        def fetch(headers):
            request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **headers})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 -- 127.0.0.1 only
                    body = response.read()
                    status, etag = response.status, response.headers["ETag"]
            except urllib.error.HTTPError as exc:  # 304 arrives as an "error" in urllib
                body, status, etag = b"", exc.code, exc.headers["ETag"]
            return (time.perf_counter() - started) * 1000, status, etag, body

        _ms, status, etag, _body = fetch({})  # each worker may build its connection first
        for _ in range(3):
            fetch({})
        warm = [fetch({})[0] for _ in range(repeat)]
        not_modified = []
        for _ in range(repeat):
            ms, status, _etag, _body = fetch({"If-None-Match": etag})
            assert status == 304, status
            not_modified.append(ms)
        return {"warm_ms": warm, "304_ms": not_modified}
    finally:
        server.terminate()
        server.wait(timeout=10)


def in_browser() -> dict:
    """The map page in headless Chromium, served by gunicorn as in production (DEBUG=0, static files
    collected into the temporary STATIC_ROOT and served by WhiteNoise; the GeoJSON from the same cache)."""
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("collectstatic", interactive=False, verbosity=0)
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    port = free_port()
    server = start_gunicorn(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/map/")
            page.wait_for_selector("#map-app[data-state=ready]", timeout=120_000)
            ready_ms = (time.perf_counter() - started) * 1000
            timings = page.evaluate("window.aocMap.timings")
            page.wait_for_timeout(1500)  # chunked loading finishes
            elements = page.evaluate("document.querySelectorAll('.leaflet-marker-icon').length")
            started = time.perf_counter()
            page.select_option("#id_amphoe", "9011")
            page.wait_for_function("window.aocMap.timings.filter !== undefined")
            page.wait_for_timeout(50)
            filter_ms = page.evaluate("window.aocMap.timings.filter")
            # Zooming in and out: how long until the map is idle again.
            zoom_ms = page.evaluate(
                """() => new Promise(resolve => {
                    const map = window.aocMap.map, t0 = performance.now();
                    map.once('zoomend', () => map.once('zoomend', () => resolve(performance.now() - t0)));
                    map.zoomIn(1, {animate: false});
                    setTimeout(() => map.zoomOut(1, {animate: false}), 0);
                })"""
            )
            browser.close()
        return {
            "ready_ms": ready_ms,
            "timings": timings,
            "elements": elements,
            "filter_ms": filter_ms,
            "zoom_ms": zoom_ms,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- Report -------------------------------------------------------------------------------------------


def describe(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):7.1f} ms · p95 {percentile(values, 95):7.1f} ms · "
        f"max {max(values):7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the schools when there are exactly --schools"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn run")
    parser.add_argument("--browser", action="store_true", help="also time the map page in headless Chromium")
    args = parser.parse_args()

    configure_environment()
    try:
        ensure_database()
        import django

        django.setup()
        seconds = seed(args.schools, reuse=args.reuse)
    except Exception as exc:  # set-up problems are not benchmark results
        print(f"set-up failed: {exc}", file=sys.stderr)
        return 2

    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"schools: {args.schools:,} ({'reused' if not seconds else f'bulk_create {seconds:.1f} s'}); "
          f"cache: {backend}; DEBUG={settings.DEBUG}; {args.repeat} requests per case")  # fmt: skip
    figures = in_process(args.repeat)
    http = None if args.no_http else over_http(args.repeat)
    browser = in_browser() if args.browser else None

    rows = [
        ("file", f"{figures['schools']:,} features · {figures['raw_bytes'] / 1e6:.2f} MB plain · "
                 f"{figures['gzip_bytes'] / 1e6:.2f} MB gzipped ({figures['gzip_bytes'] / 1024:,.0f} KiB)"),
        ("cold build (cache miss)", f"{figures['cold_ms']:.0f} ms"),
        ("cached, test client", describe(figures["warm_ms"]) + f" · {figures['warm_queries']} queries"),
        ("304, test client", describe(figures["304_ms"])),
        ("  of which registry version", describe(figures["version_ms"])),
        ("amphoe=9011 cold / cached", f"{figures['filtered_cold_ms']:.0f} ms / "
                                      + describe(figures["filtered_warm_ms"])
                                      + f" · {figures['filtered_schools']:,} schools, "
                                      f"{figures['filtered_gzip_bytes'] / 1e6:.2f} MB gz"),
    ]  # fmt: skip
    if http:
        rows += [
            ("cached, HTTP (gunicorn)", describe(http["warm_ms"])),
            ("304, HTTP (gunicorn)", describe(http["304_ms"])),
        ]
    if browser:
        t = browser["timings"]
        ready = (
            f"{browser['ready_ms']:.0f} ms from navigation (map script to clustered map {t.get('total')} ms: "
            f"fetch+parse {t.get('fetch')} ms, markers {t.get('markers')} ms, "
            f"first render {t.get('firstRender')} ms)"
        )
        rows += [
            ("map page ready (Chromium)", ready),
            (
                "marker elements in the page",
                f"{browser['elements']:,} (clustered, of {figures['schools']:,})",
            ),
            ("filter by amphoe (Chromium)", f"{browser['filter_ms']} ms"),
            ("zoom in + out (Chromium)", f"{browser['zoom_ms']:.0f} ms"),
        ]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}")

    checks = [
        ("cached p95 < 300 ms (test client)", percentile(figures["warm_ms"], 95) < TARGET_MS),
        ("gzipped < 2 MB", figures["gzip_bytes"] < TARGET_GZIP_BYTES),
    ]
    if http:
        checks.append(("cached p95 < 300 ms (HTTP)", percentile(http["warm_ms"], 95) < TARGET_MS))
    print()
    for label, ok in checks:
        print(f"{'OK  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
