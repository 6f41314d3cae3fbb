"""The booklet built by a real Celery worker (a thread of this process on the Redis broker of
REDIS_URL), queued the way the page queues it: ``booklet_request`` → on commit →
``tasks.booklet_build.delay``. The worker and the reference data come from the data-collection worker
tests; every wait is bounded."""

import subprocess
import time

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage

from reports import tasks
from reports.booklet import services
from reports.models import Booklet
from tests.datacollection.test_worker import reference_data, worker  # noqa: F401 - fixtures
from tests.factories import UserFactory
from tests.reports.booklet_data import publish

TASK_TIMEOUT = 300  # seconds; a bound on the wait, not a speed target

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")


@pytest.fixture
def booklet_files(tmp_path, monkeypatch):
    monkeypatch.setattr(Booklet._meta.get_field("file"), "storage", FileSystemStorage(tmp_path / "private"))


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_booklet_with_moving_progress(worker, reference_data, booklet_files):  # noqa: F811
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    director = UserFactory(username="director", role="director")
    publication = publish()

    booklet = services.booklet_request(publication, actor=director)  # commits: the task is queued

    seen = []
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        booklet.refresh_from_db()
        if not seen or seen[-1] != booklet.progress:
            seen.append(booklet.progress)
        if booklet.is_finished:
            break
        time.sleep(0.02)

    assert booklet.status == Booklet.Status.DONE, booklet.error
    assert seen == sorted(seen) and seen[-1] == 100
    assert any(0 < percent < 100 for percent in seen), seen  # the bar moved on the way
    info = subprocess.run(["pdfinfo", booklet.file.path], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {booklet.pages}" in info
    assert booklet.finished_at >= booklet.started_at

    # Delivered again (acks_late) or queued twice: the built booklet is left alone.
    again = tasks.booklet_build.delay(booklet.pk).get(timeout=TASK_TIMEOUT)
    assert again == {"id": booklet.pk, "status": "done", "pages": booklet.pages}
    assert Booklet.objects.get(pk=booklet.pk).finished_at == booklet.finished_at
