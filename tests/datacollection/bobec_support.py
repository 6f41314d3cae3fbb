"""Shared pieces of the B-OBEC tests: a round, templates filled with openpyxl, the building types."""

import datetime
import io

import openpyxl

from datacollection import services
from datacollection.kinds import bobec
from datacollection.models import Round

AS_OF = datetime.date(2026, 6, 10)
HEADER_ROW = bobec.TEMPLATE_HEADER_ROW
HEADERS = [c.th[0] for c in bobec.COLUMNS]


def bobec_round(*, actor, academic_year=2569, number=1, status="open", schools=(), **dates) -> Round:
    """A B-OBEC round created (and opened) through the services, as district staff would."""
    defaults = {
        "label": f"B-OBEC ปีการศึกษา {academic_year} รอบที่ {number}",
        "as_of": AS_OF,
        "opens_on": datetime.date(2026, 6, 1),
        "deadline": datetime.date(2099, 6, 30),
        "closes_on": datetime.date(2099, 7, 15),
    } | dates
    round_ = services.round_create(
        actor=actor, kind=Round.Kind.BOBEC, academic_year=academic_year, number=number,
        target_schools=list(schools) or None, **defaults,
    )  # fmt: skip
    if status == "open":
        services.round_open(round_, actor=actor)
    return round_


def row(**values) -> list:
    """A template row (cells in the template's column order) from keys of ``bobec.COLUMNS``."""
    base = {"building_type": "อาคารเรียน", "sequence": 1, "design_raw": "สปช.105/29", "rooms": 4,
            "year_built": 2530, "condition": "ดี"}  # fmt: skip
    base.update(values)
    return [base.get(c.key) for c in bobec.COLUMNS]


def workbook_bytes(rows: list[list], *, headers=None, title_rows=HEADER_ROW - 1) -> bytes:
    """A workbook as a school would fill one: title rows, the header row, the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["ข้อมูลอาคารและสิ่งก่อสร้าง"])
    ws.append(headers or HEADERS)
    for cells in rows:
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill_template(content: bytes, rows: list[list], *, start_row: int | None = None) -> bytes:
    """Open a downloaded template with openpyxl, write ``rows`` below what is there (or from
    ``start_row``), save it again."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[bobec.SHEET_TITLE]
    r = start_row or ws.max_row + 1
    for cells in rows:
        for index, value in enumerate(cells, start=1):
            ws.cell(row=r, column=index, value=value)
        r += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
