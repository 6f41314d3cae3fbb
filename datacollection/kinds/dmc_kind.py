"""DMC student records on the round machinery: the database side of ``kinds/dmc.py``."""

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from datacollection.kinds import dmc
from datacollection.models import LookupValue, StudentRecord
from datacollection.storage import copy_columns, delete_where

# Parsed fields that have a column of their own; everything else the file carried (addresses, parents
# …) is in ``raw``, as the school wrote it.
_TEXT_COLUMNS = (
    "national_id", "id_kind", "grade", "room", "student_number", "sex", "prefix", "first_name", "last_name",
    "blood_group", "religion", "nationality", "disadvantage", "disability",
)  # fmt: skip
COLUMNS = [
    "upload_id", "round_id", "school_id", "row_number", *_TEXT_COLUMNS,
    "birth_date", "weight_kg", "height_cm", "raw",
]  # fmt: skip

# A class of at least this many students with one weight and one height was most likely copy-filled.
IDENTICAL_CLASS_MIN = 5


def lookups() -> dict[str, dict[str, str]]:
    """The editable code lists as the reader wants them: list → {label or alias: code}."""
    result: dict[str, dict[str, str]] = {}
    for item in LookupValue.objects.filter(is_active=True):
        labels = result.setdefault(item.list, {})
        labels[item.label] = item.code
        for alias in item.aliases.splitlines():
            if alias.strip():
                labels[alias.strip()] = item.code
    return result


class DmcKind:
    """Upload-only: the submission's records are those of its latest valid upload."""

    code = "dmc"
    form_edited = False
    record_model = StudentRecord

    def on_accept(self, submission, *, actor) -> None:
        """Accepting DMC data changes nothing beyond the submission's state."""

    def context(self, submission) -> dmc.DmcContext:
        return dmc.DmcContext(
            school_code=submission.school.code,
            school_grades=submission.school.grades,
            as_of=submission.round.as_of,
            lookups=lookups(),
        )

    def read(self, fileobj, filename, context, *, max_bytes, max_rows):
        return dmc.read_dmc(fileobj, filename, context, max_bytes=max_bytes, max_rows=max_rows)

    def store(self, upload, batches) -> int:
        upload_id, round_id, school_id = upload.pk, upload.submission.round_id, upload.submission.school_id

        def columns():
            for batch in batches:
                n = len(batch)
                values = batch.columns
                yield [
                    [upload_id] * n,
                    [round_id] * n,
                    [school_id] * n,
                    batch.rownums,
                    *(values.get(key) or [""] * n for key in _TEXT_COLUMNS),
                    *(values.get(key) or [None] * n for key in ("birth_date", "weight_kg", "height_cm")),
                    batch.texts,
                ]

        return copy_columns(StudentRecord, COLUMNS, columns())

    def cross_checks(self, upload, reader) -> list[dmc.Issue]:
        """Set-based checks over the records just stored: no loop over students in Python."""
        header = _headers(reader)
        records = StudentRecord.objects.filter(upload=upload)
        issues = []

        # The same student twice in the file: an error on every repeat, naming the first row.
        duplicated = (
            records.exclude(national_id="")
            .values("national_id")
            .annotate(n=Count("id"), first=Min("row_number"))
            .filter(n__gt=1)
        )
        first_row = {item["national_id"]: item["first"] for item in duplicated}
        if first_row:
            repeats = records.filter(national_id__in=first_row).values_list("row_number", "national_id")
            for row_number, national_id in repeats.order_by("row_number"):
                if row_number != first_row[national_id]:
                    issues.append(
                        dmc.Issue(
                            row_number,
                            header("national_id"),
                            "duplicate_in_file",
                            _("เลขประจำตัว %(id)s ซ้ำกับแถวที่ %(row)d: นักเรียนหนึ่งคนมีได้เพียงแถวเดียว ลบแถวที่ซ้ำ")
                            % {"id": national_id, "row": first_row[national_id]},
                            national_id,
                        )
                    )

        # The same student in another school of the district in this round: flagged, not blocked.
        elsewhere = (
            StudentRecord.objects.filter(
                round_id=upload.submission.round_id,
                national_id__in=records.exclude(national_id="").values("national_id"),
            )
            .exclude(school_id=upload.submission.school_id)
            .values_list("national_id", "school__name_th")
        )
        other_school = dict(elsewhere)
        if other_school:
            for row_number, national_id in records.filter(national_id__in=other_school).values_list(
                "row_number", "national_id"
            ):
                issues.append(
                    dmc.Issue(
                        row_number,
                        header("national_id"),
                        "in_other_school",
                        _(
                            "นักเรียนเลขประจำตัว %(id)s มีชื่ออยู่ที่โรงเรียน%(school)s ในรอบเดียวกันด้วย: "
                            "ตรวจสอบว่านักเรียนย้ายแล้วหรือไม่ และแจ้งโรงเรียนนั้น/เขตพื้นที่"
                        )
                        % {"id": national_id, "school": other_school[national_id]},
                        national_id,
                        severity=dmc.WARNING,
                    )
                )

        # A whole class with one weight and one height: a sign of copy-filled data.
        classes = (
            records.exclude(weight_kg=None)
            .exclude(height_cm=None)
            .values("grade", "room")
            .annotate(
                n=Count("id"),
                weights=Count("weight_kg", distinct=True),
                heights=Count("height_cm", distinct=True),
                first=Min("row_number"),
            )
            .filter(n__gte=IDENTICAL_CLASS_MIN, weights=1, heights=1)
        )
        for item in classes:
            issues.append(
                dmc.Issue(
                    item["first"],
                    header("weight_kg"),
                    "identical_class_measures",
                    _(
                        "นักเรียนทั้ง %(n)d คนของชั้น %(grade)s ห้อง %(room)s มีน้ำหนักและส่วนสูงเท่ากันทุกคน: "
                        "ชั่งและวัดนักเรียนแต่ละคนแล้วกรอกค่าจริง"
                    )
                    % {"n": item["n"], "grade": item["grade"], "room": item["room"] or "-"},
                    severity=dmc.WARNING,
                )
            )
        return issues

    def discard_others(self, submission, keep) -> int:
        """Delete the submission's records that came from any upload but ``keep``."""
        others = submission.uploads.exclude(pk=keep.pk).values("pk")
        return delete_where(StudentRecord.objects.filter(upload_id__in=others))


def _headers(reader):
    """``header(key)``: the column's header as written in the school's file."""
    headers, column_map = reader.headers, reader.column_map

    def header(key: str) -> str:
        index = column_map.get(key)
        return headers[index] if index is not None else ""

    return header
