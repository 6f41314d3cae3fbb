"""Realistic DMC student files (the data is generated, not real): for the demo district, the tests and
the benchmarks.

``make_students`` / ``iter_students`` produce student dicts with the canonical keys of
``datacollection.kinds.dmc.COLUMNS`` holding what a school would type (Thai labels, not codes):
valid national IDs (checksum computed), Thai and Muslim names, grades and rooms, birth dates that
fit the grade, plausible weight and height. ``write_csv`` and ``write_xlsx`` write them the way
schools' files really look (title rows, the duplicated เลขประจำตัวนักเรียน header, BE dates …).
``defect`` plants a value that is written verbatim, e.g. ``defect(s, 3, "national_id", "1.23457E+12")``.

A million rows: ``write_csv(iter_students(1_000_000, ...), path)`` streams (about 1 s per 100k rows).
"""

import csv
import datetime
import io
import random
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from aoc.thaidate import MONTHS_TH_SHORT
from datacollection.kinds.checks import EXCEL_EPOCH, GRADE_INDEX, national_id_check_digit

AS_OF = datetime.date(2025, 6, 10)  # round 1 of academic year 2568
SCHOOL_CODE = "1090140001"
SCHOOL_NAME = "โรงเรียนบ้านควนลัง"
PRIMARY = ("อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6")
EXTENDED = (*PRIMARY, "ม.1", "ม.2", "ม.3")

BOYS = (
    "ธนากร", "ณัฐวุฒิ", "กิตติพัฒน์", "ภูมิพัฒน์", "ธีรภัทร", "ปุณณวิช", "อนุชา", "วรเมธ", "ศุภกร", "พีรพล",
    "ชยพล", "ธนภัทร", "ก้องภพ", "ปกรณ์", "ณัฐพล", "ภาคิน", "ธนวัฒน์", "สมชาย", "กฤษดา", "จิรายุ",
)  # fmt: skip
GIRLS = (
    "ณัฐธิดา", "กัญญาณัฐ", "ปภาวรินทร์", "ชนิดาภา", "พิมพ์ชนก", "ธัญชนก", "สุชาดา", "อริสา", "วรรณิดา",
    "ณิชาภัทร", "กมลชนก", "ปาริชาติ", "ศิริพร", "เบญจวรรณ", "สมหญิง", "ณัฐณิชา", "พัชราภา", "อรอุมา",
)  # fmt: skip
MUSLIM_BOYS = (
    "มูฮัมหมัด", "อับดุลเลาะ", "อิบรอฮีม", "ฮาริส", "อัสมัน", "ซูไฮมี", "อาดัม", "อิลฮาม", "ฟาริส",
    "ยูซุฟ", "อาลีฟ", "ฮัมซะห์", "ซากี", "ริดวาน", "อับดุลรอฮีม",
)  # fmt: skip
MUSLIM_GIRLS = (
    "นูรีซา", "ฟาตีมะห์", "อาอีชะห์", "ซากีนะห์", "นูรฮายาตี", "มารีนา", "ซุลฟา", "ฮาวา", "อัสมา",
    "ซัลมา", "นาเดีย", "อามีนา", "ฮัซนะห์", "ซูไรยา",
)  # fmt: skip
SURNAMES = (
    "ใจดี", "ศรีสุข", "แก้วมณี", "ทองคำ", "บุญมา", "สุวรรณรัตน์", "ชัยมงคล", "รัตนพันธ์", "เพชรสุวรรณ",
    "ขุนทอง", "แสงจันทร์", "จันทร์แก้ว", "ศรีทอง", "นาคสุข", "พรหมแก้ว", "ทองขาว", "สุขสวัสดิ์", "เรืองศรี",
)  # fmt: skip
MUSLIM_SURNAMES = (
    "หมัดหลี", "สาและ", "ยูโซะ", "เจ๊ะหมัด", "หลีเส็น", "มะลี", "หวันหลี", "สะอิ", "โต๊ะเส็น", "ดาราหมัน",
    "เหมหมัน", "บิลังโหลด", "หลงหัน", "สมาแฮ",
)  # fmt: skip
FATHERS = ("สมศักดิ์", "ประเสริฐ", "วิชัย", "สุรชัย", "บุญเลิศ", "ชาตรี", "อำนาจ", "ไพโรจน์")
MOTHERS = ("สุนีย์", "มาลี", "วันเพ็ญ", "จันทร์เพ็ญ", "สุภาพร", "รัชนี", "อุไร", "ละเอียด")
MUSLIM_FATHERS = ("หมาด", "ร่อหีม", "สอและ", "อาหลี", "ดอเลาะ", "หมัดเส็น")
MUSLIM_MOTHERS = ("ฝาตีม๊ะ", "สะปิเยาะ", "ร่อกีเย๊าะ", "แอเสาะ", "มีเน๊าะ", "ซาเร๊าะ")
ADDRESSES = {
    ("หาดใหญ่", "9011"): ("หาดใหญ่", "ควนลัง", "คูเต่า", "คอหงส์", "คลองแห", "ฉลุง", "ทุ่งใหญ่", "ท่าข้าม", "พะตง"),
    ("รัตภูมิ", "9009"): ("กำแพงเพชร", "ท่าชะมวง", "คูหาใต้", "ควนรู", "เขาพระ"),
    ("ควนเนียง", "9013"): ("รัตภูมิ", "ควนโส", "ห้วยลึก", "บางเหรียง"),
    ("บางกล่ำ", "9014"): ("บางกล่ำ", "ท่าช้าง", "แม่ทอม", "บ้านหาร"),
    ("คลองหอยโข่ง", "9016"): ("คลองหอยโข่ง", "ทุ่งลาน", "โคกม่วง", "คลองหลา"),
}
STREETS = ("", "", "-", "ถ.เพชรเกษม", "ซ.1", "ถ.กาญจนวนิช", "ซ.ร่วมใจ")
OCCUPATIONS = ("รับจ้าง", "เกษตรกร", "ค้าขาย", "ทำสวนยาง", "ประมง", "รับราชการ", "พนักงานบริษัท", "ธุรกิจส่วนตัว")
RELATIONS = ("บิดา", "บิดา", "มารดา", "มารดา", "มารดา", "ปู่", "ย่า", "ตา", "ยาย", "ลุง", "ป้า", "น้า", "อา")
DISADVANTAGES = (
    "เด็กถูกทอดทิ้ง", "ชนกลุ่มน้อย", "กำพร้า", "อื่น ๆ", "ทำงานรับผิดชอบตนเองและครอบครัว", "เด็กเร่ร่อน",
)  # fmt: skip
DISABILITIES = ("บกพร่องทางการเรียนรู้", "บกพร่องทางสติปัญญา", "ออทิสติก", "บกพร่องทางการได้ยิน")
BLOOD = ("O", "O", "O", "B", "B", "A", "A", "AB")

# The common 36-column export (DOMAIN.md), in order: (header, key).
COLUMNS_36 = (
    ("รหัสโรงเรียน", "school_code"), ("ชื่อโรงเรียน", "school_name"), ("เลขประจำตัวประชาชน", "national_id"),
    ("ชั้น", "grade"), ("ห้อง", "room"), ("เลขประจำตัวนักเรียน", "student_number"), ("เพศ", "sex"),
    ("คำนำหน้าชื่อ", "prefix"), ("ชื่อ", "first_name"), ("นามสกุล", "last_name"), ("วันเกิด", "birth_date"),
    ("อายุ(ปี)", "age_years"), ("น้ำหนัก", "weight_kg"), ("ส่วนสูง", "height_cm"), ("กลุ่มเลือด", "blood_group"),
    ("ศาสนา", "religion"), ("เชื้อชาติ", "ethnicity"), ("สัญชาติ", "nationality"), ("บ้านเลขที่", "house_no"),
    ("หมู่", "moo"), ("ถนน/ซอย", "street"), ("ตำบล", "tambon"), ("อำเภอ", "amphoe"), ("จังหวัด", "province"),
    ("ชื่อผู้ปกครอง", "guardian_first_name"), ("นามสกุลผู้ปกครอง", "guardian_last_name"),
    ("อาชีพของผู้ปกครอง", "guardian_occupation"),
    ("ความเกี่ยวข้องของผู้ปกครองกับนักเรียน", "guardian_relation"), ("ชื่อบิดา", "father_first_name"),
    ("นามสกุลบิดา", "father_last_name"), ("อาชีพของบิดา", "father_occupation"),
    ("ชื่อมารดา", "mother_first_name"), ("นามสกุลมารดา", "mother_last_name"),
    ("อาชีพของมารดา", "mother_occupation"), ("ความด้อยโอกาส", "disadvantage"),
    ("ยังไม่สามารถจำหน่ายได้ (3.1.8)", "not_dischargeable"),
)  # fmt: skip
# The long export: more columns, another order, a second address block (kept only in raw) and
# a column the portal does not know.
COLUMNS_LONG = (
    ("ที่", None), ("รหัสโรงเรียน", "school_code"), ("ชื่อโรงเรียน", "school_name"),
    ("รหัสโรงเรียนสาขา", "branch_school_code"), ("ชั้น", "grade"), ("ห้อง", "room"),
    ("เลขประจำตัวนักเรียน", "student_number"), ("เลขประจำตัวประชาชน", "national_id"),
    ("คำนำหน้าชื่อ", "prefix"), ("ชื่อ", "first_name"), ("นามสกุล", "last_name"),
    ("ชื่อ (อังกฤษ)", "first_name_en"), ("นามสกุล (อังกฤษ)", "last_name_en"), ("เพศ", "sex"),
    ("วันเดือนปีเกิด", "birth_date"), ("อายุ(ปี)", "age_years"), ("น้ำหนัก (กิโลกรัม)", "weight_kg"),
    ("ส่วนสูง (เซนติเมตร)", "height_cm"), ("กลุ่มเลือด", "blood_group"), ("ศาสนา", "religion"),
    ("เชื้อชาติ", "ethnicity"), ("สัญชาติ", "nationality"), ("บ้านเลขที่", "house_no"), ("หมู่", "moo"),
    ("ถนน/ซอย", "street"), ("ตำบล", "tambon"), ("อำเภอ", "amphoe"), ("จังหวัด", "province"),
    ("บ้านเลขที่", None), ("หมู่", None), ("ตำบล", None), ("อำเภอ", None), ("จังหวัด", None),
    ("เลขประจำตัวประชาชนบิดา", "father_national_id"), ("ชื่อบิดา", "father_first_name"),
    ("นามสกุลบิดา", "father_last_name"), ("อาชีพของบิดา", "father_occupation"),
    ("รายได้บิดา (บาท/เดือน)", "father_income"), ("เบอร์โทรศัพท์บิดา", "father_phone"),
    ("เลขประจำตัวประชาชนมารดา", "mother_national_id"), ("ชื่อมารดา", "mother_first_name"),
    ("นามสกุลมารดา", "mother_last_name"), ("อาชีพของมารดา", "mother_occupation"),
    ("รายได้มารดา (บาท/เดือน)", "mother_income"), ("เบอร์โทรศัพท์มารดา", "mother_phone"),
    ("ชื่อผู้ปกครอง", "guardian_first_name"), ("นามสกุลผู้ปกครอง", "guardian_last_name"),
    ("อาชีพของผู้ปกครอง", "guardian_occupation"),
    ("ความเกี่ยวข้องของผู้ปกครองกับนักเรียน", "guardian_relation"),
    ("ความด้อยโอกาส", "disadvantage"), ("ขาดแคลนเครื่องแบบนักเรียน", "lacks_uniform"),
    ("ขาดแคลนเครื่องเขียน", "lacks_stationery"), ("ขาดแคลนแบบเรียน", "lacks_textbooks"),
    ("ขาดแคลนอาหารกลางวัน", "lacks_lunch"), ("ความพิการ", "disability"),
    ("ระยะทางจากบ้านถึงโรงเรียน (กม.)", "distance_km"), ("ยังไม่สามารถจำหน่ายได้ (3.1.8)", "not_dischargeable"),
    ("หมายเหตุ", None),
)  # fmt: skip
ENGLISH = {
    "school_code": "School Code", "school_name": "School Name", "national_id": "Citizen ID",
    "grade": "Class", "room": "Room", "student_number": "Student ID", "sex": "Gender",
    "prefix": "Prefix", "first_name": "First Name", "last_name": "Last Name",
    "birth_date": "Date of Birth", "age_years": "Age", "weight_kg": "Weight (kg)",
    "height_cm": "Height (cm)", "blood_group": "Blood Group", "religion": "Religion",
    "ethnicity": "Ethnicity", "nationality": "Nationality", "house_no": "House No", "moo": "Moo",
    "street": "Road/Soi", "tambon": "Subdistrict", "amphoe": "District", "province": "Province",
    "guardian_first_name": "Guardian First Name", "guardian_last_name": "Guardian Last Name",
    "guardian_occupation": "Guardian Occupation", "guardian_relation": "Guardian Relation",
    "father_first_name": "Father First Name", "father_last_name": "Father Last Name",
    "father_occupation": "Father Occupation", "mother_first_name": "Mother First Name",
    "mother_last_name": "Mother Last Name", "mother_occupation": "Mother Occupation",
    "disadvantage": "Disadvantage", "not_dischargeable": "Not Dischargeable (3.1.8)",
}  # fmt: skip
SHORT_PREFIX = {"เด็กชาย": "ด.ช.", "เด็กหญิง": "ด.ญ.", "นางสาว": "น.ส.", "นาย": "นาย", "นาง": "นาง"}
LONG_GRADE = {"อ": "อนุบาล ", "ป": "ประถมศึกษาปีที่ ", "ม": "มัธยมศึกษาปีที่ "}
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
# keys whose values are not written as they are stored (the others are plain text)
_FORMATTED = frozenset(
    {
        "birth_date", "national_id", "sex", "prefix", "grade", "room", "age_years", "weight_kg", "height_cm",
        "father_income", "mother_income", "distance_km",
    }
)  # fmt: skip


class Raw(str):
    """A value planted by ``defect``: written to the file exactly as given."""


def defect(students: list[dict], row_index: int, field: str, value) -> list[dict]:
    """Put ``value`` into ``students[row_index][field]``; strings are written verbatim."""
    students[row_index][field] = Raw(value) if isinstance(value, str) else value
    return students


def data_row(index: int, *, title_rows: int = 2) -> int:
    """The spreadsheet row number of student ``index`` (0-based) in a written file."""
    return title_rows + 2 + index


def columns(variant: str = "36col", *, duplicate_id_header: bool = True) -> list[tuple[str, str | None]]:
    """(header, key) in file order for a variant: "36col", "long" or "english"."""
    if variant == "36col":
        cols = list(COLUMNS_36)
        if duplicate_id_header:
            cols[2] = ("เลขประจำตัวนักเรียน", "national_id")
        return cols
    if variant == "long":
        return list(COLUMNS_LONG)
    if variant == "english":
        return [(ENGLISH[k], k) for _h, k in COLUMNS_36]
    raise ValueError(variant)


# ---------------------------------------------------------------------------------------------
# Students


def thai_id(rng: random.Random, first: str = "1", serial: int | None = None) -> str:
    body = first + "9011" + f"{serial if serial is not None else rng.randrange(10**7):07d}"
    return body + national_id_check_digit(body)


def iter_students(
    n: int,
    *,
    school_code: str = SCHOOL_CODE,
    school_grades: tuple[str, ...] = PRIMARY,
    seed: int = 0,
    as_of: datetime.date = AS_OF,
    school_name: str = SCHOOL_NAME,
    muslim_share: float = 0.35,
    foreign_share: float = 0.0,
    gcode_share: float = 0.0,
    serial_base: int | None = None,
) -> Iterator[dict]:
    """Students sorted by grade and room, each a dict of canonical keys. Their IDs run from
    ``serial_base`` (random unless given: give disjoint ranges to schools that must not share a student)."""
    rng = random.Random(seed)
    rand = rng.random
    choice = rng.choice
    academic_year = as_of.year if (as_of.month, as_of.day) >= (5, 16) else as_of.year - 1
    drawn = rng.randrange(2 * 10**6)
    serial_base = drawn if serial_base is None else serial_base
    grades = school_grades
    per_grade = max(1, n // len(grades))
    rooms = min(max(1, per_grade // 35), 12)
    addresses = [(a, t) for (a, _code), ts in ADDRESSES.items() for t in ts]
    parent_ids = [thai_id(rng, "3") for _ in range(499)]
    day0 = {}
    for i in range(n):
        grade = grades[min(i * len(grades) // n, len(grades) - 1)]
        idx = GRADE_INDEX[grade]
        # a few pupils a year older (late start, repeated year) or younger, never below the อ.1 minimum
        year = academic_year - 6 - idx - (rand() < 0.06) + (idx > -2 and rand() < 0.05)
        start = day0.get(year)
        if start is None:
            start = day0[year] = datetime.date(year, 1, 1)
        birth = start + datetime.timedelta(days=int(rand() * 365))
        age = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
        male = rand() < 0.51
        muslim = rand() < muslim_share
        if muslim:
            first = choice(MUSLIM_BOYS if male else MUSLIM_GIRLS)
            last = choice(MUSLIM_SURNAMES)
            father, mother = choice(MUSLIM_FATHERS), choice(MUSLIM_MOTHERS)
            religion = "อิสลาม"
        else:
            first = choice(BOYS if male else GIRLS)
            last = choice(SURNAMES)
            father, mother = choice(FATHERS), choice(MOTHERS)
            religion = "คริสต์" if rand() < 0.01 else "พุทธ"
        r = rand()
        if r < gcode_share:
            nid = f"G{academic_year % 100 + 43:02d}90{serial_base + i:08d}"
        elif r < gcode_share + foreign_share:
            nid = thai_id(rng, "0", (serial_base + i) % 10**7)
        else:
            nid = thai_id(rng, "1", (serial_base + i) % 10**7)
        height = 77 + 6.2 * max(age, 2) + rng.gauss(0, 4)
        weight = (height / 100) ** 2 * min(max(rng.gauss(16.5, 2.2), 12.5), 27)
        amphoe, tambon = choice(addresses)
        relation = choice(RELATIONS)
        if relation == "บิดา":
            guardian = (father, last)
        elif relation == "มารดา":
            guardian = (mother, last)
        else:
            guardian = (choice(MUSLIM_MOTHERS if muslim else MOTHERS), last)
        poor = rand() < 0.25
        yield {
            "school_code": school_code,
            "school_name": school_name,
            "national_id": nid,
            "grade": grade,
            "room": str(1 + i % rooms),
            "student_number": str(10001 + i),
            "sex": "M" if male else "F",
            "prefix": ("นาย" if male else "นางสาว") if age >= 15 else ("เด็กชาย" if male else "เด็กหญิง"),
            "first_name": first,
            "last_name": last,
            "birth_date": birth,
            "age_years": age,
            "weight_kg": Decimal(f"{weight:.1f}"),
            "height_cm": Decimal(f"{height:.0f}"),
            "blood_group": choice(BLOOD),
            "religion": religion,
            "ethnicity": "ไทย",
            "nationality": "ไทย",
            "house_no": f"{rng.randrange(1, 300)}" + (f"/{rng.randrange(1, 9)}" if rand() < 0.2 else ""),
            "moo": str(rng.randrange(1, 12)),
            "street": choice(STREETS),
            "tambon": tambon,
            "amphoe": amphoe,
            "province": "สงขลา",
            "guardian_first_name": guardian[0],
            "guardian_last_name": guardian[1],
            "guardian_occupation": choice(OCCUPATIONS),
            "guardian_relation": relation,
            "father_first_name": father,
            "father_last_name": last,
            "father_occupation": choice(OCCUPATIONS),
            "mother_first_name": mother,
            "mother_last_name": last,
            "mother_occupation": choice(OCCUPATIONS),
            "disadvantage": "เด็กยากจน" if poor else (choice(DISADVANTAGES) if rand() < 0.02 else ""),
            "not_dischargeable": "",
            "disability": choice(DISABILITIES) if rand() < 0.02 else "",
            "first_name_en": "",
            "last_name_en": "",
            "branch_school_code": "",
            "father_national_id": choice(parent_ids),
            "mother_national_id": choice(parent_ids),
            "father_income": Decimal(rng.randrange(30, 250) * 100),
            "mother_income": Decimal(rng.randrange(0, 200) * 100),
            "father_phone": f"08{rng.randrange(10**8):08d}",
            "mother_phone": f"09{rng.randrange(10**8):08d}",
            "lacks_uniform": "ขาดแคลน" if poor and rand() < 0.5 else "",
            "lacks_stationery": "",
            "lacks_textbooks": "",
            "lacks_lunch": "ขาดแคลน" if poor and rand() < 0.3 else "",
            "distance_km": Decimal(f"{rand() * 8:.1f}"),
        }


def make_students(
    n: int,
    *,
    school_code: str = SCHOOL_CODE,
    school_grades: tuple[str, ...] = PRIMARY,
    seed: int = 0,
    as_of: datetime.date = AS_OF,
    **options,
) -> list[dict]:
    return list(
        iter_students(
            n, school_code=school_code, school_grades=school_grades, seed=seed, as_of=as_of, **options
        )
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _formatter(
    *,
    be_dates: bool,
    thai_months: bool,
    thai_digits: bool,
    id_dashes: bool,
    sex_style: str,
    short_prefixes: bool,
    long_grades: bool,
    room_in_grade: bool,
    dates: str,
):
    """A function (key, value, student) → cell value."""
    date_cache: dict[datetime.date, object] = {}

    def fmt_date(d: datetime.date):
        out = date_cache.get(d)
        if out is None:
            if dates == "serial":
                out = (d - EXCEL_EPOCH).days
            elif dates == "datetime":
                out = datetime.datetime(d.year, d.month, d.day)
            else:
                year = d.year + 543 if be_dates else d.year
                if thai_months:
                    out = f"{d.day} {MONTHS_TH_SHORT[d.month - 1]} {year}"
                else:
                    out = f"{d.day:02d}/{d.month:02d}/{year}"
                if thai_digits:
                    out = out.translate(_THAI_DIGITS)
            date_cache[d] = out
        return out

    sex_words = {"short": ("ช", "ญ"), "long": ("ชาย", "หญิง"), "en": ("M", "F")}[sex_style]

    def fmt(key, value, student):
        if value is None:
            return ""
        if isinstance(value, Raw):
            return str(value)
        if key == "birth_date":
            return fmt_date(value)
        if key == "national_id":
            if id_dashes and len(value) == 13 and value.isdigit():
                value = f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"
            return value.translate(_THAI_DIGITS) if thai_digits else value
        if key == "sex":
            return sex_words[0] if value == "M" else sex_words[1] if value == "F" else value
        if key == "prefix" and short_prefixes:
            return SHORT_PREFIX.get(value, value)
        if key == "grade":
            if long_grades:
                value = LONG_GRADE[value[0]] + value[2:]
            if room_in_grade:
                value = f"{value}/{student.get('room', '')}"
            return value
        if key == "room" and room_in_grade:
            return ""
        if isinstance(value, Decimal | int | float):
            value = str(value)
            return value.translate(_THAI_DIGITS) if thai_digits else value
        return value

    return fmt


def _title_rows(n: int, as_of: datetime.date, school_name: str) -> list[str]:
    titles = [
        f"ข้อมูลนักเรียนรายบุคคล ปีการศึกษา {as_of.year + 543 - (as_of.month < 5)} (ข้อมูลทดสอบ สร้างขึ้น ไม่ใช่ข้อมูลจริง)",
        f"{school_name} สพป.สงขลา เขต 2 ข้อมูล ณ วันที่ {as_of.day} {MONTHS_TH_SHORT[as_of.month - 1]} "
        f"{as_of.year + 543}",
        "",
    ]
    return [titles[min(i, 2)] for i in range(n)]


def iter_rows(
    students: Iterable[dict],
    *,
    variant: str = "36col",
    duplicate_id_header: bool = True,
    be_dates: bool = True,
    thai_months: bool = False,
    thai_digits: bool = False,
    id_dashes: bool = False,
    sex_style: str = "short",
    short_prefixes: bool = False,
    long_grades: bool = False,
    room_in_grade: bool = False,
    dates: str = "text",
) -> Iterator[list]:
    """The header row, then one list of cell values per student."""
    cols = columns(variant, duplicate_id_header=duplicate_id_header)
    yield [h for h, _k in cols]
    fmt = _formatter(
        be_dates=be_dates,
        thai_months=thai_months,
        thai_digits=thai_digits,
        id_dashes=id_dashes,
        sex_style=sex_style,
        short_prefixes=short_prefixes,
        long_grades=long_grades,
        room_in_grade=room_in_grade,
        dates=dates,
    )
    plan = [(k or ("#" if h == "ที่" else ""), k in _FORMATTED) for h, k in cols]
    for n, s in enumerate(students, start=1):
        get = s.get
        yield [
            fmt(k, get(k), s) if formatted else (get(k) or "") if len(k) > 1 else (str(n) if k else "")
            for k, formatted in plan
        ]


def write_csv(
    students: Iterable[dict],
    path_or_buffer,
    *,
    encoding: str = "utf-8-sig",
    title_rows: int = 2,
    delimiter: str = ",",
    as_of: datetime.date = AS_OF,
    school_name: str = SCHOOL_NAME,
    **options,
) -> None:
    """Write a CSV like the ones schools send. ``path_or_buffer``: a path, a binary or a text buffer.

    options: variant ("36col", "long", "english"), duplicate_id_header, be_dates, thai_months,
    thai_digits, id_dashes, sex_style ("short" ช/ญ, "long" ชาย/หญิง, "en"), short_prefixes,
    long_grades, room_in_grade (ม.1/2 in the grade column).
    """
    rows = iter_rows(students, **options)
    header = next(rows)

    def emit(f):
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        for title in _title_rows(title_rows, as_of, school_name):
            w.writerow([title] if title else [])
        w.writerow(header)
        w.writerows(rows)

    if isinstance(path_or_buffer, str | Path):
        with open(path_or_buffer, "w", encoding=encoding, newline="") as f:
            emit(f)
    elif isinstance(path_or_buffer, io.TextIOBase):
        emit(path_or_buffer)
    else:
        f = io.TextIOWrapper(path_or_buffer, encoding=encoding, newline="")
        emit(f)
        f.flush()
        f.detach()


def csv_bytes(students: Iterable[dict], **options) -> bytes:
    buf = io.BytesIO()
    write_csv(students, buf, **options)
    return buf.getvalue()


def write_xlsx(
    students: Iterable[dict],
    path_or_buffer,
    *,
    title_rows: int = 2,
    dates: str = "serial",
    ids_as_numbers: bool = False,
    sheet_name: str = "ข้อมูลนักเรียน",
    sheets_before: tuple[str, ...] = (),
    merge: str | None = None,
    formula_cell: str | None = None,
    as_of: datetime.date = AS_OF,
    school_name: str = SCHOOL_NAME,
    **options,
) -> None:
    """Write an XLSX like the ones schools send.

    dates: "serial" (Excel serial numbers in General cells), "datetime" (real date cells) or
    "text" (BE text); ids_as_numbers: IDs as numeric cells (Excel drops a leading 0);
    sheets_before: other sheets in front of the data sheet; merge: a range such as "A1:F1" or
    "D5:D6" to merge; formula_cell: a cell such as "L4" that gets a formula. Other options as
    write_csv. Lists of up to 20,000 students are written as Excel writes them (shared strings);
    bigger ones and iterators are streamed in openpyxl's write-only mode.
    """
    import openpyxl  # only xlsx callers pay for it

    rows = iter_rows(students, dates=dates, **options)
    # A normal workbook writes what Excel writes (shared strings, a <dimension>); write-only mode
    # (inline strings, no dimension, slower for openpyxl to read back) keeps big files in bounds.
    small = isinstance(students, list | tuple) and len(students) <= XLSX_NORMAL_MODE_ROWS
    normal = small or merge is not None or formula_cell is not None
    wb = openpyxl.Workbook(write_only=not normal)
    if normal:
        wb.remove(wb.active)
    for name in sheets_before:
        other = wb.create_sheet(name)
        other.append(["สรุปจำนวนนักเรียน"])
        other.append(["ชั้น", "ชาย", "หญิง", "รวม"])
        other.append(["ป.1", 10, 12, 22])
    ws = wb.create_sheet(sheet_name)
    for title in _title_rows(title_rows, as_of, school_name):
        ws.append([title or None])
    header = next(rows)
    ws.append(header)
    id_cols = [i for i, h in enumerate(header) if h in ("เลขประจำตัวประชาชน", "Citizen ID")]
    if header.count("เลขประจำตัวนักเรียน") == 2:
        id_cols.append(header.index("เลขประจำตัวนักเรียน"))
    for values in rows:
        if ids_as_numbers:
            for i in id_cols:
                v = values[i]
                if isinstance(v, str) and v.isdigit() and not isinstance(v, Raw):
                    values[i] = int(v)
        ws.append([None if v == "" else v for v in values])
    if merge:
        ws.merge_cells(merge)
    if formula_cell:
        ws[formula_cell] = "=1+1"
    wb.save(path_or_buffer)


XLSX_NORMAL_MODE_ROWS = 20_000


def xlsx_bytes(students: Iterable[dict], **options) -> bytes:
    buf = io.BytesIO()
    write_xlsx(students, buf, **options)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Throughput check, run by hand (not a test):
#   DATABASE_URL=… .venv/bin/python manage.py shell -c \
#     "from datacollection.samples import benchmark; benchmark(100_000)"


def benchmark(n: int = 100_000, *, path: str | None = None, fmt: str = "csv", seed: int = 7) -> dict:
    """Write ``n`` students (unless ``path`` exists), parse them with read_dmc, print rows/s and peak RSS."""
    import resource  # Unix only, and only needed for this hand-run check
    import time

    from datacollection.kinds.dmc import DEFAULT_LOOKUPS, DmcContext, read_dmc

    path = path or f"/tmp/dmc_students_{n}.{fmt}"  # noqa: S108 - a scratch file for a hand-run check
    started = time.perf_counter()
    if not Path(path).exists():
        if fmt == "csv":
            write_csv(iter_students(n, seed=seed), path)
        else:
            write_xlsx(make_students(n, seed=seed) if n <= XLSX_NORMAL_MODE_ROWS else iter_students(n), path)
    generated = time.perf_counter() - started
    ctx = DmcContext(school_code=SCHOOL_CODE, school_grades=PRIMARY, as_of=AS_OF, lookups=DEFAULT_LOOKUPS)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open(path, "rb") as f:
        reader = read_dmc(f, path, ctx, max_bytes=4 * 1024**3, max_rows=10 * n + 10)
        rows = sum(1 for _row in reader)
    seconds = time.perf_counter() - started
    result = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(rss_before / 1024),
        "file_mb": round(Path(path).stat().st_size / 1024**2, 1),
        "generate_seconds": round(generated, 2),
        "errors": reader.error_count,
        "warnings": reader.warning_count,
    }
    print(result)
    return result
