"""B-OBEC buildings on the round machinery: the database side of ``kinds/bobec.py``, a form-edited kind
(see ``datacollection.kinds``).

The school edits its list in the web forms (``bobec_services``), or replaces the whole list with a
filled-in template, all or nothing, through the same pipeline as a DMC file (``services.upload_process``):
``store`` deletes the draft list and writes the file's rows in the pipeline's transaction. Photos belong
to a building's ``uid``, not to a row, so they survive the replacement, and carry on into the next round.
"""

import io
from itertools import chain

from django.utils import timezone
from django.utils.translation import gettext as _

from datacollection import selectors
from datacollection.kinds import bobec
from datacollection.kinds.dmc import ERROR, WARNING, Issue
from datacollection.models import Building, LookupValue, Round, Submission

STORED_FIELDS = (
    "building_type", "sequence", "design_raw", "design_code", "rooms", "year_built", "condition",
    "budget_source", "fiscal_year", "budget_amount", "demolished_on", "note",
)  # fmt: skip


def building_types() -> tuple[dict[str, str], dict[str, str]]:
    """The lookup list of building types: (every spelling → code, code → label in the list's order)."""
    spellings: dict[str, str] = {}
    labels: dict[str, str] = {}
    for item in LookupValue.objects.filter(list=LookupValue.List.BUILDING_TYPE, is_active=True).order_by(
        "order", "label"
    ):
        labels[item.code] = item.label
        for text in (item.code, item.label, *item.aliases.splitlines()):
            if text.strip():
                spellings.setdefault(bobec.type_key(text), item.code)
    return spellings, labels


def make_context(school) -> bobec.BobecContext:
    spellings, labels = building_types()
    known = Building.objects.filter(submission__school=school).values_list("uid", flat=True).distinct()
    return bobec.BobecContext(
        school_code=school.code,
        today=timezone.localdate(),
        types=spellings,
        type_labels=labels,
        known_uids={str(uid) for uid in known},
    )


def last_accepted(submission: Submission) -> Submission | None:
    """The school's latest accepted B-OBEC submission of an earlier round: where a new list starts from."""
    return (
        Submission.objects.filter(
            school_id=submission.school_id,
            round__kind=Round.Kind.BOBEC,
            status=Submission.Status.ACCEPTED,
            round__as_of__lt=submission.round.as_of,
        )
        .select_related("round")
        .order_by("-round__as_of", "-round__number")
        .first()
    )


def template_buildings(submission: Submission):
    """What the template is prefilled with: the submission's own list once it has one, else the last
    accepted list (standing buildings only)."""
    own = submission.buildings.order_by("building_type", "sequence", "id")
    if own.exists():
        return list(own)
    previous = last_accepted(submission)
    if previous is None:
        return []
    return list(previous.buildings.filter(demolished_on=None).order_by("building_type", "sequence", "id"))


class BobecKind:
    code = "bobec"
    form_edited = True
    record_model = Building

    def on_accept(self, submission, *, actor) -> None:
        """Accepting a building list changes nothing beyond the submission's state: the accepted list is
        where the school's next round starts from (``last_accepted``)."""

    def context(self, submission) -> bobec.BobecContext:
        return make_context(submission.school)

    def read(self, fileobj, filename, context, *, max_bytes, max_rows):
        return bobec.read_bobec(fileobj, filename, context, max_bytes=max_bytes, max_rows=max_rows)

    def store(self, upload, batches) -> int:
        """Replace the submission's draft list with the upload's buildings: delete, then one
        ``bulk_create``, in the pipeline's transaction (a rejected file leaves the draft as it was). A row
        that could not be read in full has an error, so the upload is rolled back anyway: it is skipped."""
        submission_id = upload.submission_id
        Building.objects.filter(submission_id=submission_id).delete()
        actor = upload.uploaded_by
        buildings = []
        for row_number, record in chain.from_iterable(batches):
            if not all(record.get(key) for key in ("building_type", "sequence", "year_built", "condition")):
                continue
            building = Building(
                submission_id=submission_id,
                upload=upload,
                row_number=row_number,
                updated_by=actor,
                **{name: record.get(name) for name in STORED_FIELDS},
            )
            if record.get("uid"):
                building.uid = record["uid"]
            building.design_raw = building.design_raw or ""
            building.budget_source = building.budget_source or ""
            building.note = building.note or ""
            buildings.append(building)
        Building.objects.bulk_create(buildings, batch_size=500)
        return len(buildings)

    def cross_checks(self, upload, reader) -> list[Issue]:
        """A building of the last accepted list that is missing from the file: a warning, since a
        building that is gone should be kept with its demolition date, not deleted."""
        previous = last_accepted(upload.submission)
        if previous is None:
            return []
        in_file = Building.objects.filter(upload=upload).values("uid")
        missing = previous.buildings.filter(demolished_on=None).exclude(uid__in=in_file)
        labels = reader.context.type_labels
        return [
            Issue(
                0,
                reader.header("ref"),
                "building_missing",
                _(
                    "%(type)s หลังที่ %(n)d (รอบ %(round)s) ไม่อยู่ในไฟล์: ถ้ารื้อถอนแล้วให้คงแถวไว้และใส่วันที่รื้อถอน "
                    "ถ้ายังมีอยู่ให้เพิ่มแถวกลับพร้อมรหัสอ้างอิง %(ref)s"
                )
                % {
                    "type": labels.get(b.building_type, b.building_type),
                    "n": b.sequence,
                    "round": previous.round.slug,
                    "ref": b.uid,
                },
                str(b.uid),
                severity=WARNING,
            )
            for b in missing.order_by("building_type", "sequence")
        ]

    def discard_others(self, submission, keep) -> int:
        """Nothing left to do: ``store`` replaced the list."""
        return 0

    def validate(self, submission) -> list[Issue]:
        """The submission's list judged as a template upload would judge it: the issues that stop the
        school from submitting (``ERROR``) and those it should look at."""
        context = make_context(submission.school)
        issues: list[Issue] = []
        buildings = list(submission.buildings.order_by("building_type", "sequence", "id"))
        if not buildings:
            issues.append(
                Issue(0, "", "no_rows", _("ยังไม่มีรายการอาคาร: เพิ่มอาคารและสิ่งก่อสร้างของโรงเรียนอย่างน้อยหนึ่งรายการ"))
            )
        seen: dict[tuple, Building] = {}
        for index, b in enumerate(buildings):
            row = bobec.TEMPLATE_HEADER_ROW + 1 + index  # the building's row in the prefilled template
            values = building_values(b)
            _record, problems = bobec.check_building(values, context)
            name = _("%(type)s หลังที่ %(n)d") % {
                "type": context.type_labels.get(b.building_type, b.building_type),
                "n": b.sequence,
            }
            for key, code, message, value, severity in problems:
                if key == "ref":
                    continue
                cell = f"{bobec.column_letter(bobec.COLUMN_INDEX[key])}{row}"
                message = _("%(name)s: %(message)s (เทมเพลต เซลล์ %(cell)s)") % {
                    "name": name,
                    "message": message,
                    "cell": cell,
                }
                issues.append(Issue(row, bobec.COLUMN_BY_KEY[key].th[0], code, message, value, severity))
            if b.demolished_on is None:
                number = (b.building_type, b.sequence)
                if number in seen:
                    issues.append(
                        Issue(
                            row,
                            bobec.COLUMN_BY_KEY["sequence"].th[0],
                            "sequence_duplicate",
                            _("%(name)s มีมากกว่าหนึ่งรายการ: แก้หลังที่ให้ต่างกัน") % {"name": name},
                            str(b.sequence),
                        )
                    )
                seen[number] = b
        return issues

    def has_errors(self, submission) -> bool:
        return any(issue.severity == ERROR for issue in self.validate(submission))

    def template(self, submission) -> bytes:
        """The XLSX template, prefilled (``template_buildings``)."""
        _spellings, labels = building_types()
        out = io.BytesIO()
        title = _("ข้อมูลอาคารและสิ่งก่อสร้าง %(school)s (%(code)s) · %(round)s") % {
            "school": submission.school.display_name,
            "code": submission.school.code,
            "round": submission.round.label,
        }
        bobec.write_template(out, template_buildings(submission), type_labels=labels, title=title)
        return out.getvalue()

    def page_context(self, submission, user) -> dict:
        """The submission page's list of buildings, their photos and the checks of the current list."""
        _spellings, labels = building_types()
        items = list(selectors.buildings_of(submission))
        photos = selectors.building_photos_of(submission)
        for b in items:
            b.type_label = labels.get(b.building_type, b.building_type)
            b.photos = photos.get(b.uid, [])
        standing = [b for b in items if b.is_standing]
        issues = self.validate(submission) if items else []
        return {
            "standing": standing,
            "demolished": [b for b in items if not b.is_standing],
            "by_condition": [
                (label, sum(1 for b in standing if b.condition == code), code)
                for code, label in bobec.CONDITIONS.items()
            ],
            "previous": last_accepted(submission) if not items else None,
            "data_errors": [i for i in issues if i.severity == ERROR],
            "data_warnings": [i for i in issues if i.severity != ERROR],
        }


def building_values(building: Building) -> dict:
    """A stored building as the values ``bobec.check_building`` reads."""
    return {
        "building_type": building.building_type,
        "sequence": building.sequence,
        "design_raw": building.design_raw,
        "rooms": building.rooms,
        "year_built": building.year_built,
        "condition": building.condition,
        "budget_source": building.budget_source,
        "fiscal_year": building.fiscal_year,
        "budget_amount": building.budget_amount,
        "demolished_on": building.demolished_on,
        "note": building.note,
    }
