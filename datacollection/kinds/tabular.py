"""Open the tables schools upload (CSV or XLSX) and stream their rows.

``open_table`` decides what the file really is from its bytes (never from its name), finds the
header row below any title rows, and returns a ``Table`` whose ``rows`` is a generator (and
``chunks`` the same rows a few thousand at a time): nothing but the current chunk is held in memory,
so a million-row file costs no more than a small one.

Anything wrong with the file as a whole is a ``FileError`` with a stable ``code`` and a Thai
``message`` that tells the school what to do; no other exception leaves this module for any
input bytes (the fuzz tests hold it to that). Iterating ``Table.rows`` may itself raise a
``FileError`` (``too_many_rows``, ``corrupt``): treat it like one raised by ``open_table``.
"""

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import methodcaller
from typing import Any, BinaryIO

import openpyxl
from django.utils.translation import gettext as _

HEADER_SCAN_ROWS = 20  # the header row is looked for in the first rows only
MAX_COLUMNS = 512  # header detection reads this many columns at most
CSV_SAMPLE_BYTES = 256 * 1024
CSV_BLOCK_CHARS = 1 << 20  # text read and split at a time
CHUNK_ROWS = 2000  # rows per chunk (Table.chunks)
# The first chunk is small: a reader decides unclear columns from it when it opens the file, and a broken
# row further down is then met while reading, as it would be row by row.
FIRST_CHUNK_ROWS = 50
_CSV_FIELD_LIMIT = csv.field_size_limit()
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 150  # uncompressed/compressed; real sheets stay well under 40
ZIP_RATIO_FLOOR = 8 * 1024 * 1024  # small entries may compress as well as they like
ZIP_DEFAULT_MAX_UNCOMPRESSED_FACTOR = 25  # × max_bytes, see open_table

# A cell longer than the csv module's limit (128 KiB) is a FileError("corrupt"): no student record
# has one, and the limit keeps a broken quote from swallowing the whole file into memory.

_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy_or_encrypted", ""),
    (b"%PDF", "not_a_table", "PDF"),
    (b"\x89PNG", "not_a_table", "PNG"),
    (b"\xff\xd8\xff", "not_a_table", "JPEG"),
    (b"GIF8", "not_a_table", "GIF"),
    (b"\x1f\x8b", "not_a_table", "gzip"),
    (b"Rar!", "not_a_table", "RAR"),
    (b"7z\xbc\xaf", "not_a_table", "7-Zip"),
    (b"PK\x05\x06", "not_a_table", "ZIP"),
    (b"PK\x07\x08", "not_a_table", "ZIP"),
)
_HTML_RE = re.compile(rb"^\s*<(?:!doctype\s+html|html|table|\?xml)", re.IGNORECASE)
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_NON_ASCII_BYTES = bytes(range(128))  # bytes.translate(None, these) keeps only bytes ≥ 0x80


class FileError(Exception):
    """The file as a whole cannot be read as a table. ``message`` is Thai and says what to do.

    Codes: empty, too_large, not_a_table, legacy_or_encrypted, corrupt, encoding, zip_bomb,
    no_header, merged_cells, formulas, too_many_rows, scientific_notation (raised by read_dmc).
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self):
        return f"FileError({self.code!r}, {self.message!r})"


@dataclass
class Table:
    format: str  # "csv" | "xlsx"
    encoding: str  # "utf-8", "utf-8-sig", "cp874", "utf-16"; "" for xlsx
    header_row: int  # 1-based, as the school sees it
    headers: list[str]  # as written (trimmed of surrounding spaces), trailing empty headers dropped
    sheet: str  # xlsx sheet name, "" for csv
    # (row number as the school sees it, cells). Blank rows are skipped. A row has at least
    # len(headers) cells (short rows are padded with ""); a CSV row may have more (extra
    # separators), XLSX rows are cut at the last header column. CSV cells are str; XLSX cells are
    # str, int, float, bool, datetime or None as openpyxl reads them (cached values of formulas
    # never reach here: formulas in the data area are refused).
    rows: Iterator[tuple[int, list[Any]]]
    # The same rows in chunks ``(row numbers, rows)``, the first of FIRST_CHUNK_ROWS, then CHUNK_ROWS:
    # what a reader that checks a batch at a time takes. A table is read one way or the other, not both.
    chunks: Iterator[tuple[list[int], list[list[Any]]]]
    delimiter: str = ""  # csv only
    decode_errors: bool = False  # csv only: some bytes were not valid and became U+FFFD
    sheets: list[str] = field(default_factory=list)  # xlsx: every sheet in the workbook

    def close(self) -> None:
        """Stop reading early and release the file (also done when the rows run out)."""
        for source in (self.rows, self.chunks):
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def clean_header(value: Any) -> str:
    """A header cell as text: surrounding and repeated whitespace, BOM and zero-width marks removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    if not s.isprintable():
        s = _INVISIBLE_RE.sub("", s)
    return " ".join(s.split())


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique for use as dict keys: the second ``เลขประจำตัวนักเรียน`` becomes
    ``เลขประจำตัวนักเรียน (2)``; an empty header becomes ``คอลัมน์ F`` (its column letter)."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        key = h or _("คอลัมน์ %(letter)s") % {"letter": column_letter(i)}
        n = seen.get(key, 0) + 1
        seen[key] = n
        out.append(key if n == 1 else f"{key} ({n})")
    return out


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def open_table(
    fileobj: BinaryIO,
    filename: str,
    *,
    header_matcher: Callable[[list[str]], bool],
    max_bytes: int,
    max_rows: int,
    max_uncompressed: int | None = None,
) -> Table:
    """Open an uploaded CSV or XLSX file and find its header row. Raises ``FileError``.

    ``fileobj`` is binary and seekable (a Django ``UploadedFile`` or an open file); it is not
    closed. ``max_bytes`` limits the upload; ``max_uncompressed`` limits what an XLSX may expand
    to (default 25 × ``max_bytes``, at least 64 MiB); ``max_rows`` limits the non-blank data rows.
    """
    try:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
        head = fileobj.read(8)
        fileobj.seek(0)
    except (OSError, ValueError, AttributeError) as exc:
        raise FileError(_("อ่านไฟล์ไม่ได้: อัปโหลดใหม่อีกครั้ง"), "corrupt") from exc
    if size == 0:
        raise FileError(_("ไฟล์ว่างเปล่า: ไม่มีข้อมูลเลย ตรวจสอบว่าเลือกไฟล์ถูกต้อง"), "empty")
    if size > max_bytes:
        raise FileError(
            _("ไฟล์ใหญ่ %(size)s เกินขนาดที่รับได้ %(limit)s: แบ่งไฟล์หรือลบคอลัมน์ที่ไม่ใช้ออกแล้วส่งใหม่")
            % {"size": _human_size(size), "limit": _human_size(max_bytes)},
            "too_large",
        )
    if head.startswith(b"PK\x03\x04"):
        if max_uncompressed is None:
            max_uncompressed = max(ZIP_DEFAULT_MAX_UNCOMPRESSED_FACTOR * max_bytes, 64 * 1024 * 1024)
        return _open_xlsx(fileobj, header_matcher, max_rows, max_uncompressed)
    for magic, code, kind in _MAGIC:
        if head.startswith(magic):
            if code == "legacy_or_encrypted":
                raise FileError(
                    _(
                        "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือตั้งรหัสผ่านไว้: เปิดใน Excel "
                        "แล้วบันทึกเป็น .xlsx หรือ CSV UTF-8 โดยไม่ใส่รหัสผ่าน"
                    ),
                    code,
                )
            raise FileError(_("ไฟล์นี้เป็นไฟล์ %(kind)s ไม่ใช่ตาราง: ส่งไฟล์ .xlsx หรือ .csv") % {"kind": kind}, code)
    return _open_csv(fileobj, filename, header_matcher, max_rows)


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def _is_blank(cells) -> bool:
    try:
        return not "".join(cells).strip()  # CSV rows: all text, one C-level pass
    except TypeError:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _no_header(sheets: list[str] | None = None) -> FileError:
    if sheets:
        return FileError(
            _(
                "ไม่พบแถวหัวตาราง (เช่น เลขประจำตัวประชาชน ชั้น ชื่อ นามสกุล) ใน %(n)d แถวแรกของชีตใดเลย "
                "พบชีต: %(sheets)s ตรวจสอบว่าส่งไฟล์ข้อมูลนักเรียนที่ส่งออกจากระบบ DMC"
            )
            % {"n": HEADER_SCAN_ROWS, "sheets": ", ".join(sheets)},
            "no_header",
        )
    return FileError(
        _(
            "ไม่พบแถวหัวตาราง (เช่น เลขประจำตัวประชาชน ชั้น ชื่อ นามสกุล) ใน %(n)d แถวแรก: "
            "ตรวจสอบว่าส่งไฟล์ข้อมูลนักเรียนที่ส่งออกจากระบบ DMC และหัวคอลัมน์ไม่ถูกแก้ไข"
        )
        % {"n": HEADER_SCAN_ROWS},
        "no_header",
    )


def _too_many_rows(max_rows: int) -> FileError:
    return FileError(
        _("ไฟล์มีข้อมูลเกิน %(max)s แถว: แบ่งเป็นหลายไฟล์แล้วส่งทีละไฟล์") % {"max": f"{max_rows:,}"},
        "too_many_rows",
    )


# ---------------------------------------------------------------------------------------------
# CSV


class _NonClosingRaw(io.RawIOBase):
    """Lets io.BufferedReader/TextIOWrapper read the caller's file without ever closing it."""

    def __init__(self, fileobj):
        self._f = fileobj

    def readable(self):
        return True

    def readinto(self, b):
        data = self._f.read(len(b))
        n = len(data)
        b[:n] = data
        return n


def _text_stream(fileobj, encoding: str) -> io.TextIOWrapper:
    fileobj.seek(0)
    buffered = io.BufferedReader(_NonClosingRaw(fileobj), buffer_size=1 << 20)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _decode_stats(fileobj, encoding: str) -> tuple[int, int, int]:
    """(replacement characters, bytes ≥ 0x80, newlines) when the whole file is decoded."""
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    bad = high = lines = 0
    while True:
        chunk = fileobj.read(1 << 20)
        text = decoder.decode(chunk, final=not chunk)
        bad += text.count("\ufffd")
        if not chunk:
            break
        high += len(chunk.translate(None, _NON_ASCII_BYTES))
        lines += chunk.count(b"\n") or chunk.count(b"\r")
    return bad, high, lines


def _detect_encoding(fileobj) -> tuple[str, bool, int]:
    """(encoding, had undecodable bytes, newline count) — or FileError("encoding")."""
    fileobj.seek(0)
    head = fileobj.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp874"]
    lines = 0
    for encoding in candidates:
        bad, high, lines = _decode_stats(fileobj, encoding)
        if bad == 0:
            return encoding, False, lines
        if encoding in ("utf-8", "utf-8-sig") and bad * 20 < high / 3:
            # Mostly good UTF-8 (Thai text is 3 bytes a character) with a few broken bytes:
            # keep UTF-8 and let the affected rows be reported, rather than reading the whole
            # file as mojibake.
            return encoding, True, lines
        if encoding == "cp874" and bad * 100 < high:
            return encoding, True, lines
        if encoding != "cp874" and len(candidates) == 1:
            return encoding, True, lines
    raise FileError(
        _(
            "อ่านตัวอักษรในไฟล์ไม่ได้ (ไม่ใช่ UTF-8 หรือ Windows-874): ใน Excel เลือก "
            "บันทึกเป็น → CSV UTF-8 (Comma delimited) หรือ Excel Workbook (.xlsx) แล้วส่งใหม่"
        ),
        "encoding",
    )


def _open_csv(fileobj, filename, header_matcher, max_rows) -> Table:
    fileobj.seek(0)
    sample_bytes = fileobj.read(CSV_SAMPLE_BYTES)
    if _HTML_RE.match(sample_bytes):
        raise FileError(
            _(
                "ไฟล์นี้เป็นหน้าเว็บ (HTML/XML) ที่ตั้งชื่อเป็นไฟล์ตาราง: เปิดใน Excel "
                "แล้วบันทึกเป็น Excel Workbook (.xlsx) หรือ CSV UTF-8 แล้วส่งใหม่"
            ),
            "not_a_table",
        )
    if b"\x00" in sample_bytes and not sample_bytes.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_a_table()
    encoding, decode_errors, lines = _detect_encoding(fileobj)
    sample = sample_bytes.decode(encoding, errors="replace")
    if len(sample_bytes) == CSV_SAMPLE_BYTES:
        sample = sample[:-1]  # the last character may have been cut in half
    if not sample.strip().strip("\ufeff"):
        raise FileError(_("ไฟล์ว่างเปล่า: ไม่มีข้อมูลเลย ตรวจสอบว่าเลือกไฟล์ถูกต้อง"), "empty")
    if len(_CONTROL_RE.findall(sample)) > max(3, len(sample) // 100):
        raise _not_a_table()

    found = _find_csv_header(sample, header_matcher)
    if found is None:
        raise _no_header()
    delimiter, header_row, raw_headers = found
    headers = [clean_header(h) for h in raw_headers]
    while headers and not headers[-1]:
        headers.pop()
    ncols = len(headers)

    if lines - header_row > max_rows:
        # The line count is only an upper bound (blank lines, quoted line breaks): count for real.
        count = 0
        rownum = header_row  # the file's row number, blank rows included, as in rows() below
        text = _text_stream(fileobj, encoding)
        try:
            for cells in islice(csv.reader(text, delimiter=delimiter), header_row, None):
                rownum += 1
                if cells and not _is_blank(cells):
                    count += 1
                    if count > max_rows:
                        raise _too_many_rows(max_rows)
        except csv.Error as exc:
            raise _csv_error(exc, rownum + 1) from exc
        finally:
            text.close()  # closes only our wrappers: _NonClosingRaw keeps the caller's file open

    def chunks() -> Iterator[tuple[list[int], list[list[str]]]]:
        text = _text_stream(fileobj, encoding)
        rownum = 0
        count = 0
        size = FIRST_CHUNK_ROWS
        try:
            lines = _csv_lines(text, header_row, delimiter)
            for first, block in lines:
                rownum = first - 1
                if block is None:  # what the csv module must read (quotes …): from here to the end
                    rows = csv.reader(lines.send(True), delimiter=delimiter)
                else:
                    rows = map(methodcaller("split", delimiter), block)
                while True:
                    chunk: list[list[str]] = []
                    try:  # on an error, extend keeps the rows before it
                        chunk.extend(islice(rows, size))
                    except csv.Error as exc:
                        if count + sum(1 for cells in chunk if cells and not _is_blank(cells)) > max_rows:
                            raise _too_many_rows(max_rows) from None  # what reading row by row meets first
                        raise _csv_error(exc, rownum + len(chunk) + 1) from exc
                    if not chunk:
                        break
                    size = CHUNK_ROWS
                    numbers = list(range(rownum + 1, rownum + 1 + len(chunk)))
                    rownum += len(chunk)
                    # a filled first cell: not blank (one test per row)
                    blank = [k for k, row in enumerate(chunk) if not row or not row[0] or row[0].isspace()]
                    blank = [k for k in blank if not chunk[k] or _is_blank(chunk[k])]
                    if blank:
                        drop = set(blank)
                        numbers = [n for k, n in enumerate(numbers) if k not in drop]
                        chunk = [cells for k, cells in enumerate(chunk) if k not in drop]
                    count += len(chunk)
                    if count > max_rows:
                        raise _too_many_rows(max_rows)
                    if chunk and min(map(len, chunk)) < ncols:
                        for cells in chunk:
                            if len(cells) < ncols:
                                cells += [""] * (ncols - len(cells))
                    if chunk:
                        yield numbers, chunk
        except csv.Error as exc:
            raise _csv_error(exc, rownum + 1) from exc
        finally:
            text.close()

    chunk_source = chunks()

    return Table(
        format="csv",
        encoding=encoding,
        header_row=header_row,
        headers=headers,
        sheet="",
        rows=_rows_of(chunk_source),
        chunks=chunk_source,
        delimiter=delimiter,
        decode_errors=decode_errors,
    )


def _csv_lines(text: io.TextIOWrapper, header_row: int, delimiter: str):
    """The lines after the header row, in blocks: yields ``(row number of the first line, lines)``.

    A block without quotes, NULs, lone carriage returns or very long lines is split by the caller
    (``str.split`` per line: what the csv module makes of such lines, at about half the cost). At the
    first block that needs the csv module it yields ``(row number, None)`` and, sent ``True``, the text
    from that block to the end (whole lines) for a ``csv.reader``."""
    rownum = 0
    if header_row:  # the title and header rows, counted as the csv module counts them
        for _cells in islice(csv.reader(text, delimiter=delimiter), header_row):
            rownum += 1
    tail = ""
    while True:
        block = text.read(CSV_BLOCK_CHARS)
        if block:
            block = tail + block
            end = block.rfind("\n")
            if end < 0:
                tail = block
                continue
            raw, tail = block[: end + 1], block[end + 1 :]
            body = raw[:-1]
        elif tail:
            raw = body = tail
            tail = ""
        else:
            return
        if "\r" in body:
            body = body.replace("\r\n", "\n")
            if body.endswith("\r"):
                body = body[:-1]
        lines = body.split("\n")
        if '"' in body or "\r" in body or "\x00" in body or max(map(len, lines)) > _CSV_FIELD_LIMIT:
            rest = raw + tail + (text.readline() if tail else "")
            if (yield rownum + 1, None):
                # NUL, which PostgreSQL's text cannot hold, is taken out (in a binary file it is refused
                # earlier, from the sample; a stray one later on means nothing)
                yield (line.replace("\x00", "") for line in chain(io.StringIO(rest, newline=""), text))
            return
        yield rownum + 1, lines
        rownum += len(lines)


def _chunks_of(rows) -> Iterator[tuple[list[int], list[list[Any]]]]:
    size = FIRST_CHUNK_ROWS
    while chunk := list(islice(rows, size)):
        yield [rownum for rownum, _cells in chunk], [cells for _rownum, cells in chunk]
        size = CHUNK_ROWS


def _rows_of(chunks) -> Iterator[tuple[int, list[Any]]]:
    for numbers, rows in chunks:
        yield from zip(numbers, rows, strict=True)


def _find_csv_header(sample: str, header_matcher) -> tuple[str, int, list[str]] | None:
    if sample.startswith("\ufeff"):
        sample = sample[1:]
    for delimiter in (",", ";", "\t", "|"):
        if delimiter not in sample:
            continue
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            for rownum, cells in enumerate(islice(reader, HEADER_SCAN_ROWS), start=1):
                if len(cells) > 1 and header_matcher([clean_header(c) for c in cells]):
                    return delimiter, rownum, cells
        except csv.Error:
            continue
    return None


def _not_a_table() -> FileError:
    return FileError(
        _("ไฟล์นี้ไม่ใช่ไฟล์ตาราง (มีข้อมูลแบบไบนารี): ส่งไฟล์ .xlsx หรือ .csv ที่ส่งออกจากระบบ DMC"),
        "not_a_table",
    )


def _csv_error(exc: csv.Error, rownum: int) -> FileError:
    return FileError(
        _(
            "อ่านไฟล์ CSV ไม่ได้ที่แถว %(row)d (%(reason)s): ตรวจสอบเครื่องหมายคำพูดหรือเซลล์ที่ยาวผิดปกติ "
            "หรือบันทึกจาก Excel เป็น CSV UTF-8 ใหม่"
        )
        % {"row": rownum, "reason": str(exc)[:100]},
        "corrupt",
    )


# ---------------------------------------------------------------------------------------------
# XLSX

_SCAN_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|f|mergeCell)[\s>/]")
_CELL_REF_RE = re.compile(rb"\sr=[\"']([A-Z]{1,3})(\d{1,7})[\"']")
_RANGE_REF_RE = re.compile(rb'\sref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')


def _corrupt_xlsx() -> FileError:
    return FileError(
        _("ไฟล์ Excel นี้เสียหายหรือไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง: เปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"),
        "corrupt",
    )


def _zip_bomb() -> FileError:
    return FileError(
        _("ไฟล์นี้ขยายตัวเมื่อเปิดมากผิดปกติ จึงไม่เปิดอ่าน: ส่งไฟล์ .xlsx ที่บันทึกจาก Excel หรือไฟล์ CSV"),
        "zip_bomb",
    )


def _check_zip(fileobj, max_uncompressed: int) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(fileobj)
        infos = zf.infolist()
    except Exception as exc:  # zipfile raises many kinds on damaged archives
        raise _corrupt_xlsx() from exc
    if len(infos) > ZIP_MAX_ENTRIES:
        raise _zip_bomb()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        zf.close()
        if "word/document.xml" in names:
            kind = "Word"
        elif "ppt/presentation.xml" in names:
            kind = "PowerPoint"
        elif "mimetype" in names or "content.xml" in names:
            raise FileError(
                _("ไฟล์นี้เป็น OpenDocument (.ods): บันทึกเป็น Excel Workbook (.xlsx) หรือ CSV UTF-8 แล้วส่งใหม่"),
                "not_a_table",
            )
        else:
            kind = "ZIP"
        raise FileError(
            _("ไฟล์นี้เป็นไฟล์ %(kind)s ไม่ใช่ตาราง: ส่งไฟล์ .xlsx หรือ .csv") % {"kind": kind}, "not_a_table"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            zf.close()
            raise FileError(
                _("ไฟล์นี้ตั้งรหัสผ่านไว้: เปิดใน Excel เอารหัสผ่านออก แล้วบันทึกเป็น .xlsx ใหม่"),
                "legacy_or_encrypted",
            )
        total += info.file_size
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            zf.close()
            raise _zip_bomb()
    if total > max_uncompressed:
        zf.close()
        raise _zip_bomb()
    return zf


def _open_xlsx(fileobj, header_matcher, max_rows, max_uncompressed) -> Table:
    zf = _check_zip(fileobj, max_uncompressed)
    try:
        fileobj.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except FileError:
        zf.close()
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on bad input
        zf.close()
        raise _corrupt_xlsx() from exc
    try:
        found = _find_xlsx_header(wb, header_matcher)
        sheet_names = list(wb.sheetnames)
        if found is None:
            if all(_sheet_is_empty(ws) for ws in wb.worksheets):
                raise FileError(_("ไฟล์ว่างเปล่า: ไม่มีข้อมูลเลย ตรวจสอบว่าเลือกไฟล์ถูกต้อง"), "empty")
            raise _no_header(sheet_names)
        ws, header_row, headers = found
        ncols = len(headers)
        _scan_sheet_xml(zf, ws._worksheet_path, header_row, ncols)
    except FileError:
        wb.close()
        raise
    except Exception as exc:
        wb.close()
        raise _corrupt_xlsx() from exc
    finally:
        zf.close()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        try:
            source = ws.iter_rows(min_row=header_row + 1, max_col=ncols, values_only=True)
            for rownum, values in enumerate(source, start=header_row + 1):
                if _is_blank(values):
                    continue
                count += 1
                if count > max_rows:
                    raise _too_many_rows(max_rows)
                cells = list(values)
                if len(cells) < ncols:
                    cells += [None] * (ncols - len(cells))
                yield rownum, cells
        except FileError:
            raise
        except Exception as exc:
            raise _corrupt_xlsx() from exc
        finally:
            wb.close()

    source = rows()
    return Table(
        format="xlsx",
        encoding="",
        header_row=header_row,
        headers=headers,
        sheet=ws.title,
        rows=source,
        chunks=_chunks_of(source),
        sheets=sheet_names,
    )


def _sheet_is_empty(ws) -> bool:
    return all(_is_blank(r) for r in ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=50, values_only=True))


def _find_xlsx_header(wb, header_matcher):
    sheets = list(wb.worksheets)
    sheets.sort(key=lambda ws: getattr(ws, "sheet_state", "visible") != "visible")  # visible first
    for ws in sheets:
        ws.reset_dimensions()  # the stored dimension is often wrong in files not written by Excel
        rows = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True)
        for rownum, values in enumerate(rows, start=1):
            cells = [clean_header(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > 1 and header_matcher(cells):
                return ws, rownum, cells
    return None


def _ref_to_cell(col: bytes, row: bytes) -> tuple[int, int]:
    n = 0
    for ch in col:
        n = n * 26 + (ch - 64)
    return int(row), n


def _scan_sheet_xml(zf: zipfile.ZipFile, path: str, header_row: int, ncols: int) -> None:
    """Refuse formulas and merged cells in the data area (header row and below, header columns).

    openpyxl's read-only mode sees neither merged ranges nor (with data_only) formulas, so the
    sheet's XML is scanned once with a regular expression: inflating and scanning run at hundreds
    of MB/s, far faster than parsing the cells.
    """
    keep = 4096
    tail = b""
    with zf.open(path.lstrip("/")) as src:
        while True:
            chunk = src.read(1 << 20)
            buf = tail + chunk
            limit = len(buf) if not chunk else max(0, len(buf) - keep)
            for m in _SCAN_RE.finditer(buf):
                if m.start() >= limit:
                    break  # looked at again with the next chunk
                kind = m.group(1)
                if kind == b"f":
                    start = buf.rfind(b" r=", max(0, m.start() - 1024), m.start())
                    ref = _CELL_REF_RE.match(buf, start) if start >= 0 else None
                    if ref is None:
                        continue
                    row, col = _ref_to_cell(ref.group(1), ref.group(2))
                    if row >= header_row and col <= ncols:
                        raise FileError(
                            _(
                                "เซลล์ %(cell)s มีสูตร (formula): ระบบรับเฉพาะค่า ให้เลือกทั้งตาราง "
                                "คัดลอก แล้ววางแบบค่า (วางแบบพิเศษ → ค่า / Paste Values) แล้วบันทึกส่งใหม่"
                            )
                            % {"cell": (ref.group(1) + ref.group(2)).decode()},
                            "formulas",
                        )
                elif kind == b"mergeCell":
                    ref = _RANGE_REF_RE.search(buf, m.end() - 1, m.end() + 200)
                    if ref is None:
                        continue
                    r1, c1 = _ref_to_cell(ref.group(1), ref.group(2))
                    r2, c2 = _ref_to_cell(ref.group(3), ref.group(4)) if ref.group(3) else (r1, c1)
                    if max(r1, r2) >= header_row and min(c1, c2) <= ncols:
                        cells = ref.group(0).split(b'"')[1].decode()
                        raise FileError(
                            _(
                                "มีการผสานเซลล์ (merge) ที่ %(cells)s ในส่วนข้อมูล: ยกเลิกการผสานเซลล์ "
                                "(Unmerge) และใส่ค่าให้ครบทุกแถว แล้วบันทึกส่งใหม่"
                            )
                            % {"cells": cells},
                            "merged_cells",
                        )
            if not chunk:
                return
            tail = buf[limit:]


# ---------------------------------------------------------------------------------------------
# Batches


class RowBatch(list):
    """Rows read together, as ``(row number, record)`` pairs, and their ``issues``: how a reader that
    reads row by row (EMIS, B-OBEC) hands its rows to the upload pipeline (see ``kinds``)."""

    issues: list


def row_batches(rows: Iterable[tuple[int, dict, list]], size: int = 2000) -> Iterator[RowBatch]:
    """Group a reader's ``(row number, record, issues)`` into batches of ``size`` rows."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        batch = RowBatch((rownum, record) for rownum, record, _issues in chunk)
        batch.issues = [issue for _rownum, _record, issues in chunk for issue in issues]
        yield batch
