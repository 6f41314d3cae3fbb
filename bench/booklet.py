"""Booklet benchmark: the annual booklet (PDF) of the demo district and of a generated 1,000-school
province, each built in a child process whose wall time and peak memory (RSS) are measured.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aoc_booklet_bench .venv/bin/python bench/booklet.py
    … bench/booklet.py --schools 1000      # the province's size (the default)
    … bench/booklet.py --skip-province     # only the demo district

The database named in DATABASE_URL is created if missing, migrated and owned by the benchmark (its name
must contain "bench"): the demo district is loaded into it (seed_demo), its closed DMC round is
published by the system if nothing is published yet, and a generated province (schools, a DMC round and
its publication, with EMIS and B-OBEC publications of the same year, all marked generated) is added once
and reused. The PDFs go to a temporary directory
(--keep DIR keeps them there).

Exit status: 0 when every target holds, 1 when one does not (the output says which), 2 on a usage or
set-up error. What is measured, and why, is in bench/README.md.
"""

import argparse
import copy
import datetime
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRICT_TARGET_S = 60
PROVINCE_TARGET_S = 6 * 60
PROVINCE_RSS_MB = 1024
# Kind, academic year and number of the generated province's DMC round; its EMIS and B-OBEC rounds
# have the same year and number. A year of its own, so that the demo district's EMIS and B-OBEC
# publications (2569) are not taken into the province's booklet, nor the province's into the demo's.
PROVINCE_ROUND = ("dmc", 2568, 9)
PROVINCE_AS_OF = datetime.date(2025, 6, 10)
GRADES = ("อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3")


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in url.rsplit("/", 1)[-1]:
        print(
            "DATABASE_URL must name a PostgreSQL database whose name contains 'bench', e.g. "
            "postgres://postgres@127.0.0.1:5432/aoc_booklet_bench",
            file=sys.stderr,
        )
        sys.exit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aoc.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            connection.execute(f'CREATE DATABASE "{db["NAME"]}"')


def district_publication():
    from django.core.management import call_command

    from datacollection.models import Round
    from reports import services, statistics

    call_command("seed_demo", verbosity=0)
    demo = statistics.publication_list("dmc").exclude(round__number=PROVINCE_ROUND[2]).first()
    if demo is None:
        round_ = Round.objects.filter(kind="dmc", status=Round.Status.CLOSED).order_by("-as_of").first()
        demo = services.publication_create(round_, actor=None, is_generated=True)
    return demo


def province_publication(n_schools):
    """A generated province: ``n_schools`` schools over Songkhla's 16 amphoes and a publication of
    their figures (snapshot tables written directly, in bulk: this measures the booklet, not publishing)."""
    from django.db import transaction

    from datacollection.models import Round
    from reports.models import Publication, PublishedEnrolment, PublishedSchool
    from schools.models import Amphoe, School

    kind, year, number = PROVINCE_ROUND
    slug = Round.make_slug(kind, year, number)
    existing = Publication.objects.filter(round__slug=slug).first()
    if existing is not None and existing.schools_included == n_schools:
        return existing
    with transaction.atomic():
        if existing is not None:
            existing.delete()
            Round.objects.filter(slug=slug).delete()
        School.objects.filter(code__startswith="10909").delete()
        as_of = PROVINCE_AS_OF
        round_ = Round.objects.create(
            slug=slug, kind=kind, academic_year=year, number=number,
            label=f"DMC จังหวัดตัวอย่าง (สร้างขึ้น) {n_schools:,} โรงเรียน", as_of=as_of,
            opens_on=as_of, deadline=as_of, closes_on=as_of, status=Round.Status.CLOSED,
        )  # fmt: skip
        amphoes = list(Amphoe.objects.filter(dopa_code__startswith="90").order_by("dopa_code"))
        levels = list(School.Level.values)
        rnd = random.Random(2569)
        first_parts, second_parts = (
            ["ทุ่ง", "หนอง", "ควน", "คลอง", "นา"],
            ["น้ำใส", "ไม้แก่น", "ตำเสา", "หว้า", "ลุ่ม"],
        )
        schools = School.objects.bulk_create(
            School(
                code=f"10909{i:05d}", smis_code=f"9099{i:04d}", area_code="9099",
                name_th=f"บ้าน{rnd.choice(first_parts)}{rnd.choice(second_parts)} {i + 1}",
                level=rnd.choice(levels), amphoe=amphoes[i % len(amphoes)], generated_fields=["all"],
            )
            for i in range(n_schools)
        )  # fmt: skip
        publication = Publication.objects.create(
            round=round_,
            as_of=as_of,
            schools_expected=n_schools,
            schools_included=n_schools,
            is_generated=True,
        )
        published, enrolments = [], []
        for school in schools:
            grades = School.GRADES_BY_LEVEL[school.level]
            scale = rnd.choice([3, 8, 15, 40])
            counts = {g: (rnd.randint(0, scale), rnd.randint(0, scale)) for g in grades}
            male = sum(m for m, _ in counts.values())
            female = sum(f for _, f in counts.values())
            total = male + female
            size = "small" if total <= 120 else "medium" if total <= 600 else "large"
            published.append(
                PublishedSchool(
                    publication=publication, school=school, code=school.code, name_th=school.name_th,
                    amphoe=school.amphoe, level=school.level, size_code=size,
                    size_label={"small": "ขนาดเล็ก", "medium": "ขนาดกลาง", "large": "ขนาดใหญ่"}[size],
                    small_band_code="small" if total <= 120 else "over-120",
                    small_band_label="ไม่เกิน 120 คน" if total <= 120 else "มากกว่า 120 คน",
                    students_male=male, students_female=female, students_total=total,
                )
            )  # fmt: skip
            for grade, (m, f) in counts.items():
                enrolments.append(
                    PublishedEnrolment(publication=publication, school=school, grade=grade, sex="M", count=m)
                )
                enrolments.append(
                    PublishedEnrolment(publication=publication, school=school, grade=grade, sex="F", count=f)
                )
        PublishedSchool.objects.bulk_create(published)
        PublishedEnrolment.objects.bulk_create(enrolments, batch_size=5000)
        publication.students_total = sum(p.students_total for p in published)
        publication.save(update_fields=["students_total"])
    return publication


def province_companions(publication):
    """The province's EMIS and B-OBEC publications of the same year (generated, written in bulk):
    teachers and staff, classrooms per grade and buildings per school, with the categories, ranks and
    building types (and their labels) the demo district's own publications use."""
    from django.db import transaction

    from datacollection.models import Round
    from reports.models import (
        Publication,
        PublishedBuildingCount,
        PublishedClassroom,
        PublishedEnrolment,
        PublishedSchool,
        PublishedStaff,
    )

    _kind, year, number = PROVINCE_ROUND
    schools = list(PublishedSchool.objects.filter(publication=publication).order_by("code"))
    staff_kinds = list(
        PublishedStaff.objects.exclude(publication__round__academic_year=year)
        .values_list("category", "category_label", "category_order", "rank", "rank_label", "is_teaching")
        .distinct()
        .order_by("category_order", "rank")
    )
    building_types = list(
        PublishedBuildingCount.objects.exclude(publication__round__academic_year=year)
        .values_list("building_type", "type_label", "type_order")
        .distinct()
        .order_by("type_order")
    )
    rnd = random.Random(2568)
    for kind, label in (("emis", "EMIS"), ("bobec", "B-OBEC")):
        slug = Round.make_slug(kind, year, number)
        existing = Publication.objects.filter(round__slug=slug).first()
        if existing is not None and existing.schools.count() == len(schools):
            continue
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            Round.objects.filter(slug=slug).delete()
            round_ = Round.objects.create(
                slug=slug, kind=kind, academic_year=year, number=number,
                label=f"{label} จังหวัดตัวอย่าง (สร้างขึ้น) {len(schools):,} โรงเรียน", as_of=PROVINCE_AS_OF,
                opens_on=PROVINCE_AS_OF, deadline=PROVINCE_AS_OF, closes_on=PROVINCE_AS_OF,
                status=Round.Status.CLOSED,
            )  # fmt: skip
            companion = Publication.objects.create(
                round=round_, as_of=PROVINCE_AS_OF, schools_expected=len(schools),
                schools_included=len(schools), students_total=publication.students_total, is_generated=True,
            )  # fmt: skip
            # Every publication has its own snapshot of the schools it covers.
            snapshot = [copy.copy(school) for school in schools]
            for school in snapshot:
                school.pk, school.publication = None, companion
            PublishedSchool.objects.bulk_create(snapshot)
            if kind == "emis":
                enrolment = {}
                for school_id, grade, sex, count in PublishedEnrolment.objects.filter(
                    publication=publication
                ).values_list("school", "grade", "sex", "count"):
                    enrolment.setdefault((school_id, grade), {"M": 0, "F": 0})[sex] = count
                PublishedClassroom.objects.bulk_create(
                    [
                        PublishedClassroom(
                            publication=companion,
                            school_id=school_id,
                            grade=grade,
                            male=c["M"],
                            female=c["F"],
                            rooms=max(1, (c["M"] + c["F"] + 39) // 40),
                        )
                        for (school_id, grade), c in enrolment.items()
                    ],
                    batch_size=5000,
                )
                staff = []
                for school in schools:
                    for category, c_label, order, rank, r_label, teaching in staff_kinds:
                        if rnd.random() < 0.5:
                            continue
                        staff.append(
                            PublishedStaff(
                                publication=companion, school_id=school.school_id, category=category,
                                category_label=c_label, category_order=order, rank=rank, rank_label=r_label,
                                is_teaching=teaching, male=rnd.randint(0, 3), female=rnd.randint(0, 4),
                            )
                        )  # fmt: skip
                PublishedStaff.objects.bulk_create(staff, batch_size=5000)
            else:
                counts = []
                for school in schools:
                    for code, t_label, order in building_types:
                        for condition in ("good", "fair", "poor"):
                            if rnd.random() < 0.6:
                                continue
                            counts.append(
                                PublishedBuildingCount(
                                    publication=companion, school_id=school.school_id, building_type=code,
                                    type_label=t_label, type_order=order, condition=condition,
                                    count=rnd.randint(1, 3),
                                )
                            )  # fmt: skip
                PublishedBuildingCount.objects.bulk_create(counts, batch_size=5000)


def build(publication_id, output):
    """In the child process: what the Celery task does, without the Booklet row."""
    from reports.booklet.services import render_booklet
    from reports.models import Publication

    pages = render_booklet(Publication.objects.select_related("round").get(pk=publication_id), output)
    print(pages)


def measure(publication_id, output):
    """Build in a child process; its wall time (s), peak RSS (MB) and page count."""
    started = time.monotonic()
    child = subprocess.Popen(  # noqa: S603 - this script itself, with an id it chose
        [sys.executable, __file__, "--build", str(publication_id), "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    out = child.stdout.read()
    child.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"the build of publication {publication_id} failed", file=sys.stderr)
        sys.exit(2)
    return wall, usage.ru_maxrss / 1024, int(out.strip().splitlines()[-1]), usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--skip-province", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="write the PDFs to DIR and keep them")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.build:
        build(args.build, args.output)
        return 0

    from django.core.management import call_command

    create_database()
    call_command("migrate", verbosity=0)
    cases = [("demo district", district_publication(), DISTRICT_TARGET_S, None)]
    if not args.skip_province:
        province = province_publication(args.schools)
        province_companions(province)
        cases.append(
            (
                f"province, {args.schools:,} schools",
                province,
                PROVINCE_TARGET_S,
                PROVINCE_RSS_MB,
            )
        )
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-booklet-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"{'case':<26} {'schools':>7} {'pages':>5} {'wall s':>7} {'cpu s':>6} {'peak RSS MB':>11}  target")
    failed = False
    for name, publication, seconds, rss in cases:
        output = directory / f"booklet-{publication.pk}.pdf"
        wall, peak, pages, cpu = measure(publication.pk, output)
        ok = wall < seconds and (rss is None or peak < rss)
        failed |= not ok
        target = f"< {seconds} s" + (f", < {rss} MB" if rss else "")
        figures = f"{publication.schools_included:>7,} {pages:>5} {wall:>7.1f} {cpu:>6.1f} {peak:>11.0f}"
        print(f"{name:<26} {figures}  {target} {'ok' if ok else 'MISSED'}")
    if not args.keep:
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
