"""B-OBEC in a real browser: on a phone, a school officer starts from the last accepted list, marks a
building demolished, changes a condition, adds a building with a mistake and fixes it, adds a photo and
submits; on a desktop, district staff see the buildings by type and condition, open the school and
accept. Set DMC_SCREENSHOTS=<directory> to keep screenshots of each step."""

import datetime
import io
import os

import pytest
from PIL import Image

from aoc.models import User
from datacollection import bobec_services, workflow
from datacollection.models import Building, BuildingPhoto, Submission
from tests.browser.support import login, new_page, shot
from tests.datacollection.bobec_support import bobec_round
from tests.factories import SchoolFactory, UserFactory, officer_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SHOTS = os.environ.get("DMC_SCREENSHOTS")
S = Submission.Status


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    school = SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง")
    officer = officer_of(school, username="officer", first_name="สุดา", last_name="ใจดี")
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF, first_name="วิชัย", last_name="เขตสอง")
    earlier = bobec_round(actor=staff, schools=[school], academic_year=2568, as_of=datetime.date(2025, 6, 10))
    first = Submission.objects.get(round=earlier, school=school)
    classroom = {"building_type": "classroom", "sequence": 1, "design_raw": "สปช.105/29", "rooms": 5}
    toilet = {"building_type": "toilet", "sequence": 1, "design_raw": "สปช.601/26", "condition": "poor"}
    for values in (classroom | {"year_built": 2530, "condition": "fair"}, toilet | {"year_built": 2526}):
        bobec_services.building_create(first, actor=officer, **values)
    workflow.submission_submit(first, actor=officer)
    workflow.submission_accept(first, actor=staff)
    round_ = bobec_round(actor=staff, schools=[school], academic_year=2569)
    photo = tmp_path / "อาคารเรียน.jpg"
    image = Image.new("RGB", (2400, 1800), "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (7.0, 0.0, 0.0), 4: (100.0, 28.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    photo.write_bytes(buffer.getvalue())
    return {"school": school, "round": round_, "photo": photo}


def test_a_school_updates_its_buildings_on_a_phone_and_the_district_accepts(browser, live_server, world):
    school, round_ = world["school"], world["round"]
    detail = f"{live_server.url}/staff/rounds/{round_.slug}/schools/{school.code}/"
    officer = new_page(browser, 390, 844, is_mobile=True)
    staff = new_page(browser, 1280, 900)
    try:
        login(officer, live_server, "officer")
        officer.goto(detail)
        officer.click("button:has-text('เริ่มจากรายการรอบก่อน')")
        officer.wait_for_selector(".building-card")
        assert officer.locator(".building-card").count() == 2
        shot(officer, SHOTS, "bobec-1-started")

        # The toilet was pulled down in March: it stays in the list, under "demolished".
        officer.locator(".building-card", has_text="ส้วม หลังที่ 1").get_by_text("แก้ไข").click()
        officer.fill("input[name=demolished_on]", "15/03/2569")
        officer.click("button:has-text('บันทึกการรื้อถอน')")
        officer.wait_for_selector("text=รื้อถอนแล้ว (อยู่ในประวัติ ไม่นับเป็นอาคารที่มีอยู่)")

        # The classroom building has worn: its condition becomes poor.
        officer.locator(".building-card", has_text="อาคารเรียน หลังที่ 1").get_by_text("แก้ไข").click()
        officer.check("input[name=condition][value=poor]")
        officer.click("main form.building-form [type=submit]")
        officer.wait_for_selector(".building-card .condition-poor")

        # A new classroom building, first without its rooms: the form says what is missing.
        officer.click("a:has-text('เพิ่มอาคาร')")
        officer.select_option("select[name=building_type]", "classroom")
        officer.fill("input[name=sequence]", "2")
        officer.fill("input[name=design_raw]", "108 ล/2568")
        officer.fill("input[name=year_built]", "2568")
        officer.check("input[name=condition][value=good]")
        officer.click("main form.building-form [type=submit]")
        assert "อาคารเรียนต้องระบุจำนวนห้องตามแบบ" in officer.inner_text("main")
        shot(officer, SHOTS, "bobec-2-form-error")
        officer.fill("input[name=rooms]", "4")
        officer.click("main form.building-form [type=submit]")
        card = officer.locator(".building-card", has_text="อาคารเรียน หลังที่ 2")
        assert "108ล/68" in card.inner_text()

        # A photo of the new building.
        card.locator("input[name=image]").set_input_files(str(world["photo"]))
        card.locator("button:has-text('เพิ่มรูป')").click()
        officer.wait_for_selector(".building-photos img")
        shot(officer, SHOTS, "bobec-3-photo")

        officer.click("button:has-text('ยืนยันส่งข้อมูล')")
        officer.wait_for_selector("text=ยืนยันส่งข้อมูลแล้ว")
        submission = Submission.objects.get(round=round_, school=school)
        assert submission.status == S.SUBMITTED
        assert BuildingPhoto.objects.count() == 1
        standing = Building.objects.filter(submission=submission, demolished_on=None)
        assert sorted(standing.values_list("building_type", "sequence", "condition")) == [
            ("classroom", 1, "poor"),
            ("classroom", 2, "good"),
        ]

        # District staff: the overview counts the school's standing buildings; they open it and accept.
        login(staff, live_server, "staff")
        staff.goto(f"{live_server.url}/staff/rounds/{round_.slug}/buildings/")
        matrix = staff.inner_text(".building-matrix")
        assert "อาคารเรียน" in matrix and "ส้วม" not in matrix
        shot(staff, SHOTS, "bobec-4-overview")
        staff.click(f"a:has-text('{school.name_th}')")
        assert staff.locator(".building-photos img").count() == 1
        staff.fill("textarea[name=comment] >> nth=0", "ข้อมูลครบถ้วน")
        staff.click("button:has-text('รับรองข้อมูล')")
        staff.wait_for_selector("text=รับรองข้อมูลแล้ว")
        submission.refresh_from_db()
        assert submission.status == S.ACCEPTED
    finally:
        officer.context.close()
        staff.context.close()
