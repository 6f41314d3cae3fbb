"""The demo district's published statistics.

- DMC round 1 of the current academic year (every school accepted by ``datacollection.demo``) is
  published through the real service, so the public pages, the downloads and the API show figures
  from the first ``make run``.
- For the trend pages, the rounds 1 and 2 of the three academic years before are added as closed rounds
  with generated publications: each school's figures of this year scaled back by a steady decline (as
  Thai primary enrolment has been falling), marked "ข้อมูลตัวอย่าง (สร้างขึ้น)" like the rest of the demo.
  They have no student records behind them and write no download files.

Idempotent: a round that already has a publication is left as it is.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from aoc import thaidate
from aoc.audit import audit_log
from datacollection import services as round_services
from datacollection.models import Round
from reports import services
from reports.models import Publication, PublishedCategoryCount, PublishedEnrolment, PublishedSchool
from schools.models import SizeScheme
from schools.selectors import size_of

HISTORY_YEARS = 3
YEARLY_CHANGE = 0.975  # about 2.5 % fewer students each year going back is ×1/0.975
ROUND_2_CHANGE = 0.992  # a few students leave between June and November
GENERATED_NOTE = "ข้อมูลย้อนหลังสร้างขึ้นเพื่อสาธิตแนวโน้ม (ไม่มีข้อมูลรายบุคคล)"


@dataclass
class PublicationsSeedResult:
    created: list[str] = field(default_factory=list)


def seed_demo_publications(*, today: datetime.date | None = None) -> PublicationsSeedResult:
    today = today or timezone.localdate()
    year_be = thaidate.academic_year(today)
    result = PublicationsSeedResult()
    current = Round.objects.filter(slug=Round.make_slug(Round.Kind.DMC, year_be, 1)).first()
    if current is None:
        return result
    if not current.publications.exists() and not services.publication_check(current):
        services.publication_create(current, actor=None, is_generated=True)
        result.created.append(current.slug)
    base = current.publications.order_by("-published_at").first()
    if base is None:
        return result
    for years_back in range(HISTORY_YEARS, 0, -1):
        for number in (1, 2):
            factor = YEARLY_CHANGE**years_back * (ROUND_2_CHANGE if number == 2 else 1)
            slug = _history(base, year_be - years_back, number, factor)
            if slug:
                result.created.append(slug)
    return result


@transaction.atomic
def _history(base: Publication, year_be: int, number: int, factor: float) -> str | None:
    slug = Round.make_slug(Round.Kind.DMC, year_be, number)
    if Publication.objects.filter(round__slug=slug).exists():
        return None
    year = thaidate.ce_year(year_be)
    as_of = datetime.date(year, 6, 10) if number == 1 else datetime.date(year, 11, 10)
    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None:
        round_ = round_services.round_create(
            actor=None,
            kind=Round.Kind.DMC,
            academic_year=year_be,
            number=number,
            label=f"DMC รอบที่ {number} ปีการศึกษา {year_be} (ข้อมูล ณ {thaidate.format_date(as_of)})",
            as_of=as_of,
            opens_on=as_of - datetime.timedelta(days=9),
            deadline=as_of + datetime.timedelta(days=20),
            closes_on=as_of + datetime.timedelta(days=35),
        )
        round_services.round_close(round_, actor=None)
    rng = random.Random(slug)

    def scale(n: int) -> int:
        value = n * factor * rng.uniform(0.97, 1.03)
        whole = int(value)
        return whole + (1 if rng.random() < value - whole else 0)

    publication = Publication.objects.create(
        round=round_,
        as_of=as_of,
        published_at=timezone.make_aware(
            datetime.datetime.combine(as_of + datetime.timedelta(days=50), datetime.time(10))
        ),
        note=GENERATED_NOTE,
        schools_expected=base.schools_expected,
        schools_included=base.schools_included,
        is_generated=True,
    )
    enrolments = [
        PublishedEnrolment(
            publication=publication, school_id=e.school_id, grade=e.grade, sex=e.sex, count=scale(e.count)
        )
        for e in base.enrolments.all()
    ]
    PublishedEnrolment.objects.bulk_create(enrolments)
    PublishedCategoryCount.objects.bulk_create(
        PublishedCategoryCount(
            publication=publication, school_id=c.school_id, category=c.category, code=c.code, label=c.label,
            count=scale(c.count),
        )
        for c in base.category_counts.all()
    )  # fmt: skip
    totals = {}
    for e in enrolments:
        male, female = totals.get(e.school_id, (0, 0))
        totals[e.school_id] = (male + e.count, female) if e.sex == "M" else (male, female + e.count)
    size_bands = list(SizeScheme.objects.get(is_default=True).bands.all())
    small_scheme = SizeScheme.objects.filter(code="small-school-bands").order_by("-version").first()
    small_bands = list(small_scheme.bands.all()) if small_scheme else []
    schools = []
    for s in base.schools.all():
        male, female = totals.get(s.school_id, (0, 0))
        size, band = size_of(male + female, size_bands), size_of(male + female, small_bands)
        schools.append(
            PublishedSchool(
                publication=publication, school_id=s.school_id, code=s.code, name_th=s.name_th,
                amphoe_id=s.amphoe_id, level=s.level, size_code=size.code, size_label=size.label,
                small_band_code=band.code, small_band_label=band.label, students_male=male,
                students_female=female, students_total=male + female,
            )
        )  # fmt: skip
    PublishedSchool.objects.bulk_create(schools)
    publication.students_total = sum(s.students_total for s in schools)
    publication.save(update_fields=["students_total"])
    audit_log(None, "reports.publication.created", publication, {"round": slug, "generated": True})
    return slug
