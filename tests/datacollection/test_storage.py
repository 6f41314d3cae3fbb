"""Bulk writes with COPY (datacollection/storage.py): every value comes back as it went in, whatever
characters it holds: the COPY text is built by hand, so its escaping is pinned here."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile

from datacollection import samples, services
from datacollection.kinds.dmc_kind import COLUMNS
from datacollection.models import StudentRecord, Submission, Upload
from datacollection.storage import copy_columns
from tests.factories import dmc_round

AWKWARD = [
    "plain",
    "",
    "tab\there",
    "new\nline",
    "carriage\rreturn",
    "back\\slash",
    "\\N",
    '"quoted"',
    "ไทย ๑๒๓",
    "\\t not a tab",
    "end\\",
    "\u2028line separator",
    "\x01control",
]
TEXT_COLUMNS = COLUMNS[4:18]  # national_id … disability


@pytest.fixture
def upload(district_staff, school_a, officer_a):
    round_ = dmc_round(actor=district_staff, schools=[school_a])
    submission = Submission.objects.get(round=round_, school=school_a)
    return Upload.objects.create(
        submission=submission,
        uploaded_by=officer_a,
        original_name="x.csv",
        size=1,
        status=Upload.Status.PROCESSING,
    )


@pytest.mark.django_db
def test_copy_columns_keeps_every_character_null_and_json_value(upload):
    sub = upload.submission
    raws = [[value, "x"] for value in AWKWARD] + [
        [],
        ["a", None, 1],
        {"key": "tab\tback\\slash"},
        ["only"],
        ['a"b'],
        ["a\\b"],
        None,
    ]
    rows = []
    for n, raw in enumerate(raws, start=1):
        texts = [AWKWARD[(n + i) % len(AWKWARD)] for i in range(len(TEXT_COLUMNS))]
        texts[TEXT_COLUMNS.index("id_kind")] = ("thai", "\\N", "a\tb", "")[n % 4]  # varchar(8)
        texts[TEXT_COLUMNS.index("sex")] = ("M", "\t", "\\", "\n", "")[n % 5]  # varchar(1)
        birth = datetime.date(2016, 1, n) if n % 2 else None
        weight = Decimal("18.50") if n % 3 else None
        rows.append((upload.pk, sub.round_id, sub.school_id, n, *texts, birth, weight, Decimal(120) + n, raw))
    # column by column, as the readers hand them over, in batches that take the quick way (plain cells
    # only) and the careful one
    cuts = [0, 2, 8, 9, 13, 14, 16, 17, len(rows)]
    parts = [rows[a:b] for a, b in itertools.pairwise(cuts)]
    batches = [[list(column) for column in zip(*part, strict=True)] for part in parts]
    assert copy_columns(StudentRecord, COLUMNS, iter(batches)) == len(rows)
    stored = {r.row_number: r for r in StudentRecord.objects.filter(upload=upload)}
    assert len(stored) == len(rows)
    for row in rows:
        record = stored[row[3]]
        assert tuple(getattr(record, name) for name in COLUMNS[4:]) == row[4:], row[3]


@pytest.mark.django_db
def test_a_file_with_awkward_cells_is_stored_as_written(upload, officer_a):
    school = upload.submission.school
    students = samples.make_students(
        len(AWKWARD), school_code=school.code, school_grades=school.grades, as_of=datetime.date(2026, 11, 10)
    )
    for student, value in zip(students, AWKWARD, strict=True):
        student["street"] = samples.Raw(value)
        student["tambon"] = samples.Raw(value.replace("\n", " ").replace("\r", " ") + " ตำบล")
    content = samples.csv_bytes(students, as_of=datetime.date(2026, 11, 10))

    received = services.upload_receive(
        upload.submission, actor=officer_a, file=SimpleUploadedFile("dmc.csv", content), name="dmc.csv"
    )
    result = services.upload_process(received.pk)
    assert result.status == "imported", result.errors[:3]
    records = StudentRecord.objects.filter(upload_id=received.pk).order_by("row_number")
    headers = Upload.objects.get(pk=received.pk).headers
    street = headers.index("ถนน/ซอย")
    assert [r.raw[street] for r in records] == AWKWARD


@pytest.mark.django_db
def test_a_weight_that_rounds_to_1000_is_out_of_range_not_a_failed_upload(upload, officer_a):
    school = upload.submission.school
    students = samples.make_students(
        5, school_code=school.code, school_grades=school.grades, as_of=datetime.date(2026, 11, 10)
    )
    samples.defect(students, 2, "weight_kg", "999.999")
    content = samples.csv_bytes(students, as_of=datetime.date(2026, 11, 10))
    received = services.upload_receive(
        upload.submission, actor=officer_a, file=SimpleUploadedFile("dmc.csv", content), name="dmc.csv"
    )
    result = services.upload_process(received.pk)
    assert result.status == "rejected"
    [error] = result.errors
    assert (error["row"], error["code"]) == (samples.data_row(2), "number_out_of_range")
    assert error["column"] == "น้ำหนัก"


@pytest.mark.django_db
def test_raw_cells_survive_the_serializers(upload):
    """dumpdata/loaddata of student records keep the raw cells (JSON kept as text)."""
    sub = upload.submission
    cells = ["1101700203451", 'เด็กชาย "ต้น"', "", "back\\slash"]
    StudentRecord.objects.create(
        upload=upload, round_id=sub.round_id, school_id=sub.school_id, row_number=4, national_id="x",
        grade="ป.1", first_name="ต้น", last_name="ดี", raw=cells,
    )  # fmt: skip
    dumped = serializers.serialize("json", StudentRecord.objects.filter(upload=upload))
    [restored] = serializers.deserialize("json", dumped)
    assert restored.object.raw == cells
