"""Identifier and value helpers (datacollection/kinds/checks.py): pure functions, no database."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollection.kinds.checks import (
    EXCEL_EPOCH,
    age_in_years,
    classify_id,
    is_scientific,
    national_id_check_digit,
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

D = datetime.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("๑๒๓", "123"),
        ("1-2345-67890-12-1", "1234567890121"),
        (" 1 2345 67890 12 1 ", "1234567890121"),
        ("๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑", "1234567890121"),
        ("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678"),
        ("G-6442-0000-0001", "G644200000001"),
        ("1\u200b234", "1234"),
        ("ม.1/2", "ม.1/2"),
        ("15 มี.ค. 2560", "15 มี.ค. 2560"),
        ("ห้อง ๒", "ห้อง 2"),
        ("12/3", "12/3"),
    ],
)
def test_normalise_digits(value, expected):
    assert normalise_digits(value) == expected


def test_domain_example_national_id_is_valid():
    assert national_id_valid("1234567890121")
    assert not national_id_valid("1234567890122")


@pytest.mark.parametrize("value", ["123456789012", "12345678901212", "๑๒๓๔๕๖๗๘๙๐๑๒๑", "abcdefghijklm", ""])
def test_national_id_valid_wants_13_ascii_digits(value):
    assert not national_id_valid(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_makes_any_twelve_digits_valid(d12):
    assert national_id_valid(d12 + national_id_check_digit(d12))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567890121", ("1234567890121", "thai")),
        ("0234567890124", ("0234567890124", "foreign")),
        ("1-2345-67890-12-1", ("1234567890121", "thai")),
        ("1234567890121.0", ("1234567890121", "thai")),
        ("G644200000001", ("G644200000001", "gcode")),
        ("g-6442-0000-0001", ("G644200000001", "gcode")),
        ("G๖๔๔๒๐๐๐๐๐๐๐๑", ("G644200000001", "gcode")),
        ("1234567890122", ("1234567890122", "thai")),  # shape only: the checksum is separate
    ],
)
def test_classify_id(value, expected):
    assert classify_id(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1.23457E+12", "Text"),
        ("1,23457E+12", "Text"),
        ("123456789012", "12 หลัก"),
        ("12345", "5 หลัก"),
        ("ไม่มี", "13 หลัก"),
        ("G12345", "13 หลัก"),
        ("0000000000000", "ศูนย์"),
    ],
)
def test_classify_id_refuses_wrong_shapes_with_a_thai_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        classify_id(value)


def test_scientific_notation_is_recognised():
    assert is_scientific("1.23457E+12")
    assert is_scientific(" 1.23457e+12 ")
    assert not is_scientific("1234567890121")


SERIAL_2017_03_15 = (D(2017, 3, 15) - EXCEL_EPOCH).days


@pytest.mark.parametrize(
    "value",
    [
        "15/03/2560",
        "15/3/2560",
        "15/3/60",
        "15-03-2560",
        "15.03.2560",
        "15/03/2017",
        "15/03/2560 0:00:00",
        "15/03/2560 00:00",
        "2017-03-15",
        "2560-03-15",
        "2017-03-15 00:00:00",
        "2017-03-15T00:00:00",
        "15 มี.ค. 2560",
        "15 มี.ค.2560",
        "15มี.ค.60",
        "15 มีค 2560",
        "15 มีนาคม 2560",
        "15 มีนาคม พ.ศ. 2560",
        "วันที่ 15 เดือน มีนาคม พ.ศ. 2560",
        "๑๕/๐๓/๒๕๖๐",
        "๑๕ มี.ค. ๒๕๖๐",
        "15 Mar 2017",
        "15-Mar-17",
        "15 March 2017",
        "25600315",
        "15032560",
        str(SERIAL_2017_03_15),
        f"{SERIAL_2017_03_15}.0",
        SERIAL_2017_03_15,
        float(SERIAL_2017_03_15),
        SERIAL_2017_03_15 + 0.5,
        datetime.datetime(2017, 3, 15),
        D(2017, 3, 15),
        D(2560, 3, 15),  # a BE date typed into a Gregorian date cell
        datetime.datetime(2560, 3, 15, 0, 0),
    ],
)
def test_parse_date_reads_every_form_schools_use(value):
    assert parse_date(value) == D(2017, 3, 15)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2560", "ไม่มีวันที่ 31"),
        ("03/15/2560", "วัน/เดือน/ปี"),
        ("15/13/2560", "เดือนที่ 13"),
        ("2560", "มีแต่ปี"),
        (2560, "มีแต่ปี"),
        ("abc", "วัน/เดือน/ปี"),
        ("", "ไม่มีวันที่"),
        ("15 ฟฟฟ 2560", "ชื่อเดือน"),
        ("15/03/1850", "ปี 1850"),
        (0, "ไม่ใช่วันที่"),
        (True, "วัน/เดือน/ปี"),
        (None, "วัน/เดือน/ปี"),
        (float("nan"), "วัน/เดือน/ปี"),
        (99999999, "ไม่ใช่วันที่"),
        ("1" * 100, "วัน/เดือน/ปี"),
    ],
)
def test_parse_date_refuses_with_a_thai_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_year_above_2400_is_buddhist_era():
    assert parse_date("01/01/2450") == D(1907, 1, 1)
    assert parse_date("01/01/2400") == D(2400, 1, 1)


def test_age_in_full_years():
    assert age_in_years(D(2018, 6, 10), D(2025, 6, 10)) == 7
    assert age_in_years(D(2018, 6, 11), D(2025, 6, 10)) == 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ป.4", ("ป.4", "")),
        ("ป4", ("ป.4", "")),
        ("ป. 4", ("ป.4", "")),
        ("ป.๔", ("ป.4", "")),
        ("ประถมศึกษาปีที่ 4", ("ป.4", "")),
        ("ชั้นประถมศึกษาปีที่ ๔", ("ป.4", "")),
        ("ประถม 4", ("ป.4", "")),
        ("อนุบาล 2", ("อ.2", "")),
        ("อนุบาลปีที่ 2", ("อ.2", "")),
        ("อบ.2", ("อ.2", "")),
        ("อ.2", ("อ.2", "")),
        ("K2", ("อ.2", "")),
        ("ม.1/2", ("ม.1", "2")),
        ("ม.1 / 2", ("ม.1", "2")),
        ("มัธยมศึกษาปีที่ 2", ("ม.2", "")),
        ("มัธยมศึกษาปีที่ 1/3", ("ม.1", "3")),
        ("ป.4 ห้อง 1", ("ป.4", "1")),
        ("ป.6/๑", ("ป.6", "1")),
        ("P.6", ("ป.6", "")),
        ("Grade 7", ("ม.1", "")),
    ],
)
def test_parse_grade(value, expected):
    assert parse_grade(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ป.7", "ไม่มีชั้น"),
        ("อ.4", "ไม่มีชั้น"),
        ("เตรียมอนุบาล", "เตรียม"),
        ("1", "อ่านชั้นไม่ได้"),
        ("", "ไม่มีชั้น"),
        ("ปวช.1", "อ่านชั้นไม่ได้"),
        ("Grade 13", "ไม่มีชั้น"),  # was ม.7, a grade no list knows: a crash further on
        ("grade 18", "ไม่มีชั้น"),
    ],
)
def test_parse_grade_refuses(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_grade(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("2", "2"), ("02", "2"), ("ห้อง ๒", "2"), ("2.0", "2"), ("ทับทิม", "ทับทิม")]
)
def test_normalise_room(value, expected):
    assert normalise_room(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ช", "M"), ("ญ", "F"), ("ชาย", "M"), ("หญิง", "F"), ("M", "M"), ("f", "F"), ("ช.", "M"), (" ญ ", "F")],
)
def test_parse_sex(value, expected):
    assert parse_sex(value) == expected


def test_parse_sex_refuses_unknown():
    with pytest.raises(ValueError, match="ช หรือ ญ"):
        parse_sex("x")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ด.ช.", ("เด็กชาย", "M")),
        ("ด.ช", ("เด็กชาย", "M")),
        ("ดช.", ("เด็กชาย", "M")),
        ("เด็กชาย", ("เด็กชาย", "M")),
        ("ด.ญ.", ("เด็กหญิง", "F")),
        ("ด. ญ.", ("เด็กหญิง", "F")),
        ("น.ส.", ("นางสาว", "F")),
        ("นางสาว", ("นางสาว", "F")),
        ("นาย", ("นาย", "M")),
        ("นาง", ("นาง", "F")),
        ("ส.ณ.", ("สามเณร", "M")),
        ("Mr.", ("นาย", "M")),
    ],
)
def test_parse_prefix(value, expected):
    assert parse_prefix(value) == expected


def test_parse_prefix_refuses_unknown():
    with pytest.raises(ValueError, match="คำนำหน้า"):
        parse_prefix("ดร.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ด.ช.สมชาย", ("ด.ช.", "สมชาย")),
        ("ด.ญ. มาลี", ("ด.ญ.", "มาลี")),
        ("เด็กหญิงมาลี", ("เด็กหญิง", "มาลี")),
        ("นาย สมศักดิ์", ("นาย", "สมศักดิ์")),
        ("นายสมศักดิ์", None),  # could be a name starting with นาย
        ("นางนวล", None),
        ("สมชาย", None),
    ],
)
def test_split_prefix(value, expected):
    assert split_prefix(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("25.5", Decimal("25.5")),
        ("25,5", Decimal("25.5")),
        ("๒๕", Decimal("25")),
        ("25 กก.", Decimal("25")),
        ("125 ซม.", Decimal("125")),
        ("1,250", Decimal("1250")),
        ("1,250.50", Decimal("1250.50")),
        (25, Decimal("25")),
        (25.5, Decimal("25.5")),
        (" 0 ", Decimal("0")),
    ],
)
def test_parse_decimal(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["abc", "NaN", "1e5", "Infinity", True, float("inf"), "", "25..5"])
def test_parse_decimal_refuses(value):
    with pytest.raises(ValueError, match="ตัวเลข"):
        parse_decimal(value)
