"""Writes of map updates: a school proposes its location or a photo; district staff approve or reject.

    pending ──approve──▶ approved
       └────reject───▶ rejected

Each verb checks who may use it and its own rules, then calls ``_transition``, which locks the proposal,
refuses a move the map does not allow, and writes the history row and the audit entry. What an approval
changes in the registry goes through the registry's own services (``schools.services``), so the
registry's audit shows it too. The pages call these functions; ``ProposalError`` is a message for the
user there.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aoc.audit import audit_log
from aoc.notify import notify
from aoc.selectors import district_staff_users
from gis import permissions
from gis.models import Proposal, ProposalEvent
from schools import services as school_services
from schools.models import School
from schools.selectors import school_logins

P = Proposal.Status

TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.APPROVED, P.REJECTED},
    P.APPROVED: set(),
    P.REJECTED: set(),
}

SIX_PLACES = Decimal("0.000001")


class ProposalError(Exception):
    """A move the workflow does not allow now; the message says why, for the user."""


def _detail_url(proposal: Proposal) -> str:
    return reverse("gis:proposal-detail", kwargs={"pk": proposal.pk})


def _record(proposal: Proposal, *, actor, verb: str, from_status: str, comment: str = "", **data) -> None:
    ProposalEvent.objects.create(
        proposal=proposal, actor=actor, from_status=from_status, to_status=proposal.status, comment=comment
    )
    audit_log(
        actor,
        f"gis.proposal.{verb}",
        proposal,
        {
            "school": proposal.school.code,
            "kind": proposal.kind,
            "from": from_status,
            "to": proposal.status,
            "comment": comment,
            **data,
        },
    )


def _transition(proposal: Proposal, to_status: str, *, actor, verb: str, comment: str = "") -> Proposal:
    """Lock the proposal, move it to ``to_status`` and record who did it, when and why."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("school").get(pk=proposal.pk)
    if to_status not in TRANSITIONS[locked.status]:
        raise ProposalError(
            _("ทำรายการนี้ไม่ได้: ข้อเสนอนี้อยู่ในสถานะ “%(status)s” แล้ว") % {"status": locked.get_status_display()}
        )
    from_status = locked.status
    locked.status = to_status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.review_comment = comment
    locked.save(update_fields=["status", "decided_by", "decided_at", "review_comment"])
    _record(locked, actor=actor, verb=verb, from_status=from_status, comment=comment)
    proposal.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


# --- Coordinates ------------------------------------------------------------------------------------


def check_location(latitude, longitude) -> tuple[Decimal, Decimal]:
    """The point rounded to 6 decimals (about 10 cm), or a ``ValidationError`` in Thai when it lies outside
    the province (``PROVINCE_BOUNDS``) — with a hint when latitude and longitude were swapped."""
    try:
        lat = Decimal(str(latitude)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
        lon = Decimal(str(longitude)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise ValidationError(
            _("พิกัดต้องเป็นตัวเลขทศนิยม เช่น 7.006543, 100.474321"), code="not_a_number"
        ) from None
    if school_services.within_bounds(lat, lon):
        return lat, lon
    if school_services.within_bounds(lon, lat):
        raise ValidationError(
            _(
                "ดูเหมือนใส่ละติจูดและลองจิจูดสลับกัน: ในจังหวัดสงขลา ละติจูดประมาณ 6–8 "
                "และลองจิจูดประมาณ 100–101 กรุณาสลับช่องแล้วส่งใหม่"
            ),
            code="swapped",
        )
    raise ValidationError(
        _(
            "พิกัดนี้อยู่นอกเขตจังหวัดสงขลา กรุณาตรวจสอบ: ละติจูดควรอยู่ประมาณ 6–8 "
            "และลองจิจูดประมาณ 100–101 (เช่น 7.006543, 100.474321)"
        ),
        code="outside",
    )


# --- Proposing --------------------------------------------------------------------------------------


def _tell_district(proposal: Proposal, title: str) -> None:
    notify(district_staff_users(), title=title, body=proposal.note, url=_detail_url(proposal))


@transaction.atomic
def location_propose(school: School, *, actor, latitude, longitude, note: str = "") -> Proposal:
    """A school proposes where it is. Refused outside the province, and while another location of the
    same school waits for review."""
    if not permissions.can_propose(actor, school):
        raise PermissionDenied
    lat, lon = check_location(latitude, longitude)
    if Proposal.objects.filter(school=school, kind=Proposal.Kind.LOCATION, status=P.PENDING).exists():
        raise ProposalError(_("มีพิกัดที่เสนอไว้และรอเขตพื้นที่ตรวจอยู่แล้ว กรุณารอผลการตรวจก่อนเสนอใหม่"))
    proposal = Proposal(
        school=school,
        kind=Proposal.Kind.LOCATION,
        latitude=lat,
        longitude=lon,
        previous_latitude=school.latitude,
        previous_longitude=school.longitude,
        note=note.strip(),
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # another proposal of the school got in first
        raise ProposalError(_("มีพิกัดที่เสนอไว้และรอเขตพื้นที่ตรวจอยู่แล้ว กรุณารอผลการตรวจก่อนเสนอใหม่")) from None
    _record(proposal, actor=actor, verb="created", from_status="", latitude=str(lat), longitude=str(lon))
    _tell_district(proposal, _("%(school)s เสนอพิกัดที่ตั้งใหม่ รอตรวจ") % {"school": school})
    return proposal


@transaction.atomic
def photo_propose(school: School, *, actor, image, caption: str, note: str = "") -> Proposal:
    """A school proposes a photo. It is checked, resized and stripped of its metadata (location included)
    by ``schools.services.photo_add`` and kept as a photo that is not public until approved."""
    if not permissions.can_propose(actor, school):
        raise PermissionDenied
    caption = caption.strip()
    photo = school_services.photo_add(school, actor=actor, image=image, caption=caption, is_public=False)
    try:
        proposal = Proposal.objects.create(
            school=school,
            kind=Proposal.Kind.PHOTO,
            photo=photo,
            caption=caption,
            note=note.strip(),
            proposed_by=actor,
        )
        _record(proposal, actor=actor, verb="created", from_status="", photo=photo.pk, caption=caption)
        _tell_district(proposal, _("%(school)s ส่งรูปภาพใหม่ รอตรวจ") % {"school": school})
    except Exception:
        photo.image.storage.delete(photo.image.name)  # the transaction drops the photo's row: drop its file
        raise
    return proposal


# --- Deciding ---------------------------------------------------------------------------------------


def _check_reviewer(actor) -> None:
    if not permissions.can_review(actor):
        raise PermissionDenied


@transaction.atomic
def proposal_approve(proposal: Proposal, *, actor, comment: str = "") -> Proposal:
    """District staff approve: a location is written to the registry (``school_update``: its audit, and the
    "generated" marker goes); a photo becomes public. The school's officers are told."""
    _check_reviewer(actor)
    locked = _transition(proposal, P.APPROVED, actor=actor, verb="approved", comment=comment.strip())
    if locked.kind == Proposal.Kind.LOCATION:
        school_services.school_update(
            locked.school, actor=actor, latitude=locked.latitude, longitude=locked.longitude
        )
        title = _("เขตพื้นที่อนุมัติพิกัดที่ตั้งของ %(school)s แล้ว")
    else:
        if locked.photo is None:
            raise ProposalError(_("รูปนี้ถูกลบออกจากทะเบียนแล้ว อนุมัติไม่ได้ กรุณาบันทึกว่าไม่อนุมัติ"))
        school_services.photo_update(locked.photo, actor=actor, is_public=True)
        title = _("เขตพื้นที่อนุมัติรูปภาพของ %(school)s แล้ว เผยแพร่บนแผนที่และหน้าโรงเรียน")
    notify(
        school_logins(locked.school),
        title=title % {"school": locked.school},
        body=locked.review_comment,
        url=_detail_url(locked),
    )
    return proposal


@transaction.atomic
def proposal_reject(proposal: Proposal, *, actor, comment: str) -> Proposal:
    """District staff reject, saying why. A rejected photo is deleted: it was never public."""
    _check_reviewer(actor)
    if not comment.strip():
        raise ProposalError(_("กรุณาระบุเหตุผลที่ไม่อนุมัติ เพื่อให้โรงเรียนแก้ไขได้"))
    locked = _transition(proposal, P.REJECTED, actor=actor, verb="rejected", comment=comment.strip())
    if locked.kind == Proposal.Kind.PHOTO and locked.photo is not None and not locked.photo.is_public:
        school_services.photo_delete(locked.photo, actor=actor)
        proposal.photo = None
    notify(
        school_logins(locked.school),
        title=_("เขตพื้นที่ไม่อนุมัติ%(kind)sของ %(school)s")
        % {"kind": locked.get_kind_display(), "school": locked.school},
        body=locked.review_comment,
        url=_detail_url(locked),
    )
    return proposal
