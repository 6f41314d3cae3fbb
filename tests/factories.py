"""Shared factories. Codes follow the real shapes (DOMAIN.md): 10-digit school codes 1090xxxxxx and
8-digit SMIS codes of area 9002."""

import datetime

import factory
from django.contrib.auth.hashers import make_password

from aoc.models import User
from schools.models import Amphoe, DataOfficer, EnrolmentFigure, Membership, School

PASSWORD = "correct-horse-battery"
_HASHED = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "สมชาย"
    last_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = _HASHED
    role = User.Role.SCHOOL_OFFICER


def amphoe(dopa_code: str = "9011") -> Amphoe:
    """Amphoes are reference data loaded by a migration."""
    return Amphoe.objects.get(dopa_code=dopa_code)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"1090{550500 + n:06d}")
    smis_code = factory.Sequence(lambda n: f"9002{5000 + n:04d}")
    area_code = "9002"
    name_th = factory.Sequence(lambda n: f"บ้านทดสอบ{n}")
    level = School.Level.KINDER_PRIMARY
    amphoe = factory.LazyFunction(amphoe)
    tambon = "คอหงส์"
    phone = "074-000-000"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolmentFigure

    school = factory.SubFactory(SchoolFactory)
    as_of = datetime.date(2026, 6, 10)
    students = 100
    source = EnrolmentFigure.Source.DEMO


class DataOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataOfficer

    school = factory.SubFactory(SchoolFactory)
    full_name = factory.Sequence(lambda n: f"นางสาวทดสอบ ข้อมูล{n}")
    position = "ครู"
    phone = "081-234-5678"
    handles_dmc = True


def officer_of(school: School, **kwargs) -> User:
    user = UserFactory(role=User.Role.SCHOOL_OFFICER, **kwargs)
    Membership.objects.create(user=user, school=school)
    return user


def dmc_round(*, actor, number=2, academic_year=2569, status="open", schools=(), **dates):
    """A DMC round created and opened through the services, as district staff would."""
    from datacollection import services
    from datacollection.models import Round

    defaults = {
        "label": f"DMC รอบที่ {number} ปีการศึกษา {academic_year}",
        "as_of": datetime.date(2026, 11, 10),
        "opens_on": datetime.date(2026, 11, 1),
        "deadline": datetime.date(2099, 11, 30),
        "closes_on": datetime.date(2099, 12, 31),
    } | dates
    round_ = services.round_create(
        actor=actor, kind=Round.Kind.DMC, academic_year=academic_year, number=number,
        target_schools=list(schools) or None, **defaults,
    )  # fmt: skip
    if status == "open":
        services.round_open(round_, actor=actor)
    return round_


def submission_with_students(round_, school, students, *, status="submitted"):
    """``school``'s submission to ``round_`` in ``status``, whose current upload holds ``students``:
    dicts of ``StudentRecord`` fields (``national_id`` and ``grade`` at least; names are made up from
    the ID when missing). Written directly, as ``datacollection.storage`` would leave them."""
    from datacollection.models import StudentRecord, Submission, Upload

    submission, _created = Submission.objects.get_or_create(round=round_, school=school)
    upload = Upload.objects.create(
        submission=submission,
        file=f"uploads/test/{school.code}.csv",
        original_name=f"{school.code}.csv",
        sha256="0" * 64,
        size=1,
        status=Upload.Status.VALID,
        rows=len(students),
    )
    records = []
    for row_number, student in enumerate(students, start=2):
        national_id = student["national_id"]
        id_kind = (
            "gcode" if national_id.startswith("G") else "foreign" if national_id.startswith("0") else "thai"
        )
        fields = {
            "first_name": f"ชื่อ{national_id[-4:]}",
            "last_name": f"สกุล{national_id[-4:]}",
            "prefix": "เด็กชาย",
            "sex": "M",
            "id_kind": id_kind,
            "birth_date": datetime.date(2015, 1, 1),
        } | student
        records.append(
            StudentRecord(upload=upload, round=round_, school=school, row_number=row_number, **fields)
        )
    StudentRecord.objects.bulk_create(records)
    submission.status = status
    submission.current_upload = upload
    submission.save(update_fields=["status", "current_upload"])
    return submission
