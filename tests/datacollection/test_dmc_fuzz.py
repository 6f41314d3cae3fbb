"""Whatever bytes a school uploads, read_dmc raises FileError or yields rows: never anything else.

Property tests with hypothesis: random bytes, mutated valid CSV and XLSX files, and valid files whose
cells hold arbitrary values. Example counts are kept modest so the module runs in a few seconds.
"""

import csv
import datetime
import io
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacollection import samples as F
from datacollection.kinds.dmc import DEFAULT_LOOKUPS, DmcContext, read_dmc
from datacollection.kinds.report import write_error_report
from datacollection.kinds.tabular import FileError

CTX = DmcContext(school_code=F.SCHOOL_CODE, school_grades=F.PRIMARY, as_of=F.AS_OF, lookups=DEFAULT_LOOKUPS)
STUDENTS = F.make_students(8, seed=5)
VALID_CSV = F.csv_bytes(STUDENTS)
VALID_CP874 = F.csv_bytes(STUDENTS, encoding="cp874", thai_months=True)
VALID_XLSX = F.xlsx_bytes(STUDENTS)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def consume(data: bytes, name: str = "upload.csv") -> int:
    """Read everything; FileError is an acceptable outcome, any other exception fails the test."""
    try:
        reader = read_dmc(io.BytesIO(data), name, CTX, max_bytes=5 * 1024 * 1024, max_rows=5000)
        rows = list(reader)
    except FileError as exc:
        assert exc.code and exc.message
        return -1
    for rownum, record, issues in rows:
        assert rownum > reader.table.header_row
        assert isinstance(record, dict) and "raw" in record
        for issue in issues:
            assert issue.severity in ("error", "warning") and issue.message
    return len(rows)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    consume(data)


@FUZZ
@given(
    st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0", b""]),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_magic_numbers(magic, data):
    consume(magic + data)


def _mutate(data: bytes, edits) -> bytes:
    buf = bytearray(data)
    for kind, position, payload in edits:
        if not buf:
            break
        i = position % len(buf)
        if kind == "flip":
            buf[i] ^= payload[0] if payload else 0xFF
        elif kind == "insert":
            buf[i:i] = payload
        elif kind == "delete":
            del buf[i : i + len(payload) + 1]
        else:  # truncate
            del buf[i:]
    return bytes(buf)


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "truncate"]),
        st.integers(min_value=0, max_value=10**6),
        st.binary(min_size=0, max_size=8),
    ),
    min_size=1,
    max_size=6,
)


@FUZZ
@given(st.sampled_from([VALID_CSV, VALID_CP874]), EDITS)
def test_mutated_csv(base, edits):
    consume(_mutate(base, edits))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_mutated_xlsx(edits):
    consume(_mutate(VALID_XLSX, edits), "upload.xlsx")


def _sheet_xml_mutated(edits) -> bytes:
    """An XLSX whose zip is intact but whose sheet XML is damaged: exercises openpyxl itself."""
    src = zipfile.ZipFile(io.BytesIO(VALID_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = _mutate(data, edits)
            dst.writestr(info.filename, data)
    return out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_damaged_sheet_xml(edits):
    consume(_sheet_xml_mutated(edits), "upload.xlsx")


CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "", "-", "0", "1.23457E+12", "๑๒๓", "G644200000001", "31/02/2560", "ม.1/2", "ป.๔", "ด.ช.",
            "=SUM(A1)", "\x00", "\ufffd", "9" * 40, "1e999", "NaN", "-1", "ญ", "25,5", "15 มี.ค. 2560",
        ]
    ),
)  # fmt: skip


@FUZZ
@given(st.lists(st.lists(CELL_TEXT, min_size=0, max_size=40), min_size=1, max_size=6))
def test_any_cell_text_in_a_valid_csv(rows):
    lines = [next(F.iter_rows([])), *rows]
    buf = io.StringIO()
    csv.writer(buf).writerows(lines)
    data = buf.getvalue().encode("utf-8", errors="surrogatepass")
    consume(data)


CELL_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9000, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL_VALUE, min_size=0, max_size=36), min_size=1, max_size=4))
def test_any_cell_value_in_a_valid_xlsx(rows):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("DMC")
    ws.append(next(F.iter_rows([])))
    for row in rows:
        ws.append([v if not (isinstance(v, str) and v.startswith("=")) else "'" + v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    consume(buf.getvalue(), "upload.xlsx")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL_TEXT, min_size=36, max_size=36), min_size=1, max_size=4))
def test_error_report_writes_whatever_was_read(rows):
    lines = [next(F.iter_rows([])), *rows]
    buf = io.StringIO()
    csv.writer(buf).writerows(lines)
    try:
        reader = read_dmc(
            io.BytesIO(buf.getvalue().encode("utf-8", errors="surrogatepass")),
            "x.csv",
            CTX,
            max_bytes=10**6,
            max_rows=100,
        )
        parsed = list(reader)
    except FileError:
        return
    issues = [*reader.file_issues, *(i for _n, _r, issues in parsed for i in issues)]
    out = io.BytesIO()
    write_error_report(((n, r["raw"]) for n, r, _i in parsed), issues, reader.headers, out)
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue())).sheetnames == ["สรุป", "ข้อมูลและปัญหา"]
