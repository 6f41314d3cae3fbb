"""Writes to the school registry. Each takes the acting user, validates, saves in one transaction and
writes the audit row with the values that changed."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from aoc import permissions as aoc_permissions
from aoc.audit import audit_log, changes, snapshot
from aoc.images import clean_photo
from aoc.public_cache import public_pages_changed
from aoc.text import normalise_thai
from schools import permissions
from schools.models import DataOfficer, School, SchoolPhoto

SCHOOL_EDITABLE_FIELDS = (
    "smis_code", "area_code", "name_th", "name_en", "level", "amphoe", "tambon", "address", "postcode",
    "phone", "email", "website", "principal_name", "latitude", "longitude", "founded_on", "quality_network",
    "opened_on", "closed_on", "branch_of",
)  # fmt: skip
# What a school may propose to change in its own registry entry (EMIS basic data).
PROPOSABLE_FIELDS = (
    "name_en", "address", "tambon", "postcode", "phone", "email", "website", "principal_name", "founded_on",
    "quality_network", "latitude", "longitude",
)  # fmt: skip
OFFICER_FIELDS = (
    "full_name", "position", "phone", "email", "line_id", "handles_dmc", "handles_emis", "handles_bobec",
    "since", "until", "user",
)  # fmt: skip


def validate_school(school: School) -> None:
    """Field validation plus the consistency of the identifiers (DOMAIN.md, "Identifiers")."""
    errors = {}
    try:
        school.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    code, smis, area = school.code or "", school.smis_code or "", school.area_code or ""
    if len(code) == 10 and len(smis) == 8 and "smis_code" not in errors and code[2:4] != smis[:2]:
        errors.setdefault("smis_code", []).append(
            _("รหัสจังหวัดใน SMIS (%(smis)s) ไม่ตรงกับรหัสจังหวัดในรหัสโรงเรียน (%(code)s)")
            % {"smis": smis[:2], "code": code[2:4]}
        )
    if len(smis) == 8 and len(area) == 4 and smis[:4] != area and "smis_code" not in errors:
        errors.setdefault("smis_code", []).append(_("รหัส SMIS ต้องขึ้นต้นด้วยรหัสเขตพื้นที่ %(area)s") % {"area": area})
    if (
        school.latitude is not None
        and school.longitude is not None
        and not within_bounds(school.latitude, school.longitude)
    ):
        errors.setdefault("latitude", []).append(
            _("พิกัดอยู่นอกเขตจังหวัดสงขลา ตรวจสอบว่าใส่ละติจูด (ประมาณ 6–8) และลองจิจูด (ประมาณ 100–101) ไม่สลับกัน")
        )
    if school.branch_of_id and school.pk and school.branch_of_id == school.pk:
        errors.setdefault("branch_of", []).append(_("โรงเรียนเป็นสาขาของตัวเองไม่ได้"))
    if errors:
        raise ValidationError(errors)


def within_bounds(latitude, longitude) -> bool:
    """Inside the configured province boundary (``PROVINCE_BOUNDS``: south, west, north, east)."""
    south, west, north, east = settings.PROVINCE_BOUNDS
    return south <= float(latitude) <= north and west <= float(longitude) <= east


@transaction.atomic
def school_create(*, actor, **fields) -> School:
    if not aoc_permissions.can_manage_registry(actor):
        raise PermissionDenied
    school = School(**{k: normalise_thai(v) if isinstance(v, str) else v for k, v in fields.items()})
    validate_school(school)
    school.save()
    audit_log(
        actor,
        "schools.school.created",
        school,
        {"values": snapshot(school, ("code", *SCHOOL_EDITABLE_FIELDS))},
    )
    transaction.on_commit(public_pages_changed)  # the directory, profiles, map and home page
    return school


@transaction.atomic
def school_update(school: School, *, actor, **fields) -> School:
    if not permissions.can_edit_school(actor, school):
        raise PermissionDenied
    school = School.objects.select_for_update().get(pk=school.pk)
    before = snapshot(school, SCHOOL_EDITABLE_FIELDS)
    for name, value in fields.items():
        if name not in SCHOOL_EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable school field")
        setattr(school, name, normalise_thai(value) if isinstance(value, str) else value)
    validate_school(school)
    diff = changes(before, snapshot(school, SCHOOL_EDITABLE_FIELDS))
    if diff:
        # A value a person has entered is no longer generated demo data.
        school.generated_fields = [f for f in school.generated_fields if f not in diff]
        school.save()
        audit_log(actor, "schools.school.updated", school, {"changes": diff})
        transaction.on_commit(public_pages_changed)
    return school


@transaction.atomic
def school_apply_proposed(school: School, *, actor, proposed: dict[str, str], source: str) -> School:
    """Write the registry changes a school proposed (EMIS basic data, as text) once district staff have
    accepted them: ``actor`` is who accepted (None: the system), ``source`` the round they came with.
    Validated like any registry change; one audit entry with the values that changed."""
    if actor is not None and not aoc_permissions.can_manage_registry(actor):
        raise PermissionDenied
    school = School.objects.select_for_update().get(pk=school.pk)
    before = snapshot(school, SCHOOL_EDITABLE_FIELDS)
    for name, value in proposed.items():
        if name not in PROPOSABLE_FIELDS:
            raise ValueError(f"{name} is not a field a school may propose")
        field = School._meta.get_field(name)
        setattr(
            school, name, field.to_python(normalise_thai(value) if value else (None if field.null else ""))
        )
    validate_school(school)
    diff = changes(before, snapshot(school, SCHOOL_EDITABLE_FIELDS))
    if diff:
        school.generated_fields = [f for f in school.generated_fields if f not in diff]
        school.save()
        audit_log(
            actor, "schools.school.updated_from_submission", school, {"source": source, "changes": diff}
        )
    return school


@transaction.atomic
def officer_save(school: School, *, actor, officer: DataOfficer | None = None, **fields) -> DataOfficer:
    """Create an entry of the school's data-officer register, or change one."""
    if not permissions.can_manage_officers(actor, school):
        raise PermissionDenied
    created = officer is None
    if created:
        officer = DataOfficer(school=school)
        before = {}
    else:
        officer = DataOfficer.objects.select_for_update().get(pk=officer.pk, school=school)
        before = snapshot(officer, OFFICER_FIELDS)
    for name, value in fields.items():
        if name not in OFFICER_FIELDS:
            raise ValueError(f"{name} is not a data-officer field")
        setattr(officer, name, value)
    officer.full_clean()
    if officer.until and officer.since and officer.until < officer.since:
        raise ValidationError({"until": _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มปฏิบัติงาน")})
    diff = changes(before, snapshot(officer, OFFICER_FIELDS))
    if created or diff:
        officer.is_generated = False if diff else officer.is_generated
        officer.save()
        action = "schools.officer.created" if created else "schools.officer.updated"
        audit_log(actor, action, officer, {"school": school.code, "changes": diff})
    return officer


@transaction.atomic
def officer_delete(officer: DataOfficer, *, actor) -> None:
    if not permissions.can_manage_officers(actor, officer.school):
        raise PermissionDenied
    audit_log(
        actor,
        "schools.officer.deleted",
        officer,
        {"school": officer.school.code, "values": snapshot(officer, OFFICER_FIELDS)},
    )
    officer.delete()


@transaction.atomic
def photo_add(school: School, *, actor, image, caption: str = "", is_public: bool = True) -> SchoolPhoto:
    allowed = permissions.can_manage_photos(actor, school) or (
        not is_public and permissions.can_add_private_photos(actor, school)
    )
    if not allowed:
        raise PermissionDenied
    cleaned = clean_photo(image)
    last = school.photos.order_by("-order").values_list("order", flat=True).first()
    photo = SchoolPhoto(
        school=school, caption=caption, is_public=is_public, uploaded_by=actor, order=(last or 0) + 1
    )
    photo.image.save(cleaned.name, cleaned, save=False)
    try:
        photo.save()
        audit_log(
            actor,
            "schools.photo.added",
            photo,
            {"school": school.code, "caption": caption, "is_public": is_public},
        )
        if is_public:
            transaction.on_commit(public_pages_changed)
    except Exception:
        photo.image.storage.delete(photo.image.name)  # no row, no file
        raise
    return photo


@transaction.atomic
def photo_update(photo: SchoolPhoto, *, actor, **fields) -> SchoolPhoto:
    if not permissions.can_manage_photos(actor, photo.school):
        raise PermissionDenied
    before = snapshot(photo, ("caption", "order", "is_public"))
    for name in ("caption", "order", "is_public"):
        if name in fields:
            setattr(photo, name, fields[name])
    diff = changes(before, snapshot(photo, ("caption", "order", "is_public")))
    if diff:
        if "is_public" in diff and not photo.is_public:
            _move_to_new_name(photo)
        photo.save()
        audit_log(actor, "schools.photo.updated", photo, {"school": photo.school.code, "changes": diff})
        transaction.on_commit(public_pages_changed)
    return photo


def _move_to_new_name(photo: SchoolPhoto) -> None:
    """A photo taken off the public pages gets a new random file name: its public address, which
    anyone may have kept, stops working. The old file goes once the change is committed."""
    old_name, storage = photo.image.name, photo.image.storage
    with storage.open(old_name, "rb") as handle:
        content = ContentFile(handle.read())
    photo.image.save(old_name.rsplit("/", 1)[-1], content, save=False)
    transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def photo_delete(photo: SchoolPhoto, *, actor) -> None:
    if not permissions.can_manage_photos(actor, photo.school):
        raise PermissionDenied
    audit_log(actor, "schools.photo.deleted", photo, {"school": photo.school.code, "file": photo.image.name})
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    transaction.on_commit(public_pages_changed)
