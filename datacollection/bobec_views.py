"""Pages of B-OBEC rounds. The school's list of buildings is its submission page
(``templates/datacollection/bobec/submission.html``, filled by ``BobecKind.page_context``; the prefilled
template is the app's ``submission-template``); here are the building form (phone-friendly), the
demolition, the photos, and the district's overview of buildings by type × condition with its export and
the way down to each school.

Same steps as every view of the app: the access helper (404 outside the user's scope, 403 for a role
that may not), a form for the shape, the service, then a redirect with a message."""

import io

import openpyxl
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl.styles import Font, PatternFill

from aoc import thaidate
from aoc.audit import audit_log
from aoc.forms import add_service_errors
from aoc.permissions import is_staff_user, require
from datacollection import bobec_services, permissions, selectors
from datacollection.bobec_forms import (
    BuildingForm,
    BuildingOverviewFilterForm,
    BuildingPhotoForm,
    DemolishForm,
)
from datacollection.kinds.bobec import CONDITIONS
from datacollection.kinds.bobec_kind import building_types
from datacollection.models import Building, BuildingPhoto, Round, Submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bobec_submission(user, slug, code) -> Submission:
    """404 outside the user's scope or for a round of another kind."""
    submission = permissions.get_submission_for_user(user, slug, code)
    if submission.round.kind != Round.Kind.BOBEC:
        raise Http404
    return submission


def _list_url(submission: Submission) -> str:
    """The submission page, which lists the buildings."""
    kwargs = {"slug": submission.round.slug, "code": submission.school.code}
    return reverse("datacollection:submission-detail", kwargs=kwargs)


def _editable_submission(request, slug, code) -> Submission:
    """The submission, for a change to its list: 404 outside scope, 403 unless the user is one of the
    school's officers and the submission takes changes now (district staff verify, they do not edit)."""
    submission = _bobec_submission(request.user, slug, code)
    if not permissions.can_edit_data(request.user, submission):
        raise PermissionDenied
    return submission


def _errors_to_messages(request, errors) -> None:
    """Each error (a service's refusal, a form's field errors) as an error message on the list page."""
    for error in errors:
        messages.error(request, error)


def _building(submission: Submission, pk: int) -> Building:
    return get_object_or_404(Building, pk=pk, submission=submission)


# --- A school's list: shown on the submission page (``kind.page_context``), edited here ------------------


@require_POST
@require(is_staff_user)
def buildings_start(request, slug, code):
    submission = _editable_submission(request, slug, code)
    copied = bobec_services.buildings_start(submission, actor=request.user)
    if copied:
        messages.success(
            request,
            _("นำรายการอาคาร %(n)d รายการจากรอบที่รับรองล่าสุดมาแล้ว ตรวจและแก้ไขให้เป็นปัจจุบัน") % {"n": copied},
        )
    else:
        messages.info(request, _("ไม่มีรายการจากรอบก่อน: เพิ่มอาคารทีละหลัง หรือกรอกเทมเพลตแล้วอัปโหลด"))
    return redirect(_list_url(submission))


def _service_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def building_create(request, slug, code):
    submission = _editable_submission(request, slug, code)
    form = BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            building = bobec_services.building_create(submission, actor=request.user, **_service_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("เพิ่มอาคารแล้ว ถ่ายรูปอาคารเพิ่มได้ที่รายการ"))
            return redirect(_list_url(submission) + f"#building-{building.pk}")
    return render(
        request,
        "datacollection/bobec/building_form.html",
        {"submission": submission, "round": submission.round, "school": submission.school, "form": form},
    )


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def building_edit(request, slug, code, pk):
    submission = _editable_submission(request, slug, code)
    building = _building(submission, pk)
    form = BuildingForm(request.POST or None, initial=BuildingForm.initial_for(building))
    if request.method == "POST" and form.is_valid():
        try:
            bobec_services.building_update(building, actor=request.user, **_service_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect(_list_url(submission) + f"#building-{building.pk}")
    return render(
        request,
        "datacollection/bobec/building_form.html",
        {
            "submission": submission,
            "round": submission.round,
            "school": submission.school,
            "form": form,
            "building": building,
            "demolish_form": DemolishForm() if building.is_standing else None,
        },
    )


@require_POST
@require(is_staff_user)
def building_demolish(request, slug, code, pk):
    submission = _editable_submission(request, slug, code)
    building = _building(submission, pk)
    form = DemolishForm(request.POST)
    if form.is_valid():
        try:
            bobec_services.building_demolish(
                building, actor=request.user, demolished_on=form.cleaned_data["demolished_on"]
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc.messages)
            return redirect("datacollection:building-edit", slug=slug, code=code, pk=pk)
        messages.success(request, _("บันทึกการรื้อถอนแล้ว อาคารนี้ยังอยู่ในประวัติ แต่ไม่นับเป็นอาคารที่มีอยู่"))
    else:
        _errors_to_messages(request, [error for errors in form.errors.values() for error in errors])
    return redirect(_list_url(submission))


def _building_change(request, slug, code, pk, service, done: str):
    """``service(building, actor=…)`` on a building of the editable list, then back to the list with
    ``done`` or the service's refusal as error messages."""
    submission = _editable_submission(request, slug, code)
    building = _building(submission, pk)
    try:
        service(building, actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc.messages)
    else:
        messages.success(request, done)
    return redirect(_list_url(submission))


@require_POST
@require(is_staff_user)
def building_restore(request, slug, code, pk):
    done = _("ยกเลิกการรื้อถอนแล้ว อาคารนี้นับเป็นอาคารที่มีอยู่อีกครั้ง")
    return _building_change(request, slug, code, pk, bobec_services.building_restore, done)


@require_POST
@require(is_staff_user)
def building_delete(request, slug, code, pk):
    return _building_change(request, slug, code, pk, bobec_services.building_delete, _("ลบรายการที่บันทึกผิดแล้ว"))


@require_POST
@require(is_staff_user)
def building_photo_add(request, slug, code, pk):
    submission = _editable_submission(request, slug, code)
    building = _building(submission, pk)
    form = BuildingPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            bobec_services.building_photo_add(
                building,
                actor=request.user,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc.messages)
        else:
            messages.success(request, _("เพิ่มรูปแล้ว (ย่อขนาดและลบข้อมูลตำแหน่ง GPS ออกแล้ว)"))
    else:
        _errors_to_messages(request, [error for errors in form.errors.values() for error in errors])
    return redirect(_list_url(submission) + f"#building-{building.pk}")


@require_POST
@require(is_staff_user)
def building_photo_delete(request, slug, code, pk):
    submission = _editable_submission(request, slug, code)
    photo = get_object_or_404(BuildingPhoto, pk=pk, submission=submission)  # an earlier round's photo stays
    bobec_services.building_photo_delete(photo, actor=request.user)
    messages.success(request, _("ลบรูปแล้ว"))
    return redirect(_list_url(submission))


# --- The district's overview ------------------------------------------------------------------------


def _bobec_round(slug) -> Round:
    round_ = permissions.get_round(slug)
    if round_.kind != Round.Kind.BOBEC:
        raise Http404
    return round_


def _overview(request, round_: Round, filters: dict) -> dict:
    """The figures of the overview and its export: type × condition for the district, and per school."""
    _spellings, labels = building_types()
    rows = selectors.building_counts(round_, level="school", user=request.user, **filters)
    matrix: dict[str, dict[str, int]] = {}
    schools: dict[int, dict] = {}
    for row in rows:
        cells = matrix.setdefault(row["building_type"], dict.fromkeys(CONDITIONS, 0))
        cells[row["condition"]] += row["n"]
        school = schools.setdefault(
            row["school_id"],
            {
                "code": row["school_code"],
                "name": row["school_name"],
                **dict.fromkeys(CONDITIONS, 0),
                "total": 0,
            },
        )
        school[row["condition"]] += row["n"]
        school["total"] += row["n"]
    table = []
    totals = dict.fromkeys(CONDITIONS, 0)
    for code, label in labels.items():
        if code not in matrix:
            continue
        cells = matrix[code]
        for condition in CONDITIONS:
            totals[condition] += cells[condition]
        table.append(
            {
                "code": code,
                "label": label,
                "cells": [cells[c] for c in CONDITIONS],
                "total": sum(cells.values()),
            }
        )
    submissions = {
        s.school_id: s
        for s in Submission.objects.filter(round=round_, school_id__in=schools).select_related(
            "school__amphoe"
        )
    }
    school_rows = []
    for school_id, figures in schools.items():
        submission = submissions.get(school_id)
        school_rows.append(
            {
                **figures,
                "amphoe": submission.school.amphoe.name_th if submission and submission.school.amphoe else "",
                "status": submission.get_status_display() if submission else "",
                "cells": [figures[c] for c in CONDITIONS],
            }
        )
    school_rows.sort(key=lambda r: (-r["poor"], r["name"]))
    return {
        "table": table,
        "totals": [totals[c] for c in CONDITIONS],
        "grand_total": sum(totals.values()),
        "schools": school_rows,
        "conditions": list(CONDITIONS.values()),
        "type_labels": labels,
    }


@require(permissions.can_manage_rounds)
@cache_control(private=True, no_store=True)
def overview(request, slug):
    """Standing buildings by type × condition across the round's schools (the basis of the district's
    requests for repair budgets), with filters, the export and the way down to each school."""
    round_ = _bobec_round(slug)
    form = BuildingOverviewFilterForm(request.GET or None)
    filters = form.filters()
    return render(
        request,
        "datacollection/bobec/overview.html",
        {
            "round": round_,
            "form": form,
            "query": request.GET.urlencode(),
            **_overview(request, round_, filters),
        },
    )


@require(permissions.can_manage_rounds)
def overview_export(request, slug):
    """The overview as XLSX: the type × condition table, the schools, and every standing building."""
    round_ = _bobec_round(slug)
    form = BuildingOverviewFilterForm(request.GET or None)
    filters = form.filters()
    data = _overview(request, round_, filters)
    wb = openpyxl.Workbook()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")

    def header(ws, titles, widths):
        ws.append(titles)
        for index, (cell, width) in enumerate(zip(ws[ws.max_row], widths, strict=True)):
            cell.font, cell.fill = bold, fill
            ws.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width

    summary = wb.active
    summary.title = _("สรุปตามประเภทและสภาพ")
    summary.append([_("อาคารและสิ่งก่อสร้างที่มีอยู่ %(round)s") % {"round": round_.label}])
    summary.append([_("ส่งออกเมื่อ %(when)s") % {"when": thaidate.format_datetime(timezone.now())}])
    header(summary, [_("ประเภทสิ่งก่อสร้าง"), *data["conditions"], _("รวม")], (32, 12, 12, 12, 12))
    for row in data["table"]:
        summary.append([row["label"], *row["cells"], row["total"]])
    summary.append([_("รวม"), *data["totals"], data["grand_total"]])
    for cell in summary[summary.max_row]:
        cell.font = bold

    per_school = wb.create_sheet(_("รายโรงเรียน"))
    header(
        per_school,
        [_("รหัสโรงเรียน"), _("ชื่อโรงเรียน"), _("อำเภอ"), _("สถานะ"), *data["conditions"], _("รวม")],
        (14, 36, 16, 22, 10, 10, 10, 10),
    )
    for row in data["schools"]:
        per_school.append(
            [row["code"], row["name"], row["amphoe"], str(row["status"]), *row["cells"], row["total"]]
        )

    listing = wb.create_sheet(_("รายการอาคาร"))
    header(
        listing,
        [
            _("รหัสโรงเรียน"), _("ชื่อโรงเรียน"), _("ประเภทสิ่งก่อสร้าง"), _("หลังที่"), _("แบบ"), _("รหัสแบบ"),
            _("จำนวนห้องตามแบบ"), _("ปีที่สร้าง (พ.ศ.)"), _("สภาพ"), _("แหล่งงบประมาณ"), _("ปีงบประมาณ (พ.ศ.)"),
            _("จำนวนเงิน (บาท)"),
        ],
        (14, 36, 28, 8, 18, 14, 10, 12, 10, 22, 12, 14),
    )  # fmt: skip
    buildings = selectors.standing_buildings(round_, user=request.user, **filters).select_related(
        "submission__school"
    )
    labels = data["type_labels"]
    for b in buildings.order_by("submission__school__code", "building_type", "sequence"):
        listing.append(
            [
                b.submission.school.code, b.submission.school.name_th,
                labels.get(b.building_type, b.building_type), b.sequence, b.design_raw, b.design_code,
                b.rooms, b.year_built, CONDITIONS[b.condition], b.budget_source, b.fiscal_year,
                float(b.budget_amount) if b.budget_amount is not None else None,
            ]
        )  # fmt: skip
        for cell in listing[listing.max_row]:  # what the school typed stays text, never a formula
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    audit_log(request.user, "datacollection.buildings.exported", round_, {"round": round_.slug, **filters})
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{round_.slug}-buildings-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
