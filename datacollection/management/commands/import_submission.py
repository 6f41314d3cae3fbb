"""Load a school's data file into a round from the command line, as the system (no user), through the
same services as the upload page and the API.

    python manage.py import_submission --round dmc-2569-2 --school 1090550500 dmc.csv [--dry-run] [--json]

Exit status: 0 imported (or, with --dry-run, valid); 1 rejected (or the check failed); 2 usage error:
an unknown round or school, a round not open, a school the round does not target, a submission that
takes no file now (submitted or accepted), a file that is missing, unreadable or too large.
"""

import json
import logging
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from datacollection import permissions, services
from datacollection.models import Round, Submission, Upload
from schools.models import School

log = logging.getLogger(__name__)

USAGE_ERROR = 2
SHOWN_ERRORS = 20
SHOWN_WARNINGS = 5


class Command(BaseCommand):
    help = (
        "นำเข้าไฟล์ข้อมูลของโรงเรียนเข้ารอบการเก็บข้อมูลในนามของระบบ: ตรวจทุกแถวก่อน แล้วบันทึกทั้งหมดหรือไม่บันทึกเลย "
        "(exit 0 นำเข้าแล้ว/ผ่านการตรวจ, 1 ไม่ผ่าน, 2 ใช้คำสั่งไม่ถูกต้อง)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug", metavar="SLUG",
                            help="รหัสรอบ เช่น dmc-2569-2")  # fmt: skip
        parser.add_argument("--school", required=True, dest="school_code", metavar="CODE",
                            help="รหัสโรงเรียน 10 หลัก")  # fmt: skip
        parser.add_argument("file", metavar="FILE", help="ไฟล์ข้อมูล (.csv หรือ .xlsx)")
        parser.add_argument("--dry-run", action="store_true",
                            help="ทดลองตรวจเท่านั้น: รายงานผลโดยไม่บันทึกอะไรไว้")  # fmt: skip
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="พิมพ์ผลเป็น JSON หนึ่งออบเจกต์")  # fmt: skip

    def handle(self, *args, round_slug, school_code, file, dry_run, as_json, **options):
        submission = _submission(round_slug, school_code)
        path = Path(file)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CommandError(
                _("อ่านไฟล์ %(file)s ไม่ได้: %(reason)s") % {"file": file, "reason": exc.strerror or exc},
                returncode=USAGE_ERROR,
            ) from None
        with handle:
            content = File(handle, name=path.name)
            try:
                if dry_run:
                    result = services.upload_check(submission, actor=None, file=content, name=path.name)
                else:
                    upload = services.upload_receive(submission, actor=None, file=content, name=path.name)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages), returncode=USAGE_ERROR) from None
        if not dry_run:
            try:
                result = services.upload_process(upload.pk)
            except Exception:  # the upload is marked failed; the previous records are intact
                log.exception("Processing upload %s failed", upload.pk)
                result = services.upload_result(Upload.objects.get(pk=upload.pk))
        summary = result.as_dict()

        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(_human_summary(submission, path.name, summary))
        if summary["status"] not in ("imported", "valid"):
            sys.exit(1)


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _submission(slug: str, code: str) -> Submission:
    """The school's submission to the round, or a usage error saying why there is none to load into."""
    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None:
        raise _usage_error(_("ไม่พบรอบ “%(slug)s”") % {"slug": slug})
    if not round_.is_open:
        raise _usage_error(
            _("รอบ %(round)s ไม่ได้เปิดรับข้อมูล (สถานะ: %(status)s)")
            % {"round": round_.slug, "status": round_.get_status_display()}
        )
    school = School.objects.filter(code=code).first()
    if school is None:
        raise _usage_error(_("ไม่พบโรงเรียนรหัส “%(code)s”") % {"code": code})
    submission = (
        Submission.objects.select_related("round", "school", "current_upload")
        .filter(round=round_, school=school)
        .first()
    )
    if submission is None or not round_.target_schools.filter(pk=school.pk).exists():
        raise _usage_error(
            _("%(school)s (%(code)s) ไม่ใช่โรงเรียนเป้าหมายของรอบ %(round)s")
            % {"school": school, "code": school.code, "round": round_.slug}
        )
    if not permissions.accepts_uploads(submission):
        raise _usage_error(
            _("%(school)s ส่งไฟล์ไม่ได้ในสถานะ “%(status)s”: ให้เขตพื้นที่เปิดให้แก้ไขก่อน")
            % {"school": school, "status": submission.get_status_display()}
        )
    return submission


def _human_summary(submission: Submission, filename: str, summary: dict) -> str:
    outcome = {
        "imported": _("นำเข้าแล้ว"),
        "valid": _("ผ่านการตรวจสอบ (ทดลองตรวจ ไม่ได้บันทึกข้อมูล)"),
        "rejected": _("ไม่ผ่าน: มีข้อผิดพลาด ไม่ได้บันทึกข้อมูลจากไฟล์นี้"),
        "failed": _("ตรวจสอบไม่สำเร็จ"),
    }.get(summary["status"], summary["status"])
    school = submission.school
    lines = [
        f"{school} ({school.code}) · {submission.round.label} · {filename}",
        _("ผล: %(outcome)s") % {"outcome": outcome},
        _("จำนวนแถว %(rows)s · นำเข้า %(imported)s · ข้อผิดพลาด %(errors)s · คำเตือน %(warnings)s")
        % {
            "rows": f"{summary['rows']:,}",
            "imported": f"{summary['imported']:,}",
            "errors": f"{summary['error_count']:,}",
            "warnings": f"{summary['warning_count']:,}",
        },
    ]
    if summary["status"] == "imported":
        submission.refresh_from_db(fields=["status"])
        lines.append(
            _("สถานะการส่ง: %(status)s (โรงเรียนยืนยันส่งในระบบเมื่อข้อมูลถูกต้อง)")
            % {"status": submission.get_status_display()}
        )
    for title, issues, total, shown in (
        (_("ข้อผิดพลาด"), summary["errors"], summary["error_count"], SHOWN_ERRORS),
        (_("คำเตือน"), summary["warnings"], summary["warning_count"], SHOWN_WARNINGS),
    ):
        if not issues:
            continue
        first = issues[:shown]
        lines.append(
            _("%(title)s (%(shown)d รายการแรกจาก %(total)s):")
            % {"title": title, "shown": len(first), "total": f"{total:,}"}
        )
        lines.extend(f"  {_where(issue)}: {issue['message']}" for issue in first)
    return "\n".join(lines)


def _where(issue: dict) -> str:
    where = _("แถว %(row)d") % {"row": issue["row"]} if issue["row"] else _("ทั้งไฟล์")
    return f"{where} · {issue['column']}" if issue["column"] else where
