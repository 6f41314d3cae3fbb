"""Uploads processed by a real Celery worker (a thread of this process, on the Redis broker of
REDIS_URL), queued the way the upload view queues them: ``tasks.process_upload.delay(upload.pk)``.

The worker runs the task in its own thread with its own database connection, so these tests commit
(``transaction=True``) and load the migrations' reference data themselves. Every wait is bounded."""

import datetime
import time
from importlib import import_module

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from aoc.celery import app
from aoc.models import AuditLog
from datacollection import samples, services, tasks
from datacollection.models import StudentRecord, Submission, Upload
from schools.models import School
from tests.factories import SchoolFactory, dmc_round, officer_of

AS_OF = datetime.date(2026, 11, 10)
ROWS = 8_000  # several progress reports (one per 2,000 rows), still a quick test
TASK_TIMEOUT = 120  # seconds; a bound on every wait, not a speed target

# Celery's Redis result backend still calls redis-py's deprecated setex (celery 5.7, redis 8).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")


@pytest.fixture(scope="module")
def worker():
    """One embedded worker for the module: solo pool, in a thread, consuming the app's queues."""
    from celery.contrib.testing.tasks import ping  # noqa: F401 - registers celery.ping for the start check
    from celery.contrib.testing.worker import start_worker

    if settings.CELERY_TASK_ALWAYS_EAGER or app.conf.task_always_eager:
        pytest.fail("These tests need a real broker: set REDIS_URL (CELERY_TASK_ALWAYS_EAGER must be off).")
    app.control.purge()  # messages left in the test broker by earlier runs are not this module's
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False  # keep pytest's log capture
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30) as running:
            yield running
    finally:
        app.conf.worker_hijack_root_logger = hijack


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from an empty database: load what the migrations load, with the
    migrations' own functions (as tests/browser/conftest.py does)."""
    from django.apps import apps

    for module in ("schools.migrations.0002_reference_data", "datacollection.migrations.0002_lookup_values"):
        import_module(module).load(apps, None)


@pytest.fixture
def private_files(tmp_path, monkeypatch):
    """Keep the uploaded files in the test's own directory, not in var/private."""
    storage = Upload._meta.get_field("file").storage
    monkeypatch.setattr(storage, "base_location", str(tmp_path / "private"))
    monkeypatch.setattr(storage, "location", str(tmp_path / "private"))


@pytest.fixture
def submission(reference_data, private_files):
    school = SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง", level=School.Level.KINDER_LOWER_SECONDARY)
    round_ = dmc_round(actor=None, schools=[school], as_of=AS_OF)
    return Submission.objects.select_related("school", "round").get(round=round_, school=school)


def _receive(submission, n=ROWS, seed=5):
    school = submission.school
    students = samples.iter_students(
        n, school_code=school.code, school_grades=school.grades, seed=seed, as_of=AS_OF
    )
    content = samples.csv_bytes(students, as_of=AS_OF)
    assert len(content) > settings.UPLOAD_INLINE_MAX_BYTES  # a file the view sends to the worker
    officer = officer_of(school)
    return services.upload_receive(
        submission, actor=officer, file=SimpleUploadedFile("dmc.csv", content), name="dmc.csv"
    )


def _wait_watching_progress(result, upload_id) -> list[int]:
    """Wait for the task, polling its progress as the page does; the rows reported, in order."""
    seen: list[int] = []
    deadline = time.monotonic() + TASK_TIMEOUT
    while not result.ready() and time.monotonic() < deadline:
        progress = services.Progress.of(upload_id)
        if progress and (not seen or progress["rows"] != seen[-1]):
            seen.append(progress["rows"])
        time.sleep(0.005)
    return seen


@pytest.mark.django_db(transaction=True)
def test_large_upload_is_processed_by_the_worker_with_moving_progress(worker, submission):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    upload = _receive(submission)

    result = tasks.process_upload.delay(upload.pk)
    seen = _wait_watching_progress(result, upload.pk)
    summary = result.get(timeout=TASK_TIMEOUT)

    assert summary["status"] == "imported", summary["errors"][:3]
    assert (summary["rows"], summary["imported"], summary["error_count"]) == (ROWS, ROWS, 0)
    # The progress bar moved: rows went up while the worker read the file.
    assert len(seen) >= 2, seen
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] <= ROWS
    assert services.Progress.of(upload.pk) is None  # cleared when done
    upload.refresh_from_db()
    assert (upload.status, upload.rows) == (Upload.Status.VALID, ROWS)
    assert StudentRecord.objects.filter(upload=upload).count() == ROWS
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
    assert submission.current_upload_id == upload.pk


@pytest.mark.django_db(transaction=True)
def test_running_the_task_twice_changes_nothing(worker, submission):
    upload = _receive(submission, n=3_000, seed=6)
    first = tasks.process_upload.delay(upload.pk).get(timeout=TASK_TIMEOUT)
    assert first["status"] == "imported"
    upload.refresh_from_db()
    finished_at = upload.finished_at
    records = list(StudentRecord.objects.filter(upload=upload).order_by("pk").values_list("pk", flat=True))
    audits = AuditLog.objects.filter(action="datacollection.upload.processed").count()

    # A redelivered message (acks_late) or a second click: the finished upload is left alone.
    again = tasks.process_upload.delay(upload.pk).get(timeout=TASK_TIMEOUT)

    assert again == first
    upload.refresh_from_db()
    assert (upload.status, upload.finished_at) == (Upload.Status.VALID, finished_at)
    assert list(StudentRecord.objects.order_by("pk").values_list("pk", flat=True)) == records
    assert AuditLog.objects.filter(action="datacollection.upload.processed").count() == audits
