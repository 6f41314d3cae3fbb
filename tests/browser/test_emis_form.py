"""An EMIS form session in a real browser: the officer fills two sections and saves each as a draft, sees
an error, fixes it and submits; district staff read the same data and accept. Set EMIS_SCREENSHOTS=<dir>
to keep screenshots of each step."""

import datetime
import os

import pytest

from aoc.models import User
from datacollection.kinds.emis_kind import load_data
from datacollection.models import Submission
from tests.browser.support import login, new_page, shot
from tests.datacollection.emis_support import emis_round
from tests.factories import SchoolFactory, UserFactory, officer_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SHOTS = os.environ.get("EMIS_SCREENSHOTS")


@pytest.fixture
def world(reference_data):
    school = SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง")
    officer_of(school, username="officer", first_name="สุดา", last_name="ใจดี")
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF, first_name="วิชัย", last_name="เขตสอง")
    round_ = emis_round(actor=staff, schools=[school], as_of=datetime.date(2026, 6, 10))
    return {"school": school, "round": round_}


def test_officer_fills_two_sections_fixes_an_error_submits_and_district_accepts(browser, live_server, world):
    school, round_ = world["school"], world["round"]
    detail = f"{live_server.url}/staff/rounds/{round_.slug}/schools/{school.code}/"
    officer = new_page(browser)
    staff = new_page(browser)
    try:
        login(officer, live_server, "officer")
        officer.goto(detail)
        assert "ข้อมูลแต่ละส่วน" in officer.inner_text("main")
        shot(officer, SHOTS, "1-officer-overview")

        # Section 2: students. Two grades, but ป.2's rooms left at 0: saved as a draft, with the error.
        officer.click("a:has-text('นักเรียนและห้องเรียน')")
        officer.get_by_label("ชั้น ป.1: ชาย", exact=True).fill("12")
        officer.get_by_label("ชั้น ป.1: หญิง", exact=True).fill("10")
        officer.get_by_label("ชั้น ป.1: ห้องเรียน", exact=True).fill("1")
        officer.get_by_label("ชั้น ป.2: ชาย", exact=True).fill("8")
        officer.get_by_label("ชั้น ป.2: หญิง", exact=True).fill("9")
        officer.click("button:has-text('บันทึก')")
        officer.wait_for_selector("text=บันทึก “นักเรียนและห้องเรียน” เป็นฉบับร่างแล้ว")
        error = officer.inner_text(".emis-finding.text-danger")
        assert "แผ่นงาน นักเรียน" in error
        assert "ชั้น ป.2 มีนักเรียน 17 คน แต่จำนวนห้องเรียนเป็น 0" in error
        assert "วิธีแก้" in error
        assert "ฉบับร่าง" in officer.inner_text(".page-header")
        shot(officer, SHOTS, "2-officer-students-error")

        # Submitting now is refused with the Thai message.
        officer.goto(detail)
        officer.click("button:has-text('ยืนยันส่งข้อมูล')")
        officer.wait_for_selector("text=ยังยืนยันส่งไม่ได้")

        # Fix it.
        officer.click("a:has-text('นักเรียนและห้องเรียน')")
        officer.get_by_label("ชั้น ป.2: ห้องเรียน", exact=True).fill("1")
        officer.click("button:has-text('บันทึก')")
        officer.wait_for_selector("text=บันทึก “นักเรียนและห้องเรียน” เป็นฉบับร่างแล้ว")
        assert officer.locator(".emis-finding.text-danger").count() == 0

        # Section 3: staff.
        officer.click(".emis-section-nav a:has-text('บุคลากร')")
        officer.get_by_label("ผู้อำนวยการ · คศ.3: หญิง", exact=True).fill("1")
        officer.get_by_label("ครู · คศ.2: ชาย", exact=True).fill("2")
        officer.get_by_label("ครู · คศ.2: หญิง", exact=True).fill("3")
        officer.click("button:has-text('บันทึก')")
        officer.wait_for_selector("text=บันทึก “บุคลากร” เป็นฉบับร่างแล้ว")
        shot(officer, SHOTS, "3-officer-staff-saved")

        officer.goto(detail)
        officer.click("button:has-text('ยืนยันส่งข้อมูล')")
        officer.wait_for_selector("text=ยืนยันส่งข้อมูลแล้ว")
        assert "ยืนยันส่งแล้ว รอตรวจ" in officer.inner_text(".submission-state")

        # District staff read the sections (read-only) and accept.
        login(staff, live_server, "staff")
        staff.goto(detail)
        staff.click("a:has-text('บุคลากร')")
        assert "ดูอย่างเดียว" in staff.inner_text(".page-header")
        assert staff.get_by_label("ครู · คศ.2: หญิง", exact=True).input_value() == "3"
        assert staff.get_by_label("ครู · คศ.2: หญิง", exact=True).is_disabled()
        shot(staff, SHOTS, "4-staff-reads-staff")
        staff.goto(detail)
        staff.click("button:has-text('รับรองข้อมูล')")
        staff.wait_for_selector("text=รับรองข้อมูลแล้ว")
        assert "รับรองแล้ว (ล็อก)" in staff.inner_text(".submission-state")
        shot(staff, SHOTS, "5-staff-accepted")
    finally:
        officer.context.close()
        staff.context.close()

    submission = Submission.objects.get(round=round_, school=school)
    assert submission.status == Submission.Status.ACCEPTED
    assert list(submission.events.values_list("to_status", flat=True)) == ["draft", "submitted", "accepted"]
    data = load_data(submission)
    assert data.students["ป.2"] == {"male": 8, "female": 9, "rooms": 1, "explanation": ""}
    assert data.staff[("teacher", "k2")] == {"male": 2, "female": 3, "explanation": ""}


def test_section_page_fits_a_phone(browser, live_server, world):
    school, round_ = world["school"], world["round"]
    phone = new_page(browser, 390, 844, is_mobile=True, has_touch=True)
    try:
        login(phone, live_server, "officer")
        phone.goto(f"{live_server.url}/staff/rounds/{round_.slug}/schools/{school.code}/emis/students/")
        assert phone.get_by_label("ชั้น ป.1: ชาย", exact=True).is_visible()
        shot(phone, SHOTS, "6-officer-students-phone")
    finally:
        phone.context.close()
