"""DMC student files (ข้อมูลนักเรียนรายบุคคล, DOMAIN.md "DMC"): map the columns, parse and check each row.

``read_dmc`` opens the upload (``tabular.open_table``), maps the header texts to the canonical
fields of ``COLUMNS`` and returns a ``DmcReader``. Iterating the reader yields, row by row,
``(row number, record, issues)``: the record is always filled in as far as the row could be read,
and the issues say what is wrong (``error`` blocks the submission, ``warning`` does not).
``DmcReader.batches()`` gives the same rows a few thousand at a time with the fields as columns
(``DmcBatch``): what the upload pipeline stores. Both read the file the same way: a batch at a time,
each rule worked out once per distinct value of a column (see "a batch of rows" below), because a
file may hold a million rows and a Python step per cell costs more than the database's whole load.

Only per-row checks live here. The set-based checks across rows (duplicates in the file, the same
ID in another school, identical weight and height across a class) run in the database.
"""

import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, BinaryIO, Literal, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aoc.thaidate import BE_OFFSET, format_date

from .checks import (
    GRADE_INDEX,
    ID_FOREIGN,
    ID_THAI,
    age_in_years,
    classify_id,
    is_scientific,
    national_id_valid,
    normalise_digits,
    normalise_room,
    parse_date,
    parse_decimal,
    parse_grade,
    parse_prefix,
    parse_sex,
    split_prefix,
)
from .tabular import FileError, Table, open_table, unique_headers

# ---------------------------------------------------------------------------------------------
# Columns


class Column(NamedTuple):
    key: str
    th: tuple[str, ...]  # Thai headers; the first is the one the 36-column export uses
    en: tuple[str, ...] = ()  # English aliases
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("school_code", ("รหัสโรงเรียน", "รหัสสถานศึกษา", "รหัสโรงเรียน 10 หลัก"), ("school code", "school id")),
    Column("school_name", ("ชื่อโรงเรียน", "ชื่อสถานศึกษา", "โรงเรียน"), ("school name", "school")),
    Column(
        "national_id",
        (
            "เลขประจำตัวประชาชน",
            "เลขบัตรประชาชน",
            "เลขบัตรประจำตัวประชาชน",
            "รหัสประจำตัวประชาชน",
            "เลขประจำตัวประชาชน 13 หลัก",
            "เลขประจำตัวประชาชนนักเรียน",
        ),
        ("national id", "citizen id", "id card", "id card no", "id number", "personal id", "cid", "pid"),
        True,
    ),
    Column("grade", ("ชั้น", "ระดับชั้น", "ชั้นเรียน", "ชั้นปี"), ("grade", "class", "level"), True),
    Column("room", ("ห้อง", "ห้องเรียน", "ห้องที่"), ("room", "classroom")),
    Column("student_number", ("รหัสนักเรียน",), ("student id", "student no", "student number", "student code")),
    Column("sex", ("เพศ",), ("sex", "gender"), True),
    Column("prefix", ("คำนำหน้าชื่อ", "คำนำหน้า", "คำนำหน้านาม"), ("prefix", "title")),
    Column("first_name", ("ชื่อ", "ชื่อนักเรียน", "ชื่อจริง"), ("first name", "name", "given name"), True),
    Column("last_name", ("นามสกุล", "นามสกุลนักเรียน", "สกุล"), ("last name", "surname", "family name"), True),
    Column(
        "birth_date",
        ("วันเกิด", "วันเดือนปีเกิด", "วัน/เดือน/ปีเกิด", "ว/ด/ป เกิด", "วันเดือนปี เกิด"),
        ("birth date", "date of birth", "dob", "birthday"),
        True,
    ),
    Column("age_years", ("อายุ(ปี)", "อายุ"), ("age", "age (years)")),
    Column("weight_kg", ("น้ำหนัก", "น้ำหนัก(กก.)", "น้ำหนัก (กิโลกรัม)"), ("weight", "weight (kg)")),
    Column("height_cm", ("ส่วนสูง", "ส่วนสูง(ซม.)", "ความสูง"), ("height", "height (cm)")),
    Column("blood_group", ("กลุ่มเลือด", "หมู่เลือด", "กรุ๊ปเลือด"), ("blood group", "blood type")),
    Column("religion", ("ศาสนา",), ("religion",)),
    Column("ethnicity", ("เชื้อชาติ",), ("ethnicity", "race")),
    Column("nationality", ("สัญชาติ",), ("nationality",)),
    Column("house_no", ("บ้านเลขที่", "เลขที่บ้าน"), ("house no", "house number", "address no")),
    Column("moo", ("หมู่", "หมู่ที่"), ("moo", "village no")),
    Column("street", ("ถนน/ซอย", "ถนน", "ซอย", "ซอย/ถนน"), ("road/soi", "street", "road", "soi")),
    Column("tambon", ("ตำบล", "ตำบล/แขวง"), ("tambon", "subdistrict", "sub-district")),
    Column("amphoe", ("อำเภอ", "อำเภอ/เขต"), ("amphoe", "district")),
    Column("province", ("จังหวัด",), ("province",)),
    Column("guardian_first_name", ("ชื่อผู้ปกครอง",), ("guardian first name", "guardian name")),
    Column("guardian_last_name", ("นามสกุลผู้ปกครอง",), ("guardian last name", "guardian surname")),
    Column("guardian_occupation", ("อาชีพของผู้ปกครอง", "อาชีพผู้ปกครอง"), ("guardian occupation",)),
    Column(
        "guardian_relation",
        (
            "ความเกี่ยวข้องของผู้ปกครองกับนักเรียน",
            "ความเกี่ยวข้องกับนักเรียน",
            "ความเกี่ยวข้องของผู้ปกครอง",
            "ความสัมพันธ์กับนักเรียน",
        ),
        ("guardian relation", "relationship", "guardian relationship"),
    ),
    Column("father_first_name", ("ชื่อบิดา",), ("father first name", "father name")),
    Column("father_last_name", ("นามสกุลบิดา",), ("father last name", "father surname")),
    Column("father_occupation", ("อาชีพของบิดา", "อาชีพบิดา"), ("father occupation",)),
    Column("mother_first_name", ("ชื่อมารดา",), ("mother first name", "mother name")),
    Column("mother_last_name", ("นามสกุลมารดา",), ("mother last name", "mother surname")),
    Column("mother_occupation", ("อาชีพของมารดา", "อาชีพมารดา"), ("mother occupation",)),
    Column(
        "disadvantage", ("ความด้อยโอกาส", "ด้อยโอกาส", "ประเภทความด้อยโอกาส"), ("disadvantage", "disadvantaged")
    ),
    Column(
        "not_dischargeable",
        ("ยังไม่สามารถจำหน่ายได้ (3.1.8)", "ยังไม่สามารถจำหน่ายได้"),
        ("not dischargeable", "not dischargeable (3.1.8)"),
    ),
    Column("disability", ("ความพิการ", "ประเภทความพิการ"), ("disability", "disability type")),
    Column(
        "first_name_en",
        ("ชื่อ (อังกฤษ)", "ชื่อ (ภาษาอังกฤษ)", "ชื่อภาษาอังกฤษ"),
        ("first name (en)", "first name (english)", "english first name", "first name en"),
    ),
    Column(
        "last_name_en",
        ("นามสกุล (อังกฤษ)", "นามสกุล (ภาษาอังกฤษ)", "นามสกุลภาษาอังกฤษ"),
        ("last name (en)", "last name (english)", "english last name", "last name en", "surname (en)"),
    ),
    Column("branch_school_code", ("รหัสโรงเรียนสาขา", "โรงเรียนสาขา"), ("branch school code", "branch code")),
    # Long-export columns worth keeping (parents' IDs, incomes and phones, shortages, distance).
    Column("father_national_id", ("เลขประจำตัวประชาชนบิดา", "เลขบัตรประชาชนบิดา"), ("father national id",)),
    Column("mother_national_id", ("เลขประจำตัวประชาชนมารดา", "เลขบัตรประชาชนมารดา"), ("mother national id",)),
    Column(
        "guardian_national_id",
        ("เลขประจำตัวประชาชนผู้ปกครอง", "เลขบัตรประชาชนผู้ปกครอง"),
        ("guardian national id",),
    ),
    Column("father_income", ("รายได้บิดา", "รายได้ของบิดา", "รายได้บิดา (บาท/เดือน)"), ("father income",)),
    Column("mother_income", ("รายได้มารดา", "รายได้ของมารดา", "รายได้มารดา (บาท/เดือน)"), ("mother income",)),
    Column(
        "guardian_income",
        ("รายได้ผู้ปกครอง", "รายได้ของผู้ปกครอง", "รายได้ผู้ปกครอง (บาท/เดือน)"),
        ("guardian income",),
    ),
    Column("father_phone", ("เบอร์โทรศัพท์บิดา", "โทรศัพท์บิดา", "เบอร์โทรบิดา"), ("father phone",)),
    Column("mother_phone", ("เบอร์โทรศัพท์มารดา", "โทรศัพท์มารดา", "เบอร์โทรมารดา"), ("mother phone",)),
    Column(
        "guardian_phone",
        ("เบอร์โทรศัพท์ผู้ปกครอง", "โทรศัพท์ผู้ปกครอง", "เบอร์โทรผู้ปกครอง"),
        ("guardian phone",),
    ),
    Column("lacks_uniform", ("ขาดแคลนเครื่องแบบนักเรียน", "ขาดแคลนเครื่องแบบ"), ("lacks uniform",)),
    Column("lacks_stationery", ("ขาดแคลนเครื่องเขียน",), ("lacks stationery",)),
    Column("lacks_textbooks", ("ขาดแคลนแบบเรียน", "ขาดแคลนหนังสือเรียน"), ("lacks textbooks",)),
    Column("lacks_lunch", ("ขาดแคลนอาหารกลางวัน",), ("lacks lunch",)),
    Column(
        "distance_km",
        ("ระยะทางจากบ้านถึงโรงเรียน", "ระยะทางจากบ้านถึงโรงเรียน (กม.)", "ระยะทางจากบ้านถึงโรงเรียน (กิโลเมตร)"),
        ("distance to school", "distance (km)"),
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)

# The header "เลขประจำตัวนักเรียน" means the national ID in the 36-column export (where it comes
# twice: first the 13-digit national ID, then the school's own number) and the student number
# elsewhere. It is resolved per file, see DmcReader._resolve_student_id_headers.
STUDENT_ID_HEADERS = ("เลขประจำตัวนักเรียน", "เลขประจำตัว")
_AMBIGUOUS = "?student_id"

_HKEY_STRIP_RE = re.compile(r"[\s_\-.:*'\"\u200b-\u200d\ufeff]+")
_PARENS_RE = re.compile(r"\(.*?\)|\[.*?\]|（.*?）")


def _hkey(header: str) -> str:
    return _HKEY_STRIP_RE.sub("", header).casefold()


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for col in COLUMNS:
        for h in (*col.th, *col.en):
            k = _hkey(h)
            if aliases.setdefault(k, col.key) != col.key:  # pragma: no cover - guards COLUMNS edits
                raise ValueError(f"header alias {h!r} given to {aliases[k]} and {col.key}")
    for h in STUDENT_ID_HEADERS:
        aliases[_hkey(h)] = _AMBIGUOUS
    return aliases


_ALIASES = _build_aliases()
_KEY_FIELDS = {"national_id", _AMBIGUOUS, "first_name", "last_name", "grade", "birth_date"}


def header_field(header: str) -> str | None:
    """The canonical key a header text means, or None (``"?student_id"`` for เลขประจำตัวนักเรียน)."""
    key = _ALIASES.get(_hkey(header))
    if key is None and ("(" in header or "[" in header or "（" in header):
        key = _ALIASES.get(_hkey(_PARENS_RE.sub("", header)))
    return key


def dmc_header_matcher(cells: list[str]) -> bool:
    """True for a DMC header row: five or more known columns, two of them identifying ones."""
    keys = {k for k in map(header_field, cells) if k}
    return len(keys) >= 5 and len(keys & _KEY_FIELDS) >= 2


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[int]]:
    """(canonical key → column index, indexes of ambiguous เลขประจำตัวนักเรียน columns).

    Exact header texts win over texts matched after dropping a parenthesised note
    (``วันเกิด (วว/ดด/ปปปป)``); when a field's header comes twice (the second address block of
    the long export) the first one is used and the others are kept only in ``raw``."""
    cmap: dict[str, int] = {}
    ambiguous: list[int] = []
    pending = []
    for i, h in enumerate(headers):
        key = _ALIASES.get(_hkey(h))
        if key is None:
            pending.append(i)
        elif key == _AMBIGUOUS:
            ambiguous.append(i)
        else:
            cmap.setdefault(key, i)
    for i in pending:
        h = headers[i]
        if "(" not in h and "[" not in h and "（" not in h:
            continue
        key = _ALIASES.get(_hkey(_PARENS_RE.sub("", h)))
        if key == _AMBIGUOUS:
            ambiguous.append(i)
        elif key and key not in cmap:
            cmap[key] = i
    ambiguous.sort()
    return cmap, ambiguous


# ---------------------------------------------------------------------------------------------
# Lookups

# Seed data for the editable lookup tables (label → code). Labels are the ones the DMC system
# uses, plus common ways of writing them; the portal keeps the real lists in the database and
# passes them in DmcContext.lookups.
DEFAULT_LOOKUPS: dict[str, dict[str, str]] = {
    "disadvantage": {
        "เด็กถูกบังคับให้ขายแรงงาน": "forced_labour",
        "เด็กที่อยู่ในธุรกิจทางเพศ": "sex_trade",
        "เด็กถูกทอดทิ้ง": "abandoned",
        "เด็กในสถานพินิจและคุ้มครองเด็กและเยาวชน": "juvenile_detention",
        "เด็กเร่ร่อน": "street_child",
        "ผลกระทบจากเอดส์": "aids_affected",
        "ชนกลุ่มน้อย": "minority",
        "เด็กที่ถูกทำร้ายทารุณ": "abused",
        "เด็กยากจน": "poor",
        "ยากจน": "poor",
        "เด็กที่มีปัญหาเกี่ยวกับยาเสพติด": "drugs",
        "อื่น ๆ": "other",
        "อื่นๆ": "other",
        "กำพร้า": "orphan",
        "เด็กกำพร้า": "orphan",
        "ทำงานรับผิดชอบตนเองและครอบครัว": "self_supporting",
    },
    "disability": {
        "บกพร่องทางการเห็น": "visual",
        "บกพร่องทางการได้ยิน": "hearing",
        "บกพร่องทางสติปัญญา": "intellectual",
        "บกพร่องทางร่างกาย หรือการเคลื่อนไหว หรือสุขภาพ": "physical_health",
        "บกพร่องทางร่างกายหรือการเคลื่อนไหวหรือสุขภาพ": "physical_health",
        "บกพร่องทางการเรียนรู้": "learning",
        "บกพร่องทางการพูดและภาษา": "speech_language",
        "บกพร่องทางพฤติกรรม หรืออารมณ์": "behaviour_emotion",
        "ออทิสติก": "autism",
        "ออทิสซึม": "autism",
        "พิการซ้อน": "multiple",
    },
    "religion": {
        "พุทธ": "buddhism",
        "ศาสนาพุทธ": "buddhism",
        "อิสลาม": "islam",
        "ศาสนาอิสลาม": "islam",
        "มุสลิม": "islam",
        "คริสต์": "christianity",
        "ศาสนาคริสต์": "christianity",
        "คริสเตียน": "christianity",
        "ฮินดู": "hinduism",
        "ซิกข์": "sikhism",
        "อื่น ๆ": "other",
        "ไม่นับถือศาสนา": "none",
    },
    "blood_group": {"A": "A", "B": "B", "AB": "AB", "O": "O", "เอ": "A", "บี": "B", "เอบี": "AB", "โอ": "O"},
}
# A value missing from these lookups blocks the submission: they drive per-head budgets
# (disadvantaged pupils) and special-education support, so a guess is worse than a question.
# For the others (religion, blood group, ethnicity, nationality, occupations, relation) an unknown
# value is a warning: the text is kept in raw and the code left empty.
LOOKUP_ERROR_FIELDS = frozenset({"disadvantage", "disability"})
LOOKUP_FIELDS = (
    "blood_group", "religion", "ethnicity", "nationality", "guardian_occupation", "guardian_relation",
    "father_occupation", "mother_occupation", "disadvantage", "disability", "not_dischargeable",
)  # fmt: skip
# Values that mean "nothing to record" in an optional coded field (checked after the lookup, so a
# lookup may give them a code of its own).
_NONE_WORDS = frozenset({"", "-", "--", "–", "—", ".", "ไม่มี", "ไม่ระบุ", "ไม่ทราบ", "none", "n/a", "na", "null"})
_LEADING_CODE_RE = re.compile(r"^\d{1,3}\s*[-.:)]\s*")
_BLOOD_NOISE_RE = re.compile(r"^(?:กรุ๊ป|หมู่|กลุ่ม|group|type)|rh|[+\-]")

_YES = frozenset({"ใช่", "มี", "y", "yes", "true", "1", "✓", "/", "x", "ขาดแคลน"})
_NO = frozenset({"ไม่ใช่", "ไม่", "ไม่มี", "n", "no", "false", "0", "-", "ไม่ขาดแคลน"})


def _lkey(value: str) -> str:
    return "".join(value.split()).casefold()


# ---------------------------------------------------------------------------------------------
# Plausibility (warnings only; generous bands so that only clear mistakes are flagged)

# Expected age for a grade: ป.1 children are "entering their 7th year" by calendar year, so the
# usual birth year of grade g in the academic year starting 16 May of year A (CE) is
# A − 6 − GRADE_INDEX[g] (ป.1 → A − 7, อ.1 → A − 4). Deviations beyond these many years warn.
AGE_OLDER_TOLERANCE = 2
AGE_YOUNGER_TOLERANCE = 1
KINDERGARTEN_MIN_AGE = 3  # full years on 16 May for อ.1

# age in full years → (weight min, weight max, height min, height max), kg and cm
_BODY_BANDS = {
    2: (7, 25, 70, 105), 3: (8, 30, 78, 115), 4: (9, 35, 84, 122), 5: (10, 42, 90, 130),
    6: (11, 50, 95, 137), 7: (12, 60, 100, 145), 8: (13, 70, 105, 152), 9: (14, 80, 109, 160),
    10: (15, 90, 113, 167), 11: (17, 100, 117, 174), 12: (19, 110, 121, 182), 13: (21, 120, 126, 188),
    14: (24, 125, 130, 192), 15: (26, 130, 133, 195), 16: (28, 140, 135, 200),
}  # fmt: skip
MEASURE_LIMIT = Decimal(1000)  # weight and height fit a Decimal(5, 2) column
_Q2 = Decimal("0.01")

# ---------------------------------------------------------------------------------------------
# Issues

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(slots=True)
class Issue:
    row: int
    column: str  # the header as written in the file ("" for the row as a whole)
    code: str
    message: str  # Thai: what is wrong and what to do
    value: str = ""
    severity: Severity = "error"


# code → message template (Thai msgid; translated once per reader)
MESSAGES = {
    "missing_column": gettext_noop(
        "ไม่พบคอลัมน์ “%(field)s” ซึ่งต้องมี: ส่งออกไฟล์จากระบบ DMC ใหม่ หรือเพิ่มคอลัมน์นี้โดยใช้หัวคอลัมน์เดิม"
    ),
    "sex_column_missing": gettext_noop("ไม่พบคอลัมน์เพศ: ระบบอ่านเพศจากคำนำหน้าชื่อแทน"),
    "no_rows": gettext_noop("ไม่มีข้อมูลนักเรียนใต้แถวหัวตาราง: ตรวจสอบว่าส่งไฟล์ถูกต้อง"),
    "row_skipped": gettext_noop(
        "แถวนี้ไม่มีข้อมูลนักเรียน (ไม่มีเลขประจำตัว ชื่อ และนามสกุล) ระบบข้ามแถวนี้: ถ้าเป็นข้อมูลนักเรียนให้กรอกให้ครบ"
    ),
    "header_repeated": gettext_noop("แถวนี้เป็นหัวตารางซ้ำ ระบบข้ามแถวนี้"),
    "required": gettext_noop("ไม่มี%(field)s ซึ่งต้องกรอก: กรอกข้อมูลให้ครบ"),
    "extra_cells": gettext_noop(
        "แถวนี้มีข้อมูลเกินจำนวนหัวคอลัมน์ ข้อมูลจึงเลื่อนคอลัมน์: มักเกิดจากเครื่องหมายจุลภาค (,) "
        "ในข้อความ ลบเครื่องหมายนั้นหรือส่งเป็นไฟล์ .xlsx"
    ),
    "bad_characters": gettext_noop("มีตัวอักษรที่อ่านไม่ได้ (�): พิมพ์ข้อความนี้ใหม่ หรือบันทึกไฟล์เป็น CSV UTF-8 แล้วส่งใหม่"),
    "school_mismatch": gettext_noop(
        "รหัสโรงเรียน %(value)s ไม่ตรงกับโรงเรียนที่ส่งข้อมูล (%(school)s): ตรวจสอบว่าส่งไฟล์ของโรงเรียนตัวเอง"
    ),
    "id_scientific": gettext_noop(
        "เลขประจำตัวประชาชนถูก Excel แปลงเป็นรูปแบบวิทยาศาสตร์ (%(value)s) ตัวเลขจึงไม่ครบ: "
        "จัดรูปแบบคอลัมน์เป็นข้อความ (Text) แล้วส่งออกใหม่"
    ),
    "id_format": gettext_noop("เลขประจำตัวประชาชน “%(value)s” ไม่ถูกต้อง: %(reason)s"),
    "id_checksum": gettext_noop(
        "เลขประจำตัวประชาชน %(value)s ตรวจหลักสุดท้ายไม่ผ่าน (น่าจะพิมพ์ผิด): ตรวจสอบกับบัตรประชาชนหรือทะเบียนบ้าน"
    ),
    "id_checksum_foreign": gettext_noop(
        "เลขประจำตัว %(value)s (ขึ้นต้นด้วย 0) ตรวจหลักสุดท้ายไม่ผ่าน: ตรวจสอบกับเอกสารของนักเรียน"
    ),
    "id_leading_zero": gettext_noop(
        "เลขประจำตัวมี 12 หลัก ระบบเติม 0 ข้างหน้าเป็น %(value)s (Excel ตัดเลข 0 ที่ขึ้นต้นทิ้ง): "
        "ตรวจสอบเลข และจัดรูปแบบคอลัมน์เป็นข้อความ (Text)"
    ),
    "grade_invalid": gettext_noop("ชั้น “%(value)s”: %(reason)s"),
    "grade_not_offered": gettext_noop(
        "โรงเรียนไม่ได้เปิดสอนชั้น %(grade)s (เปิดสอน %(grades)s): ตรวจสอบชั้นของนักเรียน "
        "หรือแจ้งเขตพื้นที่ถ้าข้อมูลชั้นที่เปิดสอนไม่ถูกต้อง"
    ),
    "room_mismatch": gettext_noop(
        "ห้องที่เขียนในคอลัมน์ชั้น (%(grade_room)s) ไม่ตรงกับคอลัมน์ห้อง (%(room)s): ระบบใช้ค่าในคอลัมน์ห้อง"
    ),
    "grade_mismatch": gettext_noop("ชั้นที่เขียนในคอลัมน์ห้อง (%(other)s) ไม่ตรงกับคอลัมน์ชั้น (%(grade)s)"),
    "sex_invalid": gettext_noop("อ่านเพศ “%(value)s” ไม่ได้: ใช้ ช หรือ ญ (ชาย หรือ หญิง)"),
    "sex_from_prefix": gettext_noop("ไม่มีเพศ ระบบใช้เพศตามคำนำหน้าชื่อ (%(prefix)s): กรอกเพศให้ครบ"),
    "prefix_unknown": gettext_noop(
        "ไม่รู้จักคำนำหน้าชื่อ “%(value)s”: ใช้ เด็กชาย เด็กหญิง นาย นางสาว หรือ นาง (หรือ ด.ช. ด.ญ. น.ส.)"
    ),
    "prefix_in_name": gettext_noop(
        "คำนำหน้าชื่อ (%(prefix)s) อยู่ในช่องชื่อ ระบบแยกออกให้: ใส่คำนำหน้าในคอลัมน์คำนำหน้าชื่อ"
    ),
    "prefix_sex_mismatch": gettext_noop(
        "คำนำหน้าชื่อ “%(prefix)s” ไม่ตรงกับเพศ “%(sex)s”: แก้คำนำหน้าชื่อหรือเพศให้ตรงกัน"
    ),
    "name_digits": gettext_noop("“%(value)s” มีตัวเลขปนอยู่: ตรวจสอบการพิมพ์ชื่อ"),
    "date_invalid": gettext_noop("อ่านวันเกิด “%(value)s” ไม่ได้: %(reason)s"),
    "birth_future": gettext_noop("วันเกิด %(date)s อยู่หลังวันที่ของข้อมูลรอบนี้ (%(as_of)s): ตรวจสอบวันเกิดและปี พ.ศ."),
    "age_high": gettext_noop(
        "อายุ %(age)d ปี มากกว่าปกติสำหรับชั้น %(grade)s (ส่วนใหญ่เกิดปี พ.ศ. %(year)d): ตรวจสอบวันเกิดและชั้น"
    ),
    "age_low": gettext_noop(
        "อายุ %(age)d ปี น้อยกว่าปกติสำหรับชั้น %(grade)s (ส่วนใหญ่เกิดปี พ.ศ. %(year)d): ตรวจสอบวันเกิดและชั้น"
    ),
    "age_below_kindergarten": gettext_noop(
        "อายุยังไม่ครบ 3 ปีเต็มในวันที่ 16 พ.ค. %(year)d ซึ่งเป็นเกณฑ์รับเข้าชั้น อ.1: ตรวจสอบวันเกิดและชั้น"
    ),
    "age_mismatch": gettext_noop("อายุในไฟล์ (%(value)s ปี) ไม่ตรงกับอายุตามวันเกิด (%(age)d ปี): ตรวจสอบวันเกิดหรืออายุ"),
    "age_invalid": gettext_noop("อ่านอายุ “%(value)s” ไม่ได้: ใส่เป็นจำนวนปี เช่น 8"),
    "not_filled": gettext_noop("ไม่ได้กรอก%(field)s (ว่างหรือ 0): กรอกเมื่อชั่งหรือวัดแล้ว"),
    "number_invalid": gettext_noop("%(field)s “%(value)s” ไม่ใช่ตัวเลข: ใส่เฉพาะตัวเลข เช่น 25.5"),
    "number_out_of_range": gettext_noop("%(field)s %(value)s เป็นไปไม่ได้: ตรวจสอบการพิมพ์"),
    "weight_implausible": gettext_noop(
        "น้ำหนัก %(value)s กก. ผิดปกติสำหรับอายุ %(age)d ปี (ปกติราว %(low)d–%(high)d กก.): ตรวจสอบการชั่งหรือการพิมพ์"
    ),
    "height_implausible": gettext_noop(
        "ส่วนสูง %(value)s ซม. ผิดปกติสำหรับอายุ %(age)d ปี (ปกติราว %(low)d–%(high)d ซม.): ตรวจสอบการวัดหรือการพิมพ์"
    ),
    "height_in_metres": gettext_noop("ส่วนสูง %(value)s น่าจะกรอกเป็นเมตร: กรอกเป็นเซนติเมตร เช่น 125"),
    "weight_height_swapped": gettext_noop(
        "น้ำหนัก (%(weight)s) มากกว่าส่วนสูง (%(height)s): น่าจะกรอกสลับช่อง ตรวจสอบ"
    ),
    "lookup_unknown": gettext_noop("ไม่รู้จัก “%(value)s” ในรายการ%(field)s: ใช้ค่าตามรายการ เช่น %(examples)s"),
    "flag_invalid": gettext_noop("อ่าน “%(value)s” ไม่ได้: ใช้ ใช่ หรือ ไม่ใช่ (ว่างไว้ถ้าไม่มี)"),
    "parent_id_invalid": gettext_noop("%(field)s “%(value)s” ไม่ถูกต้อง (%(reason)s): ตรวจสอบ"),
    "extra_number_invalid": gettext_noop("%(field)s “%(value)s” ไม่ใช่ตัวเลข ระบบไม่บันทึกค่านี้: ใส่เฉพาะตัวเลข"),
}


@dataclass
class DmcContext:
    school_code: str  # the school the file is uploaded for; "" accepts any school code
    school_grades: tuple[str, ...]  # grades it offers, e.g. ("อ.1", …, "ป.6"); () skips the check
    as_of: datetime.date  # the round's as-of date
    lookups: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {label: code}


# ---------------------------------------------------------------------------------------------
# Cells

_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_DASHES = frozenset({"-", "--", "–", "—"})
_DIGIT_RE = re.compile(r"\d")
_INT_RE = re.compile(r"\s*(\d{1,3})(?:\s*ปี.*|\.0+)?\s*")
_MOO_PREFIX_RE = re.compile(r"^(?:หมู่ที่|หมู่|ม\.)\s*")
_MOO_PREFIX_START = ("ห", "ม")  # what _MOO_PREFIX_RE can match at all
_DIGIT_SEARCH = _DIGIT_RE.search
_CACHE_MAX = 20_000  # entries per per-reader cache; beyond it values are worked out every time
_THAI_DIGITS_TABLE = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def cell_text(value: Any) -> str:
    """A cell as the text the school typed or saw (numbers without a trailing .0)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class RawRow(Mapping):
    """A row's cells as the school wrote them, keyed like ``DmcReader.raw_keys`` (unique headers).

    A read-only view over the cell list (``cells``, in header order, as stored): a dict per row would
    repeat the same keys a million times and cost more than all the checks of a clean row."""

    __slots__ = ("_index", "cells")

    def __init__(self, index: dict[str, int], cells: list[str]):
        self._index = index
        self.cells = cells

    def __getitem__(self, key: str) -> str:
        return self.cells[self._index[key]]

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"RawRow({dict(self)!r})"


def _clearly_plausible(weight: float | None, height: float | None, age: int | None) -> bool:
    """True when ``DmcReader._check_body`` has nothing to say, decided quickly in floats.

    Strictly inside every bound in floats implies inside in exact decimals: rounding to the nearest
    float keeps order, and the bounds are whole numbers. A value on an edge gets False, and so the
    exact check."""
    if height is not None and not height > 3:
        return False
    if weight is not None and height is not None and not weight < height:
        return False
    if age is None:
        return True
    w_lo, w_hi, h_lo, h_hi = _BODY_BANDS[min(max(age, 2), 16)]
    return (weight is None or w_lo < weight < w_hi) and (height is None or h_lo < height < h_hi)


def _clean(s: str) -> str:
    s = s.strip()
    if "  " in s or not s.isprintable():
        s = " ".join(_INVISIBLE_RE.sub("", s).split())
    return "" if s in _DASHES else s


def _clean_digits(s: str) -> str:
    """Text where Thai digits are read as digits (house numbers, moo, codes, phones)."""
    s = _clean(s)
    return normalise_digits(s) if s else s


# ---------------------------------------------------------------------------------------------
# Reader


def read_dmc(
    fileobj: BinaryIO,
    filename: str,
    ctx: DmcContext,
    *,
    max_bytes: int,
    max_rows: int,
    max_uncompressed: int | None = None,
) -> "DmcReader":
    """Open a DMC upload. Raises ``FileError`` (also while iterating the reader, see tabular)."""
    table = open_table(
        fileobj,
        filename,
        header_matcher=dmc_header_matcher,
        max_bytes=max_bytes,
        max_rows=max_rows,
        max_uncompressed=max_uncompressed,
    )
    try:
        return DmcReader(table, ctx)
    except BaseException:
        table.close()
        raise


PEEK_ROWS = 50


class DmcReader:
    """Iterate for ``(row number, record, issues)``; file-level issues are in ``file_issues``
    (complete once the iteration has finished: skipped rows are added as they are met)."""

    def __init__(self, table: Table, ctx: DmcContext):
        self.table = table
        self.ctx = ctx
        self.headers = table.headers
        self.raw_keys = unique_headers(table.headers)
        self.file_issues: list[Issue] = []
        self.rows_read = 0
        self.error_count = 0
        self.warning_count = 0
        self._m = {code: _(msg) for code, msg in MESSAGES.items()}
        self._first_chunk = next(table.chunks, ([], []))  # its first rows decide unclear columns
        self._peeked = list(zip(*(part[:PEEK_ROWS] for part in self._first_chunk), strict=True))
        self.column_map, ambiguous = map_columns(self.headers)
        self._resolve_student_id_headers(ambiguous)
        mapped = set(self.column_map.values())
        self.unmapped = [h for i, h in enumerate(self.headers) if i not in mapped]  # kept in raw only
        self._refuse_scientific_ids()
        self._check_columns()

        as_of = ctx.as_of
        self._academic_year = as_of.year if (as_of.month, as_of.day) >= (5, 16) else as_of.year - 1
        self._may16 = datetime.date(self._academic_year, 5, 16)
        self._as_of_text = format_date(as_of)
        self._grades_offered = frozenset(ctx.school_grades)
        self._grades_text = _grade_span(ctx.school_grades)
        self._lookups = self._prepare_lookups(ctx.lookups)
        self._plan()

    def _plan(self) -> None:
        """Column indexes and per-kind field groups, worked out once so a row costs little."""
        cmap = self.column_map
        get = cmap.get
        self._is_csv = self.table.format == "csv"
        self._i_school = get("school_code")
        self._i_nid = get("national_id")
        self._i_grade = get("grade")
        self._i_room = get("room")
        self._i_sex = get("sex")
        self._i_prefix = get("prefix")
        self._i_first = get("first_name")
        self._i_last = get("last_name")
        self._i_birth = get("birth_date")
        self._i_age = get("age_years")
        self._i_weight = get("weight_kg")
        self._i_height = get("height_cm")
        self._i_moo = get("moo")
        self._ncols = len(self.headers)
        self._raw_index = {key: i for i, key in enumerate(self.raw_keys)}
        # Per-reader caches of values already seen (text → outcome), kept across batches (see _memo).
        self._birth_cache: dict[str, tuple] = {}
        self._measure_cache: dict[str, dict[str, tuple]] = {"weight_kg": {}, "height_cm": {}}
        first_year = self._academic_year - 6
        self._usual_birth_year = {g: first_year - i for g, i in GRADE_INDEX.items()}
        template: dict[str, Any] = dict.fromkeys(_TEXT_KEYS, "")
        template.update(dict.fromkeys(_TYPED_KEYS))
        self._template = template
        plain = [k for k in _TEXT_FIELDS if k in cmap]
        plain += [k for k in _PLAIN_LOOKUP_TEXT if k in cmap and k not in self._lookups]
        self._plain_keys = tuple(plain)
        self._digit_idx = tuple((k, cmap[k]) for k in _DIGIT_FIELDS if k in cmap)
        self._lookup_plan = tuple(
            (key, cmap[key], partial(self._lookup_outcome, key, norm, severity, examples), {})
            for key, (norm, severity, examples) in self._lookups.items()
        )
        self._stored_plain = tuple(k for k in _STORED_PLAIN_LOOKUP if k in plain)
        self._has_extras = any(k in cmap for k in (*_PARENT_ID_FIELDS, *_DECIMAL_FIELDS, *_FLAG_FIELDS))
        # ยังไม่สามารถจำหน่ายได้: a yes/no flag unless the portal passes a lookup for it
        flag = get("not_dischargeable") if "not_dischargeable" not in self._lookups else None
        self._i_not_dischargeable = flag

    # -- set-up ------------------------------------------------------------------------------

    def _resolve_student_id_headers(self, ambiguous: list[int]) -> None:
        cmap = self.column_map
        if not ambiguous:
            return
        if "national_id" in cmap:
            cmap.setdefault("student_number", ambiguous[0])
        elif len(ambiguous) >= 2:  # the 36-column export: national ID first, school number second
            cmap["national_id"] = ambiguous[0]
            cmap.setdefault("student_number", ambiguous[1])
        else:  # one column: decide from what it holds
            i = ambiguous[0]
            values = [cell_text(cells[i]).strip() for _n, cells in self._peeked]
            values = [v for v in values if v]
            id_like = sum(1 for v in values if _looks_like_id(v))
            if values and id_like * 10 >= len(values) * 6:
                cmap["national_id"] = i
            else:
                cmap.setdefault("student_number", i)

    def _refuse_scientific_ids(self) -> None:
        i = self.column_map.get("national_id")
        if i is None:
            return
        values = [cell_text(cells[i]) for _n, cells in self._peeked]
        values = [v for v in values if v.strip()]
        sci = sum(1 for v in values if is_scientific(v))
        if sci >= 3 and sci * 2 >= len(values):
            raise FileError(
                _(
                    "เลขประจำตัวประชาชนในไฟล์ถูก Excel แปลงเป็นรูปแบบวิทยาศาสตร์ (เช่น %(example)s) "
                    "ตัวเลขท้ายจึงหายไป: ในไฟล์ Excel ต้นฉบับ เลือกคอลัมน์ “%(column)s” จัดรูปแบบเป็นข้อความ (Text) "
                    "หรือตัวเลขไม่มีทศนิยม แล้วส่งออกใหม่ หรือส่งไฟล์ .xlsx แทน CSV"
                )
                % {"example": next(v for v in values if is_scientific(v)).strip(), "column": self.headers[i]},
                "scientific_notation",
            )

    def _check_columns(self) -> None:
        cmap = self.column_map
        row = self.table.header_row
        for key in REQUIRED:
            if key in cmap:
                continue
            label = COLUMN_BY_KEY[key].th[0]
            if key == "sex" and "prefix" in cmap:
                self.file_issues.append(
                    Issue(row, label, "sex_column_missing", self._m["sex_column_missing"], severity=WARNING)
                )
                continue
            self.file_issues.append(
                Issue(row, label, "missing_column", self._m["missing_column"] % {"field": label})
            )

    def _prepare_lookups(
        self, lookups: dict[str, dict[str, str]]
    ) -> dict[str, tuple[dict[str, str], str, str]]:
        """field → (normalised label or code → code, severity, examples for messages)."""
        prepared = {}
        for key in LOOKUP_FIELDS:
            if key not in self.column_map:
                continue
            table = lookups.get(key)
            if table is None and key.endswith("_occupation"):
                table = lookups.get("occupation")
            if table is None and key == "blood_group":
                table = DEFAULT_LOOKUPS["blood_group"]
            if not table:
                continue
            norm: dict[str, str] = {}
            for code in table.values():
                norm.setdefault(_lkey(code), code)
            for label, code in table.items():
                norm[_lkey(label)] = code
            examples = ", ".join(list(dict.fromkeys(table))[:4])
            severity = ERROR if key in LOOKUP_ERROR_FIELDS else WARNING
            prepared[key] = (norm, severity, examples)
        return prepared

    # -- iteration ---------------------------------------------------------------------------

    def batches(self) -> Iterator["DmcBatch"]:
        """The rows in batches (the table's chunks, a few thousand rows), each read and checked column
        by column (``_read_batch``): what the upload pipeline stores."""
        chunks = chain([self._first_chunk], self.table.chunks)
        self._first_chunk = self._peeked = ()
        for rownums, cells in chunks:
            if not rownums:
                continue
            batch = self._read_batch(rownums, cells)
            self.rows_read += len(batch.rownums)
            for issue in batch.issues:
                if issue.severity == ERROR:
                    self.error_count += 1
                else:
                    self.warning_count += 1
            yield batch
        if self.rows_read == 0:
            self.file_issues.append(Issue(self.table.header_row, "", "no_rows", self._m["no_rows"]))

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any], list[Issue]]]:
        """Row by row: ``(row number, record, issues)``."""
        for batch in self.batches():
            by_row: dict[int, list[Issue]] = {}
            for issue in batch.issues:
                by_row.setdefault(issue.row, []).append(issue)
            for rownum, record in batch.records():
                yield rownum, record, by_row.get(rownum, [])

    def close(self) -> None:
        self.table.close()

    # -- a batch of rows ---------------------------------------------------------------------
    #
    # The hot path: up to a million rows per file. A rule is worked out once per distinct value (or
    # combination of values) of a batch and spread over the column with C-level ``map``; a column that
    # can be seen to pass as a whole (every ID 13 digits with a good checksum, no digit in any name …)
    # costs no Python step per row. Every rule has an ``_outcome`` method: value(s) → (result …,
    # problems), problems being a tuple of issue arguments (field key, code, message, value, severity).
    # Issues come out as a row-by-row reading gives them: by row, then in the order of the fields.

    def _read_batch(self, rownums: list[int], cells: list[list[Any]]) -> "DmcBatch":
        ncols = self._ncols
        texts = cells if self._is_csv else [[cell_text(v) for v in row] for row in cells]
        overflow = []
        if max(map(len, texts)) > ncols:  # extra separators in a CSV row: cut at the last header
            for k, row in enumerate(texts):
                if len(row) > ncols:
                    if any(v.strip() for v in row[ncols:]):
                        overflow.append(rownums[k])
                    texts[k] = row[:ncols]
                    cells[k] = cells[k][:ncols]
        cols = list(zip(*texts, strict=True))
        skipped = self._skipped_rows(rownums, texts, cols)
        if skipped:
            keep = [k for k in range(len(rownums)) if k not in skipped]
            rownums = [rownums[k] for k in keep]
            cells = [cells[k] for k in keep]
            texts = cells if self._is_csv else [texts[k] for k in keep]
            cols = list(zip(*texts, strict=True)) if texts else [()] * ncols
        batch = DmcBatch(self, rownums, texts, cells, cols)
        if rownums:
            kept = set(rownums) if skipped else None  # a skipped row's extra cells say nothing
            found = [
                Issue(rownum, "", "extra_cells", self._m["extra_cells"])
                for rownum in overflow
                if kept is None or rownum in kept
            ]
            self._check_batch(batch, found)
            found.sort(key=_issue_row)  # stable: within a row, the order in which the fields were checked
            batch.issues = found
        return batch

    def _skipped_rows(
        self, rownums: list[int], texts: list[list[str]], cols: list[tuple[str, ...]]
    ) -> set[int]:
        """Indexes of the rows that are not students, each with a file-level warning: a note or total
        line under the table (no ID, first or last name, at most two filled cells), a repeated header."""
        m = self._m
        headers = self.headers
        i_nid, i_first = self._i_nid, self._i_first
        keys = [_clean_column(cols[i]) for i in (i_nid, i_first, self._i_last) if i is not None]
        skipped: dict[int, Issue] = {}
        if not keys or any("" in col for col in keys):
            for k, values in enumerate(zip(*keys, strict=True) if keys else [()] * len(texts)):
                if not any(values) and sum(1 for v in texts[k] if _clean(v)) <= 2:
                    skipped[k] = Issue(rownums[k], "", "row_skipped", m["row_skipped"], severity=WARNING)
        if i_nid is not None and headers[i_nid] in keys[0]:
            j = i_first or 0
            names = _clean_column(cols[j])
            for k, value in enumerate(keys[0]):
                if value == headers[i_nid] and names[k] == headers[j] and k not in skipped:
                    skipped[k] = Issue(
                        rownums[k], "", "header_repeated", m["header_repeated"], severity=WARNING
                    )
        self.file_issues.extend(skipped[k] for k in sorted(skipped))
        return set(skipped)

    def _check_batch(self, batch: "DmcBatch", found: list[Issue]) -> None:
        n = len(batch.rownums)
        out = batch.columns
        clean = batch.clean
        blank = [""] * n
        report = self._reporter(batch.rownums, found)

        if self.table.decode_errors:
            for j, col in enumerate(batch.cols):
                if "\ufffd" in "".join(col):
                    bad = self._m["bad_characters"]
                    found.extend(
                        Issue(batch.rownums[k], self.headers[j], "bad_characters", bad, v[:200])
                        for k, v in enumerate(col)
                        if "\ufffd" in v
                    )

        # School
        ctx_school = self.ctx.school_code
        if self._i_school is None:
            out["school_code"] = [ctx_school] * n
        else:
            col = clean(self._i_school)
            if ctx_school and col.count(ctx_school) == n:
                out["school_code"] = col
            else:
                out["school_code"] = _first(report(*_memo(col, self._school_outcome)))

        # National ID / G-Code
        i = self._i_nid
        if i is not None:
            values = clean(i)
            if not self._is_csv:
                values = [_id_text(raw, v) for raw, v in zip(batch.cell_column(i), values, strict=True)]
            if all(map(national_id_valid, values)):  # the usual file: every ID a valid 13-digit one
                out["national_id"] = values
                out["id_kind"] = [ID_FOREIGN if v[0] == "0" else ID_THAI for v in values]
            else:
                ids = report([self._id_outcome(v) for v in values], True)
                out["national_id"] = _first(ids)
                out["id_kind"] = [o[1] for o in ids]

        # Grade and room
        if self._i_grade is not None:
            grades_out = report(*_memo(clean(self._i_grade), self._grade_outcome))
            grades = out["grade"] = _first(grades_out)
            grade_rooms = [o[1] for o in grades_out]
        else:
            grades = grade_rooms = blank
        rooms = clean(self._i_room) if self._i_room is not None else blank
        out["room"] = _first(
            report(*_memo(list(zip(grades, grade_rooms, rooms, strict=True)), self._room_outcome))
        )

        # Sex, prefix, names
        sexes = clean(self._i_sex) if self._i_sex is not None else blank
        prefixes = clean(self._i_prefix) if self._i_prefix is not None else blank
        firsts = clean(self._i_first) if self._i_first is not None else blank
        if "" in prefixes:  # a prefix may then be in the first name
            keys = [(s, p, "" if p else f) for s, p, f in zip(sexes, prefixes, firsts, strict=True)]
        else:
            keys = list(zip(sexes, prefixes, strict=True))
        people = report(*_memo(keys, self._person_outcome))
        out["sex"] = _first(people)
        out["prefix"] = [o[1] for o in people]
        if "" in prefixes:
            firsts = [f if o[2] is None else o[2] for f, o in zip(firsts, people, strict=True)]
        if self._i_first is not None:
            out["first_name"] = self._names("first_name", firsts, report)
        if self._i_last is not None:
            out["last_name"] = self._names("last_name", clean(self._i_last), report)

        # Birth date and age
        ages: list = [None] * n
        j = self._i_birth
        if j is not None:
            if self._is_csv:
                births = report(*_memo(clean(j), self._birth_outcome, self._birth_cache))
            else:
                births = report(
                    [
                        self._birth_outcome(v, None if type(raw) is str else raw)
                        for raw, v in zip(batch.cell_column(j), clean(j), strict=True)
                    ],
                    True,
                )
            birth_dates = out["birth_date"] = _first(births)
            ages = [o[1] for o in births]
            report(*_memo(list(zip(birth_dates, grades, strict=True)), self._age_for_grade_outcome))
        if self._i_age is not None:
            age_texts = clean(self._i_age)
            if any(age_texts):
                out["age_years"] = _first(
                    report(*_memo(list(zip(age_texts, ages, strict=True)), self._age_column_outcome))
                )
        # without a birth date, the usual age for the grade (ป.1 → 6)
        ages = [
            age if age is not None else max(2, 5 + GRADE_INDEX[grade]) if grade else None
            for age, grade in zip(ages, grades, strict=True)
        ]

        # Weight and height
        weights = self._measures("weight_kg", self._i_weight, batch, report)
        heights = self._measures("height_cm", self._i_height, batch, report)
        body = [
            (k, self._body_problems(w[0], h[0], age))
            for k, (w, h, age) in enumerate(zip(weights, heights, ages, strict=True))
            if (w[1] is not None or h[1] is not None) and not _clearly_plausible(w[1], h[1], age)
        ]
        if body:
            outcomes: list[tuple] = [_NOTHING] * n
            for k, problems in body:
                outcomes[k] = (None, problems)
            report(outcomes, True)
        out["weight_kg"] = _first(weights)
        out["height_cm"] = _first(heights)

        # Coded fields
        for key, i, outcome, cache in self._lookup_plan:
            out[key] = _first(report(*_memo(clean(i), outcome, cache)))
        for key in self._stored_plain:
            out[key] = clean(self.column_map[key])
        i = self.column_map.get("student_number")
        if i is not None:
            out["student_number"] = _student_numbers(clean(i))

        # Long-export extras: they never block; what cannot be kept is a warning
        i = self._i_not_dischargeable
        if i is not None:
            flags = report(*_memo(clean(i), partial(self._flag_outcome, "not_dischargeable")))
            out["not_dischargeable"] = _first(flags)
        if self._has_extras:
            self._check_extras(batch, report)

    def fill_record_fields(self, batch: "DmcBatch") -> None:
        """The fields that no check looks at and no column stores (addresses, parents' names, phones
        …): they are in ``raw`` anyway, and worked out only when whole records are wanted."""
        out = batch.columns
        for key in self._plain_keys:
            if key not in out:
                out[key] = batch.clean(self.column_map[key])
        for key, i in self._digit_idx:
            if key in out:
                continue
            values = _digits(batch.clean(i))
            if key == "moo":
                values = [_MOO_PREFIX_RE.sub("", v) if v[:1] in _MOO_PREFIX_START else v for v in values]
            out[key] = values

    def _reporter(self, rownums: list[int], found: list[Issue]):
        """``report(outcomes, any_problems)``: adds the outcomes' issues to ``found``, returns them."""
        headers = self.headers
        cmap = self.column_map

        def report(outcomes: list[tuple], any_problems: bool) -> list[tuple]:
            if any_problems:
                for k, outcome in enumerate(outcomes):
                    for key, code, message, value, severity in outcome[-1]:
                        i = cmap.get(key)
                        header = headers[i] if i is not None else ""
                        found.append(Issue(rownums[k], header, code, message, value[:200], severity))
            return outcomes

        return report

    # -- the rules ---------------------------------------------------------------------------

    def _school_outcome(self, value: str) -> tuple:
        ctx_school = self.ctx.school_code
        school = value
        if school and school != ctx_school:
            school = normalise_digits(school)
            if ctx_school and school != ctx_school:
                if school == ctx_school[-6:]:  # the 6-digit OBEC code
                    school = ctx_school
                else:
                    msg = self._m["school_mismatch"] % {"value": school, "school": ctx_school}
                    return school, (("school_code", "school_mismatch", msg, school, ERROR),)
        return school or ctx_school, ()

    def _id_outcome(self, value: str) -> tuple:
        """(ID, kind, problems) for an ID cell's text."""
        m = self._m
        if not value:
            return (
                "",
                "",
                (("national_id", "required", m["required"] % {"field": _label("national_id")}, "", ERROR),),
            )
        problems = []
        id_kind = ""
        if len(value) == 13 and value.isdigit() and value.isascii() and value != "0000000000000":
            nid, id_kind = value, (ID_FOREIGN if value[0] == "0" else ID_THAI)
        else:
            try:
                nid, id_kind = classify_id(value)
            except ValueError as exc:
                nid = normalise_digits(value)
                if is_scientific(value):
                    problems.append(
                        ("national_id", "id_scientific", m["id_scientific"] % {"value": value}, value, ERROR)
                    )
                elif len(nid) == 12 and nid.isdigit() and national_id_valid("0" + nid):
                    nid, id_kind = "0" + nid, ID_FOREIGN
                    msg = m["id_leading_zero"] % {"value": nid}
                    problems.append(("national_id", "id_leading_zero", msg, value, WARNING))
                else:
                    msg = m["id_format"] % {"value": value, "reason": exc}
                    problems.append(("national_id", "id_format", msg, value, ERROR))
        if id_kind in (ID_THAI, ID_FOREIGN) and not national_id_valid(nid):
            if id_kind == ID_THAI:
                problems.append(
                    ("national_id", "id_checksum", m["id_checksum"] % {"value": nid}, value, ERROR)
                )
            else:
                msg = m["id_checksum_foreign"] % {"value": nid}
                problems.append(("national_id", "id_checksum_foreign", msg, value, WARNING))
        return nid, id_kind, tuple(problems)

    def _grade_outcome(self, text: str) -> tuple:
        """(grade, room written with it, problems)."""
        m = self._m
        if not text:
            return "", "", (("grade", "required", m["required"] % {"field": _label("grade")}, "", ERROR),)
        try:
            grade, grade_room = parse_grade(text)
        except ValueError as exc:
            return (
                "",
                "",
                (
                    (
                        "grade",
                        "grade_invalid",
                        m["grade_invalid"] % {"value": text, "reason": exc},
                        text,
                        ERROR,
                    ),
                ),
            )
        if self._grades_offered and grade not in self._grades_offered:
            msg = m["grade_not_offered"] % {"grade": grade, "grades": self._grades_text}
            return grade, grade_room, (("grade", "grade_not_offered", msg, text, ERROR),)
        return grade, grade_room, ()

    def _room_outcome(self, key: tuple[str, str, str]) -> tuple:
        grade, grade_room, room = key
        m = self._m
        problems = []
        if room:
            if "/" in room or room[0] in "อปมPMKpmk":
                try:
                    other_grade, other_room = parse_grade(room)
                except ValueError:
                    room = normalise_room(room)
                else:
                    if grade and other_grade != grade:
                        msg = m["grade_mismatch"] % {"other": other_grade, "grade": grade}
                        problems.append(("room", "grade_mismatch", msg, room, WARNING))
                    room = other_room or normalise_room(room)
            else:
                room = normalise_room(room)
        if grade_room and room and grade_room != room:
            msg = m["room_mismatch"] % {"grade_room": grade_room, "room": room}
            problems.append(("room", "room_mismatch", msg, room, WARNING))
        return room or grade_room, tuple(problems)

    def _person_outcome(self, key: tuple[str, ...]) -> tuple:
        """(sex, prefix, first name without a prefix written in it or None, problems) for the texts of
        sex, prefix and (only when the prefix is empty) first name."""
        m = self._m
        sex_text, prefix = key[0], key[1]
        first_name = key[2] if len(key) > 2 else ""
        problems = []
        sex = None
        if sex_text:
            try:
                sex = parse_sex(sex_text)
            except ValueError:
                problems.append(
                    ("sex", "sex_invalid", m["sex_invalid"] % {"value": sex_text}, sex_text, ERROR)
                )
        prefix_sex = None
        new_first = None
        if prefix:
            try:
                prefix, prefix_sex = parse_prefix(prefix)
            except ValueError:
                problems.append(
                    ("prefix", "prefix_unknown", m["prefix_unknown"] % {"value": prefix}, prefix, WARNING)
                )
        elif first_name:
            split = split_prefix(first_name)
            if split:
                prefix, prefix_sex = parse_prefix(split[0])
                msg = m["prefix_in_name"] % {"prefix": split[0]}
                problems.append(("first_name", "prefix_in_name", msg, first_name, WARNING))
                new_first = split[1]
        if sex is None and not sex_text:
            if prefix_sex:
                sex = prefix_sex
                if self._i_sex is not None:
                    msg = m["sex_from_prefix"] % {"prefix": prefix}
                    problems.append(("sex", "sex_from_prefix", msg, "", WARNING))
            elif self._i_sex is not None or self._i_prefix is not None:
                problems.append(("sex", "required", m["required"] % {"field": _label("sex")}, "", ERROR))
        elif sex and prefix_sex and sex != prefix_sex:
            msg = m["prefix_sex_mismatch"] % {"prefix": prefix, "sex": sex_text}
            problems.append(("prefix", "prefix_sex_mismatch", msg, prefix, ERROR))
        return sex or "", prefix, new_first, tuple(problems)

    def _names(self, key: str, names: list[str], report) -> list[str]:
        """A name column: required, and a digit in it is a warning."""
        if "" in names or _DIGIT_SEARCH("\n".join(names)):
            m = self._m
            required = ((key, "required", m["required"] % {"field": _label(key)}, "", ERROR),)
            outcomes = [
                (None, required)
                if not name
                else (None, ((key, "name_digits", m["name_digits"] % {"value": name}, name, WARNING),))
                if _DIGIT_SEARCH(name)
                else _NOTHING
                for name in names
            ]
            report(outcomes, True)
        return names

    def _birth_outcome(self, text: str, value: Any = None) -> tuple:
        """(birth date, age on the as-of date, problems) for a birth-date cell's text (``value``: the
        cell itself when it is not text, an XLSX date or number)."""
        m = self._m
        if not text:
            return (
                None,
                None,
                (("birth_date", "required", m["required"] % {"field": _label("birth_date")}, "", ERROR),),
            )
        as_of = self.ctx.as_of
        try:
            birth = parse_date(text if value is None else value)
        except ValueError as exc:
            msg = m["date_invalid"] % {"value": text, "reason": exc}
            return None, None, (("birth_date", "date_invalid", msg, text, ERROR),)
        if birth > as_of:
            msg = m["birth_future"] % {"date": format_date(birth), "as_of": self._as_of_text}
            return None, None, (("birth_date", "birth_future", msg, text, ERROR),)
        return birth, age_in_years(birth, as_of), ()

    def _age_for_grade_outcome(self, key: tuple) -> tuple:
        """(problems,) for a birth date in a grade: older or younger than usual, or too young for อ.1."""
        birth, grade = key
        if birth is None or not grade:
            return _NOTHING
        deviation = self._usual_birth_year[grade] - birth.year  # > 0: older than usual
        if -AGE_YOUNGER_TOLERANCE <= deviation <= AGE_OLDER_TOLERANCE and grade != "อ.1":
            return _NOTHING
        m = self._m
        age = age_in_years(birth, self.ctx.as_of)
        year = self._usual_birth_year[grade] + BE_OFFSET
        if deviation > AGE_OLDER_TOLERANCE:
            msg = m["age_high"] % {"age": age, "grade": grade, "year": year}
            return (None, (("birth_date", "age_high", msg, "", WARNING),))
        if deviation < -AGE_YOUNGER_TOLERANCE:
            msg = m["age_low"] % {"age": age, "grade": grade, "year": year}
            return (None, (("birth_date", "age_low", msg, "", WARNING),))
        if age_in_years(birth, self._may16) < KINDERGARTEN_MIN_AGE:
            msg = m["age_below_kindergarten"] % {"year": self._academic_year + BE_OFFSET}
            return (None, (("birth_date", "age_below_kindergarten", msg, "", WARNING),))
        return _NOTHING

    def _age_column_outcome(self, key: tuple) -> tuple:
        """(age read from the age column or None, problems) for its text and the age from the birth date."""
        text, age = key
        if not text:
            return _NOTHING
        m = self._m
        if len(text) <= 3 and text.isdigit() and text.isascii():
            file_age = int(text)  # what _INT_RE reads from a plain number
        else:
            found = _INT_RE.fullmatch(text if text.isascii() else text.translate(_THAI_DIGITS_TABLE))
            file_age = None if found is None else int(found.group(1))
        if file_age is None:
            return None, (("age_years", "age_invalid", m["age_invalid"] % {"value": text}, text, WARNING),)
        if age is not None and abs(file_age - age) > 1:
            msg = m["age_mismatch"] % {"value": file_age, "age": age}
            return file_age, (("age_years", "age_mismatch", msg, text, WARNING),)
        return file_age, ()

    def _measures(self, key: str, i: int | None, batch: "DmcBatch", report) -> list[tuple]:
        """A weight or height column: per row ``(exact value, as float, problems)``."""
        if i is None:
            return [_NO_MEASURE] * len(batch.rownums)
        cache = self._measure_cache[key]
        read = partial(self._measure_outcome, key)
        if self._is_csv:
            outcomes = report(*_memo(batch.clean(i), read, cache))
        else:
            outcomes = report(
                [
                    read(v) if type(raw) is str else read(v, raw)
                    for raw, v in zip(batch.cell_column(i), batch.clean(i), strict=True)
                ],
                True,
            )
        return outcomes

    def _measure_outcome(self, key: str, text: str, value: Any = None) -> tuple:
        """(value, as float, problems) for a weight or height cell's text (``value``: a number cell)."""
        m = self._m
        if not text or text in _NONE_WORDS:
            return None, None, ((key, "not_filled", m["not_filled"] % {"field": _label(key)}, text, WARNING),)
        try:
            d = parse_decimal(text if value is None else value)
        except ValueError:
            msg = m["number_invalid"] % {"field": _label(key), "value": text}
            return None, None, ((key, "number_invalid", msg, text, ERROR),)
        if not d:
            return None, None, ((key, "not_filled", m["not_filled"] % {"field": _label(key)}, text, WARNING),)
        if value is not None or ("." in text and len(text) - text.index(".") > 3):
            d2 = d.quantize(_Q2) if d < MEASURE_LIMIT else d
        else:
            d2 = d
        # 999.999 rounds to 1000.00, which the Decimal(5, 2) column cannot hold either
        if d < 0 or d2 >= MEASURE_LIMIT:
            msg = m["number_out_of_range"] % {"field": _label(key), "value": text}
            return None, None, ((key, "number_out_of_range", msg, text, ERROR),)
        return d2, float(d2), ()

    def _body_problems(self, weight, height, age) -> tuple:
        m = self._m
        if height is not None and height < 3:
            return (
                (
                    "height_cm",
                    "height_in_metres",
                    m["height_in_metres"] % {"value": height},
                    str(height),
                    WARNING,
                ),
            )
        if weight is not None and height is not None and weight > height:
            msg = m["weight_height_swapped"] % {"weight": weight, "height": height}
            return (("weight_kg", "weight_height_swapped", msg, str(weight), WARNING),)
        if age is None:
            return ()
        problems = []
        w_lo, w_hi, h_lo, h_hi = _BODY_BANDS[min(max(age, 2), 16)]
        if weight is not None and not w_lo <= weight <= w_hi:
            msg = m["weight_implausible"] % {"value": weight, "age": age, "low": w_lo, "high": w_hi}
            problems.append(("weight_kg", "weight_implausible", msg, str(weight), WARNING))
        if height is not None and not h_lo <= height <= h_hi:
            msg = m["height_implausible"] % {"value": height, "age": age, "low": h_lo, "high": h_hi}
            problems.append(("height_cm", "height_implausible", msg, str(height), WARNING))
        return tuple(problems)

    def _lookup_outcome(
        self, key: str, norm: dict[str, str], severity: Severity, examples: str, value: str
    ) -> tuple:
        """(code, problems) for a coded field's text; empty stays empty."""
        if not value:
            return _NOTHING_TEXT
        k = _lkey(value)
        code = norm.get(k)
        if code is None and key == "blood_group":
            code = norm.get(_BLOOD_NOISE_RE.sub("", k))
        if code is None:
            stripped = _LEADING_CODE_RE.sub("", value)
            if stripped != value:
                code = norm.get(_lkey(stripped))
        if code is not None:
            return code, ()
        if k in _NONE_WORDS:
            return _NOTHING_TEXT
        msg = self._m["lookup_unknown"] % {"value": value, "field": _label(key), "examples": examples}
        return "", ((key, "lookup_unknown", msg, value, severity),)

    def _flag_outcome(self, key: str, value: str) -> tuple:
        """("Y" | "N" | "", problems) for a yes/no cell; empty stays empty."""
        if not value:
            return _NOTHING_TEXT
        k = _lkey(value)
        if k in _YES:
            return "Y", ()
        if k in _NO:
            return "N", ()
        return "", ((key, "flag_invalid", self._m["flag_invalid"] % {"value": value}, value, WARNING),)

    def _check_extras(self, batch: "DmcBatch", report) -> None:
        m = self._m
        cmap = self.column_map
        out = batch.columns
        for key in _PARENT_ID_FIELDS:
            i = cmap.get(key)
            if i is not None:
                out[key] = _first(report(*_memo(batch.clean(i), partial(self._parent_id_outcome, key))))
        for key in _DECIMAL_FIELDS:
            i = cmap.get(key)
            if i is None:
                continue
            outcomes = []
            for raw, v in zip(batch.cell_column(i), batch.clean(i), strict=True):
                if not v or v in _NONE_WORDS:
                    outcomes.append(_NOTHING)
                    continue
                try:
                    d = parse_decimal(v if type(raw) is str else raw)
                    if d < 0 or d >= _EXTRA_LIMIT:
                        raise ValueError
                    outcomes.append((d, ()))
                except ValueError:
                    msg = m["extra_number_invalid"] % {"field": _label(key), "value": v}
                    outcomes.append((None, ((key, "extra_number_invalid", msg, v, WARNING),)))
            out[key] = _first(report(outcomes, True))
        for key in _FLAG_FIELDS:
            i = cmap.get(key)
            if i is not None:
                out[key] = _first(report(*_memo(batch.clean(i), partial(self._flag_outcome, key))))

    def _parent_id_outcome(self, key: str, value: str) -> tuple:
        if not value:
            return _NOTHING_TEXT
        try:
            pid, kind = classify_id(value)
            if kind != "gcode" and not national_id_valid(pid):
                raise ValueError(_("ตรวจหลักสุดท้ายไม่ผ่าน"))
        except ValueError as exc:
            msg = self._m["parent_id_invalid"] % {"field": _label(key), "value": value, "reason": exc}
            return normalise_digits(value), ((key, "parent_id_invalid", msg, value, WARNING),)
        return pid, ()


_NOTHING: tuple = (None, ())  # an outcome with no value and no problem
_NO_MEASURE: tuple = (None, None, ())
_NOTHING_TEXT: tuple = ("", ())
_issue_row = attrgetter("row")


class DmcBatch:
    """Rows of a file read together (``DmcReader.batches``): ``columns`` maps a field to its values,
    one per row, in the order of ``rownums``; ``texts`` are the rows' cells as written (``raw``);
    ``issues`` are sorted by row. Fields the file lacks are not in ``columns``."""

    __slots__ = ("_clean", "_complete", "cells", "cols", "columns", "issues", "reader", "rownums", "texts")

    def __init__(
        self, reader: DmcReader, rownums: list[int], texts: list[list[str]], cells: list[list[Any]], cols
    ):
        self.reader = reader
        self.rownums = rownums
        self.texts = texts
        self.cells = cells
        self.cols = cols  # texts column by column
        self.columns: dict[str, list] = {}
        self.issues: list[Issue] = []
        self._clean: dict[int, list[str]] = {}
        self._complete = False

    def __len__(self) -> int:
        return len(self.rownums)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return self.records()

    def clean(self, i: int) -> list[str]:
        """Column ``i``'s cells, cleaned (``_clean``)."""
        values = self._clean.get(i)
        if values is None:
            values = self._clean[i] = _clean_column(self.cols[i])
        return values

    def cell_column(self, i: int) -> list[Any]:
        """Column ``i``'s cells as read (XLSX: numbers, dates …)."""
        return [row[i] for row in self.cells]

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(row number, record)`` for each row, every field filled in."""
        reader = self.reader
        if not self._complete:
            reader.fill_record_fields(self)
            self._complete = True
        keys = list(self.columns)
        rows = zip(*self.columns.values(), strict=True) if keys else repeat((), len(self.rownums))
        template, raw_index = reader._template, reader._raw_index
        for rownum, values, texts in zip(self.rownums, rows, self.texts, strict=True):
            record = template.copy()
            record.update(zip(keys, values, strict=True))
            record["raw"] = RawRow(raw_index, texts)
            yield rownum, record


def _memo(values: list, outcome, cache: dict | None = None) -> tuple[list[tuple], bool]:
    """``outcome`` of every value, worked out once per distinct value (kept in ``cache`` across batches
    while it holds fewer than ``_CACHE_MAX``), and whether any has problems."""
    distinct = set(values)
    if cache is None or len(cache) >= _CACHE_MAX:
        table = {v: outcome(v) for v in distinct}
    else:
        table = cache
        for v in distinct.difference(cache):
            cache[v] = outcome(v)
    return list(map(table.__getitem__, values)), any(table[v][-1] for v in distinct)


def _first(outcomes: list[tuple]) -> list:
    return [o[0] for o in outcomes]


def _clean_column(col: Sequence[str]) -> list[str]:
    """``_clean`` of every cell: when the column has no double space and nothing unprintable, that is
    only a strip (and a lone dash is empty)."""
    joined = "".join(col)
    if "  " in joined or not joined.isprintable():
        return list(map(_clean, col))
    values = list(map(str.strip, col))
    if "-" in joined or "–" in joined or "—" in joined:
        values = ["" if v in _DASHES else v for v in values]
    return values


def _id_text(raw: Any, text: str) -> str:
    """An XLSX ID cell: a number as its digits."""
    if type(raw) is float and raw.is_integer():
        raw = int(raw)
    return str(raw) if type(raw) is int else text


def _digits(values: list[str]) -> list[str]:
    """A column where Thai digits are read as digits (house numbers, phones, student numbers …)."""
    joined = "".join(values)
    if not joined or (joined.isdigit() and joined.isascii()):
        return values
    return [v if not v or (v.isdigit() and v.isascii()) else normalise_digits(v) for v in values]


def _student_numbers(values: list[str]) -> list[str]:
    """Student numbers as digits, without the ``.0`` of a number cell saved as text."""
    return [v[:-2] if v.endswith(".0") and v[:-2].isdigit() else v for v in _digits(values)]


def _label(key: str) -> str:
    """The field's name in messages: its header in the 36-column export."""
    return COLUMN_BY_KEY[key].th[0]


def _looks_like_id(value: str) -> bool:
    if is_scientific(value):
        return True
    d = normalise_digits(value)
    return (len(d) == 13 and (d.isdigit() or d[:1] in "Gg")) or (len(d) == 12 and d.isdigit())


def _grade_span(grades: tuple[str, ...]) -> str:
    ordered = sorted(set(grades) & set(GRADE_INDEX), key=GRADE_INDEX.__getitem__)
    if not ordered:
        return ""
    indexes = [GRADE_INDEX[g] for g in ordered]
    if indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}" if len(ordered) > 1 else ordered[0]
    return ", ".join(ordered)


_TYPED_KEYS = (
    "birth_date", "age_years", "weight_kg", "height_cm", "father_income", "mother_income",
    "guardian_income", "distance_km",
)  # fmt: skip
_TEXT_KEYS = (*(c.key for c in COLUMNS if c.key not in _TYPED_KEYS), "id_kind")
_TEXT_FIELDS = (
    "school_name", "first_name_en", "last_name_en", "street", "tambon", "amphoe", "province",
    "guardian_first_name", "guardian_last_name", "father_first_name", "father_last_name",
    "mother_first_name", "mother_last_name",
)  # fmt: skip
_PLAIN_LOOKUP_TEXT = (
    "religion", "ethnicity", "nationality", "guardian_occupation", "guardian_relation",
    "father_occupation", "mother_occupation", "disadvantage", "disability", "blood_group",
)  # fmt: skip
# coded fields kept in a column of their own (kinds/dmc_kind.py), as written when no lookup checks them
_STORED_PLAIN_LOOKUP = ("blood_group", "religion", "nationality", "disadvantage", "disability")
_DIGIT_FIELDS = (
    "house_no", "moo", "student_number", "branch_school_code",
    "father_phone", "mother_phone", "guardian_phone",
)  # fmt: skip
_EXTRA_LIMIT = Decimal(10) ** 9
_PARENT_ID_FIELDS = ("father_national_id", "mother_national_id", "guardian_national_id")
_DECIMAL_FIELDS = ("father_income", "mother_income", "guardian_income", "distance_km")
_FLAG_FIELDS = ("lacks_uniform", "lacks_stationery", "lacks_textbooks", "lacks_lunch")
