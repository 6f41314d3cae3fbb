"""The verification workflow of a school's submission: one transition map, one place that enforces it.

    not started ──upload/save──▶ draft ──submit──▶ submitted ──accept──▶ accepted (locked)
                              ▲  ▲               │  │                  │
                              │  └──withdraw─────┘  └──return──▶ returned
                              │                                        │
                              └───────────upload/save (fix)────────────┘
    ("save": a web-form save of a form-edited kind, ``submission_mark_edited``)
    returned ──submit──▶ submitted;  submitted/accepted ──reopen (district, with a reason)──▶ draft

Each public verb checks who may use it and its own rules, then calls ``_transition``, which locks the
row, refuses a move the map does not allow, and writes the history row and the audit entry. The pages
and the API call these same functions; ``WorkflowError`` becomes a message in the UI and a 400 there.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aoc.audit import audit_log
from aoc.notify import notify
from aoc.selectors import district_staff_users
from datacollection import permissions
from datacollection.kinds import get_kind
from datacollection.models import Submission, SubmissionEvent, Upload
from schools.selectors import school_logins

S = Submission.Status

TRANSITIONS: dict[str, set[str]] = {
    S.NOT_STARTED: {S.DRAFT},
    S.DRAFT: {S.DRAFT, S.SUBMITTED},
    S.RETURNED: {S.DRAFT, S.SUBMITTED},
    S.SUBMITTED: {S.ACCEPTED, S.RETURNED, S.DRAFT},
    S.ACCEPTED: {S.DRAFT},
}


class WorkflowError(Exception):
    """A move the workflow does not allow now; the message says why, for the user."""


def _transition(submission: Submission, to_status: str, *, actor, verb: str, comment: str = "", **changes):
    """Lock the submission, move it to ``to_status`` and record who did it, when and why."""
    locked = Submission.objects.select_for_update().select_related("round", "school").get(pk=submission.pk)
    if to_status not in TRANSITIONS[locked.status]:
        raise _refused(locked)
    from_status = locked.status
    now = timezone.now()
    locked.status = to_status
    locked.last_activity_at = now
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    SubmissionEvent.objects.create(
        submission=locked, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )
    audit_log(
        actor,
        f"datacollection.submission.{verb}",
        locked,
        {
            "round": locked.round.slug,
            "school": locked.school.code,
            "from": from_status,
            "to": to_status,
            "comment": comment,
        },
    )
    submission.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return submission


def _check(actor, capability, submission) -> None:
    """Lock the submission and bring ``submission`` up to date, then ask ``capability``: the rules are
    checked against the state in the database, not a copy loaded earlier."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    for field in (
        "status",
        "current_upload_id",
        "submitted_at",
        "accepted_at",
        "first_submitted_at",
        "last_activity_at",
    ):
        setattr(submission, field, getattr(locked, field))
    if not capability(actor, submission):
        raise PermissionDenied


def _form_edited(submission: Submission) -> bool:
    return get_kind(submission.round.kind).form_edited


def _refused(submission: Submission) -> WorkflowError:
    return WorkflowError(_("ทำรายการนี้ไม่ได้ในสถานะ “%(status)s”") % {"status": submission.get_status_display()})


# Who may use a verb at all (else 403); whether the state allows it now is a WorkflowError (a 400).
def _school_officer(actor, submission) -> bool:
    return permissions.is_officer_of(actor, submission.school)


def _district_staff(actor, submission) -> bool:
    return permissions.can_manage_rounds(actor)


def _detail_url(submission) -> str:
    return reverse(
        "datacollection:submission-detail",
        kwargs={"slug": submission.round.slug, "code": submission.school.code},
    )


@transaction.atomic
def submission_mark_draft(submission: Submission, *, actor, upload) -> Submission:
    """A valid upload makes (or keeps) the submission a draft whose records are the upload's."""
    _check(actor, permissions.can_upload, submission)
    return _transition(
        submission, S.DRAFT, actor=actor, verb="uploaded", comment=upload.original_name, current_upload=upload
    )


@transaction.atomic
def submission_mark_edited(submission: Submission, *, actor, section: str) -> Submission:
    """A web-form save of a form-edited kind (EMIS, B-OBEC) changed the submission's draft data.

    Call it in the same transaction as the write of the data, before it: it checks that ``actor`` may edit
    now, locks the submission, and makes it a draft (not started → draft, returned → draft: a history
    row "edited"). A draft stays a draft with no history row per save; only its last activity moves."""
    _check(actor, permissions.can_edit_data, submission)
    if submission.status == S.DRAFT:
        now = timezone.now()
        Submission.objects.filter(pk=submission.pk).update(last_activity_at=now)
        submission.last_activity_at = now
        return submission
    return _transition(submission, S.DRAFT, actor=actor, verb="edited", comment=section)


def submission_blocking_issues(submission: Submission) -> list:
    """The blocking errors of a form-edited kind's current data (``kind.validate``); [] for other kinds."""
    kind = get_kind(submission.round.kind)
    if not kind.form_edited:
        return []
    return [issue for issue in kind.validate(submission) if issue.severity == "error"]


@transaction.atomic
def submission_submit(submission: Submission, *, actor) -> Submission:
    """The school's data officer confirms (ยืนยัน) the data: only with no blocking errors. Upload-only kinds
    (DMC) need a valid upload; form-edited kinds need their current data to pass ``kind.validate``."""
    _check(actor, _school_officer, submission)
    blocking = submission_blocking_issues(submission)
    if blocking:
        raise WorkflowError(
            _("ยังยืนยันส่งไม่ได้: ข้อมูลมีข้อผิดพลาด %(n)d รายการ เช่น %(first)s — แก้ไขทุกรายการแล้วจึงยืนยันส่ง")
            % {"n": len(blocking), "first": blocking[0].message}
        )
    if submission.current_upload_id is None and not _form_edited(submission):
        raise WorkflowError(_("ยังไม่มีไฟล์ที่ผ่านการตรวจสอบ: อัปโหลดไฟล์ก่อนยืนยันส่ง"))
    if submission.uploads.filter(status=Upload.Status.PROCESSING).exists():
        raise WorkflowError(_("ระบบกำลังตรวจไฟล์ที่ส่งล่าสุด: รอให้ตรวจเสร็จก่อน แล้วจึงยืนยันส่ง"))
    if not submission.round.is_open:
        raise WorkflowError(_("รอบนี้ไม่ได้เปิดรับข้อมูล"))
    now = timezone.now()
    _transition(
        submission,
        S.SUBMITTED,
        actor=actor,
        verb="submitted",
        submitted_at=now,
        first_submitted_at=submission.first_submitted_at or now,
    )
    notify(
        district_staff_users(),
        title=_("%(school)s ยืนยันส่งข้อมูล %(round)s แล้ว")
        % {"school": submission.school, "round": submission.round},
        url=_detail_url(submission),
    )
    return submission


@transaction.atomic
def submission_withdraw(submission: Submission, *, actor) -> Submission:
    """Before the deadline the school may take back its own confirmation."""
    _check(actor, _school_officer, submission)
    if submission.status != S.SUBMITTED:
        raise _refused(submission)
    if submission.round.is_past_deadline():
        raise WorkflowError(_("เลยกำหนดส่งแล้ว ถอนการยืนยันเองไม่ได้: ติดต่อเขตพื้นที่เพื่อขอเปิดแก้ไข"))
    return _transition(submission, S.DRAFT, actor=actor, verb="withdrawn", submitted_at=None)


@transaction.atomic
def submission_return(submission: Submission, *, actor, comment: str) -> Submission:
    """District staff send a submission back to the school, saying what to fix."""
    _check(actor, _district_staff, submission)
    if not comment.strip():
        raise WorkflowError(_("กรุณาระบุสิ่งที่โรงเรียนต้องแก้ไข"))
    _transition(
        submission, S.RETURNED, actor=actor, verb="returned", comment=comment.strip(), submitted_at=None
    )
    notify(
        school_logins(submission.school),
        title=_("ข้อมูล %(round)s ถูกส่งกลับให้แก้ไข") % {"round": submission.round},
        body=comment.strip(),
        url=_detail_url(submission),
    )
    return submission


@transaction.atomic
def submission_accept(submission: Submission, *, actor, comment: str = "") -> Submission:
    """District staff accept (รับทราบ) the school's data; it is locked from then on. The kind then applies
    what acceptance means for it (``kind.on_accept``: EMIS writes the school's proposed registry changes),
    in the same transaction."""
    _check(actor, _district_staff, submission)
    _transition(
        submission,
        S.ACCEPTED,
        actor=actor,
        verb="accepted",
        comment=comment.strip(),
        accepted_at=timezone.now(),
    )
    get_kind(submission.round.kind).on_accept(submission, actor=actor)
    notify(
        school_logins(submission.school),
        title=_("ข้อมูล %(round)s ได้รับการรับรองแล้ว") % {"round": submission.round},
        body=comment.strip(),
        url=_detail_url(submission),
    )
    return submission


@transaction.atomic
def submission_reopen(submission: Submission, *, actor, reason: str) -> Submission:
    """District staff reopen a submitted or accepted submission for the school to change, with a reason."""
    _check(actor, _district_staff, submission)
    if submission.status not in (S.SUBMITTED, S.ACCEPTED):
        raise _refused(submission)
    if not reason.strip():
        raise WorkflowError(_("กรุณาระบุเหตุผลที่เปิดให้แก้ไข"))
    _transition(
        submission,
        S.DRAFT,
        actor=actor,
        verb="reopened",
        comment=reason.strip(),
        submitted_at=None,
        accepted_at=None,
    )
    notify(
        school_logins(submission.school),
        title=_("เขตพื้นที่เปิดให้แก้ไขข้อมูล %(round)s") % {"round": submission.round},
        body=reason.strip(),
        url=_detail_url(submission),
    )
    return submission
