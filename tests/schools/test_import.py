"""The registry import: every row validated first, then all written or none; row-numbered errors."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aoc.models import AuditLog
from schools.models import School
from tests.factories import SchoolFactory

HEADER = "school_code,smis_code,area_code,name_th,level,amphoe_code,tambon,postcode\n"
GOOD = [
    "1090550174,90020001,9002,บ้านเขารักเกียรติ,อนุบาล-ประถมศึกษา,9009,เขาพระ,90180",
    "1090550175,90020002,9002,บ้านห้วยโอน,อนุบาล-ประถมศึกษา,9009,เขาพระ,90180",
]


def _csv(rows, encoding="utf-8-sig", name="schools.csv"):
    return SimpleUploadedFile(
        name, (HEADER + "\n".join(rows) + "\n").encode(encoding), content_type="text/csv"
    )


def _upload(client, file):
    return client.post(reverse("schools:registry-import"), {"file": file})


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_dry_run_then_confirm_imports_every_row(client_for, district_staff, encoding):
    client = client_for(district_staff)
    response = _upload(client, _csv(GOOD, encoding))
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 2
    assert not School.objects.exists()  # a dry run writes nothing

    response = client.post(reverse("schools:registry-import"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert set(School.objects.values_list("smis_code", flat=True)) == {"90020001", "90020002"}
    assert School.objects.get(code="1090550174").obec_code == "550174"
    [entry] = AuditLog.objects.filter(action="schools.registry.imported")
    assert entry.actor == district_staff
    assert entry.data["totals"]["new"] == 2


@pytest.mark.django_db
def test_one_bad_row_refuses_the_whole_file_with_its_row_number(client_for, district_staff):
    rows = [*GOOD, "1090550176,91020003,9002,บ้านควนนา,อนุบาล-ประถมศึกษา,9009,เขาพระ,90180"]  # province mismatch
    response = _upload(client_for(district_staff), _csv(rows))
    result = response.context["result"]
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert "smis_code" in invalid.error_dict
    assert "token" not in response.context
    assert not School.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_unknown_amphoe_and_level_are_row_errors_in_thai(client_for, district_staff):
    rows = ["1090550174,90020001,9002,บ้านเขารักเกียรติ,มหาวิทยาลัย,9999,เขาพระ,90180"]
    response = _upload(client_for(district_staff), _csv(rows))
    content = response.content.decode()
    assert "ไม่พบรหัส" in content
    assert "ไม่รู้จัก" in content
    assert not School.objects.exists()


@pytest.mark.django_db
def test_xlsx_updates_existing_schools(client_for, district_staff):
    school = SchoolFactory(code="1090550174", smis_code="90020001", name_th="ชื่อเดิม")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(GOOD[0].split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(district_staff)
    response = _upload(client, SimpleUploadedFile("schools.xlsx", buffer.getvalue()))
    assert response.context["result"].totals["update"] == 1
    client.post(reverse("schools:registry-import"), {"token": response.context["token"]})
    school.refresh_from_db()
    assert school.name_th == "บ้านเขารักเกียรติ"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02\x03binary junk\xff\xfe", b"PK\x03\x04 not really a zip"],
    ids=["empty", "binary", "broken-xlsx"],
)
def test_files_that_are_not_tables_get_a_clear_message(client_for, district_staff, content):
    response = _upload(client_for(district_staff), SimpleUploadedFile("schools.csv", content))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not School.objects.exists()


@pytest.mark.django_db
def test_export_round_trips_through_import(client_for, district_staff):
    SchoolFactory(
        code="1090550174", smis_code="90020001", name_th="บ้านเขารักเกียรติ", latitude="7.1", longitude="100.3"
    )
    client = client_for(district_staff)
    exported = client.get(reverse("schools:registry-export") + "?format=xlsx").content
    response = _upload(client, SimpleUploadedFile("export.xlsx", exported))
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1


@pytest.mark.django_db
def test_imported_names_are_stored_as_people_type_them(client_for, district_staff):
    rows = ["1090550174,90020001,9002,บ้านนํ้าขาว,อนุบาล-ประถมศึกษา,9009,เขาพระ,90180"]
    client = client_for(district_staff)
    response = _upload(client, _csv(rows))
    client.post(reverse("schools:registry-import"), {"token": response.context["token"]})
    assert School.objects.get().name_th == "บ้านน้ำขาว"
