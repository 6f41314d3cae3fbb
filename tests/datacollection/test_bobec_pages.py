"""B-OBEC as a school officer and as district staff walk it: the prefilled template round trip, the web
form, starting from the last accepted list, demolition, photos, the workflow gate, roles and scope, and
the audit trail."""

import datetime
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from aoc.models import AuditLog
from datacollection import bobec_services, selectors, workflow
from datacollection.kinds import bobec
from datacollection.models import Building, BuildingPhoto, Submission, SubmissionEvent
from tests.datacollection.bobec_support import HEADER_ROW, bobec_round, fill_template, row

S = Submission.Status
BUILDING = {
    "building_type": "classroom",
    "sequence": 1,
    "design_raw": "สปช.105/29",
    "rooms": 4,
    "year_built": 2530,
    "condition": "fair",
    "budget_source": "งบประมาณ สพฐ.",
    "fiscal_year": 2530,
    "budget_amount": "2500000",
    "note": "",
}


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return bobec_round(actor=district_staff, schools=[school_a, school_b])


@pytest.fixture
def submission(round_, school_a):
    return Submission.objects.select_related("round", "school").get(round=round_, school=school_a)


def url(name, submission, *args):
    return reverse(f"datacollection:{name}", args=[submission.round.slug, submission.school.code, *args])


def add(submission, actor, **values):
    return bobec_services.building_create(submission, actor=actor, **(BUILDING | values))


def accepted_round(district_staff, officer, school, *buildings, number=1, as_of=datetime.date(2025, 6, 10)):
    """An earlier round, its list made by the officer and accepted by the district."""
    earlier = bobec_round(
        actor=district_staff, schools=[school], academic_year=2568, number=number, as_of=as_of
    )
    submission = Submission.objects.get(round=earlier, school=school)
    for values in buildings:
        add(submission, officer, **values)
    workflow.submission_submit(submission, actor=officer)
    workflow.submission_accept(submission, actor=district_staff)
    return submission


def _jpeg_with_gps(size=(3000, 2000)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (7.0, 0.0, 0.0), 4: (100.0, 28.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("อาคาร.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- The template round trip ------------------------------------------------------------------------


def test_template_round_trip_download_fill_upload_gives_the_same_data(client_for, officer_a, submission):
    client = client_for(officer_a)
    response = client.get(url("submission-template", submission))
    assert response.status_code == 200
    filled = fill_template(
        response.content,
        [
            row(
                design_raw="108ล/30",
                rooms=6,
                year_built=2541,
                condition="พอใช้",
                budget_source="งบ สพฐ.",
                fiscal_year=2540,
                budget_amount=3_150_000,
            ),
            row(
                building_type="ส้วม",
                sequence=1,
                design_raw="สปช.601/26",
                rooms=None,
                year_built=2555,
                condition="ทรุดโทรม",
            ),
            row(
                building_type="บ้านพักครู",
                sequence=2,
                design_raw="",
                rooms=None,
                year_built=2520,
                condition="ดี",
                demolished_on="30/09/2567",
                note="รื้อเพื่อสร้างอาคารใหม่",
            ),
        ],
    )
    response = client.post(
        url("submission-upload", submission), {"file": SimpleUploadedFile("b.xlsx", filled)}, follow=True
    )
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == S.DRAFT and submission.current_upload.status == "valid"
    stored = {(b.building_type, b.sequence): b for b in Building.objects.filter(submission=submission)}
    assert set(stored) == {("classroom", 1), ("toilet", 1), ("teacher_house", 2)}
    classroom = stored[("classroom", 1)]
    assert (classroom.design_raw, classroom.design_code, classroom.rooms, classroom.year_built) == (
        "108ล/30", "108ล/30", 6, 2541,
    )  # fmt: skip
    assert (classroom.condition, classroom.fiscal_year, str(classroom.budget_amount)) == (
        "fair",
        2540,
        "3150000.00",
    )
    assert stored[("toilet", 1)].condition == "poor"
    house = stored[("teacher_house", 2)]
    assert house.demolished_on == datetime.date(2024, 9, 30) and not house.is_standing

    # Downloaded again, the template holds exactly what was stored; read back, it gives the same data.
    again = client.get(url("submission-template", submission)).content
    ws = openpyxl.load_workbook(io.BytesIO(again))[bobec.SHEET_TITLE]
    assert [c.value for c in ws[HEADER_ROW]] == [c.th[0] for c in bobec.COLUMNS]
    assert ws.max_row == HEADER_ROW + 3
    response = client.post(
        url("submission-upload", submission), {"file": SimpleUploadedFile("b2.xlsx", again)}
    )
    assert response.status_code == 302
    after = {(b.building_type, b.sequence): b for b in Building.objects.filter(submission=submission)}
    fields = ("uid", "design_raw", "rooms", "year_built", "condition", "budget_source", "fiscal_year",
              "budget_amount", "demolished_on", "note")  # fmt: skip
    for key, before in stored.items():
        assert [getattr(after[key], f) for f in fields] == [getattr(before, f) for f in fields]


def test_a_note_typed_like_a_formula_survives_the_template_round_trip(client_for, officer_a, submission):
    add(submission, officer_a, note="=1+1 ห้องน้ำชำรุด")
    client = client_for(officer_a)
    template = client.get(url("submission-template", submission)).content
    cells = [
        c for r in openpyxl.load_workbook(io.BytesIO(template))[bobec.SHEET_TITLE].iter_rows() for c in r
    ]
    assert [c.data_type for c in cells if c.value == "=1+1 ห้องน้ำชำรุด"] == ["s"]
    client.post(url("submission-upload", submission), {"file": SimpleUploadedFile("b.xlsx", template)})
    assert submission.uploads.get().status == "valid"
    assert Building.objects.get(submission=submission).note == "=1+1 ห้องน้ำชำรุด"


def test_a_template_with_errors_changes_nothing_and_shows_cell_precise_thai_messages(
    client_for, officer_a, submission
):
    add(submission, officer_a)
    client = client_for(officer_a)
    template = client.get(url("submission-template", submission)).content
    filled = fill_template(template, [row(building_type="ส้วม", year_built=1990, condition="ดีมาก")])
    response = client.post(
        url("submission-upload", submission), {"file": SimpleUploadedFile("bad.xlsx", filled)}, follow=True
    )
    page = response.content.decode()
    assert "เป็นปี ค.ศ.: ใส่ปี พ.ศ. (1990 + 543 = 2533) (เซลล์ E6)" in page
    assert "สภาพ “ดีมาก” ไม่ถูกต้อง" in page and "(เซลล์ F6)" in page
    assert list(Building.objects.filter(submission=submission).values_list("building_type", flat=True)) == [
        "classroom"
    ]
    assert submission.uploads.get().status == "rejected"


def test_a_negative_number_of_rooms_in_the_template_is_a_thai_error_not_a_failure(
    client_for, officer_a, submission
):
    client = client_for(officer_a)
    template = client.get(url("submission-template", submission)).content
    filled = fill_template(template, [row(rooms=-3)])
    response = client.post(
        url("submission-upload", submission), {"file": SimpleUploadedFile("b.xlsx", filled)}, follow=True
    )
    assert "จำนวนห้อง “-3” ไม่ถูกต้อง" in response.content.decode()
    assert submission.uploads.get().status == "rejected"
    assert not Building.objects.filter(submission=submission).exists()


# --- The web form --------------------------------------------------------------------------------------


def test_officer_adds_a_building_in_the_form_and_the_submission_becomes_a_draft(
    client_for, officer_a, submission
):
    client = client_for(officer_a)
    assert client.get(url("building-create", submission)).status_code == 200
    response = client.post(url("building-create", submission), BUILDING)
    assert response.status_code == 302
    building = Building.objects.get(submission=submission)
    assert (building.design_code, building.rooms, building.condition) == ("สปช.105/29", 4, "fair")
    submission.refresh_from_db()
    assert submission.status == S.DRAFT
    assert SubmissionEvent.objects.filter(
        submission=submission, to_status=S.DRAFT, comment="buildings"
    ).exists()
    entry = AuditLog.objects.get(action="datacollection.building.created")
    assert entry.actor == officer_a and entry.data["school"] == submission.school.code
    page = client.get(url("submission-detail", submission)).content.decode()
    assert "อาคารเรียน หลังที่ 1" in page and "สปช.105/29" in page


def test_the_form_shows_the_templates_rules_in_thai(client_for, officer_a, submission):
    client = client_for(officer_a)
    response = client.post(url("building-create", submission), BUILDING | {"rooms": "", "year_built": 2600})
    assert response.status_code == 200
    page = response.content.decode()
    assert "อาคารเรียนต้องระบุจำนวนห้องตามแบบ" in page
    assert "ปีที่สร้าง (พ.ศ.) 2600 ยังมาไม่ถึง" in page
    assert not Building.objects.exists()


def test_a_second_standing_building_with_the_same_number_is_refused(client_for, officer_a, submission):
    add(submission, officer_a)
    response = client_for(officer_a).post(url("building-create", submission), BUILDING)
    assert "มีอาคารเรียน หลังที่ 1 อยู่แล้ว: ใช้หลังที่ถัดไป" in response.content.decode()
    assert Building.objects.count() == 1


def test_officer_changes_a_building_and_the_audit_row_has_the_changes(client_for, officer_a, submission):
    building = add(submission, officer_a)
    response = client_for(officer_a).post(
        url("building-edit", submission, building.pk), BUILDING | {"condition": "poor"}
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.condition == "poor"
    entry = AuditLog.objects.get(action="datacollection.building.updated")
    assert entry.data["changes"] == {"condition": ["fair", "poor"]}


def test_submit_is_refused_while_the_list_has_errors(client_for, officer_a, submission):
    building = add(submission, officer_a)
    Building.objects.filter(pk=building.pk).update(rooms=None)  # e.g. a list carried over from an old rule
    response = client_for(officer_a).post(url("submission-submit", submission), follow=True)
    assert "ยังยืนยันส่งไม่ได้" in response.content.decode()
    assert "อาคารเรียนต้องระบุจำนวนห้องตามแบบ" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == S.DRAFT
    Building.objects.filter(pk=building.pk).update(rooms=4)
    client_for(officer_a).post(url("submission-submit", submission))
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED


# --- Starting from the last accepted list; demolition keeps history ----------------------------------


def test_the_school_starts_from_its_last_accepted_list(
    client_for, district_staff, officer_a, school_a, submission
):
    previous = accepted_round(
        district_staff, officer_a, school_a, BUILDING, BUILDING | {"building_type": "toilet", "rooms": None}
    )
    client = client_for(officer_a)
    page = client.get(url("submission-detail", submission)).content.decode()
    assert "เริ่มจากรายการรอบก่อน" in page
    # The template is prefilled with the accepted list before the school starts.
    ws = openpyxl.load_workbook(io.BytesIO(client.get(url("submission-template", submission)).content))[
        bobec.SHEET_TITLE
    ]
    assert ws.max_row == HEADER_ROW + 2
    client.post(url("buildings-start", submission))
    copied = list(Building.objects.filter(submission=submission).order_by("building_type"))
    assert [b.uid for b in copied] == [b.uid for b in previous.buildings.order_by("building_type")]
    assert AuditLog.objects.get(action="datacollection.buildings.started").data["buildings"] == 2
    client.post(url("buildings-start", submission))  # a second click copies nothing more
    assert Building.objects.filter(submission=submission).count() == 2


def test_demolishing_keeps_the_building_in_history_and_out_of_the_counts(
    client_for, district_staff, officer_a, school_a, submission
):
    previous = accepted_round(district_staff, officer_a, school_a, BUILDING)
    bobec_services.buildings_start(submission, actor=officer_a)
    building = Building.objects.get(submission=submission)
    response = client_for(officer_a).post(
        url("building-demolish", submission, building.pk), {"demolished_on": "15/03/2569"}
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.demolished_on == datetime.date(2026, 3, 15)
    entry = AuditLog.objects.get(action="datacollection.building.demolished")
    assert entry.data["demolished_on"] == "2026-03-15"
    # Still listed, under "demolished"; not standing in this round; still standing in the accepted round.
    page = client_for(officer_a).get(url("submission-detail", submission)).content.decode()
    assert "รื้อถอนแล้ว" in page and "15 มี.ค. 2569" in page
    assert selectors.building_counts(submission.round, accepted_only=False) == []
    assert selectors.building_counts(previous.round) == [
        {"building_type": "classroom", "condition": "fair", "n": 1}
    ]
    # A building with history cannot be deleted, only demolished.
    response = client_for(officer_a).post(url("building-delete", submission, building.pk), follow=True)
    assert "ลบไม่ได้" in response.content.decode()
    assert Building.objects.filter(pk=building.pk).exists()


def test_a_demolition_date_in_the_future_is_refused(client_for, officer_a, submission):
    building = add(submission, officer_a)
    response = client_for(officer_a).post(
        url("building-demolish", submission, building.pk), {"demolished_on": "01/01/2600"}, follow=True
    )
    assert "ยังมาไม่ถึง" in response.content.decode()
    building.refresh_from_db()
    assert building.demolished_on is None


def test_a_row_entered_by_mistake_can_be_deleted(client_for, officer_a, submission):
    building = add(submission, officer_a)
    client_for(officer_a).post(url("building-delete", submission, building.pk))
    assert not Building.objects.exists()
    assert AuditLog.objects.filter(action="datacollection.building.deleted").count() == 1


# --- Photos ----------------------------------------------------------------------------------------------


def test_a_photo_is_resized_and_stripped_of_exif_and_gps(client_for, officer_a, submission, settings):
    building = add(submission, officer_a)
    response = client_for(officer_a).post(
        url("building-photo-add", submission, building.pk), {"image": _jpeg_with_gps(), "caption": "ด้านหน้า"}
    )
    assert response.status_code == 302
    photo = BuildingPhoto.objects.get()
    assert photo.building_uid == building.uid and photo.school == submission.school
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == settings.PHOTO_RESIZE_TO
        assert not stored.getexif()
    assert AuditLog.objects.get(action="datacollection.building_photo.added").actor == officer_a
    page = client_for(officer_a).get(url("submission-detail", submission)).content.decode()
    assert photo.image.url in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"), "ไม่ใช่รูปภาพ"),
        (
            SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
            "ไม่ใช่รูปภาพ",
        ),
    ],
)
def test_files_that_are_not_photos_are_refused_in_thai(client_for, officer_a, submission, upload, message):
    building = add(submission, officer_a)
    response = client_for(officer_a).post(
        url("building-photo-add", submission, building.pk), {"image": upload}, follow=True
    )
    assert message in response.content.decode() or "รับเฉพาะรูปแบบ" in response.content.decode()
    assert not BuildingPhoto.objects.exists()


def test_too_large_photos_and_too_many_photos_are_refused(client_for, officer_a, submission, settings):
    building = add(submission, officer_a)
    client = client_for(officer_a)
    settings.PHOTO_MAX_BYTES = 1000
    response = client.post(
        url("building-photo-add", submission, building.pk), {"image": _jpeg_with_gps()}, follow=True
    )
    assert "ไฟล์รูปใหญ่เกินไป" in response.content.decode()
    settings.PHOTO_MAX_BYTES = 8 * 1024 * 1024
    for _ in range(bobec_services.MAX_PHOTOS_PER_BUILDING):
        client.post(url("building-photo-add", submission, building.pk), {"image": _jpeg_with_gps((400, 300))})
    response = client.post(
        url("building-photo-add", submission, building.pk), {"image": _jpeg_with_gps((400, 300))}, follow=True
    )
    assert "เพิ่มรูปในรอบนี้ได้ไม่เกิน 6 รูป" in response.content.decode()
    assert BuildingPhoto.objects.count() == bobec_services.MAX_PHOTOS_PER_BUILDING


def test_photos_follow_the_building_through_a_template_upload(client_for, officer_a, submission):
    building = add(submission, officer_a)
    bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    client = client_for(officer_a)
    template = client.get(url("submission-template", submission)).content
    client.post(url("submission-upload", submission), {"file": SimpleUploadedFile("b.xlsx", template)})
    replaced = Building.objects.get(submission=submission)
    assert replaced.pk != building.pk and replaced.uid == building.uid
    assert selectors.building_photos_of(submission)[replaced.uid][0].building_uid == building.uid


def test_an_officer_removes_a_photo_of_this_round(
    client_for, officer_a, submission, django_capture_on_commit_callbacks
):
    building = add(submission, officer_a)
    photo = bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer_a).post(url("building-photo-delete", submission, photo.pk))
    assert not BuildingPhoto.objects.exists()
    assert AuditLog.objects.filter(action="datacollection.building_photo.deleted").count() == 1
    assert not os.path.exists(path)


# --- Roles and scope -------------------------------------------------------------------------------------


def test_another_schools_officer_gets_404(client_for, officer_b, officer_a, submission):
    building = add(submission, officer_a)
    client = client_for(officer_b)
    assert client.get(url("submission-detail", submission)).status_code == 404
    assert client.get(url("building-edit", submission, building.pk)).status_code == 404
    assert client.post(url("building-create", submission), BUILDING).status_code == 404
    assert client.get(url("submission-template", submission)).status_code == 404


@pytest.mark.parametrize("persona", ["district_staff", "director", "ict_staff"])
def test_only_the_schools_officers_edit_in_the_form(client_for, personas, submission, persona):
    client = client_for(personas[persona])
    assert client.post(url("building-create", submission), BUILDING).status_code == 403
    assert client.post(url("buildings-start", submission)).status_code == 403
    assert not Building.objects.exists()


def test_post_only_actions_answer_get_with_405(client_for, officer_a, submission):
    building = add(submission, officer_a)
    client = client_for(officer_a)
    for name, args in (
        ("buildings-start", ()),
        ("building-demolish", (building.pk,)),
        ("building-delete", (building.pk,)),
        ("building-photo-add", (building.pk,)),
    ):
        assert client.get(url(name, submission, *args)).status_code == 405, name


def test_nothing_can_be_edited_once_submitted(client_for, officer_a, submission):
    building = add(submission, officer_a)
    workflow.submission_submit(submission, actor=officer_a)
    client = client_for(officer_a)
    assert (
        client.post(url("building-edit", submission, building.pk), BUILDING | {"rooms": 9}).status_code == 403
    )
    assert (
        client.post(
            url("building-photo-add", submission, building.pk), {"image": _jpeg_with_gps()}
        ).status_code
        == 403
    )
    page = client.get(url("submission-detail", submission)).content.decode()
    assert "เพิ่มอาคาร" not in page


def test_anonymous_visitors_are_sent_to_log_in(client_for, submission):
    response = client_for(None).get(url("submission-detail", submission))
    assert response.status_code == 302 and "login" in response["Location"]


def test_district_staff_drill_down_to_a_schools_buildings_with_photos(
    client_for, district_staff, officer_a, school_a, submission
):
    building = add(submission, officer_a)
    photo = bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    page = client_for(district_staff).get(url("submission-detail", submission)).content.decode()
    assert "อาคารเรียน หลังที่ 1" in page and photo.image.url in page
    assert "เพิ่มอาคาร" not in page and "ลบรูป" not in page  # district staff read and verify, they do not edit


def test_a_photo_added_in_an_earlier_round_cannot_be_removed_now(
    client_for, district_staff, officer_a, school_a
):
    earlier = bobec_round(
        actor=district_staff, schools=[school_a], academic_year=2568, as_of=datetime.date(2025, 6, 10)
    )
    first = Submission.objects.get(round=earlier, school=school_a)
    building = add(first, officer_a)
    photo = bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    workflow.submission_submit(first, actor=officer_a)
    workflow.submission_accept(first, actor=district_staff)
    later = bobec_round(actor=district_staff, schools=[school_a], academic_year=2569, number=1)
    current = Submission.objects.get(round=later, school=school_a)
    bobec_services.buildings_start(current, actor=officer_a)
    # The photo shows with the building in the new round …
    assert list(selectors.building_photos_of(current)) == [building.uid]
    # … but belongs to the accepted round: it cannot be removed from the new one.
    response = client_for(officer_a).post(url("building-photo-delete", current, photo.pk))
    assert response.status_code == 404
    assert BuildingPhoto.objects.filter(pk=photo.pk).exists()


def test_photos_of_earlier_rounds_do_not_use_up_this_rounds_photos(
    client_for, district_staff, officer_a, school_a
):
    # The photos of an accepted round cannot be removed: they must not stop the school photographing the
    # building again in a later round.
    earlier_round = bobec_round(
        actor=district_staff, schools=[school_a], academic_year=2568, as_of=datetime.date(2025, 6, 10)
    )
    earlier = Submission.objects.get(round=earlier_round, school=school_a)
    building = add(earlier, officer_a)
    for _ in range(bobec_services.MAX_PHOTOS_PER_BUILDING):
        bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    workflow.submission_submit(earlier, actor=officer_a)
    workflow.submission_accept(earlier, actor=district_staff)
    later = bobec_round(actor=district_staff, schools=[school_a], academic_year=2569, number=1)
    current = Submission.objects.get(round=later, school=school_a)
    bobec_services.buildings_start(current, actor=officer_a)
    copy = Building.objects.get(submission=current)
    response = client_for(officer_a).post(
        url("building-photo-add", current, copy.pk), {"image": _jpeg_with_gps((400, 300))}, follow=True
    )
    assert "เพิ่มรูปแล้ว" in response.content.decode()
    assert BuildingPhoto.objects.filter(submission=current, building_uid=copy.uid).count() == 1


def test_a_rejected_files_problems_give_way_to_later_form_edits(client_for, officer_a, submission):
    client = client_for(officer_a)
    bad = fill_template(client.get(url("submission-template", submission)).content, [row(year_built=1990)])
    client.post(url("submission-upload", submission), {"file": SimpleUploadedFile("bad.xlsx", bad)})
    assert "(เซลล์ E5)" in client.get(url("submission-detail", submission)).content.decode()
    add(submission, officer_a)
    assert "(เซลล์ E5)" not in client.get(url("submission-detail", submission)).content.decode()


def test_a_demolition_recorded_by_mistake_can_be_undone(client_for, officer_a, submission):
    building = add(submission, officer_a)
    client = client_for(officer_a)
    response = client.post(
        url("building-demolish", submission, building.pk), {"demolished_on": "-"}, follow=True
    )
    assert "ใส่วันที่รื้อถอน" in response.content.decode()
    client.post(url("building-demolish", submission, building.pk), {"demolished_on": "01/02/2569"})
    add(submission, officer_a)  # its replacement takes number 1
    response = client.post(url("building-restore", submission, building.pk), follow=True)
    assert "มีอาคารเรียน หลังที่ 1 อยู่แล้ว" in response.content.decode()
    building.refresh_from_db()
    assert building.demolished_on == datetime.date(2026, 2, 1)
    Building.objects.exclude(pk=building.pk).delete()
    client.post(url("building-restore", submission, building.pk))
    building.refresh_from_db()
    assert building.demolished_on is None
    assert (
        AuditLog.objects.get(action="datacollection.building.restored").data["demolished_on"] == "2026-02-01"
    )
    assert client.get(url("building-restore", submission, building.pk)).status_code == 405


def test_the_list_does_not_query_per_building(
    client_for, officer_a, submission, django_assert_max_num_queries
):
    building = add(submission, officer_a)
    bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    client = client_for(officer_a)
    client.get(url("submission-detail", submission))  # warm the session and the site caches
    with django_assert_max_num_queries(30) as queries:
        client.get(url("submission-detail", submission))
    one_building = len(queries)
    for sequence in range(2, 13):
        building = add(submission, officer_a, sequence=sequence)
        bobec_services.building_photo_add(building, actor=officer_a, image=_jpeg_with_gps((400, 300)))
    with django_assert_max_num_queries(one_building):
        client.get(url("submission-detail", submission))


def test_a_building_of_the_last_list_missing_from_the_file_is_a_warning(
    client_for, district_staff, officer_a, school_a, submission
):
    previous = accepted_round(
        district_staff, officer_a, school_a, BUILDING, BUILDING | {"building_type": "toilet", "rooms": None}
    )
    toilet = previous.buildings.get(building_type="toilet")
    client = client_for(officer_a)
    template = client.get(url("submission-template", submission)).content
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[bobec.SHEET_TITLE]
    rows = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "ส้วม"]
    ws.delete_rows(rows[0])
    out = io.BytesIO()
    wb.save(out)
    client.post(url("submission-upload", submission), {"file": SimpleUploadedFile("b.xlsx", out.getvalue())})
    upload = submission.uploads.get()
    assert upload.status == "valid" and upload.warning_count == 1
    [warning] = upload.issues
    assert warning["code"] == "building_missing" and str(toilet.uid) in warning["message"]
    assert "ถ้ารื้อถอนแล้วให้คงแถวไว้และใส่วันที่รื้อถอน" in warning["message"]
