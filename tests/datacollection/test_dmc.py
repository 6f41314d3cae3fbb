"""DMC student files as schools really send them (datacollection/kinds/dmc.py, report.py).
Pure tests: no database."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from datacollection import samples as F
from datacollection.kinds.checks import national_id_check_digit
from datacollection.kinds.dmc import COLUMNS, DEFAULT_LOOKUPS, DmcContext, Issue, read_dmc
from datacollection.kinds.report import write_error_report
from datacollection.kinds.tabular import FileError

D = datetime.date
CTX = DmcContext(school_code=F.SCHOOL_CODE, school_grades=F.PRIMARY, as_of=F.AS_OF, lookups=DEFAULT_LOOKUPS)
ID_HEADER = "เลขประจำตัวนักเรียน"  # the first of the two in the 36-column export holds the national ID


def read(data: bytes, name: str = "dmc.csv", ctx: DmcContext = CTX):
    reader = read_dmc(io.BytesIO(data), name, ctx, max_bytes=20 * 1024 * 1024, max_rows=100_000)
    return reader, list(reader)


def codes(rows, index: int | None = None, *, title_rows: int = 2) -> set[str]:
    """Issue codes of one student (by index) or of all rows."""
    if index is None:
        return {i.code for _n, _r, issues in rows for i in issues}
    wanted = F.data_row(index, title_rows=title_rows)
    return {i.code for n, _r, issues in rows if n == wanted for i in issues}


def issue(rows, index: int, code: str, *, title_rows: int = 2) -> Issue:
    wanted = F.data_row(index, title_rows=title_rows)
    return next(i for n, _r, issues in rows if n == wanted for i in issues if i.code == code)


def record(rows, index: int, *, title_rows: int = 2) -> dict:
    wanted = F.data_row(index, title_rows=title_rows)
    return next(r for n, r, _i in rows if n == wanted)


@pytest.fixture
def students():
    return F.make_students(20, seed=11, muslim_share=0.4)


def boy(students) -> int:
    return next(i for i, s in enumerate(students) if s["sex"] == "M")


def girl(students) -> int:
    return next(i for i, s in enumerate(students) if s["sex"] == "F")


def first_in(students, grade: str) -> int:
    return next(i for i, s in enumerate(students) if s["grade"] == grade)


# -- clean files in every shape --------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"encoding": "utf-8"},
        {"encoding": "cp874"},
        {"variant": "long"},
        {"variant": "english"},
        {"title_rows": 0},
        {"title_rows": 1},
        {"be_dates": False},
        {"thai_months": True},
        {"thai_digits": True},
        {"id_dashes": True},
        {"thai_digits": True, "id_dashes": True, "encoding": "cp874"},
        {"sex_style": "long"},
        {"sex_style": "en"},
        {"short_prefixes": True},
        {"long_grades": True},
        {"room_in_grade": True},
        {"duplicate_id_header": False},
        {"delimiter": ";"},
    ],
)
def test_clean_csv_files_read_without_issues(students, options):
    title_rows = options.get("title_rows", 2)
    reader, rows = read(F.csv_bytes(students, **options))
    assert reader.file_issues == []
    assert codes(rows) == set()
    assert len(rows) == 20
    for index, s in enumerate(students):
        n, r, _issues = rows[index]
        assert n == F.data_row(index, title_rows=title_rows)
        assert r["national_id"] == s["national_id"]
        assert r["id_kind"] == "thai"
        assert r["grade"] == s["grade"]
        assert r["room"] == s["room"]
        assert r["sex"] == s["sex"]
        assert r["prefix"] == s["prefix"]
        assert r["first_name"] == s["first_name"]
        assert r["birth_date"] == s["birth_date"]
        assert r["weight_kg"] == s["weight_kg"]
        assert r["height_cm"] == s["height_cm"]
        assert r["religion"] == DEFAULT_LOOKUPS["religion"][s["religion"]]
        assert r["school_code"] == F.SCHOOL_CODE


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dates": "datetime"},
        {"dates": "text"},
        {"dates": "text", "thai_months": True},
        {"ids_as_numbers": True},
        {"variant": "long"},
        {"title_rows": 1, "sheets_before": ("สรุป",)},
    ],
)
def test_clean_xlsx_files_read_without_issues(students, options):
    title_rows = options.get("title_rows", 2)
    reader, rows = read(F.xlsx_bytes(students, **options), "dmc.xlsx")
    assert reader.table.format == "xlsx"
    assert reader.file_issues == []
    assert codes(rows) == set()
    for index, s in enumerate(students):
        r = record(rows, index, title_rows=title_rows)
        assert (r["national_id"], r["birth_date"], r["weight_kg"]) == (
            s["national_id"],
            s["birth_date"],
            s["weight_kg"],
        )
        assert r["student_number"] == s["student_number"]


def test_record_has_every_canonical_key(students):
    _reader, rows = read(F.csv_bytes(students))
    r = rows[0][1]
    assert {c.key for c in COLUMNS} | {"id_kind", "raw"} <= set(r)
    assert isinstance(r["birth_date"], D) and isinstance(r["weight_kg"], Decimal)


def test_duplicated_student_id_header(students):
    reader, rows = read(F.csv_bytes(students))
    assert reader.headers.count(ID_HEADER) == 2
    assert reader.column_map["national_id"] == 2
    assert reader.column_map["student_number"] == 5
    raw = rows[0][1]["raw"]
    assert raw[ID_HEADER] == students[0]["national_id"]
    assert raw[f"{ID_HEADER} (2)"] == students[0]["student_number"]


def test_long_export_keeps_extra_columns_and_unknown_ones_in_raw(students):
    reader, rows = read(F.csv_bytes(students, variant="long"))
    assert reader.column_map["national_id"] == reader.headers.index("เลขประจำตัวประชาชน")
    assert reader.column_map["student_number"] == reader.headers.index(ID_HEADER)
    assert {"ที่", "หมายเหตุ"} <= set(reader.unmapped)
    assert reader.headers.count("บ้านเลขที่") == 2
    r = rows[0][1]
    assert r["father_national_id"] == students[0]["father_national_id"]
    assert r["father_income"] == students[0]["father_income"]
    assert r["distance_km"] == students[0]["distance_km"]
    assert "หมายเหตุ" in r["raw"] and "บ้านเลขที่ (2)" in r["raw"]


def _rows_without(students, *headers, variant="36col", **options):
    rows = list(F.iter_rows(students, variant=variant, **options))
    keep = [i for i, h in enumerate(rows[0]) if h not in headers]
    return [[row[i] for i in keep] for row in rows]


def _csv(rows, title_rows: int = 0) -> bytes:
    lines = [""] * title_rows + [",".join(f'"{c}"' for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_a_single_student_id_column_holding_national_ids_is_the_national_id(students):
    rows = _rows_without(students, "เลขประจำตัวนักเรียน", duplicate_id_header=False)
    rows = [[*row[:2], row[2], *row[3:]] for row in rows]
    rows[0][2] = ID_HEADER
    reader, parsed = read(_csv(rows))
    assert reader.column_map["national_id"] == 2
    assert "student_number" not in reader.column_map
    assert codes(parsed) == set()


def test_a_single_student_id_column_of_school_numbers_is_the_student_number(students):
    rows = _rows_without(students, "เลขประจำตัวประชาชน", duplicate_id_header=False)
    reader, parsed = read(_csv(rows))
    assert reader.column_map["student_number"] == reader.headers.index(ID_HEADER)
    assert [(i.code, i.column) for i in reader.file_issues] == [("missing_column", "เลขประจำตัวประชาชน")]
    assert parsed[0][1]["national_id"] == ""


def test_missing_required_column_is_a_file_issue(students):
    reader, parsed = read(_csv(_rows_without(students, "วันเกิด")))
    assert [(i.code, i.column, i.severity, i.row) for i in reader.file_issues] == [
        ("missing_column", "วันเกิด", "error", 1)
    ]
    assert "required" not in codes(parsed)


def test_missing_sex_column_is_read_from_prefixes(students):
    reader, parsed = read(_csv(_rows_without(students, "เพศ")))
    assert [(i.code, i.severity) for i in reader.file_issues] == [("sex_column_missing", "warning")]
    assert [r["sex"] for _n, r, _i in parsed] == [s["sex"] for s in students]
    assert codes(parsed) == set()


def test_header_text_variants_are_mapped():
    header = [
        "เลขประจำตัวประชาชน 13 หลัก*",
        "ระดับชั้น",
        "ห้องเรียน",
        "เพศ",
        "คำนำหน้า",
        "ชื่อนักเรียน",
        "นามสกุลนักเรียน",
        "วันเดือนปีเกิด (วว/ดด/ปปปป)",
        "น้ำหนัก (กก.)",
        "ส่วนสูง (ซม.)",
    ]
    row = ["1234567890121", "ป.1", "1", "ช", "ด.ช.", "ธนากร", "ใจดี", "01/02/2561", "22", "120"]
    reader, parsed = read(_csv([header, row], title_rows=1))
    assert set(reader.column_map) == {
        "national_id",
        "grade",
        "room",
        "sex",
        "prefix",
        "first_name",
        "last_name",
        "birth_date",
        "weight_kg",
        "height_cm",
    }
    assert parsed[0][0] == 3
    assert codes(parsed) == set()


# -- national IDs ------------------------------------------------------------------------------


def test_scientific_notation_in_one_row_is_a_row_error(students):
    F.defect(students, 4, "national_id", "1.23457E+12")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, 4, "id_scientific")
    assert (found.row, found.column, found.severity, found.value) == (8, ID_HEADER, "error", "1.23457E+12")
    assert "จัดรูปแบบคอลัมน์เป็นข้อความ (Text) แล้วส่งออกใหม่" in found.message


def test_a_whole_column_in_scientific_notation_refuses_the_file(students):
    for i in range(len(students)):
        F.defect(students, i, "national_id", f"1.{i:05d}E+12")
    with pytest.raises(FileError) as info:
        read(F.csv_bytes(students))
    assert info.value.code == "scientific_notation"
    assert "Text" in info.value.message and ID_HEADER in info.value.message


@pytest.mark.parametrize(
    "written",
    [
        "๑๒๓๔๕๖๗๘๙๐๑๒๑",
        "1-2345-67890-12-1",
        "1 2345 67890 12 1",
        " 1234567890121 ",
        "1234567890121.0",
        "1\u200b234567890121",
    ],
)
def test_ids_with_thai_digits_dashes_and_spaces(students, written):
    F.defect(students, 2, "national_id", written)
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, 2) == set()
    assert record(rows, 2)["national_id"] == "1234567890121"


def test_g_code_is_accepted_without_checksum(students):
    F.defect(students, 1, "national_id", "g-6442-0000-0001")
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, 1) == set()
    assert (record(rows, 1)["national_id"], record(rows, 1)["id_kind"]) == ("G644200000001", "gcode")


def test_checksum_failure_is_an_error_for_thai_ids(students):
    F.defect(students, 3, "national_id", "1234567890122")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 3, "id_checksum").severity == "error"
    assert record(rows, 3)["national_id"] == "1234567890122"


def _foreign(valid: bool) -> str:
    body = "023456789012"
    digit = int(national_id_check_digit(body))
    return body + str(digit if valid else (digit + 1) % 10)


def test_checksum_failure_is_a_warning_for_ids_starting_with_zero(students):
    F.defect(students, 3, "national_id", _foreign(valid=False))
    F.defect(students, 4, "national_id", _foreign(valid=True))
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 3, "id_checksum_foreign").severity == "warning"
    assert codes(rows, 4) == set()
    assert record(rows, 4)["id_kind"] == "foreign"


def test_leading_zero_dropped_by_excel_is_restored_with_a_warning(students):
    students[5]["national_id"] = _foreign(valid=True)  # a plain value, written as a number
    _reader, rows = read(F.xlsx_bytes(students, ids_as_numbers=True), "dmc.xlsx")
    assert issue(rows, 5, "id_leading_zero").severity == "warning"
    assert (record(rows, 5)["national_id"], record(rows, 5)["id_kind"]) == (_foreign(valid=True), "foreign")


@pytest.mark.parametrize("written", ["", "-", "12345", "ไม่มีเลข", "0000000000000"])
def test_missing_or_malformed_ids(students, written):
    F.defect(students, 6, "national_id", written)
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, 6) & {"required", "id_format"}
    assert all(i.severity == "error" for i in rows[6][2])


# -- sex, prefixes, names --------------------------------------------------------------------


@pytest.mark.parametrize(("written", "sex"), [("ช", "M"), ("ชาย", "M"), ("M", "M"), ("ญ", "F"), ("หญิง", "F")])
def test_sex_forms(students, written, sex):
    index = boy(students) if sex == "M" else girl(students)
    F.defect(students, index, "sex", written)
    _reader, rows = read(F.csv_bytes(students))
    assert record(rows, index)["sex"] == sex
    assert codes(rows, index) == set()


@pytest.mark.parametrize(("written", "prefix"), [("ด.ช.", "เด็กชาย"), ("ดช", "เด็กชาย"), ("เด็กชาย", "เด็กชาย")])
def test_prefix_forms(students, written, prefix):
    index = next(i for i, s in enumerate(students) if s["prefix"] == "เด็กชาย")
    F.defect(students, index, "prefix", written)
    _reader, rows = read(F.csv_bytes(students))
    assert record(rows, index)["prefix"] == prefix
    assert codes(rows, index) == set()


def test_prefix_and_sex_must_agree(students):
    index = boy(students)
    F.defect(students, index, "prefix", "ด.ญ.")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, index, "prefix_sex_mismatch")
    assert (found.severity, found.column) == ("error", "คำนำหน้าชื่อ")


def test_unknown_prefix_is_kept_with_a_warning(students):
    F.defect(students, 0, "prefix", "ดร.")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "prefix_unknown").severity == "warning"
    assert record(rows, 0)["prefix"] == "ดร."


def test_prefix_written_into_the_first_name_is_split_off(students):
    index = boy(students)
    F.defect(students, index, "prefix", "")
    F.defect(students, index, "first_name", "ด.ช.สมชาย")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, "prefix_in_name").severity == "warning"
    r = record(rows, index)
    assert (r["prefix"], r["first_name"], r["sex"]) == ("เด็กชาย", "สมชาย", "M")


def test_missing_sex_is_taken_from_the_prefix_with_a_warning(students):
    index = girl(students)
    F.defect(students, index, "sex", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, "sex_from_prefix").severity == "warning"
    assert record(rows, index)["sex"] == "F"


def test_missing_sex_and_prefix_is_an_error(students):
    F.defect(students, 0, "sex", "")
    F.defect(students, 0, "prefix", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "required").column == "เพศ"


def test_unreadable_sex_is_an_error(students):
    F.defect(students, 0, "sex", "x")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "sex_invalid").severity == "error"


def test_names_required_and_digits_warned(students):
    F.defect(students, 0, "first_name", "")
    F.defect(students, 1, "last_name", "ใจดี2")
    F.defect(students, 2, "first_name", "  มาลี   สุข  ")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "required").column == "ชื่อ"
    assert issue(rows, 1, "name_digits").severity == "warning"
    assert record(rows, 2)["first_name"] == "มาลี สุข"


# -- grades and rooms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "grade", "room"),
    [
        ("ประถมศึกษาปีที่ 4", "ป.4", None),
        ("ป4", "ป.4", None),
        ("ป.๔", "ป.4", None),
        ("ป.4/3", "ป.4", "3"),
    ],
)
def test_grade_forms(students, written, grade, room):
    index = first_in(students, "ป.4")
    F.defect(students, index, "grade", written)
    if room:
        F.defect(students, index, "room", "")
    _reader, rows = read(F.csv_bytes(students))
    r = record(rows, index)
    assert (r["grade"], r["room"]) == (grade, room or students[index]["room"])
    assert codes(rows, index) == set()


def test_kindergarten_grade_forms(students):
    index = first_in(students, "อ.2")
    for written in ("อนุบาล 2", "อบ.2", "อนุบาลปีที่ 2"):
        F.defect(students, index, "grade", written)
        _reader, rows = read(F.csv_bytes(students))
        assert record(rows, index)["grade"] == "อ.2"


def test_room_written_in_the_grade_column_against_the_room_column(students):
    index = first_in(students, "ป.4")
    F.defect(students, index, "grade", "ป.4/3")
    F.defect(students, index, "room", "1")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, "room_mismatch").severity == "warning"
    assert record(rows, index)["room"] == "1"


def test_secondary_grade_with_room(students):
    ctx = DmcContext(F.SCHOOL_CODE, F.EXTENDED, F.AS_OF, DEFAULT_LOOKUPS)
    extended = F.make_students(24, school_grades=F.EXTENDED, seed=2)
    _reader, rows = read(F.csv_bytes(extended, room_in_grade=True), ctx=ctx)
    assert codes(rows) == set()
    index = first_in(extended, "ม.1")
    assert (record(rows, index)["grade"], record(rows, index)["room"]) == ("ม.1", extended[index]["room"])


def test_grade_the_school_does_not_offer_is_an_error(students):
    F.defect(students, 19, "grade", "ม.1")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, 19, "grade_not_offered")
    assert found.severity == "error"
    assert "อ.1–ป.6" in found.message


def test_unreadable_grade_is_an_error(students):
    F.defect(students, 0, "grade", "ป.9")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "grade_invalid").severity == "error"


def test_an_english_grade_above_12_is_an_error_not_a_crash(students):
    F.defect(students, 3, "grade", "Grade 13")
    F.defect(students, 4, "grade", "Grade 14")
    F.defect(students, 4, "birth_date", "")  # the usual age for the grade is then looked up
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 3, "grade_invalid").severity == "error"
    assert {"grade_invalid", "required"} <= codes(rows, 4)


# -- dates and ages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "15/03/2561",
        "15/3/61",
        "15 มี.ค. 2561",
        "15 มีนาคม 2561",
        "๑๕/๐๓/๒๕๖๑",
        "2018-03-15",
        "15/03/2018",
        "43174",
    ],
)
def test_birth_date_forms(students, written):
    index = first_in(students, "ป.1")
    F.defect(students, index, "birth_date", written)
    _reader, rows = read(F.csv_bytes(students))
    assert record(rows, index)["birth_date"] == D(2018, 3, 15)
    assert codes(rows, index) == set()


def test_unreadable_birth_date_is_an_error_with_the_reason(students):
    F.defect(students, 0, "birth_date", "31/02/2561")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, 0, "date_invalid")
    assert found.severity == "error" and "31" in found.message
    assert record(rows, 0)["birth_date"] is None


def test_birth_date_after_the_as_of_date_is_an_error(students):
    F.defect(students, 0, "birth_date", "01/01/2570")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "birth_future").severity == "error"


def test_missing_birth_date_is_an_error(students):
    F.defect(students, 0, "birth_date", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "required").column == "วันเกิด"


def test_age_far_above_the_grade_is_a_warning(students):
    index = first_in(students, "ป.1")  # usually born 2561 (2018)
    F.defect(students, index, "birth_date", "10/10/2557")
    F.defect(students, index, "age_years", "")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, index, "age_high")
    assert found.severity == "warning" and "2561" in found.message


def test_age_within_two_years_is_not_warned(students):
    index = first_in(students, "ป.1")
    F.defect(students, index, "birth_date", "10/10/2559")
    F.defect(students, index, "age_years", "")
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, index) == set()


def test_age_below_the_grade_is_a_warning(students):
    index = first_in(students, "ป.1")
    F.defect(students, index, "birth_date", "10/10/2563")
    F.defect(students, index, "age_years", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, "age_low").severity == "warning"


def test_kindergarten_one_needs_three_full_years_on_16_may(students):
    index = first_in(students, "อ.1")
    F.defect(students, index, "birth_date", "20/05/2565")  # 2 years old on 16 May 2568
    F.defect(students, index, "age_years", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, "age_below_kindergarten").severity == "warning"
    F.defect(students, index, "birth_date", "10/05/2565")  # 3 on 16 May 2568
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, index) == set()


def test_age_column_that_disagrees_with_the_birth_date_is_a_warning(students):
    F.defect(students, 0, "age_years", "12")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "age_mismatch").severity == "warning"
    assert record(rows, 0)["age_years"] == 12


# -- weight and height -----------------------------------------------------------------------


@pytest.mark.parametrize("written", ["0", "", "-", "0.0"])
def test_zero_or_empty_weight_means_not_filled_in(students, written):
    F.defect(students, 0, "weight_kg", written)
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "not_filled").severity == "warning"
    assert record(rows, 0)["weight_kg"] is None


@pytest.mark.parametrize(
    ("field", "written", "code", "severity"),
    [
        ("weight_kg", "abc", "number_invalid", "error"),
        ("weight_kg", "1500", "number_out_of_range", "error"),
        ("weight_kg", "-5", "number_out_of_range", "error"),
        ("weight_kg", "99", "weight_implausible", "warning"),
        ("height_cm", "230", "height_implausible", "warning"),
        ("height_cm", "1.25", "height_in_metres", "warning"),
    ],
)
def test_weight_and_height_checks(students, field, written, code, severity):
    index = first_in(students, "ป.1")
    F.defect(students, index, field, written)
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, index, code).severity == severity


def test_weight_and_height_swapped(students):
    F.defect(students, 0, "weight_kg", "110")
    F.defect(students, 0, "height_cm", "18")
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows, 0) == {"weight_height_swapped"}


def test_weight_forms(students):
    F.defect(students, 0, "weight_kg", "๑๕,๕ กก.")
    _reader, rows = read(F.csv_bytes(students))
    assert record(rows, 0)["weight_kg"] == Decimal("15.5")


# -- lookups and codes -----------------------------------------------------------------------


def test_lookups_give_codes(students):
    F.defect(students, 0, "disadvantage", "เด็กยากจน")
    F.defect(students, 1, "disadvantage", "poor")  # the code itself
    F.defect(students, 2, "disadvantage", "ไม่มี")
    F.defect(students, 3, "blood_group", "เอ")
    F.defect(students, 4, "blood_group", "O+")
    F.defect(students, 5, "religion", "มุสลิม")
    _reader, rows = read(F.csv_bytes(students))
    assert codes(rows) == set()
    assert [record(rows, i)["disadvantage"] for i in range(3)] == ["poor", "poor", ""]
    assert (record(rows, 3)["blood_group"], record(rows, 4)["blood_group"]) == ("A", "O")
    assert record(rows, 5)["religion"] == "islam"


def test_unknown_disadvantage_blocks_but_unknown_religion_only_warns(students):
    F.defect(students, 0, "disadvantage", "ยากจนมาก")
    F.defect(students, 1, "religion", "ไม่แน่ใจ")
    _reader, rows = read(F.csv_bytes(students))
    found = issue(rows, 0, "lookup_unknown")
    assert (found.severity, found.column, found.value) == ("error", "ความด้อยโอกาส", "ยากจนมาก")
    assert "เด็กถูกบังคับให้ขายแรงงาน" in found.message
    assert issue(rows, 1, "lookup_unknown").severity == "warning"
    assert record(rows, 1)["religion"] == ""


def test_editable_lookups_replace_the_defaults(students):
    ctx = DmcContext(F.SCHOOL_CODE, F.PRIMARY, F.AS_OF, {"religion": {"พุทธ": "B", "อิสลาม": "I", "คริสต์": "C"}})
    _reader, rows = read(F.csv_bytes(students), ctx=ctx)
    assert {r["religion"] for _n, r, _i in rows} <= {"B", "I", "C"}
    assert rows[0][1]["disadvantage"] == students[0]["disadvantage"]  # no lookup: kept as text


def test_not_dischargeable_flag(students):
    F.defect(students, 0, "not_dischargeable", "ใช่")
    F.defect(students, 1, "not_dischargeable", "บางที")
    _reader, rows = read(F.csv_bytes(students))
    assert record(rows, 0)["not_dischargeable"] == "Y"
    assert issue(rows, 1, "flag_invalid").severity == "warning"


# -- school --------------------------------------------------------------------------------------


def test_school_code_checks(students):
    F.defect(students, 0, "school_code", "1090999999")
    F.defect(students, 1, "school_code", "140001")  # the 6-digit OBEC code
    F.defect(students, 2, "school_code", "")
    _reader, rows = read(F.csv_bytes(students))
    assert issue(rows, 0, "school_mismatch").severity == "error"
    assert codes(rows, 1) == codes(rows, 2) == set()
    assert record(rows, 1)["school_code"] == record(rows, 2)["school_code"] == F.SCHOOL_CODE


def test_district_wide_context_accepts_any_school_and_grade(students):
    F.defect(students, 0, "school_code", "1090999999")
    F.defect(students, 1, "grade", "ม.3")
    ctx = DmcContext(school_code="", school_grades=(), as_of=F.AS_OF, lookups=DEFAULT_LOOKUPS)
    _reader, rows = read(F.csv_bytes(students), ctx=ctx)
    assert "school_mismatch" not in codes(rows)
    assert "grade_not_offered" not in codes(rows)
    assert record(rows, 0)["school_code"] == "1090999999"


# -- rows that are not students, broken rows ---------------------------------------------------


def test_total_line_and_repeated_header_are_skipped_with_a_note(students):
    text = F.csv_bytes(students[:4], encoding="utf-8").decode().rstrip("\r\n").split("\r\n")
    header = text[2]
    text.insert(5, header)  # after student 1 (row 6 in the file)
    text.append("รวม 4 คน,,,,,,")
    reader, rows = read("\r\n".join(text).encode())
    assert [n for n, _r, _i in rows] == [4, 5, 7, 8]
    assert [(i.row, i.code, i.severity) for i in reader.file_issues] == [
        (6, "header_repeated", "warning"),
        (9, "row_skipped", "warning"),
    ]


def test_a_total_line_with_a_note_past_the_last_column_is_skipped_not_an_error(students):
    text = F.csv_bytes(students[:4], encoding="utf-8").decode().rstrip("\r\n").split("\r\n")
    text.append("รวม" + "," * 40 + "หมายเหตุ")  # more cells than headers, but not a student
    reader = read_dmc(io.BytesIO("\r\n".join(text).encode()), "dmc.csv", CTX, max_bytes=10**7, max_rows=100)
    batches = list(reader.batches())  # what the upload pipeline reads
    assert [i.code for b in batches for i in b.issues] == []
    assert (reader.error_count, [i.code for i in reader.file_issues]) == (0, ["row_skipped"])


def test_a_nul_character_in_a_cell_is_dropped():
    many = F.make_students(800, seed=3)  # past the first 256 KB, which is refused if it holds a NUL
    F.defect(many, 790, "first_name", "สม\x00ชาย")
    _reader, rows = read(F.csv_bytes(many))
    assert record(rows, 790)["first_name"] == "สมชาย"  # PostgreSQL's text cannot hold a NUL


def test_an_error_further_down_the_file_is_met_while_reading_not_when_opening():
    data = F.csv_bytes(F.make_students(60, seed=5), encoding="utf-8")
    data += b'"' + b"x" * 200_000 + b'"\r\n'  # a cell over the csv module's limit, after the students
    reader = read_dmc(io.BytesIO(data), "dmc.csv", CTX, max_bytes=10**7, max_rows=100)
    assert reader.table.encoding == "utf-8"  # the pipeline records what it could learn of the file
    with pytest.raises(FileError) as info:
        list(reader)
    assert info.value.code == "corrupt"


def test_header_without_rows(students):
    reader, rows = read(F.csv_bytes([]))
    assert rows == []
    assert [i.code for i in reader.file_issues] == ["no_rows"]


def test_a_row_with_more_cells_than_headers(students):
    text = F.csv_bytes(students, encoding="utf-8").decode().split("\r\n")
    text[F.data_row(2) - 1] += ",ถ.เพชรเกษม"  # a comma typed into a cell of a hand-made CSV shifts it
    _reader, rows = read("\r\n".join(text).encode())
    assert "extra_cells" in codes(rows, 2)


def test_undecodable_bytes_are_reported_on_their_row(students):
    data = F.csv_bytes(students, encoding="utf-8")
    name = students[7]["last_name"].encode()
    data = data.replace(name, name[:-1] + b"\xfe", 1)
    _reader, rows = read(data)
    found = issue(rows, 7, "bad_characters")
    assert (found.column, found.severity) == ("นามสกุล", "error")


def test_raw_keeps_what_the_school_wrote(students):
    _reader, rows = read(F.csv_bytes(students, thai_digits=True, id_dashes=True))
    raw = rows[0][1]["raw"]
    assert raw[ID_HEADER].startswith("๑-")
    assert rows[0][1]["national_id"] == students[0]["national_id"]


def test_issue_rows_and_columns_are_as_the_school_sees_them(students):
    F.defect(students, 9, "birth_date", "xx")
    _reader, rows = read(F.csv_bytes(students, title_rows=3, variant="english"))
    found = issue(rows, 9, "date_invalid", title_rows=3)
    assert (found.row, found.column, found.value) == (3 + 1 + 9 + 1, "Date of Birth", "xx")


def test_file_errors_come_through_read_dmc():
    with pytest.raises(FileError) as info:
        read(b"")
    assert info.value.code == "empty"


def test_reader_counts(students):
    F.defect(students, 0, "weight_kg", "0")
    F.defect(students, 19, "grade", "ม.1")  # a ป.6 pupil: the age fits ม.1, the school has no ม.1
    reader, _rows = read(F.csv_bytes(students))
    assert (reader.rows_read, reader.error_count, reader.warning_count) == (20, 1, 1)


# -- error report ----------------------------------------------------------------------------


def _report(students, **options):
    reader, rows = read(F.csv_bytes(students))
    out = io.BytesIO()
    issues = [*reader.file_issues, *(i for _n, _r, issues in rows for i in issues)]
    write_error_report(((n, r["raw"]) for n, r, _i in rows), issues, reader.headers, out, **options)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def test_error_report_marks_rows_and_cells(students):
    F.defect(students, 1, "grade", "ม.1")
    F.defect(students, 2, "weight_kg", "0")
    F.defect(students, 3, "first_name", '=HYPERLINK("http://x")')
    wb = _report(students)
    assert wb.sheetnames == ["สรุป", "ข้อมูลและปัญหา"]
    ws = wb["ข้อมูลและปัญหา"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["แถวในไฟล์", "ผลตรวจ", "ปัญหาที่พบ"]
    assert header[3:6] == ["รหัสโรงเรียน", "ชื่อโรงเรียน", ID_HEADER]
    assert f"{ID_HEADER} (2)" in header
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert len(rows) == 20
    error_row = rows[F.data_row(1)]
    assert error_row[1].value == "ข้อผิดพลาด"
    assert "[ชั้น]" in error_row[2].value and "ม.1" in error_row[2].value
    assert error_row[2].fill.fgColor.rgb.endswith("FFC7CE")
    grade_cell = error_row[3 + header[3:].index("ชั้น")]
    assert grade_cell.value == "ม.1" and grade_cell.fill.fgColor.rgb.endswith("FFC7CE")
    warning_row = rows[F.data_row(2)]
    assert warning_row[1].value == "คำเตือน"
    assert warning_row[1].fill.fgColor.rgb.endswith("FFEB9C")
    formula_like = rows[F.data_row(3)][3 + header[3:].index("ชื่อ")]
    assert formula_like.data_type == "s" and formula_like.value.startswith("=HYPERLINK")
    assert rows[F.data_row(0)][1].value is None
    summary = {r[0]: r[1] for r in wb["สรุป"].iter_rows(values_only=True) if r and r[0]}
    assert summary["แถวข้อมูล"] == 20
    assert summary["แถวที่มีข้อผิดพลาด"] == 1
    assert summary["แถวที่มีเฉพาะคำเตือน"] == 1


def test_error_report_lists_file_level_issues_and_can_leave_out_clean_rows(students):
    F.defect(students, 4, "birth_date", "xx")
    reader, rows = read(_csv(_rows_without(students, "เพศ"), title_rows=2))
    out = io.BytesIO()
    issues = [i for _n, _r, issues in rows for i in issues] + reader.file_issues  # any order in a list
    write_error_report(
        ((n, list(r["raw"].values())) for n, r, _i in rows),
        issues,
        reader.headers,
        out,
        only_with_issues=True,
    )
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    data = list(wb["ข้อมูลและปัญหา"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in data] == [F.data_row(4)]
    summary = [r for r in wb["สรุป"].iter_rows(values_only=True) if r]
    assert any(r[0] == 3 and "เพศ" in (r[4] or "") for r in summary)


def test_error_report_wants_streamed_issues_in_row_order():
    out = io.BytesIO()
    unordered = iter([Issue(9, "", "x", "m"), Issue(5, "", "x", "m")])
    with pytest.raises(ValueError, match="row order"):
        write_error_report(iter([(5, ["a"]), (9, ["b"])]), unordered, ["ชื่อ"], out)
