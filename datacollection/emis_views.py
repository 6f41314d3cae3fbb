"""The EMIS section pages: one web form per section of a school's EMIS submission.

The submission page itself (section overview, template download and upload, workflow) is the rounds'
``views.submission_detail``, which renders ``templates/datacollection/emis/submission.html`` for EMIS.
The school's officers edit while the submission takes changes; district staff (and the others in scope)
see the same page read-only, with the previous round and the school's DMC counts beside the values."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from aoc.permissions import is_staff_user, require
from datacollection import emis_services, permissions, workflow
from datacollection.emis_forms import EmisSectionForm
from datacollection.kinds import emis
from datacollection.kinds.emis_kind import current_data, make_context
from datacollection.models import Round


def section_url(submission, section: str) -> str:
    return reverse(
        "datacollection:emis-section",
        kwargs={"slug": submission.round.slug, "code": submission.school.code, "section": section},
    )


@require_http_methods(["GET", "POST"])
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def emis_section(request, slug, code, section):
    submission = permissions.get_submission_for_user(request.user, slug, code)
    if submission.round.kind != Round.Kind.EMIS or section not in emis.SECTIONS:
        raise Http404
    ctx = make_context(submission)
    data = current_data(submission)
    can_edit = permissions.can_edit_data(request.user, submission)
    if request.method == "POST":
        if not permissions.is_officer_of(request.user, submission.school):
            raise PermissionDenied  # district staff read and verify; the school enters its data
        if not can_edit:
            messages.error(
                request,
                _("แก้ไขข้อมูลไม่ได้ในสถานะ “%(status)s”") % {"status": submission.get_status_display()},
            )
            return redirect(section_url(submission, section))
        form = EmisSectionForm(request.POST, section=section, ctx=ctx, data=data)
        if form.is_valid():
            try:
                emis_services.emis_section_save(
                    submission, actor=request.user, section=section, value=form.section_value()
                )
            except workflow.WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("บันทึก “%(section)s” เป็นฉบับร่างแล้ว") % {"section": emis.SECTION_LABELS[section]},
                )
            return redirect(section_url(submission, section))
        messages.error(request, _("ยังไม่ได้บันทึก: แก้ไขช่องที่มีข้อความสีแดงแล้วกดบันทึกอีกครั้ง"))
    else:
        form = EmisSectionForm(section=section, ctx=ctx, data=data)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "datacollection/emis/section.html",
        _section_context(request, submission, section, form, ctx, data, can_edit),
    )


def _section_context(request, submission, section, form, ctx, data, can_edit) -> dict:
    findings = [f for f in emis.check_data(data, ctx, for_submit=True) if f.section == section]
    previous = ctx.previous.section(section) if ctx.previous is not None else None
    rows = []
    for row in form.rows:
        key = row["key"]
        rows.append(
            {
                "label": row["label"],
                "fields": [form[name] for name in row["names"]],
                "findings": [f for f in findings if f.key == key],
                "previous": _previous(section, key, previous),
                "total": _row_total(section, [form[name] for name in row["names"]]),
                "dmc": (ctx.dmc or {}).get(key) if section == "students" and ctx.dmc is not None else None,
                "registry": emis.format_basic(key, ctx.registry.get(key, "")) if section == "basic" else "",
            }
        )
    sections = [
        {"code": code, "label": emis.SECTION_LABELS[code], "url": section_url(submission, code)}
        for code in emis.SECTIONS
    ]
    return {
        "submission": submission,
        "round": submission.round,
        "school": submission.school,
        "section": section,
        "section_label": emis.SECTION_LABELS[section],
        "sections": sections,
        "form": form,
        "rows": rows,
        "headers": [label for name, label in emis.COLUMNS[section] if _shown(section, name)],
        "general_findings": [f for f in findings if f.key is None],
        "error_count": sum(1 for f in findings if f.severity == "error"),
        "can_edit": can_edit,
        "has_previous": previous is not None and section in ("students", "staff"),
        "previous_label": ctx.previous_label,
        "has_dmc": section == "students" and ctx.dmc is not None,
        "dmc_label": ctx.dmc_label,
        "detail_url": reverse(
            "datacollection:submission-detail",
            kwargs={"slug": submission.round.slug, "code": submission.school.code},
        ),
    }


def _shown(section: str, name: str) -> bool:
    """The form's columns: the sheet's, less the ones the page shows otherwise (totals are computed)."""
    return name not in HIDDEN_COLUMNS


# Columns of the sheet the form shows as the row's label or computes (the item's key, its total …).
HIDDEN_COLUMNS = frozenset(
    {"total", "name", "label", "registry", "field", "grade", "category", "rank", "use", "funding", "code"}
)


def _row_total(section: str, fields) -> int | None:
    """Male + female of a row of students or staff, as the form shows them now."""
    if section not in ("students", "staff"):
        return None
    total = 0
    for field in fields[:2]:
        try:
            total += int(field.value() or 0)
        except (TypeError, ValueError):
            return None
    return total


def _previous(section: str, key, previous) -> int | None:
    if previous is None or section not in ("students", "staff"):
        return None
    item = previous.get(key)
    return None if item is None else item["male"] + item["female"]
