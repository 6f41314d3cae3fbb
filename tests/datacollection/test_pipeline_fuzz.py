"""Malformed files through the whole upload path on PostgreSQL: whatever comes in, the result is a
clear outcome (imported or rejected, never an exception) and the stored records are all of a file or
none of it — the submission's previous records stay exactly as they were."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from datacollection import samples, services
from datacollection.models import StudentRecord, Submission
from tests.factories import SchoolFactory, dmc_round, officer_of

AS_OF = datetime.date(2026, 11, 10)
PIPELINE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


CODE = "1090559999"


@pytest.fixture
def school(db):
    return SchoolFactory(code=CODE, smis_code="90029999")


@pytest.fixture
def officer(school):
    return officer_of(school, username="fuzz_officer")


@pytest.fixture
def submission(district_staff, school, officer):
    round_ = dmc_round(actor=district_staff, schools=[school], as_of=AS_OF)
    submission = Submission.objects.get(round=round_, school=school)
    students = samples.make_students(10, school_code=CODE, school_grades=school.grades, as_of=AS_OF)
    first = samples.csv_bytes(students, as_of=AS_OF)
    upload = services.upload_receive(
        submission, actor=officer, file=SimpleUploadedFile("a.csv", first), name="a.csv"
    )
    assert services.upload_process(upload.pk).status == "imported"
    return submission


def _mutations():
    base = samples.csv_bytes(samples.make_students(15, school_code=CODE, seed=7, as_of=AS_OF), as_of=AS_OF)
    return st.tuples(
        st.integers(min_value=0, max_value=len(base) - 1), st.binary(min_size=1, max_size=40)
    ).map(lambda cut: base[: cut[0]] + cut[1] + base[cut[0] + len(cut[1]) :])


@pytest.mark.django_db
@PIPELINE
@given(data=st.one_of(st.binary(max_size=2048), _mutations()))
def test_any_file_leaves_all_or_nothing(submission, officer, school, data):
    before = set(StudentRecord.objects.filter(school=school).values_list("upload_id", "row_number"))
    submission.refresh_from_db()
    upload = services.upload_receive(
        submission, actor=officer, file=SimpleUploadedFile("x.csv", data), name="x.csv"
    )
    result = services.upload_process(upload.pk)
    after = set(StudentRecord.objects.filter(school=school).values_list("upload_id", "row_number"))
    event(result.status)
    assert result.status in ("imported", "rejected")
    if result.status == "rejected":
        assert result.error_count > 0 and result.errors
        assert after == before
    else:
        assert {u for u, _row in after} == {upload.pk}
        assert len(after) == result.imported == result.rows
