"""``manage.py import_submission``: the JSON summary, the exit status (0 imported or valid, 1 rejected,
2 usage error), and that a rejected file or a dry run leaves nothing behind."""

import datetime
import io
import json
import os
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aoc.models import AuditLog
from datacollection import samples
from datacollection.management.commands import import_submission
from datacollection.models import StudentRecord, Submission, SubmissionEvent, Upload
from tests.factories import SchoolFactory, dmc_round

AS_OF = datetime.date(2026, 11, 10)
S = Submission.Status


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)


def _students(school, n=30, seed=1):
    return samples.make_students(
        n, school_code=school.code, school_grades=school.grades, seed=seed, as_of=AS_OF
    )


@pytest.fixture
def good_file(tmp_path, school_a):
    path = tmp_path / "dmc.csv"
    path.write_bytes(samples.csv_bytes(_students(school_a), as_of=AS_OF))
    return path


@pytest.fixture
def bad_file(tmp_path, school_a):
    students = samples.defect(_students(school_a, n=40, seed=2), 4, "national_id", "1234567890123")
    path = tmp_path / "bad.csv"
    path.write_bytes(samples.csv_bytes(students, as_of=AS_OF))
    return path


def run(*argv) -> tuple[int, str, str]:
    """Run the command as from a shell (``run_from_argv``): (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    command = import_submission.Command(stdout=out, stderr=err)
    # run_from_argv closes the database connections at the end; the test's transaction needs its own.
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            command.run_from_argv(["manage.py", "import_submission", *map(str, argv)])
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _private_files() -> set[str]:
    location = Upload._meta.get_field("file").storage.location
    return {os.path.join(d, f) for d, _dirs, files in os.walk(location) for f in files}


def _assert_json_shape(summary: dict):
    assert {"status", "rows", "imported", "errors", "warnings"} <= set(summary)
    for issue in summary["errors"] + summary["warnings"]:
        assert {"row", "column", "code", "message"} <= set(issue)
        assert isinstance(issue["row"], int)


@pytest.mark.django_db
def test_clean_file_is_imported_as_the_system_and_exits_0(round_, school_a, good_file):
    code, out, _err = run("--round", round_.slug, "--school", school_a.code, good_file, "--json")
    assert code == 0
    summary = json.loads(out)
    _assert_json_shape(summary)
    assert (summary["status"], summary["rows"], summary["imported"], summary["errors"]) == (
        "imported",
        30,
        30,
        [],
    )
    assert StudentRecord.objects.filter(round=round_, school=school_a).count() == 30
    submission = Submission.objects.get(round=round_, school=school_a)
    assert submission.status == S.DRAFT
    assert submission.current_upload.uploaded_by is None
    event = SubmissionEvent.objects.get(submission=submission)
    assert (event.actor, event.to_status) == (None, S.DRAFT)
    processed = AuditLog.objects.get(action="datacollection.upload.processed")
    assert (processed.actor, processed.actor_repr) == (None, "system")


@pytest.mark.django_db
def test_file_with_errors_is_rejected_exits_1_and_stores_nothing(round_, school_a, bad_file):
    code, out, _err = run("--round", round_.slug, "--school", school_a.code, bad_file, "--json")
    assert code == 1
    summary = json.loads(out)
    _assert_json_shape(summary)
    assert (summary["status"], summary["imported"]) == ("rejected", 0)
    [error] = summary["errors"]
    assert (error["row"], error["code"]) == (samples.data_row(4), "id_checksum")
    assert error["column"] and error["message"]
    assert not StudentRecord.objects.exists()
    assert Submission.objects.get(round=round_, school=school_a).status == S.NOT_STARTED


@pytest.mark.django_db
def test_dry_run_of_a_clean_file_is_valid_exits_0_and_leaves_nothing(round_, school_a, good_file):
    files_before = _private_files()
    code, out, _err = run("--round", round_.slug, "--school", school_a.code, good_file, "--dry-run", "--json")
    assert code == 0
    summary = json.loads(out)
    _assert_json_shape(summary)
    assert (summary["status"], summary["rows"], summary["upload"]) == ("valid", 30, None)
    assert not Upload.objects.exists()
    assert not StudentRecord.objects.exists()
    assert _private_files() == files_before
    submission = Submission.objects.get(round=round_, school=school_a)
    assert (submission.status, submission.current_upload_id) == (S.NOT_STARTED, None)
    assert not SubmissionEvent.objects.filter(submission=submission).exists()


@pytest.mark.django_db
def test_dry_run_of_a_bad_file_is_rejected_exits_1_and_leaves_nothing(round_, school_a, bad_file):
    files_before = _private_files()
    code, out, _err = run("--round", round_.slug, "--school", school_a.code, bad_file, "--dry-run", "--json")
    assert code == 1
    assert json.loads(out)["status"] == "rejected"
    assert not Upload.objects.exists()
    assert _private_files() == files_before


@pytest.mark.django_db
def test_human_summary_is_in_thai_with_counts_and_the_first_errors(round_, school_a, bad_file, good_file):
    code, out, _err = run("--round", round_.slug, "--school", school_a.code, bad_file)
    assert code == 1
    assert "ไม่ผ่าน" in out
    assert "จำนวนแถว 40 · นำเข้า 0 · ข้อผิดพลาด 1" in out
    assert f"แถว {samples.data_row(4)} · " in out

    code, out, _err = run("--round", round_.slug, "--school", school_a.code, good_file)
    assert code == 0
    assert "นำเข้าแล้ว" in out
    assert "จำนวนแถว 30 · นำเข้า 30 · ข้อผิดพลาด 0" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown_round", "ไม่พบรอบ"),
        ("round_not_open", "ไม่ได้เปิดรับข้อมูล"),
        ("unknown_school", "ไม่พบโรงเรียน"),
        ("school_not_in_round", "ไม่ใช่โรงเรียนเป้าหมาย"),
        ("missing_file", "อ่านไฟล์"),
        ("directory", "อ่านไฟล์"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_change_nothing(
    round_, district_staff, school_a, good_file, tmp_path, case, message
):
    slug, code_, path = round_.slug, school_a.code, good_file
    if case == "unknown_round":
        slug = "dmc-2500-9"
    elif case == "round_not_open":
        slug = dmc_round(actor=district_staff, number=3, status="planned", schools=[school_a]).slug
    elif case == "unknown_school":
        code_ = "1090999999"
    elif case == "school_not_in_round":
        code_ = SchoolFactory().code
    elif case == "missing_file":
        path = tmp_path / "nothing.csv"
    elif case == "directory":
        path = tmp_path
    code, out, err = run("--round", slug, "--school", code_, path, "--json")
    assert code == 2
    assert out == ""
    assert message in err
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_submitted_submission_takes_no_file_exit_2(round_, school_a, officer_a, good_file):
    from datacollection import workflow

    assert run("--round", round_.slug, "--school", school_a.code, good_file)[0] == 0
    workflow.submission_submit(Submission.objects.get(round=round_, school=school_a), actor=officer_a)
    code, _out, err = run("--round", round_.slug, "--school", school_a.code, good_file)
    assert code == 2
    assert "ยืนยันส่งแล้ว" in err
    assert Upload.objects.count() == 1


@pytest.mark.django_db
def test_file_too_large_exits_2(settings, round_, school_a, good_file):
    settings.DMC_UPLOAD_MAX_BYTES = 100
    code, _out, err = run("--round", round_.slug, "--school", school_a.code, good_file)
    assert code == 2
    assert "ใหญ่เกินไป" in err
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],  # nothing
        ["--school", "1090550500", "dmc.csv"],  # no --round
        ["--round", "dmc-2569-2", "dmc.csv"],  # no --school
        ["--round", "dmc-2569-2", "--school", "1090550500"],  # no file
        ["--round", "dmc-2569-2", "--school", "1090550500", "dmc.csv", "--frobnicate"],
    ],
)
def test_argument_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        import_submission.Command().run_from_argv(["manage.py", "import_submission", *argv])
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.django_db
def test_call_command_raises_the_same_exit_codes(round_, school_a, good_file, bad_file):
    out = io.StringIO()
    call_command("import_submission", "--round", round_.slug, "--school", school_a.code, str(good_file),
                 "--dry-run", "--json", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["status"] == "valid"
    with pytest.raises(SystemExit) as rejected:
        call_command("import_submission", "--round", round_.slug, "--school", school_a.code, str(bad_file),
                     "--json", stdout=io.StringIO())  # fmt: skip
    assert rejected.value.code == 1
    with pytest.raises(CommandError) as usage:
        call_command("import_submission", "--round", "dmc-2500-9", "--school", school_a.code, str(good_file))
    assert usage.value.returncode == 2
