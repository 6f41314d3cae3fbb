"""Writes of B-OBEC building lists made in the web form: start from the last accepted list, add, change,
demolish or remove a building, add or remove its photos. A template upload goes through the round's
upload pipeline instead (``services.upload_process`` with ``kinds.bobec_kind.BobecKind``).

Every write starts with ``workflow.submission_mark_edited`` in its transaction: it checks that the user
may edit the submission now (``permissions.can_edit_data``: the school's own officers, round open, not
submitted or accepted), locks the submission and makes it a draft. Then the building is judged with the
same rules as a template row (``kinds.bobec.check_building``), saved, and the audit row written.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aoc.audit import audit_log
from aoc.images import clean_photo
from datacollection import workflow
from datacollection.kinds import bobec
from datacollection.kinds.bobec_kind import STORED_FIELDS, last_accepted, make_context
from datacollection.kinds.dmc import ERROR
from datacollection.models import Building, BuildingPhoto, Submission

MAX_PHOTOS_PER_BUILDING = 6
SECTION = "buildings"  # the workflow's history names the part of the submission that was edited


def _editable(actor, submission: Submission) -> Submission:
    """The workflow's check and lock for a form save (403 when ``actor`` may not edit now); the submission
    is a draft from here on, in the caller's transaction."""
    submission = Submission.objects.select_related("round", "school").get(pk=submission.pk)
    return workflow.submission_mark_edited(submission, actor=actor, section=SECTION)


@transaction.atomic
def buildings_start(submission: Submission, *, actor) -> int:
    """Start the round's list from the school's last accepted list: its standing buildings, with their
    references (so photos and history follow). Does nothing when the submission already has a list."""
    submission = _editable(actor, submission)
    if submission.buildings.exists():
        return 0
    previous = last_accepted(submission)
    copies = []
    if previous is not None:
        for b in previous.buildings.filter(demolished_on=None).order_by("building_type", "sequence"):
            copy = Building(submission=submission, uid=b.uid, updated_by=actor)
            for name in STORED_FIELDS:
                setattr(copy, name, getattr(b, name))
            copies.append(copy)
        Building.objects.bulk_create(copies)
    audit_log(
        actor,
        "datacollection.buildings.started",
        submission,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "from": previous.round.slug if previous else None,
            "buildings": len(copies),
        },
    )
    return len(copies)


def _judge(submission: Submission, values: dict, *, exclude_pk=None) -> dict:
    """The building's fields as checked by the template's rules; ``ValidationError`` by field on errors."""
    context = make_context(submission.school)
    record, problems = bobec.check_building(values, context)
    errors: dict[str, list[str]] = {}
    for key, _code, message, _value, severity in problems:
        if severity == ERROR and key != "ref":
            errors.setdefault(key, []).append(message)
    if not errors and record["demolished_on"] is None:
        clash = submission.buildings.filter(
            building_type=record["building_type"], sequence=record["sequence"], demolished_on=None
        ).exclude(pk=exclude_pk)
        if clash.exists():
            errors["sequence"] = [
                _("มี%(type)s หลังที่ %(n)d อยู่แล้ว: ใช้หลังที่ถัดไป")
                % {"type": context.type_labels.get(record["building_type"], ""), "n": record["sequence"]}
            ]
    if errors:
        raise ValidationError(errors)
    return {name: record[name] for name in STORED_FIELDS}


def _snapshot(building: Building) -> dict:
    return {name: getattr(building, name) for name in STORED_FIELDS}


@transaction.atomic
def building_create(submission: Submission, *, actor, **values) -> Building:
    submission = _editable(actor, submission)
    fields = _judge(submission, values)
    building = Building.objects.create(submission=submission, updated_by=actor, **fields)
    audit_log(
        actor,
        "datacollection.building.created",
        building,
        {"round": submission.round.slug, "school": submission.school.code, **_snapshot(building)},
    )
    return building


@transaction.atomic
def building_update(building: Building, *, actor, **values) -> Building:
    submission = _editable(actor, building.submission)
    building = Building.objects.select_for_update().get(pk=building.pk, submission=submission)
    before = _snapshot(building)
    values = {**values, "demolished_on": values.get("demolished_on", building.demolished_on)}
    fields = _judge(submission, values, exclude_pk=building.pk)
    for name, value in fields.items():
        setattr(building, name, value)
    building.updated_by = actor
    building.save()
    after = _snapshot(building)
    changes = {name: [before[name], after[name]] for name in STORED_FIELDS if before[name] != after[name]}
    audit_log(
        actor,
        "datacollection.building.updated",
        building,
        {"round": submission.round.slug, "school": submission.school.code, "changes": changes},
    )
    return building


@transaction.atomic
def building_demolish(building: Building, *, actor, demolished_on: datetime.date) -> Building:
    """The building is gone: it stays in the list (and in the earlier rounds) with its date, no longer
    counted as standing."""
    submission = _editable(actor, building.submission)
    building = Building.objects.select_for_update().get(pk=building.pk, submission=submission)
    values = {name: getattr(building, name) for name in STORED_FIELDS}
    fields = _judge(submission, {**values, "demolished_on": demolished_on}, exclude_pk=building.pk)
    if fields["demolished_on"] is None:
        raise ValidationError(
            {"demolished_on": _("ใส่วันที่รื้อถอนเป็น วัน/เดือน/ปี พ.ศ. เช่น 15/03/2568")}, code="required"
        )
    building.demolished_on = fields["demolished_on"]
    building.updated_by = actor
    building.save(update_fields=["demolished_on", "updated_by", "updated_at"])
    audit_log(
        actor,
        "datacollection.building.demolished",
        building,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "building_type": building.building_type,
            "sequence": building.sequence,
            "demolished_on": building.demolished_on,
        },
    )
    return building


@transaction.atomic
def building_restore(building: Building, *, actor) -> Building:
    """Undo a demolition recorded by mistake: the building stands again (its number must be free)."""
    submission = _editable(actor, building.submission)
    building = Building.objects.select_for_update().get(pk=building.pk, submission=submission)
    values = {name: getattr(building, name) for name in STORED_FIELDS}
    _judge(submission, {**values, "demolished_on": None}, exclude_pk=building.pk)
    before = building.demolished_on
    building.demolished_on = None
    building.updated_by = actor
    building.save(update_fields=["demolished_on", "updated_by", "updated_at"])
    audit_log(
        actor,
        "datacollection.building.restored",
        building,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "building_type": building.building_type,
            "sequence": building.sequence,
            "demolished_on": before,
        },
    )
    return building


@transaction.atomic
def building_delete(building: Building, *, actor) -> None:
    """Remove a row entered by mistake. A building reported in an earlier round cannot be removed: it is
    demolished (with its date) instead, so that its history stays."""
    submission = _editable(actor, building.submission)
    building = Building.objects.select_for_update().get(pk=building.pk, submission=submission)
    if Building.objects.filter(uid=building.uid).exclude(submission=submission).exists():
        raise ValidationError(_("อาคารนี้มีในรอบก่อนแล้ว ลบไม่ได้: ถ้ารื้อถอนแล้วให้บันทึกวันที่รื้อถอนแทน"), code="has_history")
    snapshot = _snapshot(building)
    photos = list(BuildingPhoto.objects.filter(school=submission.school, building_uid=building.uid))
    audit_log(
        actor,
        "datacollection.building.deleted",
        building,
        {"round": submission.round.slug, "school": submission.school.code, "photos": len(photos), **snapshot},
    )
    names = [photo.image.name for photo in photos]
    BuildingPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    building.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    storage = BuildingPhoto._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


@transaction.atomic
def building_photo_add(building: Building, *, actor, image, caption: str = "") -> BuildingPhoto:
    """A photo of the building: JPEG, PNG or WebP within the size limits, resized, EXIF and GPS removed
    (``aoc.images.clean_photo``). The limit counts the photos added in this submission: those of earlier
    rounds stay with their rounds and cannot be removed now (``building_photo_delete``)."""
    submission = _editable(actor, building.submission)
    school = submission.school
    count = BuildingPhoto.objects.filter(submission=submission, building_uid=building.uid).count()
    if count >= MAX_PHOTOS_PER_BUILDING:
        raise ValidationError(
            _("อาคารหนึ่งหลังเพิ่มรูปในรอบนี้ได้ไม่เกิน %(max)d รูป: ลบรูปที่เพิ่มในรอบนี้ก่อนเพิ่มรูปใหม่")
            % {"max": MAX_PHOTOS_PER_BUILDING},
            code="too_many_photos",
        )
    cleaned = clean_photo(image)
    photo = BuildingPhoto(
        school=school, building_uid=building.uid, submission=submission, caption=caption, uploaded_by=actor
    )
    photo.image.save(cleaned.name, cleaned, save=False)
    try:
        photo.save()
        audit_log(
            actor,
            "datacollection.building_photo.added",
            photo,
            {
                "round": submission.round.slug,
                "school": school.code,
                "building": str(building.uid),
                "caption": caption,
                "size": cleaned.size,
                "max_bytes": settings.PHOTO_MAX_BYTES,
            },
        )
    except Exception:
        photo.image.storage.delete(photo.image.name)  # no row, no file
        raise
    return photo


@transaction.atomic
def building_photo_delete(photo: BuildingPhoto, *, actor) -> None:
    """Only a photo added to the submission being edited can be removed: the photos of an accepted
    round stay with it."""
    submission = _editable(actor, photo.submission)
    photo = BuildingPhoto.objects.select_for_update().get(pk=photo.pk, submission=submission)
    name = photo.image.name
    audit_log(
        actor,
        "datacollection.building_photo.deleted",
        photo,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "building": str(photo.building_uid),
        },
    )
    photo.delete()
    transaction.on_commit(lambda: _delete_files([name]))
