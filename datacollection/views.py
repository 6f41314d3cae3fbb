"""Pages of the data-collection rounds: the public calendar, the district's view of a round, a school's
submission (uploads, results, workflow, history) and its student records.

Every view follows the same steps: the access helper (404 outside the user's scope, 403 for a role that
may not), a form for the shape of the input, the service or workflow verb, then a redirect with a
message. Permission flags for the templates come from ``datacollection.permissions``."""

import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aoc import thaidate
from aoc.forms import add_service_errors
from aoc.permissions import is_staff_user, require
from aoc.public_cache import cached_public_page
from aoc.xlsx import table_workbook
from datacollection import permissions, selectors, services, tasks, workflow
from datacollection.forms import (
    AcceptForm,
    ChaseFilterForm,
    RecordFilterForm,
    ReopenForm,
    ReturnForm,
    RoundForm,
    SubmissionFilterForm,
    UploadForm,
)
from datacollection.kinds import get_kind
from datacollection.kinds.checks import GRADE_INDEX
from datacollection.kinds.dmc import ERROR, Issue, dmc_header_matcher
from datacollection.kinds.report import write_error_report
from datacollection.kinds.tabular import FileError, open_table
from datacollection.models import LookupValue, Round, StudentRecord, Submission, Upload

log = logging.getLogger(__name__)

S = Submission.Status
RECORDS_PAGE_SIZE = 50
DUPLICATES_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _detail_url(submission: Submission) -> str:
    return reverse(
        "datacollection:submission-detail",
        kwargs={"slug": submission.round.slug, "code": submission.school.code},
    )


# --- Rounds ---------------------------------------------------------------------------------------


@cached_public_page
def round_calendar(request):
    """Public: every round with its dates (BE) and status, and its guide."""
    kind = request.GET.get("kind", "")
    if kind not in Round.Kind.values:
        kind = ""
    rounds = list(selectors.round_list(kind=kind))
    today = timezone.localdate()
    for round_ in rounds:
        round_.days_left = (round_.deadline - today).days
    return render(
        request,
        "datacollection/round_calendar.html",
        {
            "rounds": rounds,
            "kind": kind,
            "kinds": Round.Kind.choices,
            "show_detail_links": is_staff_user(request.user),
            "can_manage_rounds": permissions.can_manage_rounds(request.user),
        },
    )


def round_guide(request, slug):
    """Public: a round's guide (PDF), read from storage whatever serves the media files."""
    round_ = permissions.get_round(slug)
    if not round_.guide:
        raise Http404
    return FileResponse(
        round_.guide.open("rb"), content_type="application/pdf", filename=f"{round_.slug}-guide.pdf"
    )


@require(permissions.can_manage_rounds)
@require_http_methods(["GET", "POST"])
def round_create(request):
    form = RoundForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("สร้างรอบ %(label)s แล้ว ตรวจสอบแล้วกด “เปิดรับข้อมูล” เมื่อพร้อม") % {"label": round_.label}
            )
            return redirect("datacollection:round-detail", slug=round_.slug)
    return render(request, "datacollection/round_form.html", {"form": form, "round": None})


@require(permissions.can_manage_rounds)
@require_http_methods(["GET", "POST"])
def round_edit(request, slug):
    round_ = permissions.get_round(slug)
    initial = {name: getattr(round_, name) for name in (*services.ROUND_FIELDS, "guide")}
    form = RoundForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round_, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขรอบแล้ว"))
            return redirect("datacollection:round-detail", slug=round_.slug)
    return render(request, "datacollection/round_form.html", {"form": form, "round": round_})


@require_POST
@require(permissions.can_manage_rounds)
def round_open(request, slug):
    round_ = services.round_open(permissions.get_round(slug), actor=request.user)
    messages.success(request, _("เปิดรับข้อมูลรอบ %(label)s แล้ว") % {"label": round_.label})
    return redirect("datacollection:round-detail", slug=round_.slug)


@require_POST
@require(permissions.can_manage_rounds)
def round_close(request, slug):
    round_ = services.round_close(permissions.get_round(slug), actor=request.user)
    messages.success(request, _("ปิดรอบ %(label)s แล้ว โรงเรียนส่งไฟล์เพิ่มไม่ได้อีก") % {"label": round_.label})
    return redirect("datacollection:round-detail", slug=round_.slug)


def _round_rows(request, round_: Round, filters: dict) -> list[Submission]:
    now = timezone.now()
    rows = list(selectors.submission_list(user=request.user, round_=round_, **filters))
    upload_labels = dict(Upload.Status.choices)
    for submission in rows:
        submission.round = round_  # the list is of one round: no query per row
        submission.expected = selectors.is_expected(submission)
        submission.overdue = selectors.is_overdue(submission, now)
        submission.stored_rows = submission.current_upload.rows if submission.current_upload else None
        submission.last_upload_label = upload_labels.get(submission.last_upload_status, "")
    return rows


def _masked(national_id: str) -> str:
    return StudentRecord(national_id=national_id).masked_id


def _duplicates(round_: Round) -> tuple[list[dict], int]:
    """IDs found in more than one school of the round, masked, with the schools they were found in."""
    duplicates = selectors.duplicate_ids_in_round(round_)
    shown = list(duplicates[:DUPLICATES_SHOWN])
    total = len(shown) if len(shown) < DUPLICATES_SHOWN else duplicates.count()
    schools: dict[str, list[dict]] = {}
    if shown:
        found = (
            StudentRecord.objects.filter(round=round_, national_id__in=[d["national_id"] for d in shown])
            .values("national_id", "school__code", "school__name_th")
            .distinct()
            .order_by("national_id", "school__name_th")
        )
        for row in found:
            schools.setdefault(row["national_id"], []).append(
                {"code": row["school__code"], "name": row["school__name_th"]}
            )
    return [
        {
            "masked_id": _masked(d["national_id"]),
            "count": d["schools"],
            "schools": schools.get(d["national_id"], []),
        }
        for d in shown
    ], total


@require(is_staff_user)
def round_detail(request, slug):
    """The district's view of a round (a school officer sees only their own school's row)."""
    round_ = permissions.get_round(slug)
    form = SubmissionFilterForm(request.GET or None)
    filters = form.filters()
    can_manage = permissions.can_manage_rounds(request.user)
    duplicates, duplicate_total = _duplicates(round_) if can_manage else ([], 0)
    counts = selectors.status_counts(round_, user=request.user)
    return render(
        request,
        "datacollection/round_detail.html",
        {
            "round": round_,
            "form": form,
            "rows": _round_rows(request, round_, filters),
            "filtered": any(filters.values()),
            "completeness": selectors.round_completeness(round_, user=request.user),
            "status_summary": [(value, label, counts[value]) for value, label in S.choices],
            "duplicates": duplicates,
            "duplicate_total": duplicate_total,
            "can_manage_rounds": can_manage,
            "days_left": (round_.deadline - timezone.localdate()).days,
            "past_deadline": round_.is_past_deadline(),
            "query": request.GET.urlencode(),
        },
    )


@require(is_staff_user)
def round_export(request, slug):
    """The round's schools (in the user's scope, with the page's filters) as an XLSX file."""
    round_ = permissions.get_round(slug)
    form = SubmissionFilterForm(request.GET or None)
    rows = _round_rows(request, round_, form.filters())
    status_labels = dict(S.choices)
    headers = [
        _("รหัสโรงเรียน"), _("ชื่อโรงเรียน"), _("อำเภอ"), _("สถานะ"), _("ความเคลื่อนไหวล่าสุด"),
        _("จำนวนแถว"), _("ข้อผิดพลาด"), _("คำเตือน"), _("เลยกำหนดส่ง"),
    ]  # fmt: skip
    content = table_workbook(
        round_.slug,
        headers,
        (
            [
                s.school.code,
                s.school.display_name,
                s.school.amphoe.name_th if s.school.amphoe else "",
                str(status_labels.get(s.status, s.status)),
                thaidate.format_datetime(s.last_activity_at),
                s.stored_rows if s.stored_rows is not None else s.last_upload_rows,
                s.last_upload_errors,
                s.last_upload_warnings,
                _("เลยกำหนด") if s.overdue else "",
            ]
            for s in rows
        ),
        [14, 40, 16, 24, 22, 12, 12, 12, 14],
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{round_.slug}-schools-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


# --- The chase board and a school's history -------------------------------------------------------


@require(permissions.can_view_chase_board)
@cache_control(private=True, no_store=True)
def chase_board(request):
    """Every open round's target schools, late ones first: state, last activity, days to the deadline,
    reminders sent; the rates of each round on top. Read-only."""
    form = ChaseFilterForm(request.GET or None)
    filters = form.filters()
    rows, counts = selectors.chase_board(user=request.user, **filters)
    rounds = [r for r in selectors.open_rounds() if not filters.get("kind") or r.kind == filters["kind"]]
    today = timezone.localdate()
    rates = []
    for round_ in rounds:
        completeness = selectors.round_completeness(
            round_, user=request.user, amphoe=filters.get("amphoe", "")
        )
        rates.append({"round": round_, "c": completeness, "days_left": (round_.deadline - today).days})
    return render(
        request,
        "datacollection/chase_board.html",
        {
            "form": form,
            "rows": rows,
            "rates": rates,
            "state_counts": [(value, label, counts[value]) for value, label in S.choices],
            "late_count": counts["late"],
            "total": sum(counts[value] for value in S.values),
            "filtered": any(filters.values()),
            "query": request.GET.urlencode(),
        },
    )


@require(is_staff_user)
@cache_control(private=True, no_store=True)
def school_history(request, code):
    """A school's rounds: final state, on time or late, how often returned and why, reminders received.
    School officers see their own school; district roles any; 404 outside the user's scope."""
    school = permissions.get_school_for_user(request.user, code)
    return render(
        request,
        "datacollection/school_history.html",
        {
            "school": school,
            "rows": selectors.school_history(school),
            "can_view_chase_board": permissions.can_view_chase_board(request.user),
        },
    )


# --- A school's submission ------------------------------------------------------------------------


def _submission_context(request, submission: Submission, *, upload_form=None) -> dict:
    user = request.user
    round_ = submission.round
    uploads = list(selectors.uploads_of(submission))
    latest = uploads[0] if uploads else None
    can_view_records = permissions.can_view_records(user, submission)
    can_upload = permissions.can_upload(user, submission)
    processing = latest is not None and latest.status == Upload.Status.PROCESSING
    if upload_form is None and can_upload and not processing:
        upload_form = UploadForm()  # while a file is being checked, a second one would only race it
    issues = []
    # The messages quote the file (IDs, names, birth dates): only for those who may read the records;
    # the others (director, ICT staff) see the counts.
    if latest is not None and not processing and can_view_records:
        issues = sorted(latest.issues, key=lambda i: (i["row"], i["severity"] != ERROR))
    others = list(
        selectors.submissions_of_school(submission.school)
        .exclude(pk=submission.pk)
        .annotate(returned_count=Count("events", filter=Q(events__to_status=S.RETURNED)))
    )
    for other in others:
        first = other.first_submitted_at
        other.on_time = None if first is None else first <= other.round.deadline_at
    events = list(submission.events.select_related("actor"))
    last_return = next((e for e in reversed(events) if e.to_status == S.RETURNED), None)
    today = timezone.localdate()
    return {
        "submission": submission,
        "round": round_,
        "school": submission.school,
        "days_left": (round_.deadline - today).days,
        "past_deadline": round_.is_past_deadline(),
        "overdue": selectors.is_overdue(submission),
        "uploads": uploads,
        "latest": latest,
        "progress": services.Progress.of(latest.pk) if processing else None,
        "issues": issues,
        "events": events,
        "reminders": selectors.reminders_of(submission),
        # What the district asked the school to fix, while the submission is back with the school.
        "return_comment": last_return.comment if last_return and submission.status == S.RETURNED else "",
        "others": others,
        "upload_form": upload_form,
        # Two forms have a "comment" field: distinct ids keep each label tied to its own box.
        "return_form": ReturnForm(auto_id="id_return_%s"),
        "accept_form": AcceptForm(auto_id="id_accept_%s"),
        "reopen_form": ReopenForm(auto_id="id_reopen_%s"),
        "can_upload": can_upload,
        "can_submit": permissions.can_submit(user, submission),
        "can_withdraw": permissions.can_withdraw(user, submission),
        "can_verify": permissions.can_verify(user, submission),
        "can_reopen": permissions.can_reopen(user, submission),
        "can_view_records": can_view_records,
        # Names and IDs of children: only for those who may read the school's records.
        "also_elsewhere": list(selectors.students_also_elsewhere(submission)[:200])
        if can_view_records
        else [],
        "can_manage_rounds": permissions.can_manage_rounds(user),
        "max_mb": settings.DMC_UPLOAD_MAX_BYTES // 1_048_576,
    }


@require(is_staff_user)
@cache_control(private=True, no_store=True)
def submission_detail(request, slug, code):
    submission = permissions.get_submission_for_user(request.user, slug, code)
    return _render_submission(request, submission, _submission_context(request, submission))


def _render_submission(request, submission: Submission, context: dict):
    """DMC's page, or a form-edited kind's own page (its sections, their issues, the template)."""
    kind = get_kind(submission.round.kind)
    if not kind.form_edited:
        return render(request, "datacollection/submission_detail.html", context)
    context.update(kind.page_context(submission, request.user))
    context["can_edit_data"] = permissions.can_edit_data(request.user, submission)
    return render(request, f"datacollection/{kind.code}/submission.html", context)


@require_GET
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def submission_template(request, slug, code):
    """The XLSX template of a form-edited kind, prefilled (``kind.template``): for those who may act for
    the school (its officers, district staff)."""
    submission = permissions.get_submission_for_user(request.user, slug, code)
    kind = get_kind(submission.round.kind)
    if not kind.form_edited:
        raise Http404
    if not permissions.can_act_for_school(request.user, submission):
        raise PermissionDenied
    content = kind.template(submission)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{submission.round.slug}-{submission.school.code}.xlsx"'
    )
    return response


@require_POST
@require(is_staff_user)
def submission_upload(request, slug, code):
    """Keep the file; check it here if it is small, else in the background while the page shows progress."""
    submission = permissions.get_submission_for_user(request.user, slug, code, write=True)
    if not permissions.can_upload(request.user, submission):
        messages.error(
            request,
            _("ส่งไฟล์ไม่ได้ในขณะนี้ (สถานะ “%(status)s”%(closed)s)")
            % {
                "status": submission.get_status_display(),
                "closed": "" if submission.round.is_open else _(", รอบนี้ไม่ได้เปิดรับข้อมูล"),
            },
        )
        return redirect(_detail_url(submission))
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = services.upload_receive(submission, actor=request.user, file=file, name=file.name)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if upload.size <= settings.UPLOAD_INLINE_MAX_BYTES:
                _process_inline(request, upload)
            else:
                transaction.on_commit(lambda: tasks.process_upload.delay(upload.pk), robust=True)
                messages.info(
                    request,
                    _("ได้รับไฟล์ %(name)s แล้ว ระบบกำลังตรวจสอบ หน้านี้จะแสดงผลเมื่อเสร็จ")
                    % {"name": upload.original_name},
                )
            return redirect(_detail_url(submission) + "#result")
    context = _submission_context(request, submission, upload_form=form)
    return _render_submission(request, submission, context)


def _process_inline(request, upload: Upload) -> None:
    try:
        result = services.upload_process(upload.pk)
    except Exception:  # recorded on the upload by the service; the school is told to try again
        log.exception("Inline processing of upload %s failed", upload.pk)
        messages.error(request, str(services.FAILED_MESSAGE))
        return
    if result.status == "imported":
        if get_kind(upload.submission.round.kind).form_edited:
            text = _("ไฟล์ %(name)s ผ่านการตรวจสอบ ข้อมูลในไฟล์ %(n)s แถวแทนที่ฉบับร่างเดิมแล้ว") % {
                "name": upload.original_name,
                "n": f"{result.imported:,}",
            }
        else:
            text = _("ไฟล์ %(name)s ผ่านการตรวจสอบ บันทึกข้อมูลนักเรียน %(n)s คนแล้ว") % {
                "name": upload.original_name,
                "n": f"{result.imported:,}",
            }
        if result.warning_count:
            text += " " + _("มีคำเตือน %(n)s รายการ ควรตรวจดู") % {"n": f"{result.warning_count:,}"}
        messages.success(request, text)
    else:
        messages.error(
            request,
            _("ไฟล์ %(name)s มีข้อผิดพลาด %(n)s รายการ จึงยังไม่ได้บันทึก: แก้ไขในไฟล์ตามรายการด้านล่างแล้วส่งใหม่")
            % {"name": upload.original_name, "n": f"{result.error_count:,}"},
        )


@require_GET
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def upload_progress(request, slug, code, pk):
    """Polled by the page (htmx, every second) while an upload is checked in the background; when it
    is done, tells htmx to reload the page, which then shows the result."""
    submission = permissions.get_submission_for_user(request.user, slug, code)
    upload = get_object_or_404(Upload, pk=pk, submission=submission)
    if upload.status != Upload.Status.PROCESSING:
        response = HttpResponse(
            format_html('<a href="{}">{}</a>', _detail_url(submission), _("ตรวจเสร็จแล้ว: โหลดหน้าใหม่เพื่อดูผล"))
        )
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "datacollection/partials/upload_progress.html",
        {"submission": submission, "upload": upload, "progress": services.Progress.of(upload.pk)},
    )


@require_GET
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def upload_report(request, slug, code, pk):
    """The error report of an upload (XLSX): the school's rows with the problems beside them. Made on
    demand from the stored file; it holds personal data, so it is for those who may read the records."""
    submission = permissions.get_submission_for_user(request.user, slug, code)
    if not permissions.can_view_records(request.user, submission):
        raise PermissionDenied
    upload = get_object_or_404(Upload, pk=pk, submission=submission)
    if upload.status == Upload.Status.PROCESSING:
        raise Http404
    services.records_viewed(submission, actor=request.user, upload=upload.pk, report="error_report")
    issues = [Issue(**issue) for issue in upload.issues]
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    if get_kind(submission.round.kind).form_edited:
        # A multi-sheet template: the report lists the problems, each naming its sheet, row and column.
        write_error_report([], issues, [], out)
        out.seek(0)
        stem = upload.original_name.rsplit(".", 1)[0][:80]
        return FileResponse(out, as_attachment=True, filename=f"{stem}-ผลตรวจ.xlsx", content_type=XLSX)
    try:
        with upload.file.open("rb") as handle:
            table = open_table(
                handle, upload.original_name, header_matcher=dmc_header_matcher,
                max_bytes=settings.DMC_UPLOAD_MAX_BYTES, max_rows=settings.DMC_UPLOAD_MAX_ROWS,
            )  # fmt: skip
            with table:
                write_error_report(table.rows, issues, table.headers, out)
    except FileError:  # the file is not a readable table: the report lists the problems only
        out.seek(0)
        out.truncate()
        write_error_report([], issues, [], out)
    out.seek(0)
    stem = upload.original_name.rsplit(".", 1)[0][:80]
    return FileResponse(out, as_attachment=True, filename=f"{stem}-ผลตรวจ.xlsx", content_type=XLSX)


# --- Workflow verbs: POST only --------------------------------------------------------------------

# verb → (who may use it at all, whether the submission's state allows it now, the form, the call, message)
_ROLE = {
    "submit": lambda user, s: permissions.is_officer_of(user, s.school),
    "withdraw": lambda user, s: permissions.is_officer_of(user, s.school),
    "return": lambda user, s: permissions.can_manage_rounds(user),
    "accept": lambda user, s: permissions.can_manage_rounds(user),
    "reopen": lambda user, s: permissions.can_manage_rounds(user),
}
_ALLOWED_NOW = {
    "submit": permissions.can_submit,
    "withdraw": permissions.can_withdraw,
    "return": permissions.can_verify,
    "accept": permissions.can_verify,
    "reopen": permissions.can_reopen,
}
_FORMS = {"return": ReturnForm, "accept": AcceptForm, "reopen": ReopenForm}


def _run_verb(verb: str, submission: Submission, actor, data: dict) -> str:
    if verb == "submit":
        workflow.submission_submit(submission, actor=actor)
        return _("ยืนยันส่งข้อมูลแล้ว เขตพื้นที่จะตรวจและแจ้งผลในระบบ")
    if verb == "withdraw":
        workflow.submission_withdraw(submission, actor=actor)
        return _("ถอนการยืนยันแล้ว แก้ไขและส่งไฟล์ใหม่ได้ แล้วอย่าลืมยืนยันส่งอีกครั้ง")
    if verb == "return":
        workflow.submission_return(submission, actor=actor, comment=data["comment"])
        return _("ส่งกลับให้โรงเรียนแก้ไขแล้ว โรงเรียนได้รับแจ้งพร้อมหมายเหตุ")
    if verb == "accept":
        workflow.submission_accept(submission, actor=actor, comment=data["comment"])
        return _("รับรองข้อมูลแล้ว ข้อมูลของโรงเรียนนี้ถูกล็อก")
    workflow.submission_reopen(submission, actor=actor, reason=data["reason"])
    return _("เปิดให้โรงเรียนแก้ไขแล้ว")


def _workflow_view(verb: str):
    @require_POST
    @require(is_staff_user)
    def view(request, slug, code):
        submission = permissions.get_submission_for_user(request.user, slug, code)
        if not _ROLE[verb](request.user, submission):
            raise PermissionDenied
        if not _ALLOWED_NOW[verb](request.user, submission):  # e.g. a second click, or another user was first
            messages.error(
                request, _("ทำรายการนี้ไม่ได้ในสถานะ “%(status)s”") % {"status": submission.get_status_display()}
            )
            return redirect(_detail_url(submission))
        form = _FORMS[verb](request.POST) if verb in _FORMS else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(_detail_url(submission) + "#actions")
        try:
            done = _run_verb(verb, submission, request.user, form.cleaned_data if form is not None else {})
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect(_detail_url(submission))

    view.__name__ = view.__qualname__ = f"submission_{verb}"
    return view


submission_submit = _workflow_view("submit")
submission_withdraw = _workflow_view("withdraw")
submission_return = _workflow_view("return")
submission_accept = _workflow_view("accept")
submission_reopen = _workflow_view("reopen")


# --- Student records ------------------------------------------------------------------------------


@require(is_staff_user)
@cache_control(private=True, no_store=True)
def submission_records(request, slug, code):
    """The submission's students: personal data, for the school's officers and district staff only;
    IDs masked; every view is logged."""
    submission = permissions.get_submission_for_user(request.user, slug, code)
    if not permissions.can_view_records(request.user, submission):
        raise PermissionDenied
    grades = (
        StudentRecord.objects.filter(upload_id=submission.current_upload_id)
        .values_list("grade", flat=True)
        .distinct()
    )
    form = RecordFilterForm(
        request.GET or None, grades=sorted(set(grades), key=lambda g: (GRADE_INDEX.get(g, 99), g))
    )
    filters = form.filters()
    page = Paginator(selectors.student_records(submission, **filters), RECORDS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.records_viewed(
        submission, actor=request.user, **{k: v for k, v in filters.items() if v}, page=page.number
    )
    # Disadvantage and disability are stored as lookup codes: show their labels.
    lists = (LookupValue.List.DISADVANTAGE, LookupValue.List.DISABILITY)
    lookups = LookupValue.objects.filter(list__in=lists).values_list("list", "code", "label")
    labels = {(lst, code): label for lst, code, label in lookups}
    for record in page.object_list:
        record.disadvantage_label = labels.get((lists[0], record.disadvantage), record.disadvantage)
        record.disability_label = labels.get((lists[1], record.disability), record.disability)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "datacollection/submission_records.html",
        {
            "submission": submission,
            "round": submission.round,
            "school": submission.school,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
        },
    )
