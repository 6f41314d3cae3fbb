"""Pages of the student movement watch (``datacollection.movement``): the district summary of a pair of
consecutive DMC rounds, a school's lists and their XLSX exports.

Who sees what: everyone who logs in sees the summary counts of the schools in their scope (a school
officer their own school, district roles every school); the lists name children and are for the
school's officers and district staff only (403 for the director and ICT staff, 404 for another
school's officer); every view and export of a list is logged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from aoc import thaidate
from aoc.permissions import is_staff_user, require
from aoc.xlsx import table_workbook
from datacollection import movement, permissions, services
from datacollection.forms import FollowUpForm
from datacollection.models import LeaverFollowUp
from schools.permissions import get_school_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _categories() -> list[tuple[str, str, str]]:
    """(category, heading, what it means), in the order of the page and the export."""
    return [
        (
            movement.LEFT,
            _("ออกจากโรงเรียน ไม่พบในโรงเรียนใดของเขต (อาจออกกลางคัน)"),
            _("ควรติดตาม: อาจย้ายไปนอกเขตพื้นที่ หรือออกจากการศึกษา"),
        ),
        (
            movement.FINISHED,
            _("จบชั้นสูงสุดของระดับ (ป.6 / ม.3)"),
            _("เรียนจบเมื่อสิ้นปีการศึกษา ไม่นับเป็นออกกลางคัน"),
        ),
        (movement.MOVED_OUT, _("ย้ายไปโรงเรียนอื่นในเขต"), ""),
        (movement.MOVED_IN, _("ย้ายมาจากโรงเรียนอื่นในเขต"), ""),
        (movement.ENTRANT, _("นักเรียนใหม่ (ไม่พบในรอบก่อน)"), ""),
    ]


@require(is_staff_user)
def movement_index(request):
    """The newest pair of rounds, or a page that says there is none yet."""
    pairs = movement.round_pairs()
    if pairs:
        return redirect("datacollection:movement-summary", slug=pairs[0].after.slug)
    return render(request, "datacollection/movement_summary.html", {"pairs": [], "summary": None})


@require(is_staff_user)
def movement_summary(request, slug):
    pairs = movement.round_pairs()
    pair = movement.round_pair(slug)
    can_manage = permissions.can_manage_rounds(request.user)
    summary = movement.movement_summary(pair, user=request.user)
    # Links to the lists only for those who may read them: district staff, and a school's officers
    # (whose scope is their own schools).
    can_read_lists = can_manage or request.user.is_school_officer
    return render(
        request,
        "datacollection/movement_summary.html",
        {
            "pairs": pairs,
            "pair": pair,
            "summary": summary,
            "can_read_lists": can_read_lists,
            "can_export_district": can_manage,
            "counted_states": [movement.S(value).label for value in movement.COUNTED_STATES],
        },
    )


def _school_pair(request, slug, code):
    pair = movement.round_pair(slug)
    school = get_school_for_user(request.user, code)  # 404 outside the user's scope
    if not permissions.can_view_movement(request.user, school):
        raise PermissionDenied
    return pair, school


@require(is_staff_user)
@cache_control(private=True, no_store=True)
def movement_school(request, slug, code):
    """One school's leavers, finishers, movers and entrants: personal data, IDs masked, each view
    logged."""
    pair, school = _school_pair(request, slug, code)
    result = movement.school_movement(pair, school)
    services.movement_viewed(
        school,
        actor=request.user,
        pair=pair,
        counts={category: len(records) for category, records in result.lists.items()},
    )
    sections = [
        {"key": key, "heading": heading, "hint": hint, "records": result.records(key)}
        for key, heading, hint in _categories()
    ]
    return render(
        request,
        "datacollection/movement_school.html",
        {
            "pair": pair,
            "school": school,
            "result": result,
            "sections": sections,
            "can_follow_up": permissions.can_follow_up(request.user, school),
            "outcomes": LeaverFollowUp.Outcome.choices,
        },
    )


@require_POST
@require(is_staff_user)
def movement_follow_up(request, slug, code):
    """The school's officer records what became of a child who left (audited)."""
    pair, school = _school_pair(request, slug, code)
    if not permissions.can_follow_up(request.user, school):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.leaver_follow_up(school, actor=request.user, pair=pair, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("บันทึกผลการติดตามแล้ว"))
    else:
        messages.error(request, _("บันทึกไม่ได้: เลือกผลการติดตาม"))
    url = reverse("datacollection:movement-school", kwargs={"slug": pair.after.slug, "code": school.code})
    return redirect(f"{url}#left")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require(is_staff_user)
def movement_school_export(request, slug, code):
    """The school's lists as one XLSX sheet, a category per row (IDs masked as on the page); logged."""
    pair, school = _school_pair(request, slug, code)
    result = movement.school_movement(pair, school)
    headers = [
        _("ประเภท"), _("เลขประจำตัวประชาชน"), _("ประเภทเลขประจำตัว"), _("คำนำหน้าชื่อ"), _("ชื่อ"),
        _("นามสกุล"), _("เพศ"), _("วันเกิด"), _("ชั้น"), _("ห้อง"), _("เลขประจำตัวนักเรียน"),
        _("โรงเรียนอื่น"), _("ชั้นที่โรงเรียนอื่น"), _("ผลการติดตาม"), _("หมายเหตุ"),
    ]  # fmt: skip
    rows = []
    for key, heading, _hint in _categories():
        for r in result.records(key):
            note = (
                _("อาจเป็นนักเรียนใหม่ที่ชื่อและวันเกิดตรงกัน (เปลี่ยนเลขประจำตัว)")
                if getattr(r, "id_changed", False)
                else ""
            )
            follow_up = getattr(r, "follow_up", None)
            outcome = f"{follow_up.get_outcome_display()} {follow_up.note}".strip() if follow_up else ""
            rows.append(
                [
                    heading, r.masked_id, r.get_id_kind_display(), r.prefix, r.first_name, r.last_name,
                    r.get_sex_display(), thaidate.format_date(r.birth_date) if r.birth_date else "",
                    r.grade, r.room, r.student_number, r.other_school or "", r.other_grade or "",
                    outcome, note,
                ]
            )  # fmt: skip
    content = table_workbook(
        f"{pair.before.slug} - {pair.after.slug}",
        headers,
        rows,
        [40, 16, 16, 12, 18, 18, 8, 14, 8, 8, 14, 30, 12, 30, 40],
    )
    services.movement_viewed(school, actor=request.user, pair=pair, exported=True, rows=len(rows))
    return _xlsx_response(
        content, f"movement-{pair.after.slug}-{school.code}-{timezone.localdate():%Y%m%d}.xlsx"
    )


@require(permissions.can_manage_rounds)
def movement_district_export(request, slug):
    """District staff: the possible drop-outs of every compared school, for the follow-up programme."""
    pair = movement.round_pair(slug)
    outcomes = {value: str(label) for value, label in LeaverFollowUp.Outcome.choices}  # text, not lazy
    headers = [
        _("อำเภอ"), _("รหัสโรงเรียน"), _("ชื่อโรงเรียน"), _("เลขประจำตัวประชาชน"), _("ประเภทเลขประจำตัว"),
        _("คำนำหน้าชื่อ"), _("ชื่อ"), _("นามสกุล"), _("เพศ"), _("วันเกิด"), _("ชั้น"), _("ห้อง"),
        _("เลขประจำตัวนักเรียน"), _("ผลการติดตาม"), _("หมายเหตุการติดตาม"),
    ]  # fmt: skip
    rows = [
        [
            r.school.amphoe.name_th if r.school.amphoe else "",
            r.school.code,
            r.school.display_name,
            r.masked_id,
            r.get_id_kind_display(),
            r.prefix,
            r.first_name,
            r.last_name,
            r.get_sex_display(),
            thaidate.format_date(r.birth_date) if r.birth_date else "",
            r.grade,
            r.room,
            r.student_number,
            outcomes.get(r.follow_up_outcome, ""),
            r.follow_up_note or "",
        ]
        for r in movement.district_leavers(pair, user=request.user)
    ]
    content = table_workbook(
        f"{pair.before.slug} - {pair.after.slug}",
        headers,
        rows,
        [16, 14, 40, 16, 16, 12, 18, 18, 8, 14, 8, 8, 14, 24, 40],
    )
    services.movement_viewed(None, actor=request.user, pair=pair, exported=True, rows=len(rows))
    return _xlsx_response(content, f"leavers-{pair.after.slug}-{timezone.localdate():%Y%m%d}.xlsx")
