"""DMC import benchmark: the portal's upload path against ``psql \\copy`` of the same file, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aocbench .venv/bin/python bench/dmc_import.py
    … bench/dmc_import.py --rows 30000 --repeat 3      # the district-file check (the default)
    … bench/dmc_import.py --million                     # also a 1,000,000-row file: wall time, peak RSS
    … bench/dmc_import.py --profile                     # also cProfile one portal run (top functions)

The database named in DATABASE_URL is created if missing, migrated, and owned by the benchmark: its
data-collection tables are emptied at the start of every run, so its name must contain "bench".
Nothing is written under var/: the uploaded files go to a temporary PRIVATE_ROOT that is deleted at
the end (--keep keeps it).

Exit status: 0 when every target holds, 1 when one does not (the output says which), 2 on a usage or
set-up error. What is measured, and why, is in bench/README.md.
"""

import argparse
import cProfile
import csv
import datetime
import io
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHOOL_CODE = "1090550174"
TITLE_ROWS = 2  # samples.write_csv writes two title rows above the header, as schools' exports do
RATIO_TARGET = 2.0
RSS_TARGET_MB = 300
MILLION = 1_000_000
# A 36-column CSV of a million students is about 520 MB: above the default DMC_UPLOAD_MAX_BYTES
# (300 MB), so the --million run raises the limit for itself and says so.
MILLION_MAX_BYTES = 1024**3


@dataclass
class Run:
    wall: float  # seconds, as a person with a stopwatch would see it
    cpu_client: float  # CPU seconds of psql / of this Python process
    cpu_server: float | None  # CPU seconds of the PostgreSQL backend (None: not readable)
    rows: int

    @property
    def cpu(self) -> float | None:
        return None if self.cpu_server is None else self.cpu_client + self.cpu_server


# --- Set-up -------------------------------------------------------------------------------------------


def configure_environment(private_root: Path, *, million: bool) -> list[str]:
    """Environment for Django (this process and the child): production-like, files in a temp dir."""
    notes = []
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/aocbench",
            file=sys.stderr,
        )
        sys.exit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aoc.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log, no debug wrappers
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["PRIVATE_ROOT"] = str(private_root)
    os.environ["MEDIA_ROOT"] = str(private_root.parent / "media")
    if million and "DMC_UPLOAD_MAX_BYTES" not in os.environ:
        os.environ["DMC_UPLOAD_MAX_BYTES"] = str(MILLION_MAX_BYTES)
        notes.append(
            f"DMC_UPLOAD_MAX_BYTES raised to {MILLION_MAX_BYTES // 1024**2} MB for this run: the "
            "million-row file is larger than the default limit (300 MB)."
        )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return notes


def setup_django() -> None:
    import django

    django.setup()


def ensure_database() -> None:
    """Create the benchmark database if it does not exist (connecting to the server's ``postgres``)."""
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
    if "bench" not in name:  # the benchmark empties the data-collection tables of its database
        print(f"refusing to use database {name!r}: its name must contain 'bench'", file=sys.stderr)
        sys.exit(2)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def prepare_state(columns: int):
    """Migrate, empty the data-collection tables, make the school and an open round. Returns the
    school's submission."""
    from django.core.management import call_command
    from django.db import connection

    from datacollection import services
    from datacollection.models import Round, Submission, Upload
    from schools.models import Amphoe, School

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE datacollection_studentrecord")
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        plain = ", ".join(f"c{i:02d} text" for i in range(1, columns + 1))
        cursor.execute(f"CREATE TABLE bench_plain ({plain})")
    Submission.objects.update(current_upload=None)
    Upload.objects.all().delete()
    Submission.objects.all().delete()
    Round.objects.all().delete()

    # A real-looking extended school (อ.1–ม.3) of the district, in อำเภอหาดใหญ่ (reference data).
    school, _ = School.objects.update_or_create(
        code=SCHOOL_CODE,
        defaults={
            "smis_code": "90020174",
            "area_code": "9002",
            "name_th": "บ้านทุ่งตำเสา",
            "name_en": "Ban Thung Tam Sao School",
            "level": School.Level.KINDER_LOWER_SECONDARY,
            "amphoe": Amphoe.objects.get(dopa_code="9011"),
            "tambon": "ทุ่งตำเสา",
            "postcode": "90110",
            "phone": "074-000-174",
        },
    )
    today = datetime.date.today()
    round_ = services.round_create(
        actor=None,
        kind=Round.Kind.DMC,
        academic_year=2569,
        number=1,
        target_schools=[school],
        label="DMC รอบที่ 1 ปีการศึกษา 2569 (benchmark)",
        as_of=today,
        opens_on=today - datetime.timedelta(days=1),
        deadline=today + datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    services.round_open(round_, actor=None)
    return Submission.objects.select_related("round", "school").get(round=round_, school=school)


def write_file(path: Path, rows: int, submission, *, seed: int) -> Path:
    """The school's file (UTF-8 with BOM, title rows) and, for psql, the same file from its header row
    on. Returns the second one."""
    from datacollection import samples

    school = submission.school
    students = samples.iter_students(
        rows,
        school_code=school.code,
        school_grades=school.grades,
        school_name=school.display_name,
        seed=seed,
        as_of=submission.round.as_of,
    )
    samples.write_csv(
        students, path, title_rows=TITLE_ROWS, as_of=submission.round.as_of, school_name=school.display_name
    )
    plain = path.with_name(path.stem + "-plain.csv")
    with open(path, "rb") as source, open(plain, "wb") as target:
        for _ in range(TITLE_ROWS):  # the title lines; the BOM goes with the first of them
            source.readline()
        shutil.copyfileobj(source, target, 1024 * 1024)
    with open(plain, encoding="utf-8", newline="") as f:
        columns = len(next(csv.reader(f)))
    if columns != len(samples.columns()):
        raise RuntimeError(f"the file has {columns} columns, bench_plain {len(samples.columns())}")
    return plain


# --- CPU of the database backend ----------------------------------------------------------------------

# The backend's own CPU time, read from /proc by the backend itself (a superuser may read server files;
# the benchmark connects as one on a developer machine). Without it the CPU columns are left out.
CPU_SQL = "SELECT pg_read_file('/proc/self/stat')"
_TICK = os.sysconf("SC_CLK_TCK")


def _stat_cpu(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15 of stat)


def backend_cpu() -> float | None:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(CPU_SQL)
            return _stat_cpu(cursor.fetchone()[0])
    except DatabaseError:
        return None


def own_cpu(who=resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- The two paths ------------------------------------------------------------------------------------


def truncate_both() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_plain")
        cursor.execute("TRUNCATE datacollection_studentrecord")


def psql_copy(plain: Path, *, with_cpu: bool, into: str = "") -> tuple[Run, float | None]:
    """``psql \\copy`` of the plain file into ``bench_plain``, the whole psql command timed. Returns
    the run and the COPY's own time as psql's \\timing reports it. ``into``: another target, a
    ``table (columns)`` that the file (COPY's text format) is loaded into instead."""
    source = "WITH (FORMAT csv, HEADER true)" if not into else ""
    script = [f"\\copy {into or 'bench_plain'} FROM '{plain}' {source}".rstrip()]
    if with_cpu:
        script = [f"SELECT 'cpu0 ' || ({CPU_SQL});", "\\timing on", *script, "\\timing off"]
        script.append(f"SELECT 'cpu1 ' || ({CPU_SQL});")
    else:
        script = ["\\timing on", *script]
    command = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", os.environ["DATABASE_URL"]]
    cpu_before = own_cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - psql with arguments made here
        command, input="\n".join(script) + "\n", capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    cpu_client = own_cpu(resource.RUSAGE_CHILDREN) - cpu_before
    if done.returncode:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    out = done.stdout + done.stderr
    timing = re.search(r"Time: ([\d.]+) ms", out)
    count = re.search(r"COPY (\d+)", out)
    server = None
    if with_cpu:
        stats = dict(re.findall(r"^(cpu[01]) (.*)$", done.stdout, re.M))
        server = _stat_cpu(stats["cpu1"]) - _stat_cpu(stats["cpu0"])
    run = Run(wall, cpu_client, server, int(count.group(1)) if count else -1)
    return run, float(timing.group(1)) / 1000 if timing else None


def portal_import(path: Path, submission, *, with_cpu: bool, profile: cProfile.Profile | None = None):
    """The portal's path as the web request and the Celery task run it: upload_receive (checksum, keep
    the file) then upload_process (read, validate, COPY, cross-row checks, swap, audit).
    Returns (run, seconds in upload_receive, UploadResult)."""
    from django.core.files import File

    from datacollection import services

    server_before = backend_cpu() if with_cpu else None
    cpu_before = own_cpu()
    started = time.perf_counter()
    if profile:
        profile.enable()
    with open(path, "rb") as fh:
        upload = services.upload_receive(
            submission, actor=None, file=File(fh, name=path.name), name=path.name
        )
    received = time.perf_counter()
    result = services.upload_process(upload.pk)
    if profile:
        profile.disable()
    wall = time.perf_counter() - started
    cpu_client = own_cpu() - cpu_before
    server = backend_cpu() - server_before if with_cpu else None
    return Run(wall, cpu_client, server, result.imported), received - started, result


STORED_COLUMNS = (
    "upload_id, round_id, school_id, row_number, national_id, id_kind, grade, room, student_number, sex, "
    "prefix, first_name, last_name, birth_date, weight_kg, height_cm, blood_group, religion, nationality, "
    "disadvantage, disability, raw"
)


def database_share(tmp: Path, repeat: int, *, with_cpu: bool) -> list[Run]:
    """The rows of the portal's last run, written out with ``COPY TO`` and loaded back by ``psql \\copy``
    into ``datacollection_studentrecord`` (its indexes and column types as they are): the database's part
    of the portal's work with no Python at all, a floor under the portal's time."""
    stored = tmp / "stored.copy"
    table = f"datacollection_studentrecord ({STORED_COLUMNS})"
    command = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", os.environ["DATABASE_URL"]]
    subprocess.run(  # noqa: S603 - psql with arguments made here
        command,
        input=f"\\copy (SELECT {STORED_COLUMNS} FROM datacollection_studentrecord) TO '{stored}'\n",  # noqa: S608
        capture_output=True,
        text=True,
        check=True,
    )
    runs = []
    for _ in range(repeat):
        truncate_both()
        run, _timing = psql_copy(stored, with_cpu=with_cpu, into=table)
        runs.append(run)
    stored.unlink()
    return runs


def check_imported(result, rows: int) -> str | None:
    from datacollection.models import StudentRecord

    if result.status != "imported":
        return f"portal import {result.status}: {result.errors[:3]}"
    stored = StudentRecord.objects.filter(upload_id=result.upload_id).count()
    if stored != rows:
        return f"portal stored {stored} rows, expected {rows}"
    return None


# --- Cases --------------------------------------------------------------------------------------------


def district_case(args, tmp: Path, submission) -> bool:
    path = tmp / f"dmc-{args.rows}.csv"
    started = time.perf_counter()
    plain = write_file(path, args.rows, submission, seed=7)
    size_mb = path.stat().st_size / 1024**2
    print(f"generated {args.rows:,} rows, {size_mb:.1f} MB, in {time.perf_counter() - started:.1f} s")
    with_cpu = backend_cpu() is not None

    # Warm up both paths once on a small file: a worker is a long-lived process, and the first run
    # would pay for imports and the lookup tables.
    warm_plain = write_file(tmp / "warm.csv", 300, submission, seed=1)
    truncate_both()
    psql_copy(warm_plain, with_cpu=with_cpu)
    portal_import(tmp / "warm.csv", submission, with_cpu=with_cpu)

    copies, portals, copy_only, receives, problems = [], [], [], [], []
    for number in range(1, args.repeat + 1):  # side by side, alternating
        truncate_both()
        copy, timing = psql_copy(plain, with_cpu=with_cpu)
        if copy.rows != args.rows:
            problems.append(f"psql copied {copy.rows} rows, expected {args.rows}")
        truncate_both()
        portal, receive, result = portal_import(path, submission, with_cpu=with_cpu)
        if problem := check_imported(result, args.rows):
            problems.append(problem)
        copies.append(copy)
        portals.append(portal)
        copy_only.append(timing if timing is not None else copy.wall)
        receives.append(receive)
        print(f"  run {number}: \\copy {copy.wall:.3f} s, portal {portal.wall:.3f} s")

    floors = database_share(tmp, args.repeat, with_cpu=with_cpu)

    median = statistics.median
    copy_s, portal_s = median(r.wall for r in copies), median(r.wall for r in portals)
    ratio = portal_s / copy_s
    ok = ratio <= RATIO_TARGET and not problems

    def line(label, values, rows=True):
        runs = "".join(f"{v:9.3f}" for v in values)
        rate = f"{args.rows / median(values):>10,.0f}" if rows else ""
        return f"{label:<36}{runs}{median(values):9.3f}{rate}"

    print()
    print(
        f"District file: {args.rows:,} rows, {size_mb:.1f} MB CSV (UTF-8 with BOM, {TITLE_ROWS} title rows, "
        f"36 columns); {args.repeat} runs side by side; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(f"{'seconds':<36}{'':>{9 * args.repeat}}{'median':>9}{'rows/s':>10}")
    print(line("psql \\copy into a plain table", [r.wall for r in copies]))
    print(line("  COPY alone (psql \\timing)", copy_only))
    print(line("portal: upload_receive + _process", [r.wall for r in portals]))
    print(line("  of which upload_receive", receives, rows=False))
    if with_cpu:
        print(line("CPU s, psql + its backend", [r.cpu for r in copies], rows=False))
        print(line("CPU s, portal + its backend", [r.cpu for r in portals], rows=False))
        print(line("  of which the backend", [r.cpu_server for r in portals], rows=False))
    print(line("psql \\copy of the stored rows (*)", [r.wall for r in floors]))
    if with_cpu:
        print(line("  CPU s, psql + its backend", [r.cpu for r in floors], rows=False))
        print(line("    of which the backend", [r.cpu_server for r in floors], rows=False))
    print(
        f"ratio portal / \\copy: {ratio:.2f}x (target <= {RATIO_TARGET:g}x) -> {'PASS' if ok else 'FAIL'}"
        f"; against the COPY alone {portal_s / median(copy_only):.2f}x"
        + (
            f"; in CPU seconds {median(r.cpu for r in portals) / median(r.cpu for r in copies):.2f}x"
            if with_cpu
            else ""
        )
    )
    print(
        f"(*) the database's share, no Python: the rows the portal stored, loaded by psql \\copy into its "
        f"table: {median(r.wall for r in floors) / copy_s:.2f}x the plain \\copy"
    )
    for problem in problems:
        print(f"  problem: {problem}")

    if args.profile:
        truncate_both()
        profile = cProfile.Profile()
        portal_import(path, submission, with_cpu=False, profile=profile)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats("tottime").print_stats(25)
        print("\ncProfile of one portal run (this process only; by own time):")
        print(out.getvalue())
    truncate_both()
    return ok


def million_case(tmp: Path, submission) -> bool:
    from django.core.files import File

    from datacollection import services

    path = tmp / f"dmc-{MILLION}.csv"
    started = time.perf_counter()
    plain = write_file(path, MILLION, submission, seed=11)
    size_mb = path.stat().st_size / 1024**2
    print(f"\ngenerated {MILLION:,} rows, {size_mb:.0f} MB, in {time.perf_counter() - started:.0f} s")

    truncate_both()
    copy, _timing = psql_copy(plain, with_cpu=False)
    plain.unlink()
    truncate_both()

    # The web request's part (keep the file) here; the worker's part in a process of its own, whose
    # peak RSS is the figure: what a Celery worker needs to process the file.
    started = time.perf_counter()
    with open(path, "rb") as fh:
        upload = services.upload_receive(
            submission, actor=None, file=File(fh, name=path.name), name=path.name
        )
    receive_s = time.perf_counter() - started
    path.unlink()  # the portal keeps its own copy; spare the disk

    started = time.perf_counter()
    with open(tmp / "child.out", "w+") as out:
        child = subprocess.Popen(  # noqa: S603 - this script, run as the worker's stand-in
            [sys.executable, __file__, "--process-upload", str(upload.pk)], stdout=out
        )
        _, status, usage = os.wait4(child.pid, 0)
        process_s = time.perf_counter() - started
        out.seek(0)
        output = out.read().strip()
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux

    problems = []
    code = os.waitstatus_to_exitcode(status)
    if code:
        problems.append(f"the processing process exited with {code}")
    summary = json.loads(output.splitlines()[-1]) if output else {}
    if summary.get("status") != "imported" or summary.get("imported") != MILLION:
        problems.append(
            f"portal import: {summary.get('status')}, {summary.get('imported')} rows, "
            f"errors {summary.get('errors', [])[:3]}"
        )
    ok = peak_mb < RSS_TARGET_MB and not problems

    print(
        f"National-scale file: {MILLION:,} rows, {size_mb:.0f} MB CSV; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  psql \\copy into a plain table  {copy.wall:7.1f} s  {MILLION / copy.wall:>9,.0f} rows/s")
    print(f"  portal upload_receive          {receive_s:7.1f} s")
    print(
        f"  portal upload_process (child)  {process_s:7.1f} s  {MILLION / process_s:>9,.0f} rows/s, "
        f"peak RSS {peak_mb:.0f} MB (target < {RSS_TARGET_MB} MB) -> {'PASS' if ok else 'FAIL'}"
    )
    print(f"  ratio (receive + process) / \\copy: {(receive_s + process_s) / copy.wall:.1f}x (no target)")
    for problem in problems:
        print(f"  problem: {problem}")
    truncate_both()
    return ok


def process_upload_child(upload_id: int) -> None:
    """Run in the child: the worker's part, then one JSON line with the result."""
    from datacollection import services

    summary = services.upload_process(upload_id).as_dict()
    summary["errors"], summary["warnings"] = summary["errors"][:5], summary["warnings"][:5]
    print(json.dumps(summary, ensure_ascii=False, default=str))


# --- Main ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000, help="rows of the district file (30000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path; the median counts (3)")
    parser.add_argument("--million", action="store_true", help="also process a 1,000,000-row file")
    parser.add_argument("--profile", action="store_true", help="also cProfile one portal run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--process-upload", type=int, help=argparse.SUPPRESS)  # the child's entry
    args = parser.parse_args()

    if args.process_upload:  # the child, with the parent's environment
        configure_environment(Path(os.environ["PRIVATE_ROOT"]), million=False)
        setup_django()
        process_upload_child(args.process_upload)
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="aoc-bench-"))
    try:
        notes = configure_environment(tmp / "private", million=args.million)
        ensure_database()
        setup_django()
        from django.conf import settings

        from datacollection import samples

        print(
            f"AOC DMC import benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
            f"database {settings.DATABASES['default']['NAME']}, "
            f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
        )
        for note in notes:
            print(f"note: {note}")
        submission = prepare_state(columns=len(samples.columns()))
        ok = district_case(args, tmp, submission)
        if args.million:
            ok = million_case(tmp, submission) and ok
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
