"""A small district with hand-countable students: four accepted schools and one that is not.

amphoe 9011 หาดใหญ่: school A (ป.1 3 boys 2 girls, ป.2 1 boy; all 6 poor; 3 of the boys visually
impaired), school B (ป.1 10 girls), school C (ป.3 7 boys, all visually impaired), school E (50 boys
in ป.1, submitted but NOT accepted). amphoe 9013 ควนเนียง: school D alone (ป.1 1 boy 1 girl, both
hearing impaired)."""

import datetime
import itertools

import pytest

from datacollection import services as round_services
from datacollection.models import Round, StudentRecord, Submission, Upload
from tests.factories import SchoolFactory, amphoe, dmc_round

_ids = itertools.count(1)


def add_students(round_, school, rows, *, status=Submission.Status.ACCEPTED):
    """``rows``: (grade, sex, disadvantage code, disability code), one per student."""
    submission = Submission.objects.get(round=round_, school=school)
    upload = Upload.objects.create(
        submission=submission, file="test.csv", original_name="test.csv", sha256="0" * 64, size=1,
        status=Upload.Status.VALID, rows=len(rows),
    )  # fmt: skip
    StudentRecord.objects.bulk_create(
        StudentRecord(
            upload=upload, round=round_, school=school, row_number=i + 2, national_id=f"1{next(_ids):012d}",
            grade=grade, sex=sex, first_name="เด็กทดสอบ", last_name=f"นามสกุล{i}", disadvantage=disadvantage,
            disability=disability,
        )
        for i, (grade, sex, disadvantage, disability) in enumerate(rows)
    )  # fmt: skip
    submission.current_upload = upload
    submission.status = status
    submission.save()
    return submission


def students(n, grade, sex, disadvantage="", disability=""):
    return [(grade, sex, disadvantage, disability)] * n


@pytest.fixture(autouse=True)
def _downloads_storage(tmp_path, monkeypatch):
    """Dataset files go to the test's folder (the field resolved its storage when the model loaded)."""
    from django.core.cache import cache
    from django.core.files.storage import FileSystemStorage

    from reports.models import DatasetVersion

    monkeypatch.setattr(
        DatasetVersion._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "downloads")
    )
    cache.clear()


@pytest.fixture
def district(db):
    return {
        "A": SchoolFactory(name_th="ก", amphoe=amphoe("9011")),
        "B": SchoolFactory(name_th="ข", amphoe=amphoe("9011")),
        "C": SchoolFactory(name_th="ค", amphoe=amphoe("9011")),
        "D": SchoolFactory(name_th="ง", amphoe=amphoe("9013")),
        "E": SchoolFactory(name_th="บ้านยังไม่รับรอง", amphoe=amphoe("9011")),
    }


def make_round(actor, schools, *, number=1, year=2569, close=True):
    as_of = datetime.date(year - 543, 6, 10) if number == 1 else datetime.date(year - 543, 11, 10)
    round_ = dmc_round(
        actor=actor, number=number, academic_year=year, schools=schools, as_of=as_of,
        opens_on=as_of - datetime.timedelta(days=9), deadline=as_of + datetime.timedelta(days=20),
        closes_on=as_of + datetime.timedelta(days=35),
    )  # fmt: skip
    return round_


def fill(round_, district):
    a = students(3, "ป.1", "M", "poor", "visual") + students(2, "ป.1", "F", "poor")
    add_students(round_, district["A"], a + students(1, "ป.2", "M", "poor"))
    add_students(round_, district["B"], students(10, "ป.1", "F"))
    add_students(round_, district["C"], students(7, "ป.3", "M", disability="visual"))
    add_students(
        round_,
        district["D"],
        students(1, "ป.1", "M", disability="hearing") + students(1, "ป.1", "F", disability="hearing"),
    )
    add_students(round_, district["E"], students(50, "ป.1", "M", "poor"), status=Submission.Status.SUBMITTED)


@pytest.fixture
def closed_round(district, district_staff):
    round_ = make_round(district_staff, list(district.values()))
    fill(round_, district)
    return round_services.round_close(round_, actor=district_staff)


@pytest.fixture
def publication(closed_round, district_staff):
    from reports.services import publication_create

    return publication_create(closed_round, actor=district_staff)


__all__ = ["Round", "add_students", "fill", "make_round", "students"]
