"""The statistics tables as flat tables (header + rows), and as the XLSX and CSV files of the downloads
catalogue. The API's CSV uses the same tables, so a file, a page and the API never disagree."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from aoc import thaidate
from reports import statistics
from reports.models import Dataset, Publication


@dataclass
class FlatTable:
    name: str  # sheet name / file stem
    title: str
    source: statistics.Source
    headers: list[str]  # Thai column headers (files, CSV)
    rows: list[list]
    keys: list[str] = field(default_factory=list)  # the same columns as ASCII keys (JSON)

    def records(self) -> list[dict]:
        return [dict(zip(self.keys, row, strict=True)) for row in self.rows]


GRADE_KEYS = {"อ": "k", "ป": "p", "ม": "m"}


def grade_key(grade: str) -> str:
    """``ป.1`` → ``p1`` (อนุบาล k, ประถม p, มัธยม m), for JSON keys."""
    prefix, _dot, number = grade.partition(".")
    return f"{GRADE_KEYS.get(prefix, prefix)}{number}"


def _stamp(source: statistics.Source) -> str:
    text = _("ข้อมูล ณ วันที่ %(date)s · %(round)s · โรงเรียนที่รับรองแล้ว %(included)s จาก %(expected)s แห่ง") % {
        "date": thaidate.format_date(source.as_of, long=True),
        "round": source.round_label,
        "included": source.schools_included,
        "expected": source.schools_expected,
    }
    if source.is_generated:
        text += " · " + _("ข้อมูลตัวอย่าง (สร้างขึ้น)")
    return text


def schools_flat(pub: Publication) -> FlatTable:
    table = statistics.schools_by_amphoe_level_size(pub)
    headers = [_("รหัสอำเภอ"), _("อำเภอ"), _("ระดับ"), *[c.label for c in table.columns], _("รวม")]
    rows = []
    for row in table.rows:
        if ":" in row.key:
            rows.append([row.key.split(":")[0], row.group, row.label, *row.counts, row.total])
        else:
            rows.append([row.key, row.label, _("รวมอำเภอ"), *row.counts, row.total])
    rows.append(["", _("รวมทั้งเขตพื้นที่"), "", *table.totals, table.total])
    keys = ["amphoe_code", "amphoe", "level", *[c.code for c in table.columns], "total"]
    return FlatTable("schools", table.title, table.source, headers, rows, keys)


def small_bands_flat(pub: Publication) -> FlatTable:
    table = statistics.small_school_bands(pub)
    headers = [_("รหัสอำเภอ"), _("อำเภอ"), *[c.label for c in table.columns], _("รวม")]
    rows = [[r.key, r.label, *r.counts, r.total] for r in table.rows]
    rows.append(["", _("รวมทั้งเขตพื้นที่"), *table.totals, table.total])
    keys = ["amphoe_code", "amphoe", *[f"band_{c.code}" for c in table.columns], "total"]
    return FlatTable("small_school_bands", table.title, table.source, headers, rows, keys)


def _sex_split_columns(columns: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Headers and keys of a male/female table after its leading columns: "<label> ชาย", "<label> หญิง"
    for each ``(key, label)`` column, then the male, female and grand totals."""
    headers, keys = [], []
    for key, label in columns:
        headers += [f"{label} {_('ชาย')}", f"{label} {_('หญิง')}"]
        keys += [f"{key}_male", f"{key}_female"]
    return [*headers, _("รวมชาย"), _("รวมหญิง"), _("รวม")], [*keys, "male", "female", "total"]


def _sex_split_line(row: statistics.SexSplitRow, *, group: bool) -> list:
    """A row as code (empty for the totals), name, the amphoe when ``group``, male and female of each
    column, then the male, female and grand totals."""
    line = [row.key if row.key != "total" else "", row.label]
    if group:
        line.append(row.group)
    for m, f in zip(row.male, row.female, strict=True):
        line += [m, f]
    return [*line, row.male_total, row.female_total, row.grand_total]


def students_flat(pub: Publication, *, by: str = "school", amphoe=None, school=None) -> FlatTable:
    table = statistics.students_by_grade_sex(pub, by=by, amphoe=amphoe, school=school)
    key_header = {"school": _("รหัสโรงเรียน"), "amphoe": _("รหัสอำเภอ"), "district": _("ขอบเขต")}[by]
    headers, keys = [key_header, _("ชื่อ")], ["code", "name"]
    if by == "school":
        headers.append(_("อำเภอ"))
        keys.append("amphoe")
    split_headers, split_keys = _sex_split_columns([(grade_key(grade), grade) for grade in table.grades])
    headers += split_headers
    keys += split_keys
    rows = [
        _sex_split_line(row, group=by == "school")
        for row in ([*table.rows, table.totals] if by != "district" else table.rows)
    ]
    return FlatTable(f"students_by_{by}", table.title, table.source, headers, rows, keys)


def _cell(cell: statistics.Cell):
    """A shown count as a number; a hidden one as its text ("< 5" or "ปกปิด")."""
    return cell.text if cell.suppressed else cell.value


def category_flat(pub: Publication, category: str, *, by: str = "amphoe", school=None) -> FlatTable:
    selector = statistics.disadvantaged_by_type if category == "disadvantage" else statistics.disabled_by_type
    table = selector(pub, by=by, school=school)
    headers, keys = [_("รหัส"), _("ชื่อ")], ["code", "name"]
    if by == "school" or school:
        headers.append(_("อำเภอ"))
        keys.append("amphoe")
    headers += [t.label for t in table.types] + [_("รวม")]
    keys += [t.code for t in table.types] + ["total"]
    rows = []
    for row in table.rows:
        line = [row.key, row.label]
        if by == "school" or school:
            line.append(row.group)
        rows.append(line + [_cell(c) for c in row.cells] + [_cell(row.total)])
    if not school:
        line = ["", table.totals.label] + ([""] if by == "school" else [])
        rows.append(line + [_cell(c) for c in table.totals.cells] + [_cell(table.totals.total)])
    return FlatTable(f"{category}_by_{by}", table.title, table.source, headers, rows, keys)


def ratios_flat(pub: Publication, *, by: str = "amphoe", amphoe=None, school=None) -> FlatTable:
    """Ratios as numbers with one decimal; a ratio that cannot be computed (no teacher, no room) is
    empty in a file and ``null`` in JSON."""
    table = statistics.ratios(pub, by=by, amphoe=amphoe, school=school)
    headers, keys = [_("รหัส"), _("ชื่อ")], ["code", "name"]
    if by == "school":
        headers.append(_("อำเภอ"))
        keys.append("amphoe")
    headers += [_("โรงเรียน"), _("นักเรียน"), _("ครู"), _("ห้องเรียน"), _("นักเรียนต่อครู"),
                _("นักเรียนต่อห้องเรียน"), _("ครูต่อโรงเรียน")]  # fmt: skip
    keys += ["schools", "students", "teachers", "rooms", "students_per_teacher", "students_per_room",
             "teachers_per_school"]  # fmt: skip
    rows = []
    for row in [*table.rows, table.totals]:
        line = [row.key if row.key != "district" else "", row.label]
        if by == "school":
            line.append(row.group)
        line += [row.schools, row.students, row.teachers, row.rooms, row.students_per_teacher,
                 row.students_per_room, row.teachers_per_school]  # fmt: skip
        rows.append(line)
    return FlatTable(f"ratios_by_{by}", table.title, table.source, headers, rows, keys)


def staff_flat(pub: Publication, *, by: str = "amphoe", amphoe=None, school=None) -> FlatTable:
    table = statistics.staff_by_position(pub, by=by, amphoe=amphoe, school=school)
    headers, keys = [_("รหัส"), _("ชื่อ")], ["code", "name"]
    if by == "school":
        headers.append(_("อำเภอ"))
        keys.append("amphoe")
    split_headers, split_keys = _sex_split_columns([(c.code, c.label) for c in table.categories])
    headers += split_headers
    keys += split_keys
    rows = [_sex_split_line(row, group=by == "school") for row in [*table.rows, table.totals]]
    return FlatTable(f"staff_by_{by}", table.title, table.source, headers, rows, keys)


def staff_rank_flat(pub: Publication) -> FlatTable:
    table = statistics.staff_by_position(pub).ranks
    headers = [_("รหัสตำแหน่ง"), _("ตำแหน่ง"), *[c.label for c in table.columns], _("รวม")]
    rows = [[r.key, r.label, *r.counts, r.total] for r in table.rows]
    rows.append(["", _("รวมทั้งเขตพื้นที่"), *table.totals, table.total])
    keys = ["code", "name", *[f"rank_{c.code}" for c in table.columns], "total"]
    return FlatTable("staff_by_rank", table.title, table.source, headers, rows, keys)


def buildings_flat(pub: Publication, *, by: str = "school", amphoe=None, school=None) -> FlatTable:
    """One row per building type (and amphoe or school with ``by``), conditions as columns."""
    table = statistics.buildings_by_type_condition(pub, by=by, amphoe=amphoe, school=school)
    unit = {"school": _("รหัสโรงเรียน"), "amphoe": _("รหัสอำเภอ"), "district": ""}[by]
    headers, keys = [], []
    if by != "district":
        headers += [unit, _("โรงเรียน") if by == "school" else _("อำเภอ")]
        keys += ["code", "name"]
    headers += [_("รหัสประเภท"), _("ประเภทสิ่งก่อสร้าง"), *[c.label for c in table.columns], _("รวม")]
    keys += ["type", "type_label", *[c.code for c in table.columns], "total"]
    rows = []
    for row in table.rows:
        if by == "district":
            rows.append([row.key, row.label, *row.counts, row.total])
        elif ":" in row.key:
            rows.append([row.key.split(":")[0], row.group, row.key.split(":")[1], row.label, *row.counts,
                         row.total])  # fmt: skip
    total_line = ["", _("รวมทั้งเขตพื้นที่")] if by == "district" else ["", _("รวมทั้งเขตพื้นที่"), "", ""]
    rows.append([*total_line, *table.totals, table.total])
    return FlatTable(f"buildings_by_{by}", table.title, table.source, headers, rows, keys)


# The catalogue entries publishing writes: slug → (title, category, description, tables).
PUBLISHED_DATASETS = {
    "schools-by-amphoe-level-size": (
        "จำนวนโรงเรียนจำแนกตามอำเภอ ระดับ และขนาด",
        Dataset.Category.SCHOOLS,
        "โรงเรียนในสังกัดจำแนกตามอำเภอ ระดับที่เปิดสอน ขนาด (เกณฑ์ สพฐ. 4 ขนาด) และช่วงจำนวนนักเรียนของโรงเรียนขนาดเล็ก",
        lambda pub: [schools_flat(pub), small_bands_flat(pub)],
    ),
    "students-by-grade-sex": (
        "จำนวนนักเรียนจำแนกตามชั้นและเพศ",
        Dataset.Category.STUDENTS,
        "นักเรียนจำแนกตามชั้นและเพศ รายโรงเรียน รายอำเภอ และทั้งเขตพื้นที่ จากข้อมูล DMC ที่รับรองแล้ว",
        lambda pub: [
            students_flat(pub, by="school"),
            students_flat(pub, by="amphoe"),
            students_flat(pub, by="district"),
        ],
    ),
    "disadvantaged-students": (
        "จำนวนนักเรียนด้อยโอกาสจำแนกตามประเภท",
        Dataset.Category.SPECIAL,
        "นักเรียนด้อยโอกาสจำแนกตามประเภท รายอำเภอและรายโรงเรียน (จำนวน 1–4 คนของโรงเรียนเดียวแสดงเป็น “< 5”)",
        lambda pub: [category_flat(pub, "disadvantage"), category_flat(pub, "disadvantage", by="school")],
    ),
    "disabled-students": (
        "จำนวนนักเรียนพิการจำแนกตามประเภท",
        Dataset.Category.SPECIAL,
        "นักเรียนพิการจำแนกตามประเภท รายอำเภอและรายโรงเรียน (จำนวน 1–4 คนของโรงเรียนเดียวแสดงเป็น “< 5”)",
        lambda pub: [category_flat(pub, "disability"), category_flat(pub, "disability", by="school")],
    ),
}


def xlsx_bytes(tables: list[FlatTable]) -> bytes:
    """One sheet per table: its title, the "ข้อมูล ณ วันที่ …" stamp, then the header and the rows."""
    book = Workbook(write_only=False)
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_stamp(table.source)])
        sheet.append([])
        sheet.append(table.headers)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        sheet.freeze_panes = "C5"
        sheet.column_dimensions["B"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(table: FlatTable) -> str:
    """The table with two columns added to every row (the round and the ISO as-of date), so that rows
    keep their source when files are combined."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*table.headers, _("รอบ"), _("ข้อมูล ณ วันที่")])
    for row in table.rows:
        writer.writerow([*row, table.source.round_slug, table.source.as_of.isoformat()])
    return buffer.getvalue()


def csv_bytes(table: FlatTable) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Thai text correctly."""
    return ("\ufeff" + csv_text(table)).encode("utf-8")


EMIS_DATASETS = {
    "teacher-student-ratios": (
        "อัตราส่วนนักเรียนต่อครู ต่อห้องเรียน และครูต่อโรงเรียน",
        Dataset.Category.STAFF,
        "อัตราส่วนรายโรงเรียนและรายอำเภอ จากข้อมูล EMIS ที่รับรองแล้ว (ครู = ครู + ครูผู้ช่วย; "
        "นักเรียนและห้องเรียนตามที่โรงเรียนรายงานใน EMIS)",
        lambda pub: [ratios_flat(pub, by="school"), ratios_flat(pub, by="amphoe")],
    ),
    "staff-by-position": (
        "จำนวนบุคลากรจำแนกตามตำแหน่งและเพศ",
        Dataset.Category.STAFF,
        "บุคลากรจำแนกตามตำแหน่ง (ผู้อำนวยการ … ลูกจ้างชั่วคราว) และเพศ รายโรงเรียนและรายอำเภอ "
        "และจำแนกตามวิทยฐานะ จากข้อมูล EMIS ที่รับรองแล้ว",
        lambda pub: [staff_flat(pub, by="school"), staff_flat(pub, by="amphoe"), staff_rank_flat(pub)],
    ),
}

BOBEC_DATASETS = {
    "buildings-by-type-condition": (
        "จำนวนอาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ",
        Dataset.Category.BUILDINGS,
        "อาคารและสิ่งก่อสร้างที่ใช้งานอยู่ จำแนกตามประเภทและสภาพ (ดี พอใช้ ทรุดโทรม) รายโรงเรียน รายอำเภอ "
        "และทั้งเขตพื้นที่ จากข้อมูล B-OBEC ที่รับรองแล้ว",
        lambda pub: [
            buildings_flat(pub, by="school"),
            buildings_flat(pub, by="amphoe"),
            buildings_flat(pub, by="district"),
        ],
    ),
}


def datasets_of(kind: str) -> dict:
    """The catalogue entries a publication of ``kind`` writes."""
    return {"dmc": PUBLISHED_DATASETS, "emis": EMIS_DATASETS, "bobec": BOBEC_DATASETS}[kind]
