"""B-OBEC building lists (อาคารและสิ่งก่อสร้าง, DOMAIN.md "B_OBEC"): the XLSX template, its reader and
the checks of each building.

``read_bobec`` opens the upload with ``tabular.open_table`` (the same file checks as DMC: size, type,
zip bombs, formulas, merged cells), maps the headers to ``COLUMNS`` and returns a ``BobecReader``.
Iterating it yields ``(row number, record, issues)``; every issue names the row, the column as written
in the file and the cell (``F7``) in a Thai message that says what to do. ``check_building`` holds the
rules of one building and is used by the reader and by the web form alike, so that a building is judged
the same whichever way it came in. ``write_template`` writes the template, prefilled with a list.

No database here: what the reader needs from it (the building types, the school's known buildings,
today's date) comes in ``BobecContext``.
"""

import datetime
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO, NamedTuple

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from aoc.thaidate import BE_OFFSET, format_date

from .checks import THAI_DIGITS, parse_date, parse_decimal
from .dmc import ERROR, WARNING, Issue
from .tabular import FileError, Table, column_letter, open_table, row_batches, unique_headers

# A school has tens of buildings, never thousands: a longer file is the wrong file.
MAX_BUILDINGS = 2000
# Types whose rows need the number of rooms by plan.
ROOMS_REQUIRED_TYPES = frozenset({"classroom"})
MAX_ROOMS = 80
# The oldest year a school building can plausibly date from (the first public schools, 2440s BE).
MIN_YEAR_BE = 2440
MAX_AMOUNT = Decimal("1000000000")  # one billion baht: no school building costs more
SHEET_TITLE = "อาคารและสิ่งก่อสร้าง"

CONDITIONS = {"good": "ดี", "fair": "พอใช้", "poor": "ทรุดโทรม"}
_CONDITION_WORDS = {
    "ดี": "good",
    "good": "good",
    "พอใช้": "fair",
    "พอใช้ได้": "fair",
    "fair": "fair",
    "ทรุดโทรม": "poor",
    "ชำรุดทรุดโทรม": "poor",
    "poor": "poor",
}


class Column(NamedTuple):
    key: str
    th: tuple[str, ...]  # the first is the template's header
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("building_type", ("ประเภทสิ่งก่อสร้าง", "ประเภทอาคาร", "ประเภทอาคาร/สิ่งก่อสร้าง", "ประเภท"), True),
    Column("sequence", ("หลังที่", "ลำดับหลัง", "หลัง"), True),
    Column("design_raw", ("แบบ", "แบบอาคาร", "แบบเลขที่", "แบบแปลน")),
    Column("rooms", ("จำนวนห้องตามแบบ", "จำนวนห้อง", "ห้องตามแบบ")),
    Column("year_built", ("ปีที่สร้าง (พ.ศ.)", "ปีที่สร้าง", "ปีที่ก่อสร้าง", "ปี พ.ศ. ที่สร้าง"), True),
    Column("condition", ("สภาพ", "สภาพปัจจุบัน", "สภาพอาคาร"), True),
    Column("budget_source", ("แหล่งงบประมาณ", "แหล่งงบ", "ประเภทงบประมาณ")),
    Column("fiscal_year", ("ปีงบประมาณ (พ.ศ.)", "ปีงบประมาณ")),
    Column("budget_amount", ("จำนวนเงิน (บาท)", "จำนวนเงิน", "งบประมาณ (บาท)")),
    Column("demolished_on", ("วันที่รื้อถอน", "รื้อถอนเมื่อ", "วันรื้อถอน")),
    Column("note", ("หมายเหตุ",)),
    Column("ref", ("รหัสอ้างอิง (ห้ามแก้ไข)", "รหัสอ้างอิง")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_INDEX = {c.key: index for index, c in enumerate(COLUMNS)}  # the template's column of each key
TEMPLATE_HEADER_ROW = 4
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
FIELDS = tuple(c.key for c in COLUMNS if c.key != "ref")

_HKEY_RE = re.compile(r"[\s_\-.:*'\"()\u200b-\u200d\ufeff]+")


def _hkey(text: str) -> str:
    return _HKEY_RE.sub("", text).casefold()


_ALIASES = {_hkey(h): c.key for c in COLUMNS for h in c.th}


def bobec_header_matcher(cells: list[str]) -> bool:
    """The header row names the type, the year built and the condition."""
    keys = {_ALIASES.get(_hkey(c)) for c in cells if c}
    return {"building_type", "year_built", "condition"} <= keys


# ---------------------------------------------------------------------------------------------
# Design (แบบ): keep what the school wrote; derive a code where the text can be read

_THAI_DIGITS_TABLE = str.maketrans(THAI_DIGITS, "0123456789")
_DESIGN_SERIES_RE = re.compile(r"(สปช|สปจ|สปก|สพฐ|ฝ)\s*\.?\s*(\d{1,3})\s*([ก-ฮ]?)\s*/\s*(\d{2,4})")
_DESIGN_NUMBER_RE = re.compile(r"(?<![\d.])(\d{3})\s*([ก-ฮ])\s*/\s*(\d{2,4})")
_DESIGN_PRIMARY_RE = re.compile(r"ป\s*\.?\s*(\d)\s*([ก-ฮ])")
_DESIGN_PLAIN_RE = re.compile(r"^(?:แบบ(?:เลขที่)?\s*)?(\d{3}[ก-ฮ]?)$")


def _two_digit_year(year: str) -> str:
    return year[-2:] if len(year) == 4 else year


def normalise_design(raw: str) -> str:
    """The design code in one spelling (``"สปช.105/29"``, ``"108ล/30"``, ``"ป.1ฉ"``, ``"008"``,
    ``"พิเศษ"``), or "" when the text is not a design we can read. Years have two digits, as on the plans."""
    text = " ".join(str(raw or "").translate(_THAI_DIGITS_TABLE).split())
    if not text:
        return ""
    m = _DESIGN_SERIES_RE.search(text)
    if m:
        series, number, suffix, year = m.groups()
        return f"{series}.{number}{suffix}/{_two_digit_year(year)}"
    m = _DESIGN_NUMBER_RE.search(text)
    if m:
        number, suffix, year = m.groups()
        return f"{number}{suffix}/{_two_digit_year(year)}"
    m = _DESIGN_PRIMARY_RE.search(text)
    if m:
        return f"ป.{m.group(1)}{m.group(2)}"
    m = _DESIGN_PLAIN_RE.match(text)
    if m:
        return m.group(1)
    if "พิเศษ" in text:
        return "พิเศษ"
    return ""


# ---------------------------------------------------------------------------------------------
# The rules of one building


@dataclass
class BobecContext:
    school_code: str
    today: datetime.date
    # Every spelling of a type (label, alias, code; compared without spaces, case-folded) → code.
    types: dict[str, str]
    type_labels: dict[str, str]  # code → label, in the list's order
    # The ``uid`` of every building the school has reported: a reference must be one of these.
    known_uids: set[str] = field(default_factory=set)

    @property
    def year_be(self) -> int:
        return self.today.year + BE_OFFSET


def type_key(text: str) -> str:
    return "".join(str(text).split()).casefold()


def _integer(value) -> int:
    """An integer from a cell: ``12``, ``12.0``, ``"12"``, ``"๑๒"``, ``"พ.ศ. 2535"``. ValueError if not."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    text = str(value).translate(_THAI_DIGITS_TABLE)
    text = re.sub(r"พ\s*\.\s*ศ\s*\.?|ปี|หลังที่|ห้อง|หลัง", "", text).strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{1,6}", text):
        raise ValueError
    return int(text)


def check_building(values: dict[str, Any], context: BobecContext) -> tuple[dict[str, Any], list[tuple]]:
    """Read and check one building: ``values`` maps the keys of ``COLUMNS`` to what the school wrote
    (text, numbers or dates as a cell holds them). Returns ``(record, problems)``; a problem is
    ``(key, code, Thai message, value as written, severity)``. The record holds what could be read."""
    record: dict[str, Any] = {}
    problems: list[tuple] = []

    def text(key) -> str:
        value = values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime | datetime.date):
            return format_date(value if isinstance(value, datetime.date) else value.date())
        return " ".join(str(value).split())

    def problem(key, code, message, value="", severity=ERROR):
        problems.append((key, code, message, value, severity))

    # Type
    raw_type = text("building_type")
    if not raw_type:
        problem("building_type", "type_missing", _("ไม่ได้ระบุประเภทสิ่งก่อสร้าง: เลือกจากรายการในเทมเพลต"))
    else:
        code = context.types.get(type_key(raw_type))
        if code is None:
            problem(
                "building_type",
                "type_unknown",
                _("ประเภทสิ่งก่อสร้าง “%(value)s” ไม่อยู่ในรายการ: ใช้หนึ่งใน %(choices)s")
                % {"value": raw_type, "choices": ", ".join(context.type_labels.values())},
                raw_type,
            )
        record["building_type"] = code or ""

    # Sequence
    raw = text("sequence")
    if not raw:
        problem("sequence", "sequence_missing", _("ไม่ได้ระบุหลังที่: ใส่ลำดับของอาคารประเภทเดียวกัน เช่น 1, 2, 3"))
    else:
        try:
            sequence = _integer(values.get("sequence"))
            if not 1 <= sequence <= 999:
                raise ValueError
            record["sequence"] = sequence
        except ValueError:
            problem(
                "sequence",
                "sequence_invalid",
                _("หลังที่ “%(value)s” ไม่ถูกต้อง: ใส่เลขจำนวนเต็มตั้งแต่ 1 ขึ้นไป") % {"value": raw},
                raw,
            )

    # Design: raw, plus the code when it can be read
    design = text("design_raw")[:200]
    record["design_raw"] = design
    record["design_code"] = normalise_design(design)

    # Rooms by plan: required for classroom buildings
    raw = text("rooms")
    rooms = None
    if raw:
        try:
            rooms = _integer(values.get("rooms"))
            if not 0 <= rooms <= MAX_ROOMS:  # a number cell may hold a negative number
                raise ValueError
        except ValueError:
            problem(
                "rooms",
                "rooms_invalid",
                _("จำนวนห้อง “%(value)s” ไม่ถูกต้อง: ใส่จำนวนเต็ม 0–%(max)d") % {"value": raw, "max": MAX_ROOMS},
                raw,
            )
            rooms = None
    record["rooms"] = rooms
    if (
        record.get("building_type") in ROOMS_REQUIRED_TYPES
        and not rooms
        and "rooms_invalid" not in {p[1] for p in problems}
    ):
        problem(
            "rooms",
            "rooms_required",
            _("อาคารเรียนต้องระบุจำนวนห้องตามแบบ (อย่างน้อย 1 ห้อง)"),
            raw,
        )

    # Year built (BE)
    year = _year(values.get("year_built"), text("year_built"), "year_built", context, problem, required=True)
    record["year_built"] = year

    # Condition
    raw = text("condition")
    if not raw:
        problem("condition", "condition_missing", _("ไม่ได้ระบุสภาพ: เลือก ดี / พอใช้ / ทรุดโทรม"))
    else:
        condition = _CONDITION_WORDS.get(type_key(raw))
        if condition is None:
            problem(
                "condition",
                "condition_invalid",
                _("สภาพ “%(value)s” ไม่ถูกต้อง: เลือก ดี / พอใช้ / ทรุดโทรม") % {"value": raw},
                raw,
            )
        record["condition"] = condition or ""

    # Budget: source, fiscal year (BE), amount — all optional
    record["budget_source"] = text("budget_source")[:200]
    fiscal = _year(
        values.get("fiscal_year"), text("fiscal_year"), "fiscal_year", context, problem, required=False
    )
    record["fiscal_year"] = fiscal
    raw = text("budget_amount")
    amount = None
    if raw and raw not in ("-", "–"):
        try:
            value = values.get("budget_amount")
            amount = parse_decimal(value if not isinstance(value, str) else raw.replace("บาท", ""))
            if amount < 0 or amount >= MAX_AMOUNT:
                raise ValueError
            amount = amount.quantize(Decimal("0.01"))
        except (ValueError, ArithmeticError):
            problem(
                "budget_amount",
                "amount_invalid",
                _("จำนวนเงิน “%(value)s” ไม่ถูกต้อง: ใส่จำนวนบาทเป็นตัวเลข เช่น 2500000") % {"value": raw},
                raw,
            )
            amount = None
    record["budget_amount"] = amount
    if amount and fiscal is None and "fiscal_year" not in {p[0] for p in problems}:
        problem(
            "fiscal_year",
            "fiscal_year_missing",
            _("ระบุจำนวนเงินแล้วแต่ไม่ได้ระบุปีงบประมาณ: ใส่ปีงบประมาณ (พ.ศ.) ที่ได้รับเงิน"),
            severity=WARNING,
        )

    # Demolished on (a date, not in the future, not before the building was built)
    raw = text("demolished_on")
    demolished = None
    if raw and raw not in ("-", "–"):
        try:
            demolished = parse_date(values.get("demolished_on"))
        except ValueError as exc:
            problem(
                "demolished_on",
                "demolished_invalid",
                _("วันที่รื้อถอน “%(value)s” อ่านไม่ได้ (%(reason)s): ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2568")
                % {"value": raw, "reason": exc},
                raw,
            )
        else:
            if demolished > context.today:
                problem(
                    "demolished_on",
                    "demolished_future",
                    _("วันที่รื้อถอน %(date)s ยังมาไม่ถึง: บันทึกการรื้อถอนเมื่อรื้อแล้วเท่านั้น")
                    % {"date": format_date(demolished)},
                    raw,
                )
                demolished = None
            elif year is not None and demolished.year + BE_OFFSET < year:
                problem(
                    "demolished_on",
                    "demolished_before_built",
                    _("วันที่รื้อถอน %(date)s อยู่ก่อนปีที่สร้าง (%(year)d): ตรวจสอบวันที่หรือปีที่สร้าง")
                    % {"date": format_date(demolished), "year": year},
                    raw,
                )
                demolished = None
    record["demolished_on"] = demolished
    record["note"] = text("note")[:500]

    # Reference: which building of the school's list this row is (blank for a new building)
    raw = text("ref")
    if raw:
        try:
            ref = str(uuid.UUID(raw))
            if ref not in context.known_uids:
                raise ValueError
            record["uid"] = ref
        except ValueError:
            problem(
                "ref",
                "ref_unknown",
                _("รหัสอ้างอิง “%(value)s” ไม่ใช่อาคารของโรงเรียนนี้: อย่าแก้ไขช่องนี้ ถ้าเป็นอาคารใหม่ให้เว้นว่าง")
                % {"value": raw[:40]},
                raw[:40],
            )
    return record, problems


def _year(value, raw: str, key: str, context: BobecContext, problem, *, required: bool) -> int | None:
    label = COLUMN_BY_KEY[key].th[0]
    if not raw:
        if required:
            problem(key, "year_missing", _("ไม่ได้ระบุ%(field)s: ใส่ปี พ.ศ. 4 หลัก เช่น 2535") % {"field": label})
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        year = value.year if value.year > 2400 else value.year + BE_OFFSET  # a date typed as a year
    else:
        try:
            year = _integer(value)
        except ValueError:
            problem(
                key,
                "year_invalid",
                _("%(field)s “%(value)s” ไม่ใช่ปี: ใส่ปี พ.ศ. 4 หลัก เช่น 2535") % {"field": label, "value": raw},
                raw,
            )
            return None
    latest = context.year_be + (1 if key == "fiscal_year" else 0)  # a budget may be for next fiscal year
    if 1800 <= year <= context.today.year + 1:
        problem(
            key,
            "year_christian",
            _("%(field)s %(value)d เป็นปี ค.ศ.: ใส่ปี พ.ศ. (%(value)d + 543 = %(be)d)")
            % {"field": label, "value": year, "be": year + BE_OFFSET},
            raw,
        )
        return None
    if year > latest:
        problem(
            key,
            "year_future",
            _("%(field)s %(value)d ยังมาไม่ถึง (ปีนี้คือ พ.ศ. %(now)d): ตรวจสอบปี")
            % {"field": label, "value": year, "now": context.year_be},
            raw,
        )
        return None
    if year < MIN_YEAR_BE:
        problem(
            key,
            "year_implausible",
            _("%(field)s %(value)d เก่าเกินกว่าจะเป็นไปได้: ใส่ปี พ.ศ. 4 หลัก เช่น 2535")
            % {"field": label, "value": year},
            raw,
        )
        return None
    return year


# ---------------------------------------------------------------------------------------------
# Reading a template


def read_bobec(
    fileobj: BinaryIO, filename: str, context: BobecContext, *, max_bytes: int, max_rows: int
) -> "BobecReader":
    try:
        table = open_table(
            fileobj,
            filename,
            header_matcher=bobec_header_matcher,
            max_bytes=max_bytes,
            max_rows=min(max_rows, MAX_BUILDINGS),
        )
    except FileError as exc:
        if exc.code == "no_header":
            raise FileError(
                _(
                    "ไม่พบแถวหัวตาราง (ประเภทสิ่งก่อสร้าง หลังที่ ปีที่สร้าง สภาพ …): ดาวน์โหลดเทมเพลต "
                    "B-OBEC จากหน้าการส่งข้อมูล กรอกในชีต “%(sheet)s” โดยไม่แก้หัวคอลัมน์ แล้วส่งใหม่"
                )
                % {"sheet": SHEET_TITLE},
                "no_header",
            ) from exc
        raise
    return BobecReader(table, context)


class BobecReader:
    """Iterate for ``(row number, record, issues)``; file-level issues are in ``file_issues`` (complete
    once the rows have been read)."""

    def __init__(self, table: Table, context: BobecContext):
        self.table = table
        self.context = context
        self.headers = table.headers
        self.raw_keys = unique_headers(table.headers)
        self.file_issues: list[Issue] = []
        self.column_map: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            key = _ALIASES.get(_hkey(header))
            if key is not None and key not in self.column_map:
                self.column_map[key] = index
        self.missing = [key for key in REQUIRED if key not in self.column_map]
        for key in self.missing:
            self.file_issues.append(
                Issue(
                    table.header_row,
                    "",
                    "missing_column",
                    _("ไม่พบคอลัมน์ “%(field)s” ซึ่งต้องมี: ใช้เทมเพลตจากระบบโดยไม่แก้หัวคอลัมน์")
                    % {"field": COLUMN_BY_KEY[key].th[0]},
                )
            )

    def header(self, key: str) -> str:
        index = self.column_map.get(key)
        return self.headers[index] if index is not None else COLUMN_BY_KEY[key].th[0]

    def cell(self, key: str, row: int) -> str:
        index = self.column_map.get(key)
        return f"{column_letter(index)}{row}" if index is not None else ""

    def batches(self):
        """The rows as the upload pipeline takes them."""
        return row_batches(self)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any], list[Issue]]]:
        seen_refs: dict[str, int] = {}
        seen_numbers: dict[tuple[str, int], int] = {}
        count = 0
        for row_number, cells in self.table.rows:
            if self.missing:
                return  # the file's issue says which column is missing; no row can be judged
            values = {key: cells[index] for key, index in self.column_map.items() if index < len(cells)}
            record, problems = check_building(values, self.context)
            issues = [self._issue(row_number, *p) for p in problems]
            ref = record.get("uid")
            if ref:
                if ref in seen_refs:
                    issues.append(
                        self._issue(
                            row_number,
                            "ref",
                            "ref_duplicate",
                            _("รหัสอ้างอิงซ้ำกับแถวที่ %(row)d: อาคารหนึ่งหลังมีได้แถวเดียว ลบแถวที่ซ้ำ")
                            % {"row": seen_refs[ref]},
                            ref,
                        )
                    )
                else:
                    seen_refs[ref] = row_number
            number = (record.get("building_type"), record.get("sequence"))
            if all(number) and record.get("demolished_on") is None:
                if number in seen_numbers:
                    issues.append(
                        self._issue(
                            row_number,
                            "sequence",
                            "sequence_duplicate",
                            _("%(type)s หลังที่ %(n)d ซ้ำกับแถวที่ %(row)d: ใช้หลังที่ต่างกันสำหรับอาคารประเภทเดียวกัน")
                            % {
                                "type": self.context.type_labels.get(number[0], number[0]),
                                "n": number[1],
                                "row": seen_numbers[number],
                            },
                            str(number[1]),
                        )
                    )
                else:
                    seen_numbers[number] = row_number
            record["raw"] = {
                self.raw_keys[i]: ("" if v is None else str(v))
                for i, v in enumerate(cells[: len(self.raw_keys)])
            }
            count += 1
            yield row_number, record, issues
        if not count and not self.missing:
            self.file_issues.append(
                Issue(
                    self.table.header_row,
                    "",
                    "no_rows",
                    _("ไม่มีรายการอาคารใต้แถวหัวตาราง: กรอกอาคารและสิ่งก่อสร้างของโรงเรียนอย่างน้อยหนึ่งรายการ"),
                )
            )

    def _issue(self, row: int, key: str, code: str, message: str, value: str = "", severity=ERROR) -> Issue:
        cell = self.cell(key, row)
        where = _(" (เซลล์ %(cell)s)") % {"cell": cell} if cell else ""
        return Issue(row, self.header(key), code, f"{message}{where}", str(value)[:200], severity)

    def close(self) -> None:
        self.table.close()


# ---------------------------------------------------------------------------------------------
# Writing the template


def template_row(building, type_labels: dict[str, str]) -> list[Any]:
    """A building (a model instance or anything with its fields) as a row of the template."""
    return [
        type_labels.get(building.building_type, building.building_type),
        building.sequence,
        building.design_raw,
        building.rooms,
        building.year_built,
        CONDITIONS.get(building.condition, building.condition),
        building.budget_source,
        building.fiscal_year,
        float(building.budget_amount) if building.budget_amount is not None else None,
        format_date(building.demolished_on) if building.demolished_on else None,
        building.note,
        str(building.uid),
    ]


def write_template(out, buildings: Iterable, *, type_labels: dict[str, str], title: str) -> None:
    """The B-OBEC template: one sheet of buildings (prefilled with ``buildings``), lists to choose the
    type and the condition from, and a sheet of instructions."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _(
        "กรอกหนึ่งแถวต่ออาคารหรือสิ่งก่อสร้างหนึ่งรายการ ห้ามแก้หัวคอลัมน์และช่องรหัสอ้างอิง "
        "อาคารใหม่ให้เว้นรหัสอ้างอิงว่าง อาคารที่รื้อถอนแล้วให้ใส่วันที่รื้อถอน (อย่าลบแถว)"
    )
    header_row = TEMPLATE_HEADER_ROW
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=index, value=column.th[0])
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = (30, 9, 20, 12, 12, 12, 26, 14, 16, 16, 30, 38)
    for index, width in enumerate(widths):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    row = header_row
    for building in buildings:
        row += 1
        for index, value in enumerate(template_row(building, type_labels), start=1):
            cell = ws.cell(row=row, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # what the school typed stays text, not a formula
    last = max(row, header_row) + 300  # room for new buildings

    lists = wb.create_sheet("รายการ")
    for index, label in enumerate(type_labels.values(), start=1):
        lists.cell(row=index, column=1, value=label)
    for index, label in enumerate(CONDITIONS.values(), start=1):
        lists.cell(row=index, column=2, value=label)
    lists.sheet_state = "hidden"
    type_list = DataValidation(
        type="list", formula1=f"='รายการ'!$A$1:$A${max(1, len(type_labels))}", allow_blank=True
    )
    condition_list = DataValidation(type="list", formula1="='รายการ'!$B$1:$B$3", allow_blank=True)
    for validation, letter in ((type_list, "A"), (condition_list, "F")):
        validation.error = _("เลือกจากรายการ")
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
        validation.add(f"{letter}{header_row + 1}:{letter}{last}")
    for letter in ("E", "H"):
        ws.column_dimensions[letter].number_format = "0"

    guide = wb.create_sheet("คำอธิบาย")
    lines = [
        _("คำอธิบายการกรอกข้อมูลอาคารและสิ่งก่อสร้าง (B-OBEC)"),
        _("ประเภทสิ่งก่อสร้าง: เลือกจากรายการ (%(types)s)") % {"types": ", ".join(type_labels.values())},
        _("หลังที่: ลำดับของอาคารประเภทเดียวกัน เริ่มที่ 1"),
        _("แบบ: เขียนตามป้ายหรือแบบแปลน เช่น สปช.105/29, 108ล/30, พิเศษ 3 ชั้น"),
        _("จำนวนห้องตามแบบ: ต้องกรอกสำหรับอาคารเรียน"),
        _("ปีที่สร้าง และปีงบประมาณ: ปี พ.ศ. 4 หลัก เช่น 2535 (ปีงบประมาณ 2568 = 1 ต.ค. 2567 – 30 ก.ย. 2568)"),
        _("สภาพ: ดี / พอใช้ / ทรุดโทรม"),
        _("แหล่งงบประมาณ ปีงบประมาณ และจำนวนเงิน (บาท): ถ้ามี"),
        _("วันที่รื้อถอน: วัน/เดือน/ปี พ.ศ. เช่น 15/03/2568 อาคารที่รื้อแล้วยังอยู่ในประวัติ ไม่นับเป็นอาคารที่มีอยู่"),
        _("รหัสอ้างอิง: ระบบใช้จับคู่กับอาคารเดิมและรูปถ่าย ห้ามแก้ไข อาคารใหม่ให้เว้นว่าง"),
        _("ห้ามผสานเซลล์หรือใส่สูตรในตาราง ส่งไฟล์ .xlsx ที่หน้าการส่งข้อมูล"),
    ]
    for index, line in enumerate(lines, start=1):
        guide.cell(row=index, column=1, value=line)
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110
    wb.save(out)
