"""Spreadsheets the portal hands out: one sheet, a bold header row, and text that stays text.

openpyxl stores any string that starts with "=" as a formula; what a person typed (a note, a design, a
school's name) must open in Excel as the text it is, never as a live formula.
"""

import io

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def text_cell(ws, value):
    """``value`` for a write-only sheet ``ws``; a string that looks like a formula is kept as text."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def table_workbook(sheet_title: str, headers: list[str], rows, widths: list[int]) -> bytes:
    """An XLSX file of one table: ``headers`` in bold, then ``rows`` (an iterable of lists), streamed."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])  # Excel's limit on sheet names
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([text_cell(ws, value) for value in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
