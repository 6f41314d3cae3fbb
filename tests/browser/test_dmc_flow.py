"""The DMC round in a real browser: a school sends a bad file, reads the errors, sends the fixed file and
submits; the district returns it with a comment; the school resubmits; the district accepts and the
page shows it locked. Set DMC_SCREENSHOTS=<directory> to keep screenshots of each step."""

import datetime
import os

import pytest

from aoc.models import User
from datacollection import samples
from datacollection.models import Submission, Upload
from tests.browser.support import login, new_page, shot
from tests.factories import SchoolFactory, UserFactory, dmc_round, officer_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

AS_OF = datetime.date(2026, 11, 10)
SHOTS = os.environ.get("DMC_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _private_files(tmp_path, monkeypatch):
    """Uploaded files (personal data) go to a temporary private storage, not the developer's."""
    storage = Upload._meta.get_field("file").storage
    monkeypatch.setattr(storage, "_location", str(tmp_path / "private"))
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)
    yield
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)


@pytest.fixture
def world(tmp_path):
    school = SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง")
    other = SchoolFactory(name_th="วัดคลองแห", tambon="คลองแห")
    officer_of(school, username="officer", first_name="สุดา", last_name="ใจดี")
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF, first_name="วิชัย", last_name="เขตสอง")
    round_ = dmc_round(actor=staff, schools=[school, other], as_of=AS_OF)
    students = samples.make_students(
        40, school_code=school.code, school_grades=school.grades, seed=3, as_of=AS_OF
    )
    good = tmp_path / "dmc-ควนลัง.csv"
    good.write_bytes(samples.csv_bytes(students, as_of=AS_OF, encoding="cp874"))
    bad_students = [dict(s) for s in students]
    samples.defect(bad_students, 4, "national_id", "1234567890123")  # wrong check digit
    samples.defect(bad_students, 9, "birth_date", "31/02/2560")  # no such day
    bad = tmp_path / "dmc-ควนลัง-ครั้งแรก.csv"
    bad.write_bytes(samples.csv_bytes(bad_students, as_of=AS_OF))
    return {"school": school, "round": round_, "good": good, "bad": bad}


def test_school_and_district_take_a_submission_from_a_bad_file_to_accepted(browser, live_server, world):
    school, round_ = world["school"], world["round"]
    detail = f"{live_server.url}/staff/rounds/{round_.slug}/schools/{school.code}/"
    officer = new_page(browser)
    staff = new_page(browser)
    try:
        # The officer finds the round from the landing page and sends a file with two errors.
        login(officer, live_server, "officer")
        officer.goto(detail)
        assert "ไฟล์แบบไหนที่ระบบรับ" in officer.inner_text("main")
        officer.set_input_files("input[name=file]", str(world["bad"]))
        officer.click("text=ส่งไฟล์และตรวจสอบ")
        officer.wait_for_selector("#result .issue-table")
        result = officer.inner_text("#result")
        assert "มีข้อผิดพลาด ไม่ได้บันทึก" in result
        rows = officer.locator(".issue-table tr.issue-error")
        assert rows.count() >= 2
        first = rows.first.inner_text()
        assert str(samples.data_row(4)) in first
        assert "1234567890123" in first
        assert str(samples.data_row(9)) in officer.inner_text(".issue-table")
        assert officer.locator("text=ดาวน์โหลดรายงานผลตรวจ (Excel)").is_visible()
        shot(officer, SHOTS, "1-officer-errors-desktop")

        # The fixed file (Windows-874, as older Excel saves it) passes; the officer submits.
        officer.set_input_files("input[name=file]", str(world["good"]))
        officer.click("text=ส่งไฟล์และตรวจสอบ")
        officer.wait_for_selector("text=ผ่านการตรวจสอบ")
        assert "บันทึกข้อมูลนักเรียน 40 คนแล้ว" in officer.inner_text("main")
        assert "cp874" in officer.inner_text("#uploads")
        shot(officer, SHOTS, "2-officer-valid-desktop")
        officer.click("button:has-text('ยืนยันส่งข้อมูล')")
        officer.wait_for_selector("text=ยืนยันส่งข้อมูลแล้ว")
        assert "ยืนยันส่งแล้ว รอตรวจ" in officer.inner_text(".submission-state")

        # The district returns it with a comment.
        login(staff, live_server, "staff")
        staff.goto(f"{live_server.url}/staff/rounds/{round_.slug}/")
        shot(staff, SHOTS, "3-staff-round-desktop")
        staff.click(f"table >> text={school.display_name}")
        staff.wait_for_url(detail)
        staff.fill("textarea[name=comment] >> nth=1", "ชั้น ป.2 ห้อง 1 ขาดนักเรียน 2 คน กรุณาตรวจสอบ")
        staff.click("button:has-text('ส่งกลับให้แก้ไข')")
        staff.wait_for_selector("text=ส่งกลับให้โรงเรียนแก้ไขแล้ว")
        assert "ส่งกลับให้แก้ไข" in staff.inner_text(".submission-state")

        # The officer reads the comment and submits again.
        officer.goto(detail)
        assert "ชั้น ป.2 ห้อง 1 ขาดนักเรียน 2 คน กรุณาตรวจสอบ" in officer.inner_text(".return-comment")
        assert "ชั้น ป.2 ห้อง 1 ขาดนักเรียน 2 คน" in officer.inner_text("#history")
        shot(officer, SHOTS, "4-officer-returned-desktop")
        officer.click("button:has-text('ยืนยันส่งข้อมูล')")
        officer.wait_for_selector("text=ยืนยันส่งข้อมูลแล้ว")

        # The district accepts; the school's page shows it accepted and locked.
        staff.goto(detail)
        staff.fill("textarea[name=comment] >> nth=0", "ข้อมูลครบถ้วน ขอบคุณครับ")
        staff.click("button:has-text('รับรองข้อมูล')")
        staff.wait_for_selector("text=รับรองข้อมูลแล้ว")

        officer.goto(detail)
        assert "รับรองแล้ว (ล็อก)" in officer.inner_text(".submission-state")
        assert "ข้อมูลถูกล็อก" in officer.inner_text("main")
        assert officer.locator("input[name=file]").count() == 0
        assert officer.locator("button:has-text('ยืนยันส่งข้อมูล')").count() == 0
        shot(officer, SHOTS, "5-officer-accepted-desktop")
    finally:
        officer.context.close()
        staff.context.close()

    submission = Submission.objects.get(round=round_, school=school)
    assert submission.status == Submission.Status.ACCEPTED
    assert list(submission.events.values_list("to_status", flat=True)) == [
        "draft", "submitted", "returned", "submitted", "accepted",
    ]  # fmt: skip


def test_submission_and_round_pages_fit_a_phone(browser, live_server, world):
    school, round_ = world["school"], world["round"]
    phone = new_page(browser, 390, 844, is_mobile=True, has_touch=True)
    try:
        login(phone, live_server, "officer")
        phone.goto(f"{live_server.url}/staff/rounds/{round_.slug}/schools/{school.code}/")
        phone.set_input_files("input[name=file]", str(world["bad"]))
        phone.click("text=ส่งไฟล์และตรวจสอบ")
        phone.wait_for_selector("#result .issue-table")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert phone.locator(".issue-table tr.issue-error").first.is_visible()
        shot(phone, SHOTS, "6-officer-errors-phone")
        phone.goto(f"{live_server.url}/staff/rounds/{round_.slug}/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert phone.locator(f".school-card >> text={school.display_name}").is_visible()
        shot(phone, SHOTS, "7-officer-round-phone")
    finally:
        phone.context.close()
