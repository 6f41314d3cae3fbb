"""EMIS rounds: the template round trip, every validation rule with its Thai message and cell, the web
forms through the one workflow, acceptance writing the registry changes, roles and scope, audit rows,
the DMC prefill and its differences, ``import_submission`` and the selectors statistics read."""

import datetime
import io
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from aoc.models import AuditLog
from datacollection import emis_services, samples, selectors, services, workflow
from datacollection.kinds import get_kind
from datacollection.kinds.emis_kind import current_data, load_data
from datacollection.management.commands import import_submission
from datacollection.models import (
    EmisRegistryChange,
    EmisStaffCount,
    EmisStudentCount,
    Submission,
    SubmissionEvent,
    Upload,
)
from tests.datacollection.emis_support import (
    AS_OF,
    accept,
    emis_round,
    find_row,
    submission_of,
    upload,
    workbook,
    xlsx_bytes,
)
from tests.factories import dmc_round

S = Submission.Status
KIND = get_kind("emis")


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return emis_round(actor=district_staff, schools=[school_a, school_b])


@pytest.fixture
def sub_a(round_, school_a):
    return submission_of(round_, school_a)


def _url(name, submission, **kwargs):
    return reverse(
        f"datacollection:{name}",
        kwargs={"slug": submission.round.slug, "code": submission.school.code, **kwargs},
    )


def _filled_template(submission) -> "workbook":
    """The template with a plausible school filled in: students in two grades, teachers, a link."""
    wb = workbook(KIND.template(submission))
    ws = wb["นักเรียน"]
    for grade, male, female, rooms in (("ป.1", 12, 10, 1), ("ป.2", 9, 11, 1)):
        row = find_row(ws, grade)
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 5).value = male, female, rooms
    ws = wb["บุคลากร"]
    ws.cell(find_row(ws, "ผู้อำนวยการ", "คศ.3"), 3).value = 1
    row = find_row(ws, "ครู", "คศ.2")
    ws.cell(row, 3).value, ws.cell(row, 4).value = 2, 4
    ws = wb["คอมพิวเตอร์"]
    row = find_row(ws, "เพื่อการเรียนการสอน", "งบประมาณ สพฐ.")
    ws.cell(row, 3).value, ws.cell(row, 4).value = 20, 2
    wb["อินเทอร์เน็ต"].append(["MOENet", "Fiber optic", 500, "ใช้งานได้", 0])
    ws = wb["ครุภัณฑ์"]
    ws.cell(find_row(ws, "22029"), 3).value = 1
    ws = wb["ข้อมูลพื้นฐาน"]
    ws.cell(find_row(ws, "email"), 4).value = "kuanlang@school.example"
    return wb


# --- The template round trip --------------------------------------------------------------------


@pytest.mark.django_db
def test_template_round_trip_download_fill_upload_gives_the_same_data(sub_a, officer_a):
    wb = _filled_template(sub_a)
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "imported", result.errors
    data = load_data(sub_a)
    assert data.students["ป.1"] == {"male": 12, "female": 10, "rooms": 1, "explanation": ""}
    assert data.staff[("teacher", "k2")] == {"male": 2, "female": 4, "explanation": ""}
    assert data.computers[("teaching", "obec")] == {"working": 20, "broken": 2}
    assert data.internet == [
        {
            "provider": "moenet",
            "link_type": "fiber",
            "speed_mbps": 500,
            "status": "working",
            "monthly_cost": 0,
        }
    ]
    assert data.equipment["22029"] == {"working": 1, "broken": 0}
    assert data.basic == {"email": "kuanlang@school.example"}
    sub_a.refresh_from_db()
    assert sub_a.status == S.DRAFT
    assert sub_a.current_upload_id == result.upload_id

    # Download again: the template carries the draft back unchanged.
    again = upload(sub_a, KIND.template(sub_a), actor=officer_a)
    assert again.status == "imported"
    assert load_data(sub_a) == data


@pytest.mark.django_db
def test_template_is_prefilled_from_the_last_accepted_round(district_staff, school_a, officer_a):
    first = emis_round(
        actor=district_staff, schools=[school_a], as_of=datetime.date(2025, 6, 10), academic_year=2568
    )
    old = submission_of(first, school_a)
    upload(old, xlsx_bytes(_filled_template(old)), actor=officer_a)
    accept(old, officer=officer_a, staff=district_staff)
    second = emis_round(actor=district_staff, schools=[school_a])
    new = submission_of(second, school_a)

    wb = workbook(KIND.template(new))
    ws = wb["บุคลากร"]
    row = find_row(ws, "ครู", "คศ.2")
    assert (ws.cell(row, 3).value, ws.cell(row, 4).value) == (2, 4)
    ws = wb["นักเรียน"]
    assert ws.cell(find_row(ws, "ป.1"), 2).value == 12
    # Proposed registry changes were applied at acceptance: the new template shows them as the registry.
    ws = wb["ข้อมูลพื้นฐาน"]
    row = find_row(ws, "email")
    assert ws.cell(row, 3).value == "kuanlang@school.example"
    assert ws.cell(row, 4).value in (None, "")


@pytest.mark.django_db
def test_a_rejected_template_leaves_the_draft_as_it_was(sub_a, officer_a):
    upload(sub_a, xlsx_bytes(_filled_template(sub_a)), actor=officer_a)
    before = load_data(sub_a)
    wb = _filled_template(sub_a)
    ws = wb["นักเรียน"]
    ws.cell(find_row(ws, "ป.1"), 2).value = 99
    ws.cell(find_row(ws, "ป.2"), 2).value = "สิบ"
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "rejected"
    assert load_data(sub_a) == before


@pytest.mark.django_db
def test_a_file_that_is_not_the_template_is_refused_whole(sub_a, officer_a):
    students = samples.make_students(
        5, school_code=sub_a.school.code, school_grades=sub_a.school.grades, seed=1, as_of=AS_OF
    )
    result = upload(sub_a, samples.csv_bytes(students, as_of=AS_OF), actor=officer_a, name="dmc.csv")
    assert result.status == "rejected"
    assert result.errors[0]["code"] == "not_emis_template"
    assert "ไม่ใช่แบบฟอร์ม EMIS" in result.errors[0]["message"]


# --- Each validation rule: its Thai message and its cell --------------------------------------------


def _upload_one_change(submission, officer, sheet, first, second, column, value):
    wb = _filled_template(submission)
    ws = wb[sheet]
    row = find_row(ws, first, second)
    ws.cell(row, column).value = value
    return upload(submission, xlsx_bytes(wb), actor=officer), row


@pytest.mark.django_db
def test_total_that_does_not_add_up_is_an_error_at_its_cell(sub_a, officer_a):
    result, row = _upload_one_change(sub_a, officer_a, "นักเรียน", "ป.1", None, 4, 23)
    assert result.status == "rejected"
    (error,) = result.errors
    assert (error["row"], error["column"], error["code"]) == (row, "นักเรียน: รวม", "total_mismatch")
    assert error["message"] == (
        f"แผ่นงาน นักเรียน, แถว {row}, คอลัมน์ รวม: ชาย + หญิง = 22 แต่ช่องรวมเป็น 23"
        " — วิธีแก้: แก้ช่องรวมเป็น 22 หรือแก้จำนวนชาย/หญิง ให้ถูกต้อง"
    )


@pytest.mark.django_db
def test_a_total_that_adds_up_is_accepted(sub_a, officer_a):
    result, _row = _upload_one_change(sub_a, officer_a, "นักเรียน", "ป.1", None, 4, 22)
    assert result.status == "imported"


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-1, 2.5, "สิบ"])
def test_counts_must_be_non_negative_whole_numbers(sub_a, officer_a, value):
    result, row = _upload_one_change(sub_a, officer_a, "บุคลากร", "ครู", "คศ.2", 4, value)
    (error,) = result.errors
    assert (error["row"], error["column"], error["code"]) == (row, "บุคลากร: หญิง", "not_a_count")
    assert error["message"].startswith(f"แผ่นงาน บุคลากร, แถว {row}, คอลัมน์ หญิง: ")
    assert "ไม่ใช่จำนวนเต็มที่ไม่ติดลบ — วิธีแก้: ใส่จำนวนเต็มตั้งแต่ 0 ขึ้นไป" in error["message"]


@pytest.mark.django_db
def test_an_explanation_typed_like_a_formula_survives_the_template_round_trip(sub_a, officer_a):
    grade = "ป.1"
    students = {**current_data(sub_a).students, grade: {"male": 10, "female": 12, "rooms": 1}}
    students[grade]["explanation"] = "=ย้ายเข้า 5 คน"
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    result = upload(sub_a, get_kind("emis").template(sub_a), actor=officer_a)
    assert result.status == "imported", result.errors
    assert load_data(sub_a).students[grade]["explanation"] == "=ย้ายเข้า 5 คน"


@pytest.mark.django_db
def test_a_count_too_large_to_store_is_an_error_at_its_cell_not_a_failed_upload(sub_a, officer_a):
    result, row = _upload_one_change(sub_a, officer_a, "บุคลากร", "ครู", "คศ.2", 4, 3_000_000_000)
    assert result.status == "rejected"
    (error,) = result.errors
    assert (error["row"], error["column"], error["code"]) == (row, "บุคลากร: หญิง", "too_large")
    assert "ใส่จำนวนไม่เกิน 100,000" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value"), [(3, 10**12), (5, 10**9)])
def test_a_speed_or_cost_too_large_to_store_is_an_error_at_its_cell(sub_a, officer_a, column, value):
    wb = _filled_template(sub_a)
    ws = wb["อินเทอร์เน็ต"]
    ws.cell(ws.max_row, column).value = value
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "rejected"
    (error,) = result.errors
    assert error["code"] == "too_large"


@pytest.mark.django_db
def test_codes_come_from_the_lookup_tables(sub_a, officer_a):
    result, row = _upload_one_change(sub_a, officer_a, "บุคลากร", "ครู", "คศ.2", 2, "คศ.9")
    (error,) = result.errors
    assert (error["row"], error["column"], error["code"]) == (row, "บุคลากร: วิทยฐานะ", "unknown_code")
    assert "ไม่รู้จัก “คศ.9” ในรายการวิทยฐานะ — วิธีแก้: ใช้ค่าตามรายการ เช่น ไม่มีวิทยฐานะ, คศ.1" in error["message"]

    wb = _filled_template(sub_a)
    wb["ครุภัณฑ์"].append(["99999", "เครื่องบิน", 1, 0, None])
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    (error,) = result.errors
    assert error["column"] == "ครุภัณฑ์: รหัสครุภัณฑ์"
    assert "ไม่รู้จัก “99999” ในรายการรหัสครุภัณฑ์" in error["message"]


@pytest.mark.django_db
def test_a_code_added_to_the_lookup_table_is_accepted(sub_a, officer_a):
    from datacollection.models import LookupValue

    LookupValue.objects.create(list="emis_equipment", code="22099", label="22099 เครื่องขยายเสียง", order=99)
    wb = _filled_template(sub_a)
    ws = wb["ครุภัณฑ์"]
    row = find_row(ws, "22099")  # the template lists the new code
    assert ws.cell(row, 2).value == "22099 เครื่องขยายเสียง"
    ws.cell(row, 3).value = 2
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "imported", result.errors
    assert load_data(sub_a).equipment["22099"] == {"working": 2, "broken": 0}


@pytest.mark.django_db
def test_staff_without_an_academic_rank_cannot_be_given_one(sub_a, officer_a):
    wb = _filled_template(sub_a)
    wb["บุคลากร"].append(["ครูผู้ช่วย", "คศ.1", 1, 0, None, ""])
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "rejected"
    (error,) = result.errors
    assert error["code"] == "rank_not_allowed"
    assert error["row"] == wb["บุคลากร"].max_row
    assert "ครูผู้ช่วย ไม่มีวิทยฐานะ แต่กรอกไว้ในวิทยฐานะ คศ.1 — วิธีแก้: ย้ายจำนวนไปไว้ที่ “ไม่มีวิทยฐานะ”" in error["message"]


@pytest.mark.django_db
def test_students_without_rooms_is_an_error(sub_a, officer_a):
    result, row = _upload_one_change(sub_a, officer_a, "นักเรียน", "ป.1", None, 5, 0)
    (error,) = result.errors
    assert (error["row"], error["column"], error["code"]) == (row, "นักเรียน: ห้องเรียน", "rooms_missing")
    assert "ชั้น ป.1 มีนักเรียน 22 คน แต่จำนวนห้องเรียนเป็น 0" in error["message"]


@pytest.mark.django_db
def test_a_registry_value_that_is_not_valid_is_an_error(sub_a, officer_a):
    result, row = _upload_one_change(sub_a, officer_a, "ข้อมูลพื้นฐาน", "postcode", None, 4, "9011")
    (error,) = result.errors
    assert (error["row"], error["column"]) == (row, "ข้อมูลพื้นฐาน: ค่าที่ขอแก้ไข")
    assert "รหัสไปรษณีย์ “9011” ไม่ถูกต้อง: รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก" in error["message"]


@pytest.mark.django_db
def test_a_grade_twice_is_an_error_naming_the_first_row(sub_a, officer_a):
    wb = _filled_template(sub_a)
    first = find_row(wb["นักเรียน"], "ป.1")
    wb["นักเรียน"].append(["ป.1", 1, 1, None, 1, ""])
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    (error,) = result.errors
    assert error["code"] == "duplicate_item"
    assert f"ชั้น ป.1 ซ้ำกับแถว {first}" in error["message"]


@pytest.mark.django_db
def test_a_large_jump_from_the_previous_round_needs_an_explanation_before_submit(
    district_staff, school_a, officer_a
):
    first = emis_round(
        actor=district_staff, schools=[school_a], as_of=datetime.date(2025, 6, 10), academic_year=2568
    )
    old = submission_of(first, school_a)
    upload(old, xlsx_bytes(_filled_template(old)), actor=officer_a)
    accept(old, officer=officer_a, staff=district_staff)
    second = emis_round(actor=district_staff, schools=[school_a])
    new = submission_of(second, school_a)

    # ป.1 from 22 to 40 students: +82 % and +18, a jump. In the file it is a warning …
    wb = workbook(KIND.template(new))
    ws = wb["นักเรียน"]
    row = find_row(ws, "ป.1")
    ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 5).value = 20, 20, 2
    result = upload(new, xlsx_bytes(wb), actor=officer_a)
    assert result.status == "imported"
    (warning,) = [w for w in result.warnings if w["code"] == "jump_unexplained"]
    assert (warning["row"], warning["column"]) == (row, "นักเรียน: คำชี้แจง")
    assert "ชั้น ป.1 เปลี่ยนจาก 22 เป็น 40 (+82%) เมื่อเทียบกับEMIS รอบที่ 1 ปีการศึกษา 2568" in warning["message"]

    # … and blocks the submit until the school explains it.
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submission_submit(new, actor=officer_a)
    assert "ยังยืนยันส่งไม่ได้: ข้อมูลมีข้อผิดพลาด 1 รายการ" in str(refused.value)
    assert "ชั้น ป.1 เปลี่ยนจาก 22 เป็น 40" in str(refused.value)

    students = current_data(new).students
    students["ป.1"]["explanation"] = "มีนักเรียนย้ายเข้าจากโรงเรียนที่ถูกยุบรวม"
    emis_services.emis_section_save(new, actor=officer_a, section="students", value=students)
    workflow.submission_submit(new, actor=officer_a)
    assert new.status == S.SUBMITTED

    # District staff see the jump beside the school's explanation when they verify.
    jumps = KIND.page_context(new, district_staff)["emis_jumps"]
    assert [(j["label"], j["old"], j["new"], j["explanation"]) for j in jumps] == [
        ("ชั้น ป.1", 22, 40, "มีนักเรียนย้ายเข้าจากโรงเรียนที่ถูกยุบรวม")
    ]


@pytest.mark.django_db
def test_a_small_change_from_the_previous_round_needs_no_explanation(district_staff, school_a, officer_a):
    from datacollection.kinds.emis import is_jump

    assert not is_jump(22, 30)  # +8: not more than 10
    assert not is_jump(100, 125)  # +25 %
    assert is_jump(100, 131)
    assert is_jump(0, 11)
    assert is_jump(40, 20)


# --- Submit and accept ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_submit_is_refused_with_blocking_errors_in_the_form_data(sub_a, officer_a):
    students = current_data(sub_a).students
    students["ป.1"] = {"male": 5, "female": 5, "rooms": 0, "explanation": ""}
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submission_submit(sub_a, actor=officer_a)
    assert "ชั้น ป.1 มีนักเรียน 10 คน แต่จำนวนห้องเรียนเป็น 0" in str(refused.value)
    sub_a.refresh_from_db()
    assert sub_a.status == S.DRAFT


@pytest.mark.django_db
def test_submit_through_the_page_shows_the_thai_message(client_for, sub_a, officer_a):
    students = current_data(sub_a).students
    students["ป.2"] = {"male": 5, "female": 5, "rooms": 0, "explanation": ""}
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    page = client_for(officer_a).post(_url("submission-submit", sub_a), follow=True)
    assert "ยังยืนยันส่งไม่ได้" in page.content.decode()
    assert "แผ่นงาน นักเรียน" in page.content.decode()


@pytest.mark.django_db
def test_accept_applies_the_proposed_registry_changes_and_audits_them(
    sub_a, officer_a, district_staff, school_a
):
    basic = {"email": "new@school.example", "postcode": "90110", "founded_on": "1977-06-01"}
    emis_services.emis_section_save(sub_a, actor=officer_a, section="basic", value=basic)
    assert EmisRegistryChange.objects.filter(submission=sub_a).count() == 3
    school_a.refresh_from_db()
    assert school_a.email == ""  # nothing written before acceptance

    accept(sub_a, officer=officer_a, staff=district_staff)
    school_a.refresh_from_db()
    assert school_a.email == "new@school.example"
    assert school_a.postcode == "90110"
    assert school_a.founded_on == datetime.date(1977, 6, 1)
    entry = AuditLog.objects.get(action="schools.school.updated_from_submission")
    assert entry.actor == district_staff
    assert entry.data["source"] == sub_a.round.slug
    assert entry.data["changes"]["email"] == ["", "new@school.example"]


@pytest.mark.django_db
def test_return_does_not_apply_the_registry_changes(sub_a, officer_a, district_staff, school_a):
    emis_services.emis_section_save(sub_a, actor=officer_a, section="basic", value={"phone": "074-555555"})
    workflow.submission_submit(sub_a, actor=officer_a)
    workflow.submission_return(sub_a, actor=district_staff, comment="ตรวจเบอร์โทรอีกครั้ง")
    school_a.refresh_from_db()
    assert school_a.phone == "074-000-000"
    assert not AuditLog.objects.filter(action="schools.school.updated_from_submission").exists()


@pytest.mark.django_db
def test_a_form_save_moves_not_started_and_returned_to_draft_through_the_workflow(
    sub_a, officer_a, district_staff
):
    assert sub_a.status == S.NOT_STARTED
    emis_services.emis_section_save(
        sub_a, actor=officer_a, section="equipment", value={"22029": {"working": 1, "broken": 0}}
    )
    assert sub_a.status == S.DRAFT
    event = SubmissionEvent.objects.get(submission=sub_a)
    assert (event.from_status, event.to_status, event.comment) == (S.NOT_STARTED, S.DRAFT, "ครุภัณฑ์")
    assert AuditLog.objects.filter(action="datacollection.submission.edited").count() == 1
    entry = AuditLog.objects.get(action="datacollection.emis.saved")
    assert entry.actor == officer_a
    assert entry.data["section"] == "equipment"
    assert entry.data["changes"]["22029"] == [None, {"working": 1, "broken": 0}]  # no earlier round: empty

    # A second save of a draft: no new history row, a new audit row.
    emis_services.emis_section_save(
        sub_a, actor=officer_a, section="equipment", value={"22029": {"working": 2, "broken": 0}}
    )
    assert SubmissionEvent.objects.filter(submission=sub_a).count() == 1
    assert AuditLog.objects.filter(action="datacollection.emis.saved").count() == 2

    workflow.submission_submit(sub_a, actor=officer_a)
    workflow.submission_return(sub_a, actor=district_staff, comment="ตรวจครุภัณฑ์")
    emis_services.emis_section_save(
        sub_a, actor=officer_a, section="equipment", value={"22029": {"working": 1, "broken": 0}}
    )
    assert sub_a.status == S.DRAFT
    assert SubmissionEvent.objects.filter(submission=sub_a).latest("id").from_status == S.RETURNED


@pytest.mark.django_db
def test_no_form_save_once_submitted_or_by_district_staff(sub_a, officer_a, district_staff):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        emis_services.emis_section_save(sub_a, actor=district_staff, section="equipment", value={})
    emis_services.emis_section_save(sub_a, actor=officer_a, section="equipment", value={})
    workflow.submission_submit(sub_a, actor=officer_a)
    with pytest.raises(PermissionDenied):
        emis_services.emis_section_save(sub_a, actor=officer_a, section="equipment", value={})


# --- DMC prefill and differences --------------------------------------------------------------------


@pytest.fixture
def dmc_with_records(district_staff, school_a):
    """School A's DMC round-1 records as of the EMIS as-of date: 30 students."""
    dmc = dmc_round(
        actor=district_staff, number=1, schools=[school_a], as_of=AS_OF, opens_on=datetime.date(2026, 6, 1)
    )
    submission = Submission.objects.get(round=dmc, school=school_a)
    students = samples.make_students(
        30, school_code=school_a.code, school_grades=school_a.grades, seed=4, as_of=AS_OF
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = samples.csv_bytes(students, as_of=AS_OF)
    received = services.upload_receive(
        submission, actor=None, file=SimpleUploadedFile("d.csv", content), name="d.csv"
    )
    assert services.upload_process(received.pk).status == "imported"
    counts = {}
    for student in students:
        grade = counts.setdefault(student["grade"], {"male": 0, "female": 0})
        grade["male" if student["sex"] == "M" else "female"] += 1
    return counts


@pytest.mark.django_db
def test_students_are_prefilled_from_the_schools_dmc_records_of_the_same_as_of(
    dmc_with_records, sub_a, officer_a
):
    data = current_data(sub_a)
    for grade, count in dmc_with_records.items():
        assert (data.students[grade]["male"], data.students[grade]["female"]) == (
            count["male"],
            count["female"],
        )
    assert data.student_total() == 30
    # The first save keeps the prefill and records its source.
    emis_services.emis_section_save(sub_a, actor=officer_a, section="equipment", value={})
    assert sub_a.emis_report.dmc_source.round.kind == "dmc"
    assert EmisStudentCount.objects.filter(submission=sub_a).count() >= len(dmc_with_records)


@pytest.mark.django_db
def test_a_difference_from_dmc_is_shown_to_the_school_and_to_district_staff(
    client_for, dmc_with_records, sub_a, officer_a, district_staff
):
    grade = next(iter(dmc_with_records))
    students = current_data(sub_a).students
    students[grade]["male"] += 3
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    warning = next(i for i in KIND.validate(sub_a) if i.code == "dmc_difference")
    assert warning.severity == "warning"
    assert f"ชั้น {grade} ต่างจากข้อมูล DMC" in warning.message

    for user in (officer_a, district_staff):
        page = client_for(user).get(_url("submission-detail", sub_a))
        assert page.status_code == 200
        html = page.content.decode()
        assert "นักเรียนเทียบกับ DMC" in html
        assert "ต่างจาก DMC" in html
        differing = [row for row in page.context["emis_dmc"] if row["differs"]]
        assert [row["grade"] for row in differing] == [grade]
        section = client_for(user).get(_url("emis-section", sub_a, section="students"))
        assert f"ชั้น {grade} ต่างจากข้อมูล DMC" in section.content.decode()


# --- Pages: roles and scope -----------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_saves_a_section_through_its_page(client_for, sub_a, officer_a):
    client = client_for(officer_a)
    url = _url("emis-section", sub_a, section="computers")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial if field.initial is not None else "" for name, field in form.fields.items()}
    first = form.rows[0]["names"][0]
    data[first] = 7
    response = client.post(url, data)
    assert response.status_code == 302
    assert load_data(sub_a).computers[("teaching", "obec")]["working"] == 7
    assert "บันทึก “คอมพิวเตอร์” เป็นฉบับร่างแล้ว" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_negative_count_is_a_form_error_and_nothing_is_saved(client_for, sub_a, officer_a):
    client = client_for(officer_a)
    url = _url("emis-section", sub_a, section="equipment")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data[form.rows[0]["names"][0]] = -3
    page = client.post(url, data)
    assert page.status_code == 200
    assert "ยังไม่ได้บันทึก" in page.content.decode()
    assert page.context["form"].errors
    sub_a.refresh_from_db()
    assert sub_a.status == S.NOT_STARTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    [
        ("officer_a", 200, 302),
        ("officer_b", 404, 404),
        ("district_staff", 200, 403),
        ("admin", 200, 403),
        ("director", 200, 403),
        ("ict_staff", 200, 403),
    ],
)
def test_section_page_roles_and_scope(client_for, personas, sub_a, role, get_status, post_status):
    client = client_for(personas[role])
    url = _url("emis-section", sub_a, section="equipment")
    assert client.get(url).status_code == get_status
    assert client.post(url, {}).status_code == post_status
    if role != "officer_a":
        assert not AuditLog.objects.filter(action="datacollection.emis.saved").exists()


@pytest.mark.django_db
def test_district_staff_see_the_section_read_only(client_for, sub_a, district_staff):
    page = client_for(district_staff).get(_url("emis-section", sub_a, section="students"))
    assert "ดูอย่างเดียว" in page.content.decode()
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert "บันทึก</button>" not in page.content.decode()


@pytest.mark.django_db
def test_unknown_section_and_a_dmc_round_have_no_section_page(
    client_for, sub_a, officer_a, district_staff, school_a
):
    client = client_for(officer_a)
    assert client.get(_url("emis-section", sub_a, section="buildings")).status_code == 404
    dmc = dmc_round(actor=district_staff, schools=[school_a])
    dmc_submission = Submission.objects.get(round=dmc, school=school_a)
    assert client.get(_url("emis-section", dmc_submission, section="students")).status_code == 404
    assert client.get(_url("submission-template", dmc_submission)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 200), ("district_staff", 200), ("officer_b", 404), ("director", 403), ("ict_staff", 403)],
)
def test_template_download_roles_and_scope(client_for, personas, sub_a, role, status):
    response = client_for(personas[role]).get(_url("submission-template", sub_a))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "นักเรียน" in workbook(response.content).sheetnames


@pytest.mark.django_db
def test_template_download_is_get_only(client_for, sub_a, officer_a):
    assert client_for(officer_a).post(_url("submission-template", sub_a)).status_code == 405


@pytest.mark.django_db
def test_overview_lists_every_section_with_its_issues_and_the_registry_changes(
    client_for, sub_a, officer_a, district_staff, school_a
):
    emis_services.emis_section_save(sub_a, actor=officer_a, section="basic", value={"phone": "074-555555"})
    students = current_data(sub_a).students
    students["ป.3"] = {"male": 4, "female": 3, "rooms": 0, "explanation": ""}
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    page = client_for(district_staff).get(_url("submission-detail", sub_a))
    html = page.content.decode()
    assert [s["code"] for s in page.context["emis_sections"]] == [
        "basic",
        "students",
        "staff",
        "computers",
        "internet",
        "equipment",
    ]
    students_section = page.context["emis_sections"][1]
    assert students_section["errors"] == 1
    assert "ชั้น ป.3 มีนักเรียน 7 คน แต่จำนวนห้องเรียนเป็น 0" in html
    assert page.context["emis_changes"] == [
        {"field": "phone", "label": "โทรศัพท์", "old": school_a.phone, "new": "074-555555"}
    ]
    assert "074-555555" in html


@pytest.mark.django_db
def test_template_upload_through_the_page(client_for, sub_a, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = xlsx_bytes(_filled_template(sub_a))
    client = client_for(officer_a)
    page = client.post(
        _url("submission-upload", sub_a), {"file": SimpleUploadedFile("emis.xlsx", content)}, follow=True
    )
    assert "แทนที่ฉบับร่างเดิมแล้ว" in page.content.decode()
    assert Upload.objects.get().status == Upload.Status.VALID
    assert AuditLog.objects.filter(action="datacollection.upload.processed").count() == 1


# --- import_submission --------------------------------------------------------------------------------


def _run(*argv):
    out = io.StringIO()
    command = import_submission.Command(stdout=out, stderr=io.StringIO())
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            command.run_from_argv(["manage.py", "import_submission", *map(str, argv)])
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue()


@pytest.mark.django_db
def test_import_submission_loads_an_emis_template_with_the_same_json(tmp_path, sub_a):
    path = tmp_path / "emis.xlsx"
    path.write_bytes(xlsx_bytes(_filled_template(sub_a)))
    code, out = _run("--round", sub_a.round.slug, "--school", sub_a.school.code, path, "--dry-run", "--json")
    summary = json.loads(out)
    assert code == 0
    assert summary["status"] == "valid"
    assert set(summary) == {
        "status",
        "rows",
        "imported",
        "errors",
        "warnings",
        "error_count",
        "warning_count",
        "upload",
    }
    assert not EmisStaffCount.objects.exists()

    code, out = _run("--round", sub_a.round.slug, "--school", sub_a.school.code, path, "--json")
    summary = json.loads(out)
    assert (code, summary["status"], summary["error_count"]) == (0, "imported", 0)
    assert load_data(sub_a).staff[("teacher", "k2")]["female"] == 4

    wb = _filled_template(sub_a)
    ws = wb["นักเรียน"]
    ws.cell(find_row(ws, "ป.1"), 4).value = 99
    path.write_bytes(xlsx_bytes(wb))
    code, out = _run("--round", sub_a.round.slug, "--school", sub_a.school.code, path, "--json")
    summary = json.loads(out)
    assert (code, summary["status"], summary["error_count"]) == (1, "rejected", 1)
    assert summary["errors"][0]["column"] == "นักเรียน: รวม"


@pytest.mark.django_db
def test_import_submission_refuses_a_closed_emis_round(tmp_path, district_staff, school_a):
    round_ = emis_round(actor=district_staff, schools=[school_a], status="planned")
    path = tmp_path / "emis.xlsx"
    path.write_bytes(b"PK")
    code, _out = _run("--round", round_.slug, "--school", school_a.code, path, "--json")
    assert code == 2


# --- Selectors for statistics ----------------------------------------------------------------------


@pytest.mark.django_db
def test_selectors_read_only_accepted_emis_data(
    sub_a, round_, school_b, officer_a, officer_b, district_staff
):
    upload(sub_a, xlsx_bytes(_filled_template(sub_a)), actor=officer_a)
    accept(sub_a, officer=officer_a, staff=district_staff)
    sub_b = submission_of(round_, school_b)
    upload(sub_b, xlsx_bytes(_filled_template(sub_b)), actor=officer_b)  # a draft: not counted

    teachers = list(selectors.emis_teachers(round_))
    assert teachers == [{"school_id": sub_a.school_id, "male": 2, "female": 4, "total": 6}]
    classrooms = list(selectors.emis_classrooms(round_))
    assert classrooms == [{"school_id": sub_a.school_id, "rooms": 2, "students": 42}]
    staff = {(row["category"]): row["total"] for row in selectors.emis_staff(round_)}
    assert staff["director"] == 1 and staff["teacher"] == 6
    by_rank = {(r["category"], r["rank"]): r["total"] for r in selectors.emis_staff(round_, by_rank=True)}
    assert by_rank[("director", "k3")] == 1
    students = {row["grade"]: row for row in selectors.emis_students(round_) if row["total"]}
    assert students["ป.2"]["male"] == 9 and students["ป.2"]["rooms"] == 1
    assert list(selectors.emis_teachers(round_, user=officer_b)) == []


@pytest.mark.django_db
def test_selectors_do_not_query_per_school(
    django_assert_max_num_queries, round_, sub_a, officer_a, district_staff
):
    upload(sub_a, xlsx_bytes(_filled_template(sub_a)), actor=officer_a)
    accept(sub_a, officer=officer_a, staff=district_staff)
    with django_assert_max_num_queries(1):
        list(selectors.emis_classrooms(round_))


def test_money_and_speeds_read_as_decimals():
    from datacollection.kinds.emis import parse_amount, parse_count

    assert parse_amount("1,250.50") == Decimal("1250.50")
    assert parse_amount(-1) is None
    assert parse_count("๑๒") == 12
    assert parse_count(" - ") == 0
    assert parse_count(True) is None


@pytest.mark.django_db
def test_the_section_service_refuses_what_the_models_cannot_hold(sub_a, officer_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        emis_services.emis_section_save(
            sub_a, actor=officer_a, section="equipment", value={"22029": {"working": -1, "broken": 0}}
        )
    with pytest.raises(ValidationError):
        emis_services.emis_section_save(
            sub_a, actor=officer_a, section="basic", value={"email": "not-an-email"}
        )
    sub_a.refresh_from_db()
    assert sub_a.status == S.NOT_STARTED
    assert not AuditLog.objects.filter(action="datacollection.emis.saved").exists()


@pytest.mark.django_db
def test_the_error_report_of_a_template_lists_each_problem_with_its_sheet(client_for, sub_a, officer_a):
    wb = _filled_template(sub_a)
    ws = wb["นักเรียน"]
    ws.cell(find_row(ws, "ป.1"), 4).value = 99
    result = upload(sub_a, xlsx_bytes(wb), actor=officer_a)
    response = client_for(officer_a).get(_url("upload-report", sub_a, pk=result.upload_id))
    assert response.status_code == 200
    report = workbook(b"".join(response.streaming_content))
    text = " ".join(str(c.value) for row in report.active.iter_rows() for c in row if c.value)
    assert "แผ่นงาน นักเรียน" in text


@pytest.mark.django_db
def test_the_round_page_of_an_emis_round_lists_its_schools(client_for, round_, sub_a, district_staff):
    response = client_for(district_staff).get(reverse("datacollection:round-detail", args=[round_.slug]))
    assert response.status_code == 200
    assert sub_a.school.display_name in response.content.decode()


# --- The API: the same services ---------------------------------------------------------------------


@pytest.mark.django_db
def test_api_takes_an_emis_template_and_refuses_submit_with_blocking_errors(sub_a, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(officer_a)
    base = f"/api/v1/rounds/{sub_a.round.slug}/submissions/{sub_a.school.code}/"
    response = client.post(
        f"{base}upload/",
        {"file": SimpleUploadedFile("emis.xlsx", xlsx_bytes(_filled_template(sub_a)))},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "imported"
    # A form save may leave an error in the draft; submitting it may not.
    students = current_data(sub_a).students
    students["ป.2"]["rooms"] = 0
    emis_services.emis_section_save(sub_a, actor=officer_a, section="students", value=students)
    response = client.post(f"{base}submit/")
    assert response.status_code == 400
    assert "ชั้น ป.2 มีนักเรียน 20 คน แต่จำนวนห้องเรียนเป็น 0" in json.dumps(response.json(), ensure_ascii=False)
    sub_a.refresh_from_db()
    assert sub_a.status == S.DRAFT


def _form_data(page) -> dict:
    form = page.context["form"]
    return {name: ("" if field.initial is None else field.initial) for name, field in form.fields.items()}


@pytest.mark.django_db
def test_officer_proposes_a_registry_change_on_the_basic_data_page(client_for, sub_a, officer_a, school_a):
    client = client_for(officer_a)
    url = _url("emis-section", sub_a, section="basic")
    page = client.get(url)
    rows = {row["key"]: row["names"][0] for row in page.context["form"].rows}
    data = _form_data(page)
    data[rows["email"]] = "ไม่ใช่อีเมล"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "รูปแบบอีเมลไม่ถูกต้อง" in refused.content.decode()
    assert not EmisRegistryChange.objects.exists()

    data[rows["email"]] = "office@kuanlang.example"
    data[rows["founded_on"]] = "1/6/2520"
    assert client.post(url, data).status_code == 302
    changes = dict(EmisRegistryChange.objects.values_list("field", "value"))
    assert changes == {"email": "office@kuanlang.example", "founded_on": "1977-06-01"}
    page = client.get(url).content.decode()
    assert "1/6/2520" in page  # shown back in BE


@pytest.mark.django_db
def test_officer_adds_and_removes_an_internet_link_on_its_page(client_for, sub_a, officer_a):
    client = client_for(officer_a)
    url = _url("emis-section", sub_a, section="internet")
    data = _form_data(client.get(url))
    data.update({"0-provider": "nt", "0-link_type": "", "0-speed_mbps": 100})
    refused = client.post(url, data)
    assert "เลือกทั้งผู้ให้บริการและประเภทการเชื่อมต่อ" in refused.content.decode()
    data.update({"0-link_type": "fiber", "0-status": "working", "0-monthly_cost": "590"})
    assert client.post(url, data).status_code == 302
    assert load_data(sub_a).internet == [
        {"provider": "nt", "link_type": "fiber", "speed_mbps": 100, "status": "working", "monthly_cost": 590}
    ]
    data = _form_data(client.get(url))
    data.update({"0-provider": "", "0-link_type": ""})
    assert client.post(url, data).status_code == 302
    assert load_data(sub_a).internet == []
