"""The booklet page in Chromium: the director starts a build, watches the htmx progress bar move, and
the page turns into a download link when the build ends."""

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage

from aoc.models import User
from reports.booklet import services
from reports.models import Booklet
from tests.factories import PASSWORD, UserFactory
from tests.reports.booklet_data import publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]


@pytest.fixture
def booklet_files(tmp_path, monkeypatch):
    monkeypatch.setattr(Booklet._meta.get_field("file"), "storage", FileSystemStorage(tmp_path / "private"))


@pytest.fixture
def broker():
    """The build this test queues is never consumed: take it off the broker afterwards."""
    from aoc.celery import app

    yield
    app.control.purge()


def test_director_starts_a_booklet_and_downloads_it_when_done(page, live_server, booklet_files, broker):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("This test queues the build on a real broker: set REDIS_URL.")
    UserFactory(username="director", role=User.Role.DIRECTOR)
    publish()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "director")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.click("text=เอกสารสารสนเทศประจำปี")
    page.click("button:has-text('เริ่มจัดทำ')")
    assert "เริ่มจัดทำเอกสารปีการศึกษา 2569 ฉบับที่ 1 แล้ว" in page.inner_text("main")

    # No worker runs in this test: the build waits in the queue, then a worker reports progress.
    booklet = Booklet.objects.get()
    page.wait_for_selector("[role=progressbar][aria-valuenow='0']")
    Booklet.objects.filter(pk=booklet.pk).update(
        status="running", progress=40, stage="กำลังจัดหน้า (ส่วนที่ 2 จาก 5)"
    )
    page.wait_for_selector("[role=progressbar][aria-valuenow='40']")
    assert "ส่วนที่ 2 จาก 5" in page.inner_text("main")

    services.booklet_build(booklet.pk)  # what the worker runs
    link = page.wait_for_selector(f"a[href='/staff/booklets/{booklet.pk}/download/']")  # the page reloaded
    assert "เสร็จแล้ว" in page.inner_text("main")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
