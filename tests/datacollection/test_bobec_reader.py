"""The B-OBEC template reader: every rule of a building, each with its Thai message, row, column and cell;
the design codes; whole-file problems."""

import datetime
import io
import uuid

import pytest

from datacollection.kinds import bobec
from datacollection.kinds.bobec_kind import building_types
from datacollection.kinds.tabular import FileError
from tests.datacollection.bobec_support import HEADER_ROW, HEADERS, row, workbook_bytes

TODAY = datetime.date(2026, 11, 25)  # พ.ศ. 2569
FIRST = HEADER_ROW + 1


@pytest.fixture
def context(db):
    spellings, labels = building_types()
    return bobec.BobecContext("1090550500", TODAY, spellings, labels, known_uids=set())


def read(content: bytes, context) -> tuple[list, list, list]:
    reader = bobec.read_bobec(
        io.BytesIO(content), "b.xlsx", context, max_bytes=10_000_000, max_rows=1_000_000
    )
    rows = list(reader)
    return [r[1] for r in rows], [i for r in rows for i in r[2]], reader.file_issues


def only_issue(rows, context):
    _records, issues, file_issues = read(workbook_bytes(rows), context)
    assert not file_issues
    assert len(issues) == 1, issues
    return issues[0]


def test_a_good_row_is_read_into_typed_fields(context):
    records, issues, file_issues = read(
        workbook_bytes(
            [
                row(
                    design_raw="แบบ สปช.105/2529",
                    budget_source="งบประมาณ สพฐ.",
                    fiscal_year="2530",
                    budget_amount="1,250,000",
                    note="ต่อเติม",
                ),
                row(
                    building_type="ส้วม",
                    sequence="๒",
                    design_raw="",
                    rooms=None,
                    year_built=2545.0,
                    condition="พอใช้",
                    demolished_on="15/03/2568",
                ),
            ]
        ),
        context,
    )
    assert issues == [] and file_issues == []
    first, second = records
    assert first["building_type"] == "classroom" and first["sequence"] == 1
    assert first["design_raw"] == "แบบ สปช.105/2529" and first["design_code"] == "สปช.105/29"
    assert first["rooms"] == 4 and first["year_built"] == 2530 and first["condition"] == "good"
    assert first["fiscal_year"] == 2530 and str(first["budget_amount"]) == "1250000.00"
    assert second["building_type"] == "toilet" and second["sequence"] == 2
    assert second["condition"] == "fair" and second["demolished_on"] == datetime.date(2025, 3, 15)


def test_aliases_of_types_and_headers_are_understood(context):
    headers = ["ประเภทอาคาร", "หลัง", "แบบอาคาร", "จำนวนห้อง", "ปีที่ก่อสร้าง", "สภาพปัจจุบัน"]
    content = workbook_bytes([["โรงอาหาร", 1, "", "", 2550, "ทรุดโทรม"]], headers=headers)
    records, issues, _files = read(content, context)
    assert issues == []
    assert records[0]["building_type"] == "multipurpose" and records[0]["condition"] == "poor"


@pytest.mark.parametrize(
    ("values", "code", "column", "letter", "message"),
    [
        ({"building_type": "โรงจอดรถ"}, "type_unknown", "ประเภทสิ่งก่อสร้าง", "A", "ไม่อยู่ในรายการ"),
        ({"building_type": None}, "type_missing", "ประเภทสิ่งก่อสร้าง", "A", "ไม่ได้ระบุประเภทสิ่งก่อสร้าง"),
        ({"sequence": None}, "sequence_missing", "หลังที่", "B", "ไม่ได้ระบุหลังที่"),
        ({"sequence": "ก"}, "sequence_invalid", "หลังที่", "B", "ใส่เลขจำนวนเต็มตั้งแต่ 1 ขึ้นไป"),
        ({"sequence": 0}, "sequence_invalid", "หลังที่", "B", "หลังที่ “0” ไม่ถูกต้อง"),
        ({"rooms": None}, "rooms_required", "จำนวนห้องตามแบบ", "D", "อาคารเรียนต้องระบุจำนวนห้องตามแบบ"),
        ({"rooms": 0}, "rooms_required", "จำนวนห้องตามแบบ", "D", "อาคารเรียนต้องระบุจำนวนห้องตามแบบ"),
        ({"rooms": "สี่ห้อง"}, "rooms_invalid", "จำนวนห้องตามแบบ", "D", "จำนวนห้อง “สี่ห้อง” ไม่ถูกต้อง"),
        ({"rooms": 500}, "rooms_invalid", "จำนวนห้องตามแบบ", "D", "ใส่จำนวนเต็ม 0–80"),
        ({"rooms": -3}, "rooms_invalid", "จำนวนห้องตามแบบ", "D", "ใส่จำนวนเต็ม 0–80"),
        ({"year_built": None}, "year_missing", "ปีที่สร้าง (พ.ศ.)", "E", "ไม่ได้ระบุปีที่สร้าง (พ.ศ.)"),
        (
            {"year_built": 1987},
            "year_christian",
            "ปีที่สร้าง (พ.ศ.)",
            "E",
            "เป็นปี ค.ศ.: ใส่ปี พ.ศ. (1987 + 543 = 2530)",
        ),
        ({"year_built": 2575}, "year_future", "ปีที่สร้าง (พ.ศ.)", "E", "ยังมาไม่ถึง (ปีนี้คือ พ.ศ. 2569)"),
        ({"year_built": 2300}, "year_implausible", "ปีที่สร้าง (พ.ศ.)", "E", "เก่าเกินกว่าจะเป็นไปได้"),
        ({"year_built": "สามสิบปีก่อน"}, "year_invalid", "ปีที่สร้าง (พ.ศ.)", "E", "ไม่ใช่ปี"),
        ({"condition": None}, "condition_missing", "สภาพ", "F", "เลือก ดี / พอใช้ / ทรุดโทรม"),
        ({"condition": "ดีมาก"}, "condition_invalid", "สภาพ", "F", "สภาพ “ดีมาก” ไม่ถูกต้อง"),
        ({"fiscal_year": 2571}, "year_future", "ปีงบประมาณ (พ.ศ.)", "H", "ยังมาไม่ถึง"),
        ({"fiscal_year": 2020}, "year_christian", "ปีงบประมาณ (พ.ศ.)", "H", "เป็นปี ค.ศ."),
        ({"budget_amount": "สองล้าน"}, "amount_invalid", "จำนวนเงิน (บาท)", "I", "ใส่จำนวนบาทเป็นตัวเลข"),
        ({"budget_amount": -5}, "amount_invalid", "จำนวนเงิน (บาท)", "I", "จำนวนเงิน “-5” ไม่ถูกต้อง"),
        ({"demolished_on": "เมื่อปีที่แล้ว"}, "demolished_invalid", "วันที่รื้อถอน", "J", "อ่านไม่ได้"),
        ({"demolished_on": "01/01/2570"}, "demolished_future", "วันที่รื้อถอน", "J", "ยังมาไม่ถึง"),
        ({"demolished_on": "01/01/2520"}, "demolished_before_built", "วันที่รื้อถอน", "J", "อยู่ก่อนปีที่สร้าง (2530)"),
        ({"ref": "not-a-reference"}, "ref_unknown", "รหัสอ้างอิง (ห้ามแก้ไข)", "L", "ไม่ใช่อาคารของโรงเรียนนี้"),
        ({"ref": str(uuid.uuid4())}, "ref_unknown", "รหัสอ้างอิง (ห้ามแก้ไข)", "L", "ถ้าเป็นอาคารใหม่ให้เว้นว่าง"),
    ],
)
def test_each_rule_names_the_row_the_column_and_the_cell_in_thai(
    context, values, code, column, letter, message
):
    issue = only_issue([row(), row(**({"sequence": 2} | values))], context)
    assert issue.code == code
    assert issue.severity == "error"
    assert issue.row == FIRST + 1
    assert issue.column == column
    assert message in issue.message
    assert f"(เซลล์ {letter}{FIRST + 1})" in issue.message


def test_an_amount_without_a_fiscal_year_is_a_warning(context):
    issue = only_issue([row(budget_amount=500000)], context)
    assert (issue.code, issue.severity, issue.column) == (
        "fiscal_year_missing",
        "warning",
        "ปีงบประมาณ (พ.ศ.)",
    )


def test_rooms_are_optional_for_other_types(context):
    _records, issues, _files = read(workbook_bytes([row(building_type="รั้ว", rooms=None)]), context)
    assert issues == []


def test_two_standing_buildings_with_one_type_and_number_clash(context):
    issue = only_issue([row(), row(design_raw="108ล/30")], context)
    assert issue.code == "sequence_duplicate" and issue.row == FIRST + 1
    assert "อาคารเรียน หลังที่ 1 ซ้ำกับแถวที่ 5" in issue.message and "(เซลล์ B6)" in issue.message


def test_a_demolished_building_may_share_its_number_with_the_one_that_replaced_it(context):
    _records, issues, _files = read(
        workbook_bytes([row(demolished_on="01/06/2560"), row(year_built=2561)]), context
    )
    assert issues == []


def test_a_reference_used_twice_is_an_error(context):
    ref = str(uuid.uuid4())
    context.known_uids.add(ref)
    issue = only_issue([row(ref=ref), row(sequence=2, ref=ref)], context)
    assert issue.code == "ref_duplicate" and "ซ้ำกับแถวที่ 5" in issue.message


def test_a_missing_required_column_is_a_file_issue(context):
    headers = [h for h in HEADERS if h != "หลังที่"]
    content = workbook_bytes([["อาคารเรียน", "", 4, 2530, "ดี"]], headers=headers)
    records, issues, file_issues = read(content, context)
    assert records == [] and issues == []
    assert [i.code for i in file_issues] == ["missing_column"]
    assert "ไม่พบคอลัมน์ “หลังที่”" in file_issues[0].message


def test_a_file_without_buildings_says_so(context):
    _records, _issues, file_issues = read(workbook_bytes([]), context)
    assert [i.code for i in file_issues] == ["no_rows"]


def test_a_file_that_is_not_the_template_is_refused_in_thai(context):
    content = workbook_bytes([["1", "2"]], headers=["เลขประจำตัวประชาชน", "ชื่อ"])
    with pytest.raises(FileError) as caught:
        bobec.read_bobec(io.BytesIO(content), "x.xlsx", context, max_bytes=10_000_000, max_rows=100)
    assert caught.value.code == "no_header" and "เทมเพลต B-OBEC" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("สปช.105/29", "สปช.105/29"),
        ("แบบ สปช 105/2529", "สปช.105/29"),
        ("สปช.๑๐๒/๒๖", "สปช.102/26"),
        ("108ล/30", "108ล/30"),
        ("อาคารเรียนแบบ 108 ล/2530", "108ล/30"),
        ("ป.1ฉ", "ป.1ฉ"),
        ("แบบ 008", "008"),
        ("พิเศษ 3 ชั้น", "พิเศษ"),
        ("ไม่ทราบแบบ", ""),
        ("", ""),
    ],
)
def test_design_codes_are_derived_where_the_text_can_be_read(raw, code):
    assert bobec.normalise_design(raw) == code
