import pytest

from aoc.models import User
from datacollection import services as round_services
from tests.factories import PASSWORD, SchoolFactory, UserFactory, amphoe
from tests.reports.conftest import fill, make_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def closed_round(reference_data, tmp_path, monkeypatch):
    from django.core.cache import cache
    from django.core.files.storage import FileSystemStorage

    from reports.models import DatasetVersion

    cache.clear()  # public pages cached by an earlier run
    storage = FileSystemStorage(location=tmp_path / "downloads")
    monkeypatch.setattr(DatasetVersion._meta.get_field("file"), "storage", storage)
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF)
    district = {
        key: SchoolFactory(name_th=f"บ้านทดสอบ{key}", amphoe=amphoe(code))
        for key, code in (("A", "9011"), ("B", "9011"), ("C", "9011"), ("D", "9013"), ("E", "9011"))
    }
    round_ = make_round(staff, list(district.values()))
    fill(round_, district)
    return round_services.round_close(round_, actor=staff)


def test_staff_publish_and_the_public_sees_the_figures_with_charts(
    page, phone_page, live_server, closed_round
):
    page.goto(f"{live_server.url}/statistics/")
    assert "ยังไม่มีข้อมูลสถิติที่เผยแพร่" in page.inner_text("main")

    page.goto(f"{live_server.url}/accounts/login/?next=/staff/publishing/{closed_round.slug}/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"**/staff/publishing/{closed_round.slug}/")
    assert "4 / 5" in page.inner_text("main")
    page.click("main form button:has-text('เผยแพร่')")
    page.wait_for_url("**/staff/publishing/")
    assert "เผยแพร่ข้อมูล" in page.inner_text(".alert-success, main")

    phone_page.goto(f"{live_server.url}/statistics/")
    main = phone_page.inner_text("main")
    assert "ข้อมูล ณ วันที่ 10 มิถุนายน 2569" in main and "25" in main
    chart = phone_page.locator("svg.aoc-chart[role=img]").first
    assert "โรงเรียนจำแนกตามอำเภอ" in chart.locator("title").text_content()
    # Wide tables and charts scroll inside their box; the page itself does not scroll sideways.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1

    phone_page.goto(f"{live_server.url}/statistics/special/")
    assert "< 5" in phone_page.inner_text("main")
    phone_page.goto(f"{live_server.url}/downloads/")
    assert "จำนวนนักเรียนจำแนกตามชั้นและเพศ" in phone_page.inner_text("main")
