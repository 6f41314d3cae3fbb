"""Build the annual booklet (PDF) of a year's published data, synchronously, into a file."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import statistics
from reports.booklet.services import render_booklet


class Command(BaseCommand):
    help = (
        "สร้างเอกสารสารสนเทศประจำปี (PDF) จากข้อมูลที่เผยแพร่แล้ว: "
        "--year <ปีการศึกษา พ.ศ.> [--round <slug>] --output FILE.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="ปีการศึกษา (พ.ศ.), e.g. 2569")
        parser.add_argument(
            "--round", dest="round_slug", help="รอบ (slug), e.g. dmc-2569-1; default: the latest"
        )
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, year, round_slug, output, **options):
        if year < 2400:
            raise CommandError(
                f"--year is an academic year in the Buddhist Era (e.g. {year + 543}), not {year}"
            )
        publications = statistics.publication_list().filter(round__academic_year=year)
        if round_slug:
            publications = publications.filter(round__slug=round_slug)
        publication = publications.first()
        if publication is None:
            what = f"round {round_slug} of {year}" if round_slug else f"academic year {year}"
            raise CommandError(
                f"No published data for {what}: publish the round's accepted data first "
                f"(ไม่มีข้อมูลที่เผยแพร่แล้วของปีการศึกษา {year}{' รอบ ' + round_slug if round_slug else ''})"
            )
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Directory {path.parent} does not exist")
        started = time.monotonic()
        pages = render_booklet(publication, path)
        self.stdout.write(
            f"{path}: {pages} pages, {path.stat().st_size:,} bytes, {publication.round.label} "
            f"(as of {publication.as_of}), {time.monotonic() - started:.1f} s"
        )
