"""Identifier and value helpers for data-collection files (DOMAIN.md, "Identifiers", "DMC").

Every function here is pure and cheap: it runs once or several times per row of files with up to a
million rows. Parsers return the canonical value or raise ``ValueError`` whose text is a Thai reason
a school officer can act on (the caller puts it into an issue message).
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from aoc.thaidate import BE_OFFSET, MONTHS_TH_LONG, MONTHS_TH_SHORT

# ---------------------------------------------------------------------------------------------
# Digits and identifiers

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_THAI_DIGITS_TABLE = str.maketrans(THAI_DIGITS, "0123456789")
# Separators people type (or Excel/Word insert) inside identifiers: spaces of all kinds, dashes of
# all kinds, zero-width characters.
_ID_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+")
_ID_LIKE_RE = re.compile(r"[Gg]?\d+")
_SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_INTEGRAL_DECIMAL_RE = re.compile(r"(\d+)\.0*")
_ID_WEIGHTS = tuple(range(13, 1, -1))  # 13, 12, …, 2 for digits 1..12
# digits 1–4, 5–8, 9–12 of an ID as text → their part of the weighted sum (10,000 entries each)
_ID_PARTS = tuple(
    {f"{n:04d}": sum(int(c) * w for c, w in zip(f"{n:04d}", weights, strict=True)) for n in range(10_000)}
    for weights in (_ID_WEIGHTS[0:4], _ID_WEIGHTS[4:8], _ID_WEIGHTS[8:12])
)


def normalise_digits(s: str) -> str:
    """Thai digits ๐–๙ become 0–9 and surrounding whitespace goes.

    Spaces, dashes and zero-width characters inside the value are removed too, but only when what
    remains is an identifier (digits, or ``G`` + digits): ``"1-2345-67890-12-1"`` →
    ``"1234567890121"``, ``"๐๘๑ ๒๓๔ ๕๖๗๘"`` → ``"0812345678"``, while ``"ม.1/2"`` or
    ``"15 มี.ค. 2560"`` keep their spaces and punctuation.
    """
    if not s.isascii():
        s = s.translate(_THAI_DIGITS_TABLE)
    s = s.strip()
    if s.isascii() and (s.isdigit() or (" " not in s and "-" not in s and "\t" not in s)):
        return s
    compact = _ID_SEPARATORS_RE.sub("", s)
    if compact != s and _ID_LIKE_RE.fullmatch(compact):
        return compact
    return s


def national_id_valid(d13: str) -> bool:
    """The Thai national ID checksum (DOMAIN.md): S = Σ dᵢ × (14 − i), check = (11 − S mod 11) mod 10.

    Up to a million IDs a file: S is the sum of three table lookups, one per group of four digits
    (``_ID_PARTS``); a group that is not four ASCII digits is not in its table."""
    if len(d13) != 13:
        return False
    try:
        total = _ID_PARTS[0][d13[:4]] + _ID_PARTS[1][d13[4:8]] + _ID_PARTS[2][d13[8:12]]
    except KeyError:
        return False
    return str((11 - total % 11) % 10) == d13[12]


def national_id_check_digit(d12: str) -> str:
    """The 13th digit that makes ``d12`` a valid national ID (used by test-file generators)."""
    total = sum(int(c) * w for c, w in zip(d12, _ID_WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def is_scientific(s: str) -> bool:
    """``1.23457E+12``: what Excel shows (and writes to CSV) for a long number in a General cell."""
    return bool(_SCIENTIFIC_RE.fullmatch(s.strip()))


ID_THAI = "thai"
ID_FOREIGN = "foreign"
ID_GCODE = "gcode"


def classify_id(value: str) -> tuple[str, str]:
    """``(normalised, kind)`` for a person identifier, or ``ValueError`` when its shape is wrong.

    kind is ``"thai"`` (13 digits), ``"foreign"`` (13 digits starting with 0: persons without Thai
    nationality) or ``"gcode"`` (``G`` + 12 digits). The checksum is *not* checked here, see
    ``national_id_valid``; a 13-digit value is returned even when it fails the checksum.
    """
    s = value
    if not (len(s) == 13 and s.isascii() and s.isdigit()):
        s = value.strip()
        if not s.isascii():
            s = s.translate(_THAI_DIGITS_TABLE)
        if _SCIENTIFIC_RE.fullmatch(s):
            raise ValueError(
                _(
                    "เลขถูก Excel แปลงเป็นรูปแบบวิทยาศาสตร์ (%(value)s) ตัวเลขท้ายหายไปแล้ว: "
                    "จัดรูปแบบคอลัมน์เป็นข้อความ (Text) แล้วส่งออกใหม่"
                )
                % {"value": s}
            )
        m = _INTEGRAL_DECIMAL_RE.fullmatch(s)  # "1234567890121.0" from a numeric cell
        if m:
            s = m.group(1)
        s = _ID_SEPARATORS_RE.sub("", s)
        if s[:1] in "gG" and len(s) == 13 and s[1:].isdigit() and s[1:].isascii():
            return "G" + s[1:], ID_GCODE
        if not (s.isdigit() and s.isascii()):
            raise ValueError(_("ต้องเป็นตัวเลข 13 หลัก หรือ G-Code (G ตามด้วยตัวเลข 12 หลัก)"))
        if len(s) != 13:
            raise ValueError(_("มี %(n)d หลัก ต้องมี 13 หลัก (G-Code: G ตามด้วยตัวเลข 12 หลัก)") % {"n": len(s)})
    if s == "0000000000000":
        raise ValueError(_("เลขศูนย์ทั้งหมดไม่ใช่เลขประจำตัว"))
    return s, (ID_FOREIGN if s[0] == "0" else ID_THAI)


# ---------------------------------------------------------------------------------------------
# Dates

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # 1900 date system, leap-year bug included
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_MIN_YEAR_CE = 1900

_MONTHS: dict[str, int] = {}
for _i, (_short, _long) in enumerate(zip(MONTHS_TH_SHORT, MONTHS_TH_LONG, strict=True), start=1):
    _MONTHS[_short.replace(".", "")] = _i
    _MONTHS[_long] = _i
for _i, _name in enumerate(
    (
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ),
    start=1,
):  # fmt: skip
    _MONTHS[_name] = _i
    _MONTHS[_name[:3]] = _i
_MONTHS.update({"กรกฏาคม": 7, "กฎ": 7, "กฏ": 7, "sept": 9, "มีนา": 3, "เมษา": 4, "พฤษภา": 5})

_TIME_SUFFIX = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_DMY_RE = re.compile(r"(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})" + _TIME_SUFFIX)
_YMD_RE = re.compile(r"(\d{4})([/\-.])(\d{1,2})\2(\d{1,2})" + _TIME_SUFFIX)
_WORD_MONTH_RE = re.compile(r"(\d{1,2})[\s\-/]*([^\d\s\-/,][^\d]*?)[\s\-/,]*(\d{4}|\d{2})")
_SERIAL_RE = re.compile(r"\d{1,8}(?:\.\d+)?")
_DATE_NOISE_RE = re.compile(r"วันที่|เดือน|พ\.\s*ศ\.?|ค\.\s*ศ\.?|ปี|(?<=\d)\s*(?:BE|CE)\b", re.IGNORECASE)


def _year_to_ce(year: int, two_digits: bool) -> int:
    if two_digits:  # Thai short years are Buddhist Era: 60 → 2560
        year += 2500
    if year > 2400:
        year -= BE_OFFSET
    if year < _MIN_YEAR_CE:
        raise ValueError(_("ปี %(year)d ไม่ถูกต้อง (ใช้ปี พ.ศ. 4 หลัก เช่น 2560)") % {"year": year})
    return year


def _make_date(year: int, month: int, day: int) -> datetime.date:
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 13 <= month <= 31:
            raise ValueError(
                _("ไม่มีเดือนที่ %(month)d: ดูเหมือนเขียนแบบ เดือน/วัน/ปี ให้เขียนแบบ วัน/เดือน/ปี") % {"month": month}
            )
        raise ValueError(_("ไม่มีเดือนที่ %(month)d (เดือนต้องเป็น 1–12)") % {"month": month})
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("ไม่มีวันที่ %(day)d ในเดือนที่ %(month)d ปี พ.ศ. %(year)d")
            % {"day": day, "month": month, "year": year + BE_OFFSET}
        ) from None


def _from_serial(serial: float) -> datetime.date:
    if 1000 <= serial <= 2600 and float(serial).is_integer():
        raise ValueError(_("มีแต่ปี ไม่มีวันและเดือน: ใส่วันเกิดเต็ม เช่น 15/03/2560"))
    if not 1000 < serial <= _EXCEL_MAX_SERIAL:
        shown = int(serial) if float(serial).is_integer() and abs(serial) < 1e15 else serial
        raise ValueError(_("ตัวเลข %(value)s ไม่ใช่วันที่") % {"value": shown})
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


@functools.lru_cache(maxsize=32768)
def _parse_date_text(s: str) -> datetime.date:
    m = _DMY_RE.fullmatch(s)
    if m:
        year = m.group(4)
        return _make_date(_year_to_ce(int(year), len(year) == 2), int(m.group(3)), int(m.group(1)))
    m = _YMD_RE.fullmatch(s)
    if m:
        return _make_date(_year_to_ce(int(m.group(1)), False), int(m.group(3)), int(m.group(4)))
    if _SERIAL_RE.fullmatch(s):
        if len(s) == 8:  # 25600315 or 15032560
            head, tail = int(s[:4]), int(s[4:])
            if head > 1800:
                return _make_date(_year_to_ce(head, False), tail // 100, tail % 100)
            return _make_date(_year_to_ce(tail, False), head % 100, head // 100)
        return _from_serial(float(s))
    cleaned = _DATE_NOISE_RE.sub(" ", s).strip()
    m = _WORD_MONTH_RE.fullmatch(cleaned)
    if m:
        name = re.sub(r"[\s.]", "", m.group(2)).casefold()
        month = _MONTHS.get(name)
        if month:
            year = m.group(3)
            if len(year) == 2 and name.isascii():  # "15-Mar-17": Excel's English format, CE
                return _make_date(2000 + int(year), month, int(m.group(1)))
            return _make_date(_year_to_ce(int(year), len(year) == 2), month, int(m.group(1)))
        raise ValueError(_("อ่านชื่อเดือน “%(month)s” ไม่ได้") % {"month": m.group(2).strip()})
    if cleaned != s:
        return _parse_date_text(cleaned)
    raise ValueError(_("อ่านเป็นวันที่ไม่ได้: ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2560"))


def parse_date(value) -> datetime.date:
    """A date from what schools write or what openpyxl returns.

    Accepts ``dd/mm/yyyy`` (also ``-`` and ``.``, with or without a time), ``d/m/yy`` (two-digit
    years are Buddhist Era: 60 → 2560), ``15 มี.ค. 2560`` / ``15 มีนาคม 2560`` / ``15 Mar 2017``,
    ISO ``yyyy-mm-dd``, ``yyyymmdd`` and ``ddmmyyyy``, Excel serial numbers (int, float or text),
    and ``date``/``datetime`` objects. A year above 2400 is Buddhist Era, also inside date objects
    (a BE date typed into an Excel cell formatted for the Gregorian calendar). Thai digits are
    fine. Raises ``ValueError`` with a Thai reason.
    """
    if type(value) is str:
        s = value.strip()
        if not s.isascii():
            s = s.translate(_THAI_DIGITS_TABLE)
        if not s:
            raise ValueError(_("ไม่มีวันที่"))
        if len(s) > 60:
            raise ValueError(_("อ่านเป็นวันที่ไม่ได้: ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2560"))
        return _parse_date_text(s)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if value.year > 2400:
            return _make_date(value.year - BE_OFFSET, value.month, value.day)
        if value.year < _MIN_YEAR_CE:
            raise ValueError(_("ปี %(year)d ไม่ถูกต้อง (ใช้ปี พ.ศ. 4 หลัก เช่น 2560)") % {"year": value.year})
        return value
    if isinstance(value, bool):
        raise ValueError(_("อ่านเป็นวันที่ไม่ได้: ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2560"))
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("อ่านเป็นวันที่ไม่ได้: ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2560"))
        return _from_serial(value)
    if isinstance(value, str):  # a str subclass
        return parse_date(str(value))
    raise ValueError(_("อ่านเป็นวันที่ไม่ได้: ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2560"))


def age_in_years(birth: datetime.date, on: datetime.date) -> int:
    """Full years completed on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------
# Grades and rooms

GRADES = (
    "อ.1", "อ.2", "อ.3",
    "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6",
    "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6",
)  # fmt: skip
# Position relative to the year before ป.1: used for the expected birth year (age for grade).
GRADE_INDEX = {g: i for i, g in enumerate(GRADES, start=-2)}

_STAGES = {
    "อ": ("อ", 3), "อบ": ("อ", 3), "อนุบาล": ("อ", 3), "อนุบาลปีที่": ("อ", 3), "k": ("อ", 3),
    "kg": ("อ", 3), "kindergarten": ("อ", 3),
    "ป": ("ป", 6), "ประถม": ("ป", 6), "ประถมปีที่": ("ป", 6), "ประถมศึกษา": ("ป", 6),
    "ประถมศึกษาปีที่": ("ป", 6), "p": ("ป", 6), "prathom": ("ป", 6), "primary": ("ป", 6),
    "ม": ("ม", 6), "มัธยม": ("ม", 6), "มัธยมปีที่": ("ม", 6), "มัธยมศึกษา": ("ม", 6),
    "มัธยมศึกษาปีที่": ("ม", 6), "m": ("ม", 6), "mattayom": ("ม", 6), "mathayom": ("ม", 6),
    "matthayom": ("ม", 6), "secondary": ("ม", 6),
    "grade": ("", 12),
}  # fmt: skip
_GRADE_RE = re.compile(
    r"(?:ชั้น)?(?P<stage>[ก-๏a-z]+?)\.?(?:ปีที่)?(?P<num>\d{1,2})"
    r"(?:(?:/|-|\\|ห้อง|ห\.|room)\.?(?P<room>[^\s/]{1,20}))?"
)
_ROOM_PREFIX_RE = re.compile(r"^(?:ห้องที่|ห้อง|ห\.|room|no\.?)\s*", re.IGNORECASE)


def _compact(s: str) -> str:
    if not s.isascii():
        s = s.translate(_THAI_DIGITS_TABLE)
    return "".join(s.split()).casefold()


@functools.lru_cache(maxsize=4096)
def normalise_room(value: str) -> str:
    """``"ห้อง ๒"`` → ``"2"``, ``"02"`` → ``"2"``; named rooms are kept as written."""
    s = value.strip()
    if not s:
        return ""
    if not s.isascii():
        s = s.translate(_THAI_DIGITS_TABLE)
    s = _ROOM_PREFIX_RE.sub("", s).strip()
    m = _INTEGRAL_DECIMAL_RE.fullmatch(s)  # 2.0 from a numeric cell
    if m:
        s = m.group(1)
    if s.isdigit() and s.isascii():
        return str(int(s))
    return " ".join(s.split())


@functools.lru_cache(maxsize=4096)
def parse_grade(value: str) -> tuple[str, str]:
    """``(grade, room)`` from ``ป.4``, ``ป4``, ``ประถมศึกษาปีที่ 4``, ``อนุบาล 2``, ``อบ.2``, ``K2``,
    ``ม.1/2`` (grade ม.1, room 2), ``ป.4 ห้อง 1``; room is ``""`` when not given.
    Raises ``ValueError`` with a Thai reason."""
    s = _compact(value)
    if not s:
        raise ValueError(_("ไม่มีชั้น"))
    m = _GRADE_RE.fullmatch(s)
    stage = m and _STAGES.get(m.group("stage"))
    if not stage:
        if "เตรียม" in s or "เด็กเล็ก" in s:
            raise ValueError(_("ชั้นเตรียมอนุบาลหรือเด็กเล็กไม่อยู่ในข้อมูล DMC"))
        raise ValueError(_("อ่านชั้นไม่ได้: ใช้ อ.1–อ.3, ป.1–ป.6 หรือ ม.1–ม.3"))
    letter, top = stage
    num = int(m.group("num"))
    if letter == "":  # "Grade 4" → ป.4, "Grade 7" → ม.1 … "Grade 12" → ม.6
        letter, num, top = ("ป", num, 6) if num <= 6 else ("ม", num - 6, 6)
    if not 1 <= num <= top:
        raise ValueError(_("ไม่มีชั้น %(grade)s") % {"grade": f"{letter}.{num}"})
    room = m.group("room") or ""
    return f"{letter}.{num}", normalise_room(room) if room else ""


# ---------------------------------------------------------------------------------------------
# Sex and name prefixes

SEX_MALE = "M"
SEX_FEMALE = "F"
_SEX = {
    "ช": "M", "ชาย": "M", "เพศชาย": "M", "m": "M", "male": "M", "boy": "M", "1": "M",
    "ญ": "F", "หญิง": "F", "เพศหญิง": "F", "f": "F", "female": "F", "girl": "F", "2": "F",
}  # fmt: skip


@functools.lru_cache(maxsize=1024)
def parse_sex(value: str) -> str:
    """``'M'`` or ``'F'`` from ช/ญ, ชาย/หญิง, M/F, 1/2. Raises ``ValueError``."""
    sex = _SEX.get(value.strip().replace(".", "").casefold())
    if sex is None:
        sex = _SEX.get(_compact(value).replace(".", ""))
        if sex is None:
            raise ValueError(_("อ่านเพศไม่ได้: ใช้ ช หรือ ญ (ชาย หรือ หญิง)"))
    return sex


PREFIXES = {
    # canonical prefix → sex it implies
    "เด็กชาย": "M",
    "เด็กหญิง": "F",
    "นาย": "M",
    "นางสาว": "F",
    "นาง": "F",
    "สามเณร": "M",
}
_PREFIX_ALIASES = {
    "เด็กชาย": "เด็กชาย", "ดช": "เด็กชาย", "ดซ": "เด็กชาย", "master": "เด็กชาย", "mstr": "เด็กชาย",
    "เด็กหญิง": "เด็กหญิง", "ดญ": "เด็กหญิง",
    "นาย": "นาย", "mr": "นาย",
    "นางสาว": "นางสาว", "นส": "นางสาว", "miss": "นางสาว", "ms": "นางสาว",
    "นาง": "นาง", "mrs": "นาง",
    "สามเณร": "สามเณร", "สณ": "สามเณร", "ณร": "สามเณร",
}  # fmt: skip


@functools.lru_cache(maxsize=1024)
def parse_prefix(value: str) -> tuple[str, str | None]:
    """``(canonical prefix, sex it implies)``: ด.ช. → เด็กชาย, ด.ญ. → เด็กหญิง, น.ส. → นางสาว …

    An unknown prefix raises ``ValueError``; the caller may keep it as written."""
    key = _compact(value).replace(".", "")
    canonical = _PREFIX_ALIASES.get(key)
    if canonical is None:
        raise ValueError(_("ไม่รู้จักคำนำหน้าชื่อนี้: ใช้ เด็กชาย เด็กหญิง นาย นางสาว หรือ นาง"))
    return canonical, PREFIXES[canonical]


# A prefix written into the first-name cell: "ด.ช.สมชาย", "เด็กหญิง มาลี", "นาย สมศักดิ์".
_PREFIX_IN_NAME_RE = re.compile(
    r"(เด็กชาย|เด็กหญิง|นางสาว|ด\s*\.\s*ช\s*\.?|ด\s*\.\s*ญ\s*\.?|น\s*\.\s*ส\s*\.?|นาย(?=\s)|นาง(?=\s))\s*(\S.*)"
)


def split_prefix(name: str) -> tuple[str, str] | None:
    """``("ด.ช.", "สมชาย")`` when a first name starts with a name prefix, else ``None``."""
    m = _PREFIX_IN_NAME_RE.fullmatch(name.strip())
    return (m.group(1), m.group(2)) if m else None


# ---------------------------------------------------------------------------------------------
# Numbers

_UNITS_RE = re.compile(r"\s*(?:กก\.?|กิโลกรัม|กิโล|kg\.?|kgs|ซม\.?|เซนติเมตร|เซน|cm\.?|บาท|กม\.?|km\.?)$", re.I)


def parse_decimal(value) -> Decimal:
    """A non-negative-or-negative decimal from ``"25.5"``, ``"25,5"``, ``"๒๕"``, ``"25 กก."``,
    ``"1,250.50"`` or a number from openpyxl. Raises ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(_("ต้องเป็นตัวเลข"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("ต้องเป็นตัวเลข"))
        return Decimal(repr(round(value, 4)))
    s = str(value).strip()
    if s.replace(".", "", 1).isdigit() and s.isascii():
        return Decimal(s)
    if not s.isascii():
        s = s.translate(_THAI_DIGITS_TABLE)
    s = _UNITS_RE.sub("", s).strip().replace(" ", "")
    if "," in s:
        # "25,5" is a decimal comma; "1,250" / "1,250.50" are thousands separators.
        if "." in s or re.fullmatch(r"\d{1,3}(?:,\d{3})+", s):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".", 1)
    if not re.fullmatch(r"-?\d+(?:\.\d+)?|-?\.\d+", s):
        raise ValueError(_("ต้องเป็นตัวเลข"))
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex above rules it out
        raise ValueError(_("ต้องเป็นตัวเลข")) from None
