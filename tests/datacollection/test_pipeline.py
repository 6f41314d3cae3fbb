"""Uploads end to end on PostgreSQL: read, check, store with COPY, all or nothing."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from aoc.models import AuditLog
from datacollection import samples, services
from datacollection.models import StudentRecord, Submission, Upload
from tests.factories import dmc_round

AS_OF = datetime.date(2026, 11, 10)


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)


def _students(school, n=30, seed=1, **options):
    return samples.make_students(
        n, school_code=school.code, school_grades=school.grades, seed=seed, as_of=AS_OF, **options
    )


def _send(submission, actor, content, name="dmc.csv", dry_run=False):
    upload = services.upload_receive(
        submission, actor=actor, file=SimpleUploadedFile(name, content), name=name
    )
    return services.upload_process(upload.pk, dry_run=dry_run)


def _csv(students, **options):
    return samples.csv_bytes(students, as_of=AS_OF, **options)


@pytest.mark.django_db
def test_clean_file_is_imported_with_every_row_and_the_submission_becomes_a_draft(
    round_, school_a, officer_a
):
    submission = Submission.objects.get(round=round_, school=school_a)
    result = _send(submission, officer_a, _csv(_students(school_a)))
    assert result.status == "imported", result.errors[:3]
    assert (result.rows, result.imported, result.error_count) == (30, 30, 0)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
    assert StudentRecord.objects.filter(round=round_, school=school_a).count() == 30
    assert submission.current_upload.status == Upload.Status.VALID
    # The raw row is kept as the school wrote it, its cells in the order of the upload's headers.
    record = StudentRecord.objects.get(upload=submission.current_upload, row_number=samples.data_row(0))
    raw = dict(zip(submission.current_upload.headers, record.raw, strict=True))
    assert (raw["ชื่อ"], raw["นามสกุล"]) == (record.first_name, record.last_name)
    assert AuditLog.objects.filter(action="datacollection.upload.processed").count() == 1


@pytest.mark.django_db
def test_file_with_a_blocking_error_stores_nothing_and_keeps_the_previous_records(
    round_, school_a, officer_a
):
    submission = Submission.objects.get(round=round_, school=school_a)
    assert _send(submission, officer_a, _csv(_students(school_a))).status == "imported"
    first_upload = Submission.objects.get(pk=submission.pk).current_upload

    students = samples.defect(
        _students(school_a, n=40, seed=2), 4, "national_id", "1234567890123"
    )  # bad checksum
    result = _send(submission, officer_a, _csv(students))
    assert result.status == "rejected"
    assert [(e["row"], e["code"]) for e in result.errors] == [(samples.data_row(4), "id_checksum")]
    assert StudentRecord.objects.filter(round=round_, school=school_a).count() == 30
    assert set(
        StudentRecord.objects.filter(round=round_, school=school_a).values_list("upload", flat=True)
    ) == {first_upload.pk}
    assert Submission.objects.get(pk=submission.pk).current_upload == first_upload


@pytest.mark.django_db
def test_duplicates_inside_the_file_are_errors_on_the_repeated_row(round_, school_a, officer_a):
    students = _students(school_a, n=10)
    students[7]["national_id"] = students[2]["national_id"]
    result = _send(Submission.objects.get(round=round_, school=school_a), officer_a, _csv(students))
    assert result.status == "rejected"
    [error] = [e for e in result.errors if e["code"] == "duplicate_in_file"]
    assert error["row"] == samples.data_row(7)
    assert str(samples.data_row(2)) in error["message"]
    assert not StudentRecord.objects.exists()


@pytest.mark.django_db
def test_same_student_in_another_school_is_flagged_not_blocked(
    round_, school_a, school_b, officer_a, officer_b
):
    students_a = _students(school_a, n=10)
    _send(Submission.objects.get(round=round_, school=school_a), officer_a, _csv(students_a))
    students_b = _students(school_b, n=10, seed=9)
    students_b[3]["national_id"] = students_a[5]["national_id"]
    result = _send(Submission.objects.get(round=round_, school=school_b), officer_b, _csv(students_b))
    assert result.status == "imported"
    [warning] = [w for w in result.warnings if w["code"] == "in_other_school"]
    assert warning["row"] == samples.data_row(3)
    assert school_a.name_th in warning["message"]


@pytest.mark.django_db
def test_dry_run_reports_without_keeping_anything(round_, school_a, officer_a):
    submission = Submission.objects.get(round=round_, school=school_a)
    result = _send(submission, officer_a, _csv(_students(school_a)), dry_run=True)
    assert result.status == "valid"
    assert not StudentRecord.objects.exists()
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.NOT_STARTED


@pytest.mark.django_db
def test_file_that_is_not_a_table_is_rejected_with_a_message(round_, school_a, officer_a):
    result = _send(Submission.objects.get(round=round_, school=school_a), officer_a, b"\x00\x01junk\xff" * 50)
    assert result.status == "rejected"
    assert result.errors[0]["row"] == 0
    assert result.errors[0]["message"]


@pytest.mark.django_db
def test_a_crash_while_storing_leaves_the_previous_records_intact(round_, school_a, officer_a):
    submission = Submission.objects.get(round=round_, school=school_a)
    _send(submission, officer_a, _csv(_students(school_a)))
    upload = services.upload_receive(
        submission,
        actor=officer_a,
        name="dmc.csv",
        file=SimpleUploadedFile("dmc.csv", _csv(_students(school_a, n=50, seed=3))),
    )
    with (
        mock.patch(
            "datacollection.kinds.dmc_kind.DmcKind.cross_checks",
            side_effect=OperationalError("connection lost"),
        ),
        pytest.raises(OperationalError),
    ):
        services.upload_process(upload.pk)
    assert StudentRecord.objects.filter(school=school_a).count() == 30
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert "ข้อมูลเดิมยังอยู่ครบ" in upload.issues[0]["message"]


@pytest.mark.django_db
def test_processing_twice_changes_nothing(round_, school_a, officer_a):
    submission = Submission.objects.get(round=round_, school=school_a)
    upload = services.upload_receive(
        submission,
        actor=officer_a,
        name="dmc.csv",
        file=SimpleUploadedFile("dmc.csv", _csv(_students(school_a))),
    )
    services.upload_process(upload.pk)
    again = services.upload_process(upload.pk)
    assert again.status == "imported"
    assert StudentRecord.objects.count() == 30


@pytest.mark.django_db
def test_values_too_long_for_their_column_are_an_error_not_a_crash(round_, school_a, officer_a):
    # Found by the property test: a shifted row puts the school's name in the ID column.
    students = samples.defect(_students(school_a, n=5), 1, "national_id", "โรงเรียนบ้านควนลังวิทยาคาร")
    result = _send(Submission.objects.get(round=round_, school=school_a), officer_a, _csv(students))
    assert result.status == "rejected"
    assert [e["row"] for e in result.errors] == [samples.data_row(1)]
    assert not StudentRecord.objects.exists()


@pytest.mark.django_db
def test_both_schools_and_the_district_see_a_student_listed_twice(
    client_for, round_, school_a, school_b, officer_a, officer_b, district_staff
):
    from django.urls import reverse

    students_a = _students(school_a, n=6)
    _send(Submission.objects.get(round=round_, school=school_a), officer_a, _csv(students_a))
    students_b = _students(school_b, n=6, seed=9)
    students_b[2]["national_id"] = students_a[4]["national_id"]
    _send(Submission.objects.get(round=round_, school=school_b), officer_b, _csv(students_b))

    def page(user, school):
        url = reverse("datacollection:submission-detail", kwargs={"slug": round_.slug, "code": school.code})
        return client_for(user).get(url).context

    assert [r.other_school for r in page(officer_a, school_a)["also_elsewhere"]] == [school_b.name_th]
    assert [r.other_school for r in page(officer_b, school_b)["also_elsewhere"]] == [school_a.name_th]
    assert len(page(district_staff, school_a)["also_elsewhere"]) == 1


@pytest.mark.django_db
def test_director_sees_the_counts_of_a_files_problems_but_not_the_messages_that_quote_it(
    client_for, round_, school_a, officer_a, director
):
    from django.urls import reverse

    students = samples.defect(_students(school_a, n=5), 1, "national_id", "1234567890123")
    _send(Submission.objects.get(round=round_, school=school_a), officer_a, _csv(students))
    url = reverse("datacollection:submission-detail", kwargs={"slug": round_.slug, "code": school_a.code})
    assert client_for(officer_a).get(url).context["issues"]
    response = client_for(director).get(url)
    assert response.context["issues"] == []
    assert response.context["latest"].error_count == 1
    assert "1234567890123" not in response.content.decode()


@pytest.mark.django_db
def test_school_cannot_submit_while_its_latest_file_is_still_being_checked(round_, school_a, officer_a):
    from datacollection import workflow

    submission = Submission.objects.get(round=round_, school=school_a)
    _send(submission, officer_a, _csv(_students(school_a)))
    services.upload_receive(submission, actor=officer_a, name="b.csv", file=SimpleUploadedFile("b.csv", b"x"))
    submission.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        workflow.submission_submit(submission, actor=officer_a)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.DRAFT
