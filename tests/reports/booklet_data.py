"""A published round for the booklet tests: the publication's snapshot tables written with known
figures (what ``reports.services.publication_create`` writes from accepted submissions), so that the
tests can look for exact numbers in the PDF."""

import datetime

from datacollection.models import Round
from reports.models import Publication, PublishedEnrolment, PublishedSchool
from schools.models import School
from tests.factories import SchoolFactory, amphoe

AS_OF = datetime.date(2026, 6, 10)

# name, amphoe (DOPA), level, {grade: (male, female)}
SCHOOLS = [
    ("บ้านน้ำกระจาย", "9011", School.Level.KINDER_PRIMARY, {"อ.1": (7, 5), "ป.1": (12, 11), "ป.6": (9, 14)}),
    ("วัดคูเต่า", "9011", School.Level.PRIMARY, {"ป.1": (3, 4), "ป.2": (5, 2)}),
    (
        "บ้านทุ่งตำเสา",
        "9012",
        School.Level.KINDER_LOWER_SECONDARY,
        {"อ.2": (10, 8), "ป.4": (21, 19), "ม.1": (15, 17), "ม.3": (11, 13)},
    ),
    ("ศรีสุวรรณวิทยา", "9012", School.Level.PRIMARY_LOWER_SECONDARY, {"ป.3": (1, 0), "ม.2": (0, 2)}),
]


def publish(*, academic_year=2569, number=1, schools=SCHOOLS, published_by=None) -> Publication:
    round_ = Round.objects.create(
        slug=Round.make_slug(Round.Kind.DMC, academic_year, number),
        kind=Round.Kind.DMC,
        academic_year=academic_year,
        number=number,
        label=f"DMC รอบที่ {number} ปีการศึกษา {academic_year}",
        as_of=AS_OF,
        opens_on=AS_OF - datetime.timedelta(days=10),
        deadline=AS_OF + datetime.timedelta(days=10),
        closes_on=AS_OF + datetime.timedelta(days=20),
        status=Round.Status.CLOSED,
    )
    publication = Publication.objects.create(
        round=round_, as_of=AS_OF, published_by=published_by, schools_expected=len(schools)
    )
    for name, dopa, level, grades in schools:
        school = SchoolFactory(name_th=name, amphoe=amphoe(dopa), level=level)
        male = sum(m for m, _ in grades.values())
        female = sum(f for _, f in grades.values())
        PublishedSchool.objects.create(
            publication=publication,
            school=school,
            code=school.code,
            name_th=name,
            amphoe=school.amphoe,
            level=level,
            size_code="small",
            size_label="ขนาดเล็ก",
            small_band_code="1-20" if male + female <= 20 else "101-120",
            small_band_label="1–20 คน" if male + female <= 20 else "101–120 คน",
            students_male=male,
            students_female=female,
            students_total=male + female,
        )
        for grade, (m, f) in grades.items():
            PublishedEnrolment.objects.create(
                publication=publication, school=school, grade=grade, sex="M", count=m
            )
            PublishedEnrolment.objects.create(
                publication=publication, school=school, grade=grade, sex="F", count=f
            )
    publication.schools_included = len(schools)
    publication.students_total = sum(sum(m + f for m, f in g.values()) for *_, g in schools)
    publication.save()
    return publication
