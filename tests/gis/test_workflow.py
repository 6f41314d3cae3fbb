"""The state machine of map updates at the service level: pending → approved | rejected, with its
history, audit entries, notices, the registry changes an approval makes, and the province boundary."""

import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aoc.models import AuditLog, Notice
from gis import services
from gis.models import Proposal, ProposalEvent
from schools import services as school_services
from schools.models import SchoolPhoto
from tests.factories import SchoolFactory
from tests.gis.conftest import HAT_YAI, jpeg

P = Proposal.Status


@pytest.fixture
def location(school_a, officer_a, district_staff):
    return services.location_propose(
        school_a, actor=officer_a, latitude=HAT_YAI[0], longitude=HAT_YAI[1], note="ประตูหน้าโรงเรียน"
    )


@pytest.fixture
def staff_photo(school_a, district_staff):
    """A photo proposal, made by district staff."""
    return services.photo_propose(school_a, actor=district_staff, image=jpeg(), caption="อาคารเรียน 1")


def _events(proposal):
    return list(proposal.events.values_list("from_status", "to_status", "actor__username", "comment"))


# --- Proposing a location ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_proposes_a_location_and_district_staff_are_told(
    location, officer_a, district_staff, school_a
):
    assert location.status == P.PENDING
    assert (location.latitude, location.longitude) == HAT_YAI
    assert _events(location) == [("", P.PENDING, "officer_a", "")]
    entry = AuditLog.objects.get(action="gis.proposal.created")
    assert entry.actor == officer_a
    assert entry.data["latitude"] == "7.006543"
    assert Notice.objects.filter(user=district_staff, url=f"/staff/updates/{location.pk}/").exists()
    assert not Notice.objects.filter(user=officer_a).exists()
    school_a.refresh_from_db()
    assert school_a.latitude is None  # nothing public until approved


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        (Decimal("100.474321"), Decimal("7.006543"), "swapped"),
        (Decimal("13.7563"), Decimal("100.5018"), "outside"),  # Bangkok
        (Decimal("6.8"), Decimal("101.5"), "outside"),  # Pattani, east of the box
        (Decimal("0"), Decimal("0"), "outside"),
    ],
)
def test_points_outside_the_province_are_refused_in_thai(school_a, officer_a, latitude, longitude, code):
    with pytest.raises(ValidationError) as exc:
        services.location_propose(school_a, actor=officer_a, latitude=latitude, longitude=longitude)
    assert exc.value.code == code
    message = exc.value.messages[0]
    assert ("สลับกัน" in message) if code == "swapped" else ("นอกเขตจังหวัดสงขลา" in message)
    assert not Proposal.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_the_boundary_is_configurable(school_a, officer_a, district_staff, settings):
    settings.PROVINCE_BOUNDS = (13.5, 100.3, 14.0, 100.9)  # another province's box
    proposal = services.location_propose(school_a, actor=officer_a, latitude="13.7563", longitude="100.5018")
    assert proposal.latitude == Decimal("13.756300")
    with pytest.raises(ValidationError):
        services.location_propose(
            SchoolFactory(), actor=district_staff, latitude=HAT_YAI[0], longitude=HAT_YAI[1]
        )


@pytest.mark.django_db
def test_points_on_the_edge_are_accepted_and_rounded_to_six_places(school_a, officer_a, settings):
    south, west, _north, _east = settings.PROVINCE_BOUNDS
    proposal = services.location_propose(
        school_a, actor=officer_a, latitude=Decimal(str(south)), longitude=Decimal(f"{west}0000004")
    )
    assert proposal.longitude == Decimal(f"{west:.6f}")


@pytest.mark.django_db
def test_one_location_waits_for_review_at_a_time(location, school_a, officer_a):
    with pytest.raises(services.ProposalError):
        services.location_propose(school_a, actor=officer_a, latitude="7.01", longitude="100.47")
    assert Proposal.objects.filter(kind="location").count() == 1


@pytest.mark.django_db
def test_who_may_propose(school_a, officer_b, director, ict_staff, district_staff):
    for user in (officer_b, director, ict_staff):
        with pytest.raises(PermissionDenied):
            services.location_propose(school_a, actor=user, latitude=HAT_YAI[0], longitude=HAT_YAI[1])
    assert services.location_propose(
        school_a, actor=district_staff, latitude=HAT_YAI[0], longitude=HAT_YAI[1]
    ).is_pending


# --- Deciding ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_a_location_writes_it_to_the_registry(location, district_staff, officer_a):
    school = location.school
    school.generated_fields = ["latitude", "longitude", "phone"]
    school.save()
    services.proposal_approve(location, actor=district_staff, comment="ตรงกับภาพถ่ายดาวเทียม")
    location.refresh_from_db()
    assert location.status == P.APPROVED
    assert (location.decided_by, location.review_comment) == (district_staff, "ตรงกับภาพถ่ายดาวเทียม")
    assert _events(location)[-1] == (P.PENDING, P.APPROVED, "staff", "ตรงกับภาพถ่ายดาวเทียม")
    school.refresh_from_db()
    assert (school.latitude, school.longitude) == HAT_YAI
    assert school.generated_fields == ["phone"]  # the generated marker goes
    registry = AuditLog.objects.get(action="schools.school.updated")
    assert registry.actor == district_staff
    assert registry.data["changes"]["latitude"] == [None, "7.006543"]
    assert AuditLog.objects.filter(action="gis.proposal.approved", actor=district_staff).exists()
    notice = Notice.objects.get(user=officer_a)
    assert "อนุมัติ" in notice.title and notice.body == "ตรงกับภาพถ่ายดาวเทียม"


@pytest.mark.django_db
def test_rejecting_needs_a_reason_and_tells_the_school(location, district_staff, officer_a):
    with pytest.raises(services.ProposalError):
        services.proposal_reject(location, actor=district_staff, comment="  ")
    location.refresh_from_db()
    assert location.status == P.PENDING
    services.proposal_reject(location, actor=district_staff, comment="หมุดอยู่กลางทุ่งนา กรุณาปักที่อาคารเรียน")
    location.refresh_from_db()
    assert location.status == P.REJECTED
    assert _events(location)[-1][:2] == (P.PENDING, P.REJECTED)
    assert location.school.latitude is None
    assert AuditLog.objects.filter(action="gis.proposal.rejected").count() == 1
    assert Notice.objects.get(user=officer_a).body == "หมุดอยู่กลางทุ่งนา กรุณาปักที่อาคารเรียน"


@pytest.mark.django_db
@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_proposal_cannot_be_decided_again(location, district_staff, first):
    verbs = {"approve": services.proposal_approve, "reject": services.proposal_reject}
    verbs[first](location, actor=district_staff, comment="ตรวจแล้ว")
    for verb in verbs.values():
        with pytest.raises(services.ProposalError):
            verb(location, actor=district_staff, comment="อีกครั้ง")
    assert ProposalEvent.objects.filter(proposal=location).count() == 2


@pytest.mark.django_db
def test_only_district_staff_and_administrators_decide(location, officer_a, director, ict_staff, admin_user):
    for user in (officer_a, director, ict_staff):
        for verb in (services.proposal_approve, services.proposal_reject):
            with pytest.raises(PermissionDenied):
                verb(location, actor=user, comment="ไม่ได้")
    services.proposal_approve(location, actor=admin_user)
    location.refresh_from_db()
    assert location.status == P.APPROVED


@pytest.mark.django_db
def test_a_new_location_may_be_proposed_once_the_last_is_decided(location, district_staff, officer_a):
    services.proposal_reject(location, actor=district_staff, comment="ไม่ตรง")
    again = services.location_propose(
        location.school, actor=officer_a, latitude="7.0070", longitude="100.4750"
    )
    assert again.is_pending


# --- Photos -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposed_photo_is_not_public_until_approved(staff_photo, district_staff):
    photo = staff_photo.photo
    assert photo.is_public is False
    assert staff_photo.caption == "อาคารเรียน 1"
    services.proposal_approve(staff_photo, actor=district_staff)
    photo.refresh_from_db()
    assert photo.is_public is True
    assert AuditLog.objects.filter(action="schools.photo.updated").exists()


@pytest.mark.django_db
def test_a_rejected_photo_is_deleted(staff_photo, district_staff, django_capture_on_commit_callbacks):
    path = staff_photo.photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(staff_photo, actor=district_staff, comment="เห็นหน้านักเรียนชัดเจน")
    staff_photo.refresh_from_db()
    assert staff_photo.status == P.REJECTED
    assert staff_photo.photo is None
    assert not SchoolPhoto.objects.exists()
    assert AuditLog.objects.filter(action="schools.photo.deleted").exists()
    assert not os.path.exists(path)


@pytest.mark.django_db
def test_a_photo_deleted_from_the_registry_cannot_be_approved(staff_photo, district_staff):
    school_services.photo_delete(staff_photo.photo, actor=district_staff)
    staff_photo.refresh_from_db()
    with pytest.raises(services.ProposalError):
        services.proposal_approve(staff_photo, actor=district_staff)
    staff_photo.refresh_from_db()
    assert staff_photo.status == P.PENDING  # rolled back: still waiting, can be rejected


@pytest.mark.django_db
def test_files_that_are_not_photos_are_refused(school_a, district_staff):
    with pytest.raises(ValidationError):
        services.photo_propose(
            school_a, actor=district_staff, image=SimpleUploadedFile("x.jpg", b"MZ not a photo"), caption="x"
        )
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_officer_proposes_a_photo_resized_and_without_location(school_a, officer_a, district_staff, settings):
    proposal = services.photo_propose(
        school_a, actor=officer_a, image=jpeg(size=(3000, 2000), gps=True), caption="สนามกีฬา"
    )
    assert proposal.is_pending and proposal.photo.is_public is False
    with Image.open(proposal.photo.image.path) as stored:
        assert max(stored.size) == settings.PHOTO_RESIZE_TO
        assert not stored.getexif()
    assert Notice.objects.filter(user=district_staff).exists()
    services.proposal_approve(proposal, actor=district_staff)
    proposal.photo.refresh_from_db()
    assert proposal.photo.is_public


@pytest.mark.django_db
def test_officer_cannot_propose_a_photo_for_another_school(school_b, officer_a):
    with pytest.raises(PermissionDenied):
        services.photo_propose(school_b, actor=officer_a, image=jpeg(), caption="ไม่ใช่โรงเรียนของฉัน")
    assert not SchoolPhoto.objects.exists()
