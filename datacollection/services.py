"""Writes of the data-collection rounds: rounds, uploads and their processing. The workflow verbs of a
submission are in ``datacollection.workflow``."""

import gc
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aoc.audit import audit_log
from aoc.public_cache import public_pages_changed
from datacollection import movement, permissions, workflow
from datacollection.kinds import get_kind
from datacollection.kinds.dmc import ERROR, Issue
from datacollection.kinds.tabular import FileError
from datacollection.models import LeaverFollowUp, Round, StudentRecord, Submission, Upload
from schools.selectors import open_schools

log = logging.getLogger(__name__)

ROUND_FIELDS = ("label", "as_of", "opens_on", "deadline", "closes_on")


# --- Rounds -------------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *, actor, kind: str, academic_year: int, number: int, target_schools=None, **fields
) -> Round:
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    round_ = Round(kind=kind, academic_year=academic_year, number=number, created_by=actor, **fields)
    round_.slug = Round.make_slug(kind, academic_year, number)
    _validate_round(round_)
    round_.save()
    round_.target_schools.set(target_schools if target_schools is not None else open_schools(round_.opens_on))
    audit_log(
        actor,
        "datacollection.round.created",
        round_,
        {"slug": round_.slug, **{f: fields.get(f) for f in ROUND_FIELDS}},
    )
    transaction.on_commit(public_pages_changed)  # the public rounds calendar and home page
    return round_


@transaction.atomic
def round_update(round_: Round, *, actor, **fields) -> Round:
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    before = {f: getattr(round_, f) for f in ROUND_FIELDS}
    guide_before = round_.guide.name
    for name, value in fields.items():
        if name not in (*ROUND_FIELDS, "guide"):
            raise ValueError(f"{name} is not an editable round field")
        setattr(round_, name, value)
    _validate_round(round_)
    round_.save()
    changed = {
        f: [str(before[f]), str(getattr(round_, f))] for f in ROUND_FIELDS if before[f] != getattr(round_, f)
    }
    if round_.guide.name != guide_before:
        changed["guide"] = [guide_before, round_.guide.name]
    audit_log(actor, "datacollection.round.updated", round_, {"changes": changed})
    transaction.on_commit(public_pages_changed)  # the public rounds calendar and home page
    return round_


def _validate_round(round_: Round) -> None:
    errors = {}
    if round_.opens_on and round_.deadline and round_.opens_on > round_.deadline:
        errors["deadline"] = _("กำหนดส่งต้องไม่ก่อนวันเปิดรับข้อมูล")
    if round_.deadline and round_.closes_on and round_.deadline > round_.closes_on:
        errors["closes_on"] = _("วันปิดรอบต้องไม่ก่อนกำหนดส่ง")
    duplicate = Round.objects.filter(slug=round_.slug).exclude(pk=round_.pk)
    if duplicate.exists():
        errors["number"] = _("มีรอบ %(slug)s อยู่แล้ว") % {"slug": round_.slug}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_open(round_: Round, *, actor) -> Round:
    """Open the round: every target school gets its submission, not started."""
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == Round.Status.OPEN:
        return round_
    existing = set(round_.submissions.values_list("school_id", flat=True))
    Submission.objects.bulk_create(
        [
            Submission(round=round_, school_id=school_id)
            for school_id in round_.target_schools.values_list("pk", flat=True)
            if school_id not in existing
        ]
    )
    previous = round_.status
    round_.status = Round.Status.OPEN
    round_.save(update_fields=["status"])
    audit_log(
        actor,
        "datacollection.round.opened",
        round_,
        {"from": previous, "schools": round_.target_schools.count()},
    )
    transaction.on_commit(public_pages_changed)  # the public rounds calendar and home page
    return round_


@transaction.atomic
def round_close(round_: Round, *, actor) -> Round:
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    previous = round_.status
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    audit_log(actor, "datacollection.round.closed", round_, {"from": previous})
    transaction.on_commit(public_pages_changed)  # the public rounds calendar and home page
    return round_


def records_viewed(submission: Submission, *, actor, **filters) -> None:
    """Reading students' personal data is logged like a write."""
    if not permissions.can_view_records(actor, submission):
        raise PermissionDenied
    audit_log(
        actor,
        "datacollection.records.viewed",
        submission,
        {"round": submission.round.slug, "school": submission.school.code, **filters},
    )


# --- Uploads ------------------------------------------------------------------------------------------

FAILED_MESSAGE = _lazy("ระบบตรวจไฟล์ไม่สำเร็จ ข้อมูลเดิมยังอยู่ครบ: ลองอัปโหลดใหม่อีกครั้ง ถ้ายังไม่ได้ แจ้งกลุ่ม ICT ของเขตพื้นที่")
# Issues kept with the upload (the page, the API); the counts are always complete.
ISSUES_KEPT = 2000


@dataclass
class UploadResult:
    """What processing a file found: the JSON summary of the API and ``import_submission``."""

    status: str  # "imported" | "rejected" | "valid" (a dry run without blocking errors) | "failed"
    rows: int = 0
    imported: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    upload_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "rows": self.rows,
            "imported": self.imported,
            "errors": self.errors,
            "warnings": self.warnings,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "upload": self.upload_id,
        }


def upload_receive(submission: Submission, *, actor, file, name: str) -> Upload:
    """Keep the file the school sent (checksum, size) and create its upload, to be processed.

    ``actor=None`` is the system (``manage.py import_submission``): the upload has no ``uploaded_by``
    and the history and audit entries say "system"."""
    if not permissions.can_upload(actor, submission):
        raise PermissionDenied
    if file.size > settings.DMC_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("ไฟล์ใหญ่เกินไป (%(size)s) ขนาดสูงสุดคือ %(max)s")
            % {"size": _megabytes(file.size), "max": _megabytes(settings.DMC_UPLOAD_MAX_BYTES)}
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        upload = Upload(
            submission=submission,
            original_name=name[:255],
            sha256=digest.hexdigest(),
            size=file.size,
            uploaded_by=actor,
        )
        upload.file.save(name, File(file), save=False)
        try:
            upload.save()
            audit_log(
                actor,
                "datacollection.upload.received",
                upload,
                {
                    "round": submission.round.slug,
                    "school": submission.school.code,
                    "file": name,
                    "size": file.size,
                    "sha256": upload.sha256,
                },
            )
        except Exception:
            upload.file.storage.delete(upload.file.name)  # no row, no file (it holds personal data)
            raise
    return upload


def upload_check(submission: Submission, *, actor, file, name: str) -> UploadResult:
    """A dry run: check ``file`` exactly as ``upload_process`` would and keep nothing: no upload, no
    stored file, no records, no change to the submission (``upload_process(dry_run=True)`` alone leaves
    the upload and its file behind). One audit entry records that the check ran."""
    upload = None
    try:
        with transaction.atomic():
            upload = upload_receive(submission, actor=actor, file=file, name=name)
            result = upload_process(upload.pk, dry_run=True)
            raise _RollBack  # the upload row and its "received" entry go with the transaction
    except _RollBack:
        pass
    finally:
        if upload is not None:
            upload.file.storage.delete(upload.file.name)
    result.upload_id = None
    audit_log(
        actor,
        "datacollection.upload.checked",
        submission,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "file": name,
            "size": file.size,
            "status": result.status,
            "rows": result.rows,
            "errors": result.error_count,
            "warnings": result.warning_count,
        },
    )
    return result


def upload_process(upload_id: int, *, dry_run: bool = False) -> UploadResult:
    """Read, check and store an upload, all or nothing.

    Records are streamed into the database inside one transaction; the checks across rows run on
    them there; if anything blocks, or this is a dry run, the transaction is rolled back and the
    submission keeps its previous records. Otherwise the new records replace the old ones and the
    submission becomes a draft with this upload. Safe to run twice: a finished upload is left alone.
    """
    upload = Upload.objects.select_related("submission__round", "submission__school", "uploaded_by").get(
        pk=upload_id
    )
    if upload.status != Upload.Status.PROCESSING and not dry_run:
        return upload_result(upload)
    submission = upload.submission
    kind = get_kind(submission.round.kind)
    progress = Progress(upload.pk)
    issues: list[Issue] = []
    counts = {"error": 0, "warning": 0}
    rows = imported = 0
    outcome = Upload.Status.REJECTED

    def collect(found):
        for issue in found:
            counts[issue.severity] += 1
            if len(issues) < ISSUES_KEPT:
                issues.append(issue)

    try:
        with upload.file.open("rb") as handle, _collector_paused():
            reader = kind.read(
                handle,
                upload.original_name,
                kind.context(submission),
                max_bytes=settings.DMC_UPLOAD_MAX_BYTES,
                max_rows=settings.DMC_UPLOAD_MAX_ROWS,
            )
            upload.file_format, upload.encoding = reader.table.format, reader.table.encoding
            upload.headers = list(reader.raw_keys)
            try:
                with transaction.atomic():
                    # One upload of a submission at a time: two overlapping runs (a second file, a task
                    # delivered twice) would each keep their own records. The second waits, then finds
                    # its work done or replaces the first's records.
                    Submission.objects.select_for_update().filter(pk=submission.pk).exists()
                    if not dry_run:
                        status_now = (
                            Upload.objects.select_for_update()
                            .values_list("status", flat=True)
                            .get(pk=upload.pk)
                        )
                        if status_now != Upload.Status.PROCESSING:
                            raise _AlreadyDone

                    def batches():
                        nonlocal rows
                        for batch in reader.batches():
                            rows += len(batch)
                            collect(batch.issues)
                            progress.update(rows, handle.tell(), upload.size)
                            yield batch

                    stored = kind.store(upload, batches())
                    collect(reader.file_issues)
                    collect(kind.cross_checks(upload, reader))
                    if counts["error"] or dry_run:
                        raise _RollBack
                    kind.discard_others(submission, keep=upload)
                    imported = stored
                    outcome = Upload.Status.VALID
                    _finish(upload, outcome, rows, counts, issues)
                    _audit_processed(upload, outcome, rows, imported, counts)
                    workflow.submission_mark_draft(submission, actor=upload.uploaded_by, upload=upload)
            except _AlreadyDone:
                return upload_result(Upload.objects.get(pk=upload.pk))
            except _RollBack:
                outcome = Upload.Status.VALID if dry_run and not counts["error"] else Upload.Status.REJECTED
            finally:
                reader.close()
    except FileError as exc:
        collect([Issue(0, "", exc.code, exc.message)])
    except Exception:
        log.exception("Processing upload %s failed", upload.pk)
        outcome = Upload.Status.FAILED
        if not dry_run:
            try:
                with transaction.atomic():
                    _finish(upload, outcome, rows, counts, [Issue(0, "", "failed", FAILED_MESSAGE)])
                    _audit_processed(upload, outcome, rows, 0, counts)
            except Exception:  # the database itself may be gone; the records were rolled back anyway
                log.exception("Could not record the failure of upload %s", upload.pk)
        raise
    finally:
        progress.done()

    if not dry_run and outcome != Upload.Status.VALID:
        with transaction.atomic():
            _finish(upload, outcome, rows, counts, issues)
            _audit_processed(upload, outcome, rows, imported, counts)
    status = {"valid": "valid" if dry_run else "imported", "rejected": "rejected"}[outcome]
    return UploadResult(
        status=status,
        rows=rows,
        imported=imported,
        errors=[_issue_dict(i) for i in issues if i.severity == ERROR],
        warnings=[_issue_dict(i) for i in issues if i.severity != ERROR],
        error_count=counts["error"],
        warning_count=counts["warning"],
        upload_id=upload.pk,
    )


@contextmanager
def _collector_paused():
    """Python's cycle collector off while a file is read and stored. Reading creates a list per row
    and a string per cell, none of them in a cycle; with the collector on, each few hundred new lists
    start a pass over the young objects, and the longer-lived batches are walked again and again
    (about a tenth of the client's time on a 30,000-row file). Memory is freed as usual by reference
    counting; the collector runs again as soon as the file is done. The switch is process-wide: in a
    threaded server, the other threads go without it for those seconds too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _RollBack(Exception):
    """Leave the transaction without keeping anything it wrote."""


class _AlreadyDone(Exception):
    """Another run has finished this upload meanwhile."""


def _audit_processed(upload: Upload, outcome, rows: int, imported: int, counts: dict) -> None:
    audit_log(
        upload.uploaded_by,
        "datacollection.upload.processed",
        upload,
        {"status": outcome, "rows": rows, "imported": imported, "errors": counts["error"],
         "warnings": counts["warning"]},
    )  # fmt: skip


def _finish(upload: Upload, status, rows, counts, issues) -> None:
    upload.status = status
    upload.rows = rows
    upload.error_count, upload.warning_count = counts["error"], counts["warning"]
    upload.issues = [_issue_dict(i) for i in issues]
    upload.issues_truncated = counts["error"] + counts["warning"] > len(issues)
    upload.finished_at = timezone.now()
    upload.save()


def _issue_dict(issue: Issue) -> dict:
    return {
        "row": issue.row,
        "column": issue.column,
        "code": issue.code,
        "message": str(issue.message),
        "value": issue.value,
        "severity": issue.severity,
    }


def upload_result(upload: Upload) -> UploadResult:
    """The summary of an upload as it stands (processing, imported, rejected or failed), read from the
    upload itself: what the API's status endpoint shows while and after a file is checked."""
    status = {"valid": "imported", "rejected": "rejected", "failed": "failed", "processing": "processing"}[
        upload.status
    ]
    return UploadResult(
        status=status,
        rows=upload.rows,
        imported=upload.rows if upload.status == Upload.Status.VALID else 0,
        errors=[i for i in upload.issues if i["severity"] == ERROR],
        warnings=[i for i in upload.issues if i["severity"] != ERROR],
        error_count=upload.error_count,
        warning_count=upload.warning_count,
        upload_id=upload.pk,
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


class Progress:
    """How far the processing of an upload has got, for the progress bar (kept in the cache, since the
    database work is inside a transaction nobody else can see)."""

    def __init__(self, upload_id: int):
        self.key = f"upload-progress:{upload_id}"

    def update(self, rows: int, position: int, size: int) -> None:
        percent = min(99, int(position * 100 / size)) if size else 0
        cache.set(self.key, {"rows": rows, "percent": percent}, 60 * 60)

    def done(self) -> None:
        cache.delete(self.key)

    @classmethod
    def of(cls, upload_id: int) -> dict | None:
        return cache.get(cls(upload_id).key)


# --- The student movement watch -------------------------------------------------------------------------


def movement_viewed(school, *, actor, pair, exported: bool = False, **details) -> None:
    """Reading a school's (or, with ``school=None``, the district's) movement lists is logged like a
    write: they name children."""
    if school is not None and not permissions.can_view_movement(actor, school):
        raise PermissionDenied
    if school is None and not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    audit_log(
        actor,
        "datacollection.movement.exported" if exported else "datacollection.movement.viewed",
        school,
        {
            "before": pair.before.slug,
            "after": pair.after.slug,
            "school": school.code if school is not None else "",
            **details,
        },
    )


@transaction.atomic
def leaver_follow_up(school, *, actor, pair, record: int, outcome: str, note: str = ""):
    """Record (or change) what the school found out about a child who left it and is in no school of
    the district. ``record`` is the child's record of the earlier round (pages never carry the full ID);
    only for a child on the school's list of leavers of that pair of rounds."""
    if not permissions.can_follow_up(actor, school):
        raise PermissionDenied
    if outcome not in LeaverFollowUp.Outcome.values:
        raise ValidationError({"outcome": _("เลือกผลการติดตาม")})
    national_id = (
        movement.counted_records(pair.before)
        .filter(pk=record, school=school)
        .values_list("national_id", flat=True)
        .first()
    )
    if national_id is None or not movement.is_leaver(pair, school, national_id):
        raise ValidationError(_("นักเรียนคนนี้ไม่อยู่ในรายชื่อนักเรียนที่ออกจากโรงเรียนของคู่รอบนี้"))
    follow_up, created = LeaverFollowUp.objects.update_or_create(
        round=pair.after,
        school=school,
        national_id=national_id,
        defaults={"outcome": outcome, "note": note.strip(), "updated_by": actor},
    )
    audit_log(
        actor,
        "datacollection.leaver.followed_up",
        follow_up,
        {
            "before": pair.before.slug,
            "after": pair.after.slug,
            "school": school.code,
            "student": StudentRecord(national_id=national_id).masked_id,
            "outcome": outcome,
            "created": created,
        },
    )
    return follow_up
