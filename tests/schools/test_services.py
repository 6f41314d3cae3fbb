import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aoc.models import AuditLog
from schools import services
from schools.models import DataOfficer, SchoolPhoto
from tests.factories import SchoolFactory


@pytest.mark.django_db
def test_school_update_records_the_changed_values(district_staff, school_a):
    services.school_update(school_a, actor=district_staff, phone="074-123-456", tambon="ควนลัง")
    entry = AuditLog.objects.get(action="schools.school.updated")
    assert entry.actor == district_staff
    assert entry.target_id == str(school_a.pk)
    assert entry.data["changes"] == {"phone": ["074-000-000", "074-123-456"]}


@pytest.mark.django_db
def test_a_value_typed_by_staff_is_no_longer_marked_generated(district_staff):
    school = SchoolFactory(generated_fields=["phone", "tambon"])
    services.school_update(school, actor=district_staff, phone="074-123-456")
    school.refresh_from_db()
    assert school.generated_fields == ["tambon"]


@pytest.mark.django_db
def test_unchanged_save_writes_no_audit_row(district_staff, school_a):
    services.school_update(school_a, actor=district_staff, phone=school_a.phone)
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"smis_code": "91025999"}, "smis_code"),  # province 91 ≠ the school code's 90
        ({"smis_code": "90015999"}, "smis_code"),  # area 9001 ≠ the school's area 9002
        ({"smis_code": "9002599"}, "smis_code"),  # 7 digits
        ({"latitude": 13.75, "longitude": 100.5}, "latitude"),  # Bangkok, outside Songkhla
        ({"latitude": 100.47, "longitude": 7.0}, "latitude"),  # swapped
        ({"postcode": "9011"}, "postcode"),
    ],
)
def test_inconsistent_identifiers_and_places_are_refused(district_staff, school_a, fields, error_field):
    with pytest.raises(ValidationError) as exc:
        services.school_update(school_a, actor=district_staff, **fields)
    assert error_field in exc.value.message_dict
    school_a.refresh_from_db()
    assert school_a.smis_code.startswith("9002")
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_obec_code_is_derived_from_the_school_code(district_staff):
    school = services.school_create(
        actor=district_staff, code="1090550174", smis_code="90020001", area_code="9002",
        name_th="บ้านเขารักเกียรติ", level="kinder_primary", amphoe_id=SchoolFactory().amphoe_id,
    )  # fmt: skip
    school.refresh_from_db()
    assert school.obec_code == "550174"


@pytest.mark.django_db
def test_roles_that_only_read_cannot_change_the_registry(director, ict_staff, officer_a, school_a):
    for user in (director, ict_staff, officer_a):
        with pytest.raises(PermissionDenied):
            services.school_update(school_a, actor=user, phone="1")


@pytest.mark.django_db
def test_school_officer_keeps_their_own_officer_register(officer_a, officer_b, school_a):
    officer = services.officer_save(school_a, actor=officer_a, full_name="นายใหม่ ใจดี", handles_emis=True)
    assert DataOfficer.objects.get(pk=officer.pk).school == school_a
    assert AuditLog.objects.filter(action="schools.officer.created", actor=officer_a).exists()
    with pytest.raises(PermissionDenied):
        services.officer_save(school_a, actor=officer_b, full_name="นายแปลก หน้า")


def _jpeg_with_gps(size=(3000, 2000)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x8825] = {2: (7.0, 0.0, 0.0), 4: (100.0, 28.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_photo_is_resized_and_stripped_of_location(district_staff, school_a, settings):
    photo = services.photo_add(school_a, actor=district_staff, image=_jpeg_with_gps(), caption="อาคารเรียน")
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == settings.PHOTO_RESIZE_TO
        assert not stored.getexif()
    assert AuditLog.objects.filter(action="schools.photo.added").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
)
def test_files_that_are_not_photos_are_refused_and_nothing_is_kept(district_staff, school_a, upload):
    with pytest.raises(ValidationError):
        services.photo_add(school_a, actor=district_staff, image=upload)
    assert not SchoolPhoto.objects.exists()


@pytest.mark.django_db
def test_too_large_photo_is_refused(district_staff, school_a, settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="ใหญ่เกินไป"):
        services.photo_add(school_a, actor=district_staff, image=_jpeg_with_gps())


@pytest.mark.django_db
def test_a_photo_taken_off_the_public_pages_loses_its_old_address(
    district_staff, school_a, django_capture_on_commit_callbacks
):
    photo = services.photo_add(school_a, actor=district_staff, image=_jpeg_with_gps(), caption="อาคาร")
    public_name = photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_update(photo, actor=district_staff, is_public=False)
    photo.refresh_from_db()
    assert photo.image.name != public_name
    assert photo.image.storage.exists(photo.image.name)
    assert not photo.image.storage.exists(public_name)
