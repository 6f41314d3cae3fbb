"""In a real browser: district staff publish the EMIS and B-OBEC rounds from the publishing page; on a
phone the public reads the ratios (a school without teachers shows "–") and the buildings, each stamped
with its round, and the page never scrolls sideways."""

import pytest

from aoc.models import User
from tests.factories import PASSWORD, UserFactory
from tests.reports.emis_bobec_support import bobec_with_data, emis_with_data, make_schools

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def rounds(reference_data, tmp_path, monkeypatch):
    from django.core.cache import cache
    from django.core.files.storage import FileSystemStorage

    from reports.models import DatasetVersion

    cache.clear()
    monkeypatch.setattr(
        DatasetVersion._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "downloads")
    )
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF)
    schools = make_schools()
    return emis_with_data(staff, schools), bobec_with_data(staff, schools)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_staff_publish_emis_and_bobec_and_a_phone_reads_ratios_and_buildings(
    page, phone_page, live_server, rounds
):
    emis, bobec = rounds
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/publishing/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url("**/staff/publishing/")
    for round_ in (emis, bobec):
        page.click(f"a[href='/staff/publishing/{round_.slug}/']")
        page.wait_for_url(f"**/staff/publishing/{round_.slug}/")
        assert "3 / 4" in page.inner_text("main")
        page.click("main form button:has-text('เผยแพร่')")
        page.wait_for_url("**/staff/publishing/")
        assert "เผยแพร่ข้อมูล" in page.inner_text("main")

    phone_page.goto(f"{live_server.url}/statistics/staff/?by=school")
    main = phone_page.inner_text("main")
    assert emis.label in main and "ข้อมูล ณ วันที่ 10 มิถุนายน 2569" in main
    row = phone_page.locator("tr", has_text="โรงเรียนค").first.inner_text()
    assert "–" in row
    assert "ง ยังไม่รับรอง" not in main
    assert "นักเรียนต่อครู" in phone_page.locator("svg.aoc-chart title").first.text_content()
    _no_sideways_scroll(phone_page)

    phone_page.goto(f"{live_server.url}/statistics/buildings/")
    main = phone_page.inner_text("main")
    assert bobec.label in main and "ทรุดโทรม" in main and "อาคารเรียน" in main
    _no_sideways_scroll(phone_page)

    phone_page.goto(f"{live_server.url}/statistics/")
    assert "ยังไม่มีข้อมูลสถิติที่เผยแพร่" in phone_page.inner_text("main")  # no DMC round in this test
