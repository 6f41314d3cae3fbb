"""EMIS on the round machinery: the database side of ``kinds/emis.py`` (a form-edited kind, see
``datacollection.kinds``)."""

import io

import openpyxl
from django.db.models import Count, Q
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from aoc import thaidate
from datacollection.kinds import emis
from datacollection.kinds.emis import SECTIONS, EmisContext, EmisData
from datacollection.models import (
    EmisComputer,
    EmisEquipment,
    EmisInternetLink,
    EmisRegistryChange,
    EmisReport,
    EmisStaffCount,
    EmisStudentCount,
    LookupValue,
    Round,
    StudentRecord,
    Submission,
)
from schools.services import school_apply_proposed

EMIS_LISTS = (
    "emis_staff_category",
    "emis_rank",
    "emis_funding",
    "emis_isp",
    "emis_link_type",
    "emis_equipment",
)
S = Submission.Status


# --- Reading and writing a submission's data -------------------------------------------------------


def load_data(submission: Submission) -> EmisData:
    """The data stored for ``submission`` (empty sections when it has none)."""
    data = EmisData()
    for change in EmisRegistryChange.objects.filter(submission=submission):
        data.basic[change.field] = change.value
    for row in EmisStudentCount.objects.filter(submission=submission):
        data.students[row.grade] = {
            "male": row.male,
            "female": row.female,
            "rooms": row.rooms,
            "explanation": row.explanation,
        }
    for row in EmisStaffCount.objects.filter(submission=submission):
        data.staff[(row.category, row.rank)] = {
            "male": row.male,
            "female": row.female,
            "explanation": row.explanation,
        }
    for row in EmisComputer.objects.filter(submission=submission):
        data.computers[(row.use, row.funding)] = {"working": row.working, "broken": row.broken}
    for row in EmisInternetLink.objects.filter(submission=submission):
        data.internet.append(
            {
                "provider": row.provider,
                "link_type": row.link_type,
                "speed_mbps": row.speed_mbps,
                "status": row.status,
                "monthly_cost": row.monthly_cost,
            }
        )
    for row in EmisEquipment.objects.filter(submission=submission):
        data.equipment[row.code] = {"working": row.working, "broken": row.broken}
    return data


def has_data(submission: Submission) -> bool:
    return EmisReport.objects.filter(submission=submission).exists()


def last_accepted(submission: Submission) -> Submission | None:
    """The school's last accepted EMIS submission of an earlier round."""
    return (
        Submission.objects.filter(
            school_id=submission.school_id,
            round__kind=Round.Kind.EMIS,
            status=S.ACCEPTED,
            round__as_of__lt=submission.round.as_of,
        )
        .select_related("round")
        .order_by("-round__as_of", "-round__number")
        .first()
    )


def dmc_source(submission: Submission) -> Submission | None:
    """The school's DMC submission of the same academic year and as-of date, if it has records."""
    round_ = submission.round
    return (
        Submission.objects.filter(
            school_id=submission.school_id,
            round__kind=Round.Kind.DMC,
            round__academic_year=round_.academic_year,
            round__as_of=round_.as_of,
            current_upload__isnull=False,
        )
        .select_related("round")
        .first()
    )


def dmc_counts(dmc: Submission) -> dict[str, dict]:
    """grade → {male, female, rooms} from a DMC submission's records: one grouped query."""
    rows = (
        StudentRecord.objects.filter(upload_id=dmc.current_upload_id)
        .values("grade")
        .annotate(
            male=Count("id", filter=Q(sex=StudentRecord.Sex.MALE)),
            female=Count("id", filter=Q(sex=StudentRecord.Sex.FEMALE)),
            rooms=Count("room", distinct=True, filter=~Q(room="")),
        )
    )
    return {
        row["grade"]: {"male": row["male"], "female": row["female"], "rooms": row["rooms"] or 1}
        for row in rows
        if row["grade"]
    }


def prefill(submission: Submission) -> tuple[EmisData, Submission | None, Submission | None]:
    """What a new draft starts from: the last accepted EMIS data (no registry changes, no explanations),
    with the student counts of the school's DMC records of the same as-of date where they exist."""
    previous = last_accepted(submission)
    data = load_data(previous) if previous else EmisData()
    data.basic = {}
    for item in (*data.students.values(), *data.staff.values()):
        item["explanation"] = ""
    dmc = dmc_source(submission)
    if dmc is not None:
        counts = dmc_counts(dmc)
        if counts:
            data.students = {grade: {**item, "explanation": ""} for grade, item in counts.items()}
    return data, previous, dmc


def current_data(submission: Submission) -> EmisData:
    """The submission's data as the forms show it: what is stored, or what a new draft would start from."""
    if has_data(submission):
        return load_data(submission)
    return prefill(submission)[0]


def write_data(
    submission: Submission, data: EmisData, sections=SECTIONS, *, registry: dict | None = None
) -> int:
    """Replace ``sections`` of the submission's data with ``data``'s, in bulk; returns the rows written.
    Runs in the caller's transaction."""
    written = 0
    for section in sections:
        model = _MODELS[section]
        model.objects.filter(submission=submission).delete()
        objects = _objects(section, submission, data, registry or {})
        model.objects.bulk_create(objects)
        written += len(objects)
    return written


def ensure_started(submission: Submission) -> EmisReport:
    """The first write to a submission stores what it starts from (``prefill``), so that every section
    has its data from then on."""
    report = EmisReport.objects.filter(submission=submission).first()
    if report is not None:
        return report
    data, previous, dmc = prefill(submission)
    write_data(submission, data)
    return EmisReport.objects.create(submission=submission, prefilled_from=previous, dmc_source=dmc)


_MODELS = {
    "basic": EmisRegistryChange,
    "students": EmisStudentCount,
    "staff": EmisStaffCount,
    "computers": EmisComputer,
    "internet": EmisInternetLink,
    "equipment": EmisEquipment,
}


def _objects(section: str, submission: Submission, data: EmisData, registry: dict) -> list:
    if section == "basic":
        return [
            EmisRegistryChange(
                submission=submission, field=name, value=value, previous=registry.get(name, "")
            )
            for name, value in data.basic.items()
        ]
    if section == "students":
        return [
            EmisStudentCount(submission=submission, grade=grade, **item)
            for grade, item in data.students.items()
        ]
    if section == "staff":
        return [
            EmisStaffCount(submission=submission, category=category, rank=rank, **item)
            for (category, rank), item in data.staff.items()
        ]
    if section == "computers":
        return [
            EmisComputer(submission=submission, use=use, funding=funding, **item)
            for (use, funding), item in data.computers.items()
        ]
    if section == "internet":
        return [EmisInternetLink(submission=submission, **item) for item in data.internet]
    return [EmisEquipment(submission=submission, code=code, **item) for code, item in data.equipment.items()]


# --- The context of the checks ---------------------------------------------------------------------


def registry_values(school) -> dict[str, str]:
    """The registry's current values of the fields a school may propose to change, as text."""
    values = {}
    for name in emis.BASIC_FIELDS:
        value = getattr(school, name)
        if value is None:
            values[name] = ""
        elif name == "founded_on":
            values[name] = value.isoformat()
        else:
            values[name] = str(value)
    return values


def lookups() -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, str]]]:
    ordered: dict[str, list[tuple[str, str]]] = {name: [] for name in EMIS_LISTS}
    aliases: dict[str, dict[str, str]] = {name: {} for name in EMIS_LISTS}
    for item in LookupValue.objects.filter(list__in=EMIS_LISTS, is_active=True).order_by(
        "list", "order", "label"
    ):
        ordered[item.list].append((item.code, item.label))
        names = aliases[item.list]
        for text in (item.code, item.label, *item.aliases.splitlines()):
            if text.strip():
                names[emis._lookup_key(text)] = item.code
    return ordered, aliases


def make_context(submission: Submission) -> EmisContext:
    ordered, aliases = lookups()
    previous = last_accepted(submission)
    dmc = dmc_source(submission)
    return EmisContext(
        school_code=submission.school.code,
        grades=tuple(submission.school.grades),
        registry=registry_values(submission.school),
        lookups=ordered,
        aliases=aliases,
        previous=load_data(previous) if previous else None,
        previous_label=previous.round.label if previous else "",
        dmc=dmc_counts(dmc) if dmc else None,
        dmc_label=dmc.round.label if dmc else "",
    )


# --- The kind --------------------------------------------------------------------------------------


class EmisKind:
    """EMIS school information: edited in the web forms (one page per section) or uploaded as the
    template; district staff's acceptance writes the proposed registry changes to the school."""

    code = "emis"
    form_edited = True

    def context(self, submission) -> EmisContext:
        return make_context(submission)

    def read(self, fileobj, filename, context, *, max_bytes, max_rows):
        return emis.read_emis(fileobj, filename, context, max_bytes=max_bytes, max_rows=max_rows)

    def store(self, upload, batches) -> int:
        """Replace the draft data with the file's (the pipeline rolls it back if the file is rejected)."""
        submission = upload.submission
        data = emis.data_from_records(record for batch in batches for _row, record in batch)
        EmisReport.objects.get_or_create(submission=submission)
        write_data(submission, data, registry=registry_values(submission.school))
        return data.item_count()

    def cross_checks(self, upload, reader) -> list:
        return [f.as_issue() for f in emis.check_data(reader.data, reader.ctx, for_submit=False)]

    def discard_others(self, submission, keep) -> int:
        """``store`` replaced the whole draft already."""
        return 0

    def on_accept(self, submission, *, actor) -> None:
        """Write the school's proposed registry changes to the school, audited by the schools service."""
        changes = dict(EmisRegistryChange.objects.filter(submission=submission).values_list("field", "value"))
        if changes:
            school = submission.school
            school_apply_proposed(school, actor=actor, proposed=changes, source=submission.round.slug)

    def validate(self, submission) -> list:
        ctx = make_context(submission)
        return [f.as_issue() for f in emis.check_data(current_data(submission), ctx, for_submit=True)]

    def template(self, submission) -> bytes:
        return write_template(current_data(submission), make_context(submission), submission)

    def page_context(self, submission, user) -> dict:
        ctx = make_context(submission)
        data = current_data(submission)
        findings = emis.check_data(data, ctx, for_submit=True)
        sections = []
        for section in SECTIONS:
            found = [f for f in findings if f.section == section]
            sections.append(
                {
                    "code": section,
                    "label": emis.SECTION_LABELS[section],
                    "errors": sum(1 for f in found if f.severity == "error"),
                    "warnings": sum(1 for f in found if f.severity != "error"),
                    "findings": found,
                }
            )
        return {
            "emis_sections": sections,
            "emis_errors": sum(s["errors"] for s in sections),
            "emis_started": has_data(submission),
            "emis_changes": registry_changes(ctx, data),
            "emis_dmc": dmc_rows(data, ctx),
            "emis_dmc_label": ctx.dmc_label,
            "emis_previous_label": ctx.previous_label,
            "emis_jumps": emis.jumps(data, ctx),
            "emis_student_total": data.student_total(),
        }


def registry_changes(ctx: EmisContext, data: EmisData) -> list[dict]:
    """The proposed changes as district staff verify them: item, registry value now, proposed value."""
    return [
        {
            "field": name,
            "label": emis.BASIC_LABELS.get(name, name),
            "old": emis.format_basic(name, ctx.registry.get(name, "")),
            "new": emis.format_basic(name, value),
        }
        for name, value in data.basic.items()
    ]


def dmc_rows(data: EmisData, ctx: EmisContext) -> list[dict]:
    """Per grade, EMIS against DMC (when the school has DMC records of the same as-of date)."""
    if ctx.dmc is None:
        return []
    differences = emis.dmc_differences(data, ctx)
    empty = {"male": 0, "female": 0, "rooms": 0}
    grades = sorted(set(data.students) | set(ctx.dmc), key=lambda g: emis.GRADE_INDEX.get(g, 99))
    return [
        {
            "grade": grade,
            "emis": data.students.get(grade, empty),
            "dmc": ctx.dmc.get(grade, empty),
            "differs": grade in differences,
        }
        for grade in grades
    ]


# --- The template ------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_template(data: EmisData, ctx: EmisContext, submission: Submission) -> bytes:
    """The XLSX template: one sheet per section, prefilled with ``data``; what ``read_emis`` reads back."""
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "คำอธิบาย"
    round_ = submission.round
    lines = [
        f"แบบฟอร์ม EMIS · {submission.school.display_name} ({submission.school.code})",
        f"{round_.label} · ข้อมูล ณ วันที่ {thaidate.format_date(round_.as_of)}",
        "กรอกตัวเลขในแต่ละแผ่นงาน อย่าเปลี่ยนชื่อแผ่นงานและหัวคอลัมน์ อย่าใส่สูตร ช่องว่างถือเป็น 0",
        "ช่อง “รวม” ไม่ต้องกรอกก็ได้ ถ้ากรอกต้องเท่ากับผลบวก (ชาย + หญิง หรือ ใช้งานได้ + ชำรุด)",
        "ข้อมูลพื้นฐาน: ใส่ค่าใหม่ในคอลัมน์ “ค่าที่ขอแก้ไข” เฉพาะรายการที่ต้องการแก้ เขตพื้นที่จะแก้ทะเบียนเมื่อรับรองข้อมูล",
        "ถ้าตัวเลขเปลี่ยนจากรอบที่แล้วมาก (เกิน 30% และเกิน 10) ให้เขียนสาเหตุในช่อง “คำชี้แจง”",
        "แผ่นงาน “รายการรหัส” คือรายการที่ใช้ได้ในคอลัมน์ที่เป็นรหัส",
    ]
    for line in lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110

    codes = wb.create_sheet("รายการรหัส")
    codes.append(["รายการ", "รหัส", "ชื่อ"])
    ranges = {}
    for list_name in EMIS_LISTS:
        start = codes.max_row + 1
        for code, label in ctx.lookups.get(list_name, ()):
            codes.append([list_name, code, label])
        ranges[list_name] = f"'รายการรหัส'!$C${start}:$C${codes.max_row}"
    for use, label in emis.COMPUTER_USES.items():
        codes.append(["computer_use", use, label])
    for status, label in emis.LINK_STATUSES.items():
        codes.append(["link_status", status, label])

    for section in SECTIONS:
        ws = wb.create_sheet(emis.SHEETS[section])
        headers = [header for _field, header in emis.COLUMNS[section]]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in _template_rows(section, data, ctx):
            ws.append(row)
            for cell in ws[ws.max_row]:  # what the school typed stays text, never a formula
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for i, header in enumerate(headers):
            ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = max(12, len(header) + 6)
        ws.freeze_panes = "A2"
        for (list_section, field_), list_name in emis.LOOKUP_OF.items():
            if list_section != section:
                continue
            column = [f for f, _h in emis.COLUMNS[section]].index(field_) + 1
            letter = openpyxl.utils.get_column_letter(column)
            validation = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True)
            validation.add(f"{letter}2:{letter}{max(ws.max_row, 2) + 20}")
            ws.add_data_validation(validation)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _template_rows(section: str, data: EmisData, ctx: EmisContext) -> list[list]:
    items = data.section(section)
    rows = []
    if section == "basic":
        for name in emis.BASIC_FIELDS:
            rows.append(
                [
                    name,
                    emis.BASIC_LABELS[name],
                    emis.format_basic(name, ctx.registry.get(name, "")),
                    emis.format_basic(name, items.get(name, "")),
                ]
            )
        return rows
    if section == "internet":
        for link in items:
            rows.append(
                [
                    ctx.label("emis_isp", link["provider"]),
                    ctx.label("emis_link_type", link["link_type"]),
                    link["speed_mbps"],
                    emis.LINK_STATUSES[link["status"]],
                    float(link["monthly_cost"]),
                ]
            )
        return rows
    for key in emis.layout(section, data, ctx):
        item = items.get(key) or {}
        if section == "students":
            rows.append(
                [
                    key,
                    item.get("male", 0),
                    item.get("female", 0),
                    None,
                    item.get("rooms", 0),
                    item.get("explanation", ""),
                ]
            )
        elif section == "staff":
            rows.append(
                [
                    ctx.label("emis_staff_category", key[0]),
                    ctx.label("emis_rank", key[1]),
                    item.get("male", 0),
                    item.get("female", 0),
                    None,
                    item.get("explanation", ""),
                ]
            )
        elif section == "computers":
            rows.append(
                [
                    emis.COMPUTER_USES[key[0]],
                    ctx.label("emis_funding", key[1]),
                    item.get("working", 0),
                    item.get("broken", 0),
                    None,
                ]
            )
        else:
            label = ctx.label("emis_equipment", key)
            rows.append([key, label, item.get("working", 0), item.get("broken", 0), None])
    return rows
