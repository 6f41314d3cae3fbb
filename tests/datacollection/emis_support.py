"""Shared helpers of the EMIS tests: rounds made through the services, templates filled with openpyxl."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from datacollection import services, workflow
from datacollection.models import Round, Submission

AS_OF = datetime.date(2026, 6, 10)


def emis_round(*, actor, schools, number=1, academic_year=2569, status="open", as_of=AS_OF, **dates) -> Round:
    """An EMIS round created and opened through the services, as district staff would."""
    defaults = {
        "label": f"EMIS รอบที่ {number} ปีการศึกษา {academic_year}",
        "as_of": as_of,
        "opens_on": as_of - datetime.timedelta(days=9),
        "deadline": datetime.date(2099, 6, 30),
        "closes_on": datetime.date(2099, 7, 15),
    } | dates
    round_ = services.round_create(
        actor=actor,
        kind=Round.Kind.EMIS,
        academic_year=academic_year,
        number=number,
        target_schools=list(schools),
        **defaults,
    )
    if status == "open":
        services.round_open(round_, actor=actor)
    return round_


def submission_of(round_, school) -> Submission:
    return Submission.objects.select_related("round", "school").get(round=round_, school=school)


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def find_row(ws, first_cell, second_cell=None) -> int:
    """The row whose first cell (and second, if given) has these values."""
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value) == str(first_cell) and (second_cell is None or row[1].value == second_cell):
            return row[0].row
    raise AssertionError(f"no row {first_cell!r} {second_cell!r} in {ws.title}")


def upload(submission, content: bytes, *, actor=None, name="emis.xlsx"):
    """Receive and process a template file through the pipeline; the result summary."""
    file = SimpleUploadedFile(name, content)
    received = services.upload_receive(submission, actor=actor, file=file, name=name)
    return services.upload_process(received.pk)


def accept(submission, *, officer, staff):
    workflow.submission_submit(submission, actor=officer)
    workflow.submission_accept(submission, actor=staff)
