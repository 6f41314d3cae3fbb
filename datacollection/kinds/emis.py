"""EMIS school information (DOMAIN.md "EMIS"): the template's sheets, reading them, and the checks.

A school's EMIS data (``EmisData``) has six sections. The XLSX template has one sheet per section, a
header row on row 1 and one row per item; ``read_emis`` reads every sheet with ``tabular.open_table``
(the same safety checks as a DMC file: zip bombs, formulas, merged cells …) and returns an
``EmisReader`` that yields ``(row number, record, issues)`` like the DMC reader. A record is a dict
with its ``section`` and fields; ``EmisReader.data`` collects them as ``EmisData``.

``check_data`` checks a whole ``EmisData`` — the data just read from a file as well as the data the
school saved in the web forms — and returns ``Finding``s: each knows its section, item and field (for
the form) and its sheet, row and column (for the file). Its messages read
"แผ่นงาน …, แถว …, คอลัมน์ …: … — วิธีแก้: …".

Nothing here touches the database; ``emis_kind`` does (``EmisContext`` carries what it looked up).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .checks import GRADE_INDEX, GRADES, parse_date
from .dmc import ERROR, WARNING, Issue, cell_text
from .tabular import FileError, clean_header, open_table, row_batches

# --- The template's layout ----------------------------------------------------------------------

SECTIONS = ("basic", "students", "staff", "computers", "internet", "equipment")
SECTION_LABELS = {
    "basic": _lazy("ข้อมูลพื้นฐานของโรงเรียน"),
    "students": _lazy("นักเรียนและห้องเรียน"),
    "staff": _lazy("บุคลากร"),
    "computers": _lazy("คอมพิวเตอร์"),
    "internet": _lazy("อินเทอร์เน็ต"),
    "equipment": _lazy("ครุภัณฑ์"),
}
# Sheet names and headers are the file format: Thai, and not translated.
SHEETS = {
    "basic": "ข้อมูลพื้นฐาน",
    "students": "นักเรียน",
    "staff": "บุคลากร",
    "computers": "คอมพิวเตอร์",
    "internet": "อินเทอร์เน็ต",
    "equipment": "ครุภัณฑ์",
}
# section → ((field, header), …) in the sheet's column order
COLUMNS = {
    "basic": (
        ("field", "รหัสรายการ"),
        ("label", "รายการ"),
        ("registry", "ค่าในทะเบียน"),
        ("value", "ค่าที่ขอแก้ไข"),
    ),
    "students": (
        ("grade", "ชั้น"),
        ("male", "ชาย"),
        ("female", "หญิง"),
        ("total", "รวม"),
        ("rooms", "ห้องเรียน"),
        ("explanation", "คำชี้แจง"),
    ),
    "staff": (
        ("category", "ประเภทบุคลากร"),
        ("rank", "วิทยฐานะ"),
        ("male", "ชาย"),
        ("female", "หญิง"),
        ("total", "รวม"),
        ("explanation", "คำชี้แจง"),
    ),
    "computers": (
        ("use", "การใช้งาน"),
        ("funding", "แหล่งงบประมาณ"),
        ("working", "ใช้งานได้"),
        ("broken", "ชำรุด"),
        ("total", "รวม"),
    ),
    "internet": (
        ("provider", "ผู้ให้บริการ"),
        ("link_type", "ประเภทการเชื่อมต่อ"),
        ("speed_mbps", "ความเร็ว (Mbps)"),
        ("status", "สถานะ"),
        ("monthly_cost", "ค่าใช้จ่ายต่อเดือน (บาท)"),
    ),
    "equipment": (
        ("code", "รหัสครุภัณฑ์"),
        ("name", "ชื่อครุภัณฑ์"),
        ("working", "ใช้งานได้"),
        ("broken", "ชำรุด"),
        ("total", "รวม"),
    ),
}
HEADER = {section: dict(columns) for section, columns in COLUMNS.items()}
# The headers a sheet must have (the first one is what tells the sheets apart).
REQUIRED = {
    "basic": ("รหัสรายการ", "ค่าที่ขอแก้ไข"),
    "students": ("ชั้น", "ชาย", "หญิง", "ห้องเรียน"),
    "staff": ("ประเภทบุคลากร", "วิทยฐานะ", "ชาย", "หญิง"),
    "computers": ("การใช้งาน", "แหล่งงบประมาณ", "ใช้งานได้", "ชำรุด"),
    "internet": ("ผู้ให้บริการ", "ประเภทการเชื่อมต่อ", "ความเร็ว (Mbps)", "สถานะ"),
    "equipment": ("รหัสครุภัณฑ์", "ใช้งานได้", "ชำรุด"),
}
# The count fields of each section (non-negative integers) and the pair a "รวม" column adds up.
COUNTS = {
    "students": ("male", "female", "rooms"),
    "staff": ("male", "female"),
    "computers": ("working", "broken"),
    "equipment": ("working", "broken"),
}
TOTAL_OF = {
    "students": ("male", "female"),
    "staff": ("male", "female"),
    "computers": ("working", "broken"),
    "equipment": ("working", "broken"),
}

# The registry fields a school may propose to change (``EmisRegistryChange.Field``), in sheet order.
BASIC_FIELDS = (
    "name_en", "address", "tambon", "postcode", "phone", "email", "website", "principal_name", "founded_on",
    "quality_network", "latitude", "longitude",
)  # fmt: skip
BASIC_LABELS = {
    "name_en": "ชื่อโรงเรียน (อังกฤษ)",
    "address": "ที่อยู่",
    "tambon": "ตำบล",
    "postcode": "รหัสไปรษณีย์",
    "phone": "โทรศัพท์",
    "email": "อีเมล",
    "website": "เว็บไซต์",
    "principal_name": "ผู้อำนวยการโรงเรียน",
    "founded_on": "วันก่อตั้ง (วัน/เดือน/ปี พ.ศ.)",
    "quality_network": "เครือข่ายพัฒนาคุณภาพการศึกษา",
    "latitude": "ละติจูด",
    "longitude": "ลองจิจูด",
}
VALUE_MAX_LENGTH = 300
# The largest numbers a file may hold (the web forms have the same limits; the columns hold no more).
MAX_COUNT = 100_000
MAX_SPEED_MBPS = 1_000_000
MAX_MONTHLY_COST = Decimal("99999999.99")

# Lookup lists (``LookupValue.List``) behind the coded columns.
LOOKUP_OF = {
    ("staff", "category"): "emis_staff_category",
    ("staff", "rank"): "emis_rank",
    ("computers", "funding"): "emis_funding",
    ("internet", "provider"): "emis_isp",
    ("internet", "link_type"): "emis_link_type",
    ("equipment", "code"): "emis_equipment",
}
# Only school administrators and teachers hold an academic rank (วิทยฐานะ); other staff have none.
RANKED_CATEGORIES = frozenset({"director", "deputy", "teacher"})
NO_RANK = "none"
COMPUTER_USES = {"teaching": "เพื่อการเรียนการสอน", "administration": "เพื่อการบริหาร"}
LINK_STATUSES = {"working": "ใช้งานได้", "broken": "ใช้งานไม่ได้"}

# A change from the previous accepted round larger than both of these needs an explanation.
JUMP_SHARE = Decimal("0.30")
JUMP_MIN = 10


# --- The data ----------------------------------------------------------------------------------


@dataclass
class EmisData:
    """One school's EMIS data, section by section (what the models hold, without the database)."""

    basic: dict[str, str] = field(default_factory=dict)  # field → proposed new value (only changes)
    students: dict[str, dict] = field(default_factory=dict)  # grade → {male, female, rooms, explanation}
    staff: dict[tuple[str, str], dict] = field(
        default_factory=dict
    )  # (category, rank) → {male, female, explanation}
    computers: dict[tuple[str, str], dict] = field(default_factory=dict)  # (use, funding) → {working, broken}
    internet: list[dict] = field(
        default_factory=list
    )  # {provider, link_type, speed_mbps, status, monthly_cost}
    equipment: dict[str, dict] = field(default_factory=dict)  # M-OBEC code → {working, broken}
    # (section, key) → the row it was read from; items without one are placed by ``layout``.
    rows: dict[tuple[str, Any], int] = field(default_factory=dict, compare=False)

    def section(self, name: str):
        return getattr(self, name)

    def item_count(self) -> int:
        return sum(len(self.section(name)) for name in SECTIONS)

    def student_total(self) -> int:
        return sum(v["male"] + v["female"] for v in self.students.values())


@dataclass
class EmisContext:
    school_code: str
    grades: tuple[str, ...]  # the grades the school offers
    registry: dict[str, str]  # the school registry's current values, as text
    lookups: dict[str, list[tuple[str, str]]]  # list → [(code, label)] in order
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # list → {code/label/alias: code}
    previous: EmisData | None = None  # the school's last accepted EMIS data
    previous_label: str = ""
    dmc: dict[str, dict] | None = None  # grade → {male, female, rooms} from DMC records of the same as-of
    dmc_label: str = ""

    def label(self, list_name: str, code: str) -> str:
        return dict(self.lookups.get(list_name, ())).get(code, code)

    def codes(self, list_name: str) -> list[str]:
        return [code for code, _label in self.lookups.get(list_name, ())]


def layout(section: str, data: EmisData, ctx: EmisContext) -> list:
    """The items of a section in template order: the expected items first (every grade the school
    offers, every category × rank …), then any other item the data has."""
    have = data.section(section)
    if section == "basic":
        expected = list(BASIC_FIELDS)
    elif section == "students":
        expected = sorted(set(ctx.grades) | set(have), key=lambda g: GRADE_INDEX.get(g, 99))
        return expected
    elif section == "staff":
        expected = [
            (category, rank)
            for category in ctx.codes("emis_staff_category")
            for rank in (ctx.codes("emis_rank") if category in RANKED_CATEGORIES else [NO_RANK])
        ]
    elif section == "computers":
        expected = [(use, funding) for use in COMPUTER_USES for funding in ctx.codes("emis_funding")]
    elif section == "equipment":
        expected = ctx.codes("emis_equipment")
    else:  # internet: a list
        return list(range(len(have)))
    return expected + [key for key in have if key not in expected]


def data_from_records(records) -> EmisData:
    """The ``EmisData`` of a reader's records (dicts with their ``section``)."""
    data = EmisData()
    for record in records:
        section = record["section"]
        if section == "basic":
            if record["value"]:
                data.basic[record["field"]] = record["value"]
        elif section == "internet":
            data.internet.append({k: v for k, v in record.items() if k != "section"})
        else:
            key = {
                "students": lambda r: r["grade"],
                "staff": lambda r: (r["category"], r["rank"]),
                "computers": lambda r: (r["use"], r["funding"]),
                "equipment": lambda r: r["code"],
            }[section](record)
            fields = (*COUNTS[section], *(("explanation",) if "explanation" in HEADER[section] else ()))
            data.section(section)[key] = {f: record[f] for f in fields}
    return data


def row_of(section: str, key, data: EmisData, ctx: EmisContext) -> int:
    if (section, key) in data.rows:
        return data.rows[(section, key)]
    try:
        return layout(section, data, ctx).index(key) + 2
    except ValueError:
        return 0


# --- Findings ----------------------------------------------------------------------------------


@dataclass
class Finding:
    """An issue with its place in the form (section, item key, field) and in the file (sheet, row, column)."""

    section: str
    key: Any  # grade, (category, rank) …; None for the sheet as a whole
    field: str  # a field of COLUMNS[section]
    code: str
    what: str  # Thai: what is wrong
    fix: str  # Thai: what to do
    value: str = ""
    severity: str = ERROR
    row: int = 0

    @property
    def sheet(self) -> str:
        return SHEETS[self.section]

    @property
    def column(self) -> str:
        return HEADER[self.section].get(self.field, "")

    @property
    def message(self) -> str:
        place = [_("แผ่นงาน %(sheet)s") % {"sheet": self.sheet}]
        if self.row:
            place.append(_("แถว %(row)d") % {"row": self.row})
        if self.column:
            place.append(_("คอลัมน์ %(column)s") % {"column": self.column})
        return _("%(place)s: %(what)s — วิธีแก้: %(fix)s") % {
            "place": ", ".join(place),
            "what": self.what,
            "fix": self.fix,
        }

    def as_issue(self) -> Issue:
        column = f"{self.sheet}: {self.column}" if self.column else self.sheet
        return Issue(self.row, column, self.code, self.message, self.value, self.severity)


def item_label(section: str, key, ctx: EmisContext) -> str:
    """How the form and the messages name an item: "ชั้น ป.1", "ครู คศ.2" …"""
    if section == "basic":
        return BASIC_LABELS.get(key, key)
    if section == "students":
        return _("ชั้น %(grade)s") % {"grade": key}
    if section == "staff":
        return f"{ctx.label('emis_staff_category', key[0])} · {ctx.label('emis_rank', key[1])}"
    if section == "computers":
        return f"{COMPUTER_USES.get(key[0], key[0])} · {ctx.label('emis_funding', key[1])}"
    if section == "equipment":
        return ctx.label("emis_equipment", key)
    return _("รายการที่ %(n)d") % {"n": key + 1}


# --- Cells -------------------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER_RE = re.compile(r"\d+")
_DECIMAL_RE = re.compile(r"\d+(?:\.\d+)?")
_PHONE_RE = re.compile(r"[0-9][0-9 \-,/#]*")
_EMPTY_WORDS = frozenset({"", "-", "–", "—"})


def parse_count(value: Any) -> int | None:
    """A count from a cell: blank and "-" are 0; None when it is not a non-negative whole number."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = str(value).strip().translate(_THAI_DIGITS).replace(",", "")
    if text in _EMPTY_WORDS:
        return 0
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if _NUMBER_RE.fullmatch(text) else None


def parse_amount(value: Any) -> Decimal | None:
    """Money or a speed: a non-negative number (two decimals at most are kept)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value)).quantize(Decimal("0.01")) if value >= 0 else None
    text = str(value).strip().translate(_THAI_DIGITS).replace(",", "")
    if text in _EMPTY_WORDS:
        return Decimal(0)
    if not _DECIMAL_RE.fullmatch(text):
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def text_of(value: Any) -> str:
    text = " ".join(cell_text(value).split())
    return "" if text in _EMPTY_WORDS else text


def normalise_basic(name: str, value: str) -> tuple[str, str]:
    """A proposed registry value in its stored form, and "" or the Thai reason it cannot be."""
    value = " ".join(str(value).split())
    if not value:
        return "", ""
    if len(value) > VALUE_MAX_LENGTH:
        return value, _("ยาวเกิน %(n)d ตัวอักษร") % {"n": VALUE_MAX_LENGTH}
    if name == "postcode":
        digits = value.translate(_THAI_DIGITS)
        return (digits, "") if re.fullmatch(r"\d{5}", digits) else (value, _("รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก"))
    if name == "phone":
        digits = value.translate(_THAI_DIGITS)
        return (
            (digits, "") if _PHONE_RE.fullmatch(digits) else (value, _("ใส่เฉพาะหมายเลขโทรศัพท์ เช่น 074-123456"))
        )
    if name == "email":
        try:
            validate_email(value)
        except ValidationError:
            return value, _("รูปแบบอีเมลไม่ถูกต้อง")
        return value, ""
    if name == "website":
        url = value if "://" in value else f"https://{value}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            return value, _("รูปแบบเว็บไซต์ไม่ถูกต้อง")
        return url, ""
    if name == "founded_on":
        try:
            day = parse_date(value)
        except ValueError as exc:
            return value, str(exc)
        if day > timezone.localdate():
            return value, _("วันก่อตั้งอยู่ในอนาคต")
        return day.isoformat(), ""
    if name in ("latitude", "longitude"):
        amount = value.translate(_THAI_DIGITS)
        try:
            number = Decimal(amount)
        except InvalidOperation:
            return value, _("ต้องเป็นตัวเลขทศนิยม เช่น 7.1234567")
        low, high = (5, 21) if name == "latitude" else (97, 106)
        if not low <= number <= high:
            return value, _("อยู่นอกประเทศไทย: ตรวจสอบว่าไม่สลับละติจูดกับลองจิจูด")
        return str(number.quantize(Decimal("0.0000001"))), ""
    return value, ""


def format_basic(name: str, value: str) -> str:
    """A stored registry value as the template shows it (dates in BE, d/m/yyyy)."""
    if name == "founded_on" and value:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day}/{day.month}/{day.year + 543}"
    return value


# --- Reading the template ------------------------------------------------------------------------


def _matcher(section: str):
    required = REQUIRED[section]

    def matches(cells: list[str]) -> bool:
        present = set(cells)
        return all(header in present for header in required)

    return matches


def read_emis(
    fileobj: BinaryIO, filename: str, ctx: EmisContext, *, max_bytes: int, max_rows: int
) -> "EmisReader":
    """Open an EMIS template. Raises ``FileError`` for a file that is not one."""
    return EmisReader(fileobj, filename, ctx, max_bytes=max_bytes, max_rows=max_rows)


class _TableInfo:
    def __init__(self, format_: str, encoding: str = ""):
        self.format, self.encoding = format_, encoding


class EmisReader:
    """Reads every sheet when opened (a template is small); iterate for ``(row number, record, issues)``.
    ``data`` is complete once the iteration has finished."""

    def __init__(self, fileobj, filename, ctx: EmisContext, *, max_bytes: int, max_rows: int):
        self.ctx = ctx
        self.file_issues: list[Issue] = []
        self.data = EmisData()
        self.raw_keys = [SHEETS[s] for s in SECTIONS]
        self.headers = self.raw_keys
        self._rows: list[tuple[int, dict, list[Issue]]] = []
        missing = []
        self.table = None
        for section in SECTIONS:
            try:
                table = open_table(
                    fileobj,
                    filename,
                    header_matcher=_matcher(section),
                    max_bytes=max_bytes,
                    max_rows=max_rows,
                )
            except FileError as exc:
                if exc.code != "no_header":
                    raise
                missing.append(section)
                continue
            with table:
                if table.format != "xlsx":
                    raise _not_a_template()
                self.table = self.table or _TableInfo(table.format, table.encoding)
                self._read_sheet(section, table)
        if len(missing) == len(SECTIONS):
            raise _not_a_template()
        for section in missing:
            self.file_issues.append(
                Finding(
                    section, None, "", "missing_sheet",
                    _("ไม่พบแผ่นงาน “%(sheet)s” (หัวตาราง %(headers)s)") % {
                        "sheet": SHEETS[section], "headers": ", ".join(REQUIRED[section])},
                    _("ดาวน์โหลดแบบฟอร์มจากหน้านี้ใหม่ แล้วกรอกโดยไม่ลบหรือเปลี่ยนชื่อแผ่นงานและหัวคอลัมน์"),
                ).as_issue()
            )  # fmt: skip

    def batches(self):
        """The rows as the upload pipeline takes them."""
        return row_batches(self)

    def __iter__(self):
        yield from self._rows

    def close(self) -> None:
        """Every sheet was read and closed when the reader was opened."""

    # -- one sheet ---------------------------------------------------------------------------------

    def _read_sheet(self, section: str, table) -> None:
        index = {header: i for i, header in enumerate(clean_header(h) for h in table.headers)}
        columns = [(name, index.get(header)) for name, header in COLUMNS[section]]
        for rownum, cells in table.rows:
            values = {name: (cells[i] if i is not None and i < len(cells) else None) for name, i in columns}
            found: list[Finding] = []
            record = self._parse(section, rownum, values, found)
            issues = [f.as_issue() for f in found]
            if record is not None:
                self._rows.append((rownum, record, issues))
            elif issues:
                self.file_issues.extend(issues)

    def _parse(self, section: str, rownum: int, values: dict, found: list) -> dict | None:
        ctx = self.ctx

        def add(field_, code, what, fix, value="", severity=ERROR, key=None):
            found.append(Finding(section, key, field_, code, what, fix, text_of(value), severity, rownum))

        record: dict[str, Any] = {"section": section}
        # The item's key: a code from a lookup table, a grade, a registry field.
        if section == "basic":
            name = text_of(values["field"])
            if name not in BASIC_FIELDS:
                add(
                    "field",
                    "unknown_field",
                    _("ไม่รู้จักรหัสรายการ “%(value)s”") % {"value": name},
                    _("อย่าแก้ไขคอลัมน์รหัสรายการ ใช้แบบฟอร์มที่ดาวน์โหลดจากระบบ"),
                    name,
                )
                return None
            proposed = text_of(values["value"])
            registry = ctx.registry.get(name, "")
            stored, reason = normalise_basic(name, proposed)
            if reason:
                add(
                    "value",
                    "basic_invalid",
                    _("%(item)s “%(value)s” ไม่ถูกต้อง: %(reason)s")
                    % {"item": BASIC_LABELS[name], "value": proposed, "reason": reason},
                    _("แก้เป็นค่าที่ถูกต้อง หรือเว้นว่างถ้าไม่ต้องการแก้ไข"),
                    proposed,
                    key=name,
                )
                return None
            if stored and stored != registry:
                self.data.basic[name] = stored
            self.data.rows[(section, name)] = rownum
            record.update(field=name, value=stored if stored != registry else "")
            return record

        key_parts = []
        if section == "students":
            grade = text_of(values["grade"]).replace(" ", "")
            if grade not in GRADE_INDEX:
                add(
                    "grade",
                    "unknown_grade",
                    _("ไม่รู้จักชั้น “%(value)s”") % {"value": grade},
                    _("ใช้ชั้นตามแบบฟอร์ม เช่น %(examples)s") % {"examples": ", ".join(GRADES[:4])},
                    grade,
                )
                return None
            key = grade
            record["grade"] = grade
        elif section == "internet":
            key = len(self.data.internet)
        else:
            if section == "computers":
                use_text = text_of(values["use"])
                use = next((c for c, label in COMPUTER_USES.items() if use_text in (c, label)), None)
                if use is None:
                    add(
                        "use",
                        "unknown_code",
                        _("ไม่รู้จักการใช้งาน “%(value)s”") % {"value": use_text},
                        _("ใช้ %(choices)s") % {"choices": " หรือ ".join(COMPUTER_USES.values())},
                        use_text,
                    )
                    return None
                record["use"] = use
                key_parts.append(use)
            for field_ in [f for (s, f) in LOOKUP_OF if s == section]:
                code = self._code(section, field_, values[field_], add)
                if code is None:
                    return None
                record[field_] = code
                if section != "internet":
                    key_parts.append(code)
            key = tuple(key_parts) if len(key_parts) > 1 else key_parts[0] if key_parts else None
        if section == "internet":
            for field_ in ("provider", "link_type"):
                code = self._code(section, field_, values[field_], add)
                if code is None:
                    return None
                record[field_] = code
            status_text = text_of(values["status"])
            status = next((c for c, label in LINK_STATUSES.items() if status_text in (c, label)), None)
            if status is None:
                add(
                    "status",
                    "unknown_code",
                    _("ไม่รู้จักสถานะ “%(value)s”") % {"value": status_text},
                    _("ใช้ %(choices)s") % {"choices": " หรือ ".join(LINK_STATUSES.values())},
                    status_text,
                )
                return None
            record["status"] = status
            for field_ in ("speed_mbps", "monthly_cost"):
                amount = parse_amount(values[field_])
                if amount is None:
                    add(
                        field_,
                        "not_a_number",
                        _("“%(value)s” ไม่ใช่ตัวเลขที่ไม่ติดลบ") % {"value": text_of(values[field_])},
                        _("ใส่ตัวเลข เช่น 100"),
                        values[field_],
                    )
                    return None
                limit = MAX_SPEED_MBPS if field_ == "speed_mbps" else MAX_MONTHLY_COST
                if amount > limit:
                    add(
                        field_,
                        "too_large",
                        _("“%(value)s” มากเกินไป") % {"value": text_of(values[field_])},
                        _("ใส่ตัวเลขไม่เกิน %(max)s") % {"max": f"{limit:,}"},
                        values[field_],
                    )
                    return None
                record[field_] = amount
            if record["speed_mbps"] != int(record["speed_mbps"]):
                add(
                    "speed_mbps",
                    "not_whole",
                    _("ความเร็วต้องเป็นจำนวนเต็ม (Mbps)"),
                    _("ปัดเป็นจำนวนเต็ม"),
                    values["speed_mbps"],
                )
                return None
            record["speed_mbps"] = int(record["speed_mbps"])
            self.data.rows[(section, key)] = rownum
            self.data.internet.append({k: v for k, v in record.items() if k != "section"})
            return record

        if key in self.data.section(section):
            add(
                COLUMNS[section][0][0],
                "duplicate_item",
                _("%(item)s ซ้ำกับแถว %(row)d")
                % {"item": item_label(section, key, ctx), "row": self.data.rows.get((section, key), 0)},
                _("รวมจำนวนไว้ในแถวเดียว แล้วลบแถวที่ซ้ำ"),
                key=key,
            )
            return None
        ok = True
        for field_ in COUNTS[section]:
            count = parse_count(values[field_])
            if count is None:
                add(
                    field_,
                    "not_a_count",
                    _("“%(value)s” ไม่ใช่จำนวนเต็มที่ไม่ติดลบ") % {"value": text_of(values[field_])},
                    _("ใส่จำนวนเต็มตั้งแต่ 0 ขึ้นไป (ว่างไว้ถ้าไม่มี)"),
                    values[field_],
                    key=key,
                )
                ok = False
            elif count > MAX_COUNT:
                add(
                    field_,
                    "too_large",
                    _("“%(value)s” มากเกินไป") % {"value": text_of(values[field_])},
                    _("ใส่จำนวนไม่เกิน %(max)s") % {"max": f"{MAX_COUNT:,}"},
                    values[field_],
                    key=key,
                )
                ok = False
            else:
                record[field_] = count
        if not ok:
            return None
        first, second = TOTAL_OF[section]
        total_cell = values.get("total")
        if text_of(total_cell):
            total = parse_count(total_cell)
            expected = record[first] + record[second]
            if total != expected:
                add(
                    "total",
                    "total_mismatch",
                    _("%(a)s + %(b)s = %(sum)d แต่ช่องรวมเป็น %(value)s")
                    % {
                        "a": HEADER[section][first],
                        "b": HEADER[section][second],
                        "sum": expected,
                        "value": text_of(total_cell),
                    },
                    _("แก้ช่องรวมเป็น %(sum)d หรือแก้จำนวน%(a)s/%(b)s ให้ถูกต้อง")
                    % {"sum": expected, "a": HEADER[section][first], "b": HEADER[section][second]},
                    total_cell,
                    key=key,
                )
                return None
        if "explanation" in HEADER[section]:
            record["explanation"] = text_of(values.get("explanation"))
        self.data.rows[(section, key)] = rownum
        self.data.section(section)[key] = {
            f: record[f] for f in (*COUNTS[section], "explanation") if f in record
        }
        return record

    def _code(self, section: str, field_: str, value, add) -> str | None:
        list_name = LOOKUP_OF[(section, field_)]
        text = text_of(value)
        code = self.ctx.aliases.get(list_name, {}).get(_lookup_key(text))
        if code is None:
            examples = ", ".join(label for _code, label in self.ctx.lookups.get(list_name, ())[:4])
            add(
                field_,
                "unknown_code",
                _("ไม่รู้จัก “%(value)s” ในรายการ%(list)s") % {"value": text, "list": HEADER[section][field_]},
                _("ใช้ค่าตามรายการ เช่น %(examples)s") % {"examples": examples},
                text,
            )
        return code


def _lookup_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _not_a_template() -> FileError:
    return FileError(
        _(
            "ไฟล์นี้ไม่ใช่แบบฟอร์ม EMIS: ดาวน์โหลดแบบฟอร์ม (.xlsx) จากหน้าการส่งข้อมูล EMIS กรอกข้อมูล "
            "โดยไม่เปลี่ยนชื่อแผ่นงานและหัวคอลัมน์ แล้วส่งไฟล์นั้น"
        ),
        "not_emis_template",
    )


# --- Checks over the whole data ------------------------------------------------------------------


def check_data(data: EmisData, ctx: EmisContext, *, for_submit: bool) -> list[Finding]:
    """The checks of a school's EMIS data as a whole. A large change from the previous accepted round
    without an explanation is an error when the school submits (``for_submit``), a warning in a file
    (the school may explain it in the file or in the form afterwards)."""
    findings: list[Finding] = []

    def add(section, key, field_, code, what, fix, value="", severity=ERROR):
        findings.append(
            Finding(
                section, key, field_, code, what, fix, str(value), severity, row_of(section, key, data, ctx)
            )
        )

    for name, value in data.basic.items():
        _stored, reason = normalise_basic(name, value)
        if reason:
            add(
                "basic",
                name,
                "value",
                "basic_invalid",
                _("%(item)s “%(value)s” ไม่ถูกต้อง: %(reason)s")
                % {"item": BASIC_LABELS.get(name, name), "value": value, "reason": reason},
                _("แก้เป็นค่าที่ถูกต้อง หรือเว้นว่างถ้าไม่ต้องการแก้ไข"),
                value,
            )

    for grade, item in data.students.items():
        total = item["male"] + item["female"]
        label = item_label("students", grade, ctx)
        if total and not item["rooms"]:
            add(
                "students",
                grade,
                "rooms",
                "rooms_missing",
                _("%(grade)s มีนักเรียน %(n)d คน แต่จำนวนห้องเรียนเป็น 0") % {"grade": label, "n": total},
                _("ใส่จำนวนห้องเรียนของชั้นนี้ (อย่างน้อย 1)"),
                item["rooms"],
            )
        elif item["rooms"] > max(total, 0) and total:
            add(
                "students",
                grade,
                "rooms",
                "rooms_over_students",
                _("%(grade)s มีห้องเรียน %(rooms)d ห้อง มากกว่าจำนวนนักเรียน %(n)d คน")
                % {"grade": label, "rooms": item["rooms"], "n": total},
                _("ตรวจจำนวนห้องเรียน"),
                item["rooms"],
                WARNING,
            )
        if total and ctx.grades and grade not in ctx.grades:
            add(
                "students",
                grade,
                "grade",
                "grade_not_offered",
                _("%(grade)s ไม่อยู่ในระดับที่โรงเรียนเปิดสอนตามทะเบียน") % {"grade": label},
                _("ตรวจชั้น หรือแจ้งเขตพื้นที่ให้แก้ระดับที่เปิดสอนในทะเบียน"),
                grade,
                WARNING,
            )

    for (category, rank), item in data.staff.items():
        if category not in RANKED_CATEGORIES and rank != NO_RANK and item["male"] + item["female"]:
            add(
                "staff",
                (category, rank),
                "rank",
                "rank_not_allowed",
                _("%(category)s ไม่มีวิทยฐานะ แต่กรอกไว้ในวิทยฐานะ %(rank)s")
                % {
                    "category": ctx.label("emis_staff_category", category),
                    "rank": ctx.label("emis_rank", rank),
                },
                _("ย้ายจำนวนไปไว้ที่ “%(none)s”") % {"none": ctx.label("emis_rank", NO_RANK)},
                ctx.label("emis_rank", rank),
            )

    for i, link in enumerate(data.internet):
        if link["status"] == "working" and not link["speed_mbps"]:
            add(
                "internet",
                i,
                "speed_mbps",
                "speed_missing",
                _("%(item)s ใช้งานได้ แต่ความเร็วเป็น 0") % {"item": item_label("internet", i, ctx)},
                _("ใส่ความเร็วตามสัญญา (Mbps)"),
                link["speed_mbps"],
                WARNING,
            )

    # Plausibility against the previous accepted round: students per grade, staff per category and rank.
    for jump in jumps(data, ctx):
        if jump["explanation"]:
            continue
        old, new, section, key = jump["old"], jump["new"], jump["section"], jump["key"]
        add(
            section,
            key,
            "explanation",
            "jump_unexplained",
            _("%(item)s เปลี่ยนจาก %(old)d เป็น %(new)d (%(change)s) เมื่อเทียบกับ%(round)s")
            % {
                "item": jump["label"],
                "old": old,
                "new": new,
                "change": jump["change"],
                "round": ctx.previous_label or _("รอบก่อน"),
            },
            _("ตรวจตัวเลขอีกครั้ง ถ้าถูกต้องให้เขียนคำชี้แจงสาเหตุในช่องคำชี้แจง"),
            new,
            ERROR if for_submit else WARNING,
        )

    # Differences from the school's DMC records of the same as-of date: shown, not blocking.
    for grade, dmc_item in dmc_differences(data, ctx).items():
        add(
            "students",
            grade,
            "male",
            "dmc_difference",
            _("%(grade)s ต่างจากข้อมูล DMC (%(round)s): %(diff)s")
            % {"grade": item_label("students", grade, ctx), "round": ctx.dmc_label, "diff": dmc_item["text"]},
            _("ตรวจว่าตัวเลขใดถูกต้อง ถ้า DMC ถูก ให้แก้ตัวเลขที่นี่ ถ้าที่นี่ถูก ให้แก้ใน DMC"),
            "",
            WARNING,
        )
    return findings


def jumps(data: EmisData, ctx: EmisContext) -> list[dict]:
    """The large changes from the previous accepted round (students per grade, staff per category and
    rank), each with the school's explanation ("" when there is none)."""
    if ctx.previous is None:
        return []
    found = []
    for section in ("students", "staff"):
        before = ctx.previous.section(section)
        now = data.section(section)
        for key in list(now) + [k for k in before if k not in now]:
            old, new = _total(before.get(key)), _total(now.get(key))
            if is_jump(old, new):
                found.append(
                    {
                        "section": section,
                        "key": key,
                        "label": item_label(section, key, ctx),
                        "old": old,
                        "new": new,
                        "change": _change_text(old, new),
                        "explanation": (now.get(key) or {}).get("explanation", "").strip(),
                    }
                )
    return found


def _total(item: dict | None) -> int:
    return 0 if not item else item.get("male", 0) + item.get("female", 0)


def is_jump(old: int, new: int) -> bool:
    """A change larger than 30 % of the previous value and larger than 10."""
    change = abs(new - old)
    return change > JUMP_MIN and (old == 0 or Decimal(change) > JUMP_SHARE * old)


def _change_text(old: int, new: int) -> str:
    if old == 0:
        return _("จากไม่มีเลย")
    percent = (new - old) * 100 / old
    return f"{percent:+.0f}%"


def dmc_differences(data: EmisData, ctx: EmisContext) -> dict[str, dict]:
    """grade → {emis, dmc, text} where the school's EMIS counts differ from its DMC records."""
    if ctx.dmc is None:
        return {}
    result = {}
    empty = {"male": 0, "female": 0, "rooms": 0}
    for grade in sorted(set(data.students) | set(ctx.dmc), key=lambda g: GRADE_INDEX.get(g, 99)):
        emis = data.students.get(grade, empty)
        dmc = ctx.dmc.get(grade, empty)
        parts = [
            _("%(field)s %(emis)d (DMC %(dmc)d)")
            % {"field": HEADER["students"][f], "emis": emis[f], "dmc": dmc[f]}
            for f in ("male", "female", "rooms")
            if emis[f] != dmc[f]
        ]
        if parts:
            result[grade] = {"emis": emis, "dmc": dmc, "text": ", ".join(parts)}
    return result
