"""The error report a school downloads: its own rows with the problems written beside them.

An XLSX written with openpyxl's write-only mode, so memory stays flat whatever the number of rows:
sheet "สรุป" (summary: counts, problems of the file as a whole, problems by column and kind) and
sheet "ข้อมูลและปัญหา" (row number, result, the problems, then the school's own columns; error
rows marked red, warning rows amber, and the offending cells coloured the same).
"""

import contextlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any, BinaryIO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from .tabular import column_letter, unique_headers

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's "bad" red
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")  # Excel's "neutral" amber
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_CELL = 32767  # Excel's limit for a cell's text
MAX_FILE_LEVEL = 1000  # problems not tied to a data row that are listed one by one


def write_error_report(
    source_rows: Iterable[tuple[int, Mapping[str, Any] | Sequence[Any]]],
    issues: Iterable[Any],
    headers: list[str],
    out: BinaryIO,
    *,
    only_with_issues: bool = False,
) -> None:
    """Write the report to ``out``.

    ``source_rows``: (row number, cells) in file order, cells either a dict keyed like
    ``record["raw"]`` (``tabular.unique_headers(headers)``) or a list in header order.
    ``issues``: objects with row, column, code, message, value, severity (``dmc.Issue``); a list
    or tuple may be in any order, any other iterable must come in row order (a file-level issue
    on the header row first) so that it can be streamed. Issues whose row is not among
    ``source_rows`` (the header row, skipped rows) are listed on the summary sheet.
    ``only_with_issues`` leaves out rows without problems (use it for very large files).
    """
    if isinstance(issues, list | tuple):
        issues = sorted(issues, key=attrgetter("row"))
    keys = unique_headers(headers)
    columns_of: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        columns_of.setdefault(h, []).append(i)

    wb = openpyxl.Workbook(write_only=True)
    summary = wb.create_sheet(_("สรุป"))
    data = wb.create_sheet(_("ข้อมูลและปัญหา"))
    try:
        _write(wb, summary, data, source_rows, issues, headers, keys, columns_of, out, only_with_issues)
    except BaseException:
        for ws in (summary, data):  # finish and delete the sheets' temporary files
            with contextlib.suppress(Exception):
                ws.close()
                ws._writer.cleanup()
        raise


def _write(wb, summary, data, source_rows, issues, headers, keys, columns_of, out, only_with_issues) -> None:
    data.freeze_panes = "D2"
    data.column_dimensions["A"].width = 9
    data.column_dimensions["B"].width = 12
    data.column_dimensions["C"].width = 70
    for i in range(len(headers)):
        data.column_dimensions[column_letter(i + 3)].width = 16
    meta = [_("แถวในไฟล์"), _("ผลตรวจ"), _("ปัญหาที่พบ")]
    data.append([_header_cell(data, h) for h in chain(meta, keys)])

    label_error, label_warning = _("ข้อผิดพลาด"), _("คำเตือน")
    counts: Counter = Counter()
    by_kind: dict[tuple[str, str, str], list] = {}  # (severity, column, code) → [count, first row, message]
    file_level: list[Any] = []
    file_level_count = 0
    pending_iter = iter(issues)
    pending = next(pending_iter, None)
    last_row = 0

    def advance():
        nonlocal last_row
        nxt = next(pending_iter, None)
        if nxt is not None:
            if nxt.row < last_row:
                raise ValueError("issues must come in row order (or be passed as a list)")
            last_row = nxt.row
        return nxt

    if pending is not None:
        last_row = pending.row

    def note(issue) -> None:
        counts[issue.severity] += 1
        entry = by_kind.get((issue.severity, issue.column, issue.code))
        if entry is None:
            by_kind[(issue.severity, issue.column, issue.code)] = [1, issue.row, issue.message]
        else:
            entry[0] += 1

    for rownum, cells in source_rows:
        row_issues = []
        while pending is not None and pending.row <= rownum:
            note(pending)
            if pending.row == rownum:
                row_issues.append(pending)
            else:
                file_level_count += 1
                if len(file_level) < MAX_FILE_LEVEL:
                    file_level.append(pending)
            pending = advance()
        counts["rows"] += 1
        values = [cells.get(k, "") for k in keys] if isinstance(cells, Mapping) else list(cells)
        if not row_issues:
            if not only_with_issues:
                data.append([rownum, None, None, *(_plain(data, _safe(v)) for v in values)])
            continue
        has_error = any(i.severity == "error" for i in row_issues)
        counts["error_rows" if has_error else "warning_rows"] += 1
        fill = ERROR_FILL if has_error else WARNING_FILL
        text = "\n".join(f"• [{i.column}] {i.message}" if i.column else f"• {i.message}" for i in row_issues)
        row = [
            _cell(data, rownum, fill),
            _cell(data, label_error if has_error else label_warning, fill),
            _cell(data, _safe(text), fill, WRAP),
        ]
        marked: dict[int, PatternFill] = {}
        for issue in row_issues:
            for j in columns_of.get(issue.column, ()):
                if marked.get(j) is not ERROR_FILL:
                    marked[j] = ERROR_FILL if issue.severity == "error" else WARNING_FILL
        for j, v in enumerate(values):
            v = _safe(v)
            row.append(_cell(data, v, marked[j]) if j in marked else _plain(data, v))
        data.append(row)
    while pending is not None:
        note(pending)
        file_level_count += 1
        if len(file_level) < MAX_FILE_LEVEL:
            file_level.append(pending)
        pending = advance()

    _write_summary(summary, counts, by_kind, file_level, file_level_count)
    wb.save(out)


def _write_summary(ws, counts, by_kind, file_level, file_level_count) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["D"].width = 10
    ws.column_dimensions["E"].width = 90
    ws.column_dimensions["F"].width = 12
    ws.append([_header_cell(ws, _("รายงานผลตรวจไฟล์ข้อมูลนักเรียน"))])
    ws.append([_("ข้อผิดพลาด (สีแดง) ต้องแก้ในไฟล์แล้วส่งใหม่ คำเตือน (สีเหลือง) ให้ตรวจสอบ ส่งได้โดยไม่ต้องแก้")])
    ws.append([])
    for label, key in (
        (_("แถวข้อมูล"), "rows"),
        (_("แถวที่มีข้อผิดพลาด"), "error_rows"),
        (_("แถวที่มีเฉพาะคำเตือน"), "warning_rows"),
        (_("ข้อผิดพลาดทั้งหมด"), "error"),
        (_("คำเตือนทั้งหมด"), "warning"),
    ):
        ws.append([label, counts[key]])
    if file_level:
        ws.append([])
        ws.append([_header_cell(ws, _("ปัญหาของทั้งไฟล์หรือแถวที่ระบบข้าม"))])
        ws.append([_header_cell(ws, h) for h in (_("แถวในไฟล์"), _("คอลัมน์"), _("ระดับ"), "", _("ปัญหา"))])
        for issue in file_level:
            fill = ERROR_FILL if issue.severity == "error" else WARNING_FILL
            ws.append(
                [
                    issue.row,
                    _safe(issue.column),
                    _cell(ws, _severity_label(issue.severity), fill),
                    None,
                    _cell(ws, _safe(issue.message), None, WRAP),
                ]
            )
        if file_level_count > len(file_level):
            ws.append([_("… และอีก %(n)d รายการ") % {"n": file_level_count - len(file_level)}])
    ws.append([])
    ws.append([_header_cell(ws, _("ปัญหาแยกตามคอลัมน์"))])
    heads = (_("ระดับ"), _("คอลัมน์"), _("รหัสปัญหา"), _("จำนวน"), _("ตัวอย่าง"), _("แถวแรกที่พบ"))
    ws.append([_header_cell(ws, h) for h in heads])
    order = sorted(by_kind.items(), key=lambda kv: (kv[0][0] != "error", -kv[1][0]))
    for (severity, column, code), (count, first_row, message) in order:
        fill = ERROR_FILL if severity == "error" else WARNING_FILL
        ws.append(
            [
                _cell(ws, _severity_label(severity), fill),
                _safe(column),
                code,
                count,
                _cell(ws, _safe(message), None, WRAP),
                first_row,
            ]
        )


def _severity_label(severity: str) -> str:
    return _("ข้อผิดพลาด") if severity == "error" else _("คำเตือน")


def _safe(value: Any) -> Any:
    """Cell values as the school wrote them, but never a formula and never illegal XML."""
    if value is None or isinstance(value, int | float):
        return value
    if not isinstance(value, str):
        value = str(value)
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > MAX_CELL:
        value = value[:MAX_CELL]
    return value


def _plain(ws, value):
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # text that looks like a formula stays text
        return cell
    return value


def _cell(ws, value, fill=None, alignment=None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header_cell(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    cell.font = BOLD
    cell.fill = HEADER_FILL
    return cell
