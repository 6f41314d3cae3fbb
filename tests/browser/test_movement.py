"""The movement watch in a real browser: district staff open the summary, follow a school's link to its
lists; the school's officer records the follow-up of a child who left, on a phone."""

import datetime

import pytest

from aoc.models import User
from tests.browser.support import login
from tests.factories import (
    SchoolFactory,
    UserFactory,
    dmc_round,
    officer_of,
    submission_with_students,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def _round(actor, number, as_of):
    return dmc_round(
        actor=actor, number=number, status="planned", as_of=as_of, opens_on=as_of,
        deadline=as_of + datetime.timedelta(days=20), closes_on=as_of + datetime.timedelta(days=30),
    )  # fmt: skip


@pytest.fixture
def world():
    school = SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง")
    other = SchoolFactory(name_th="วัดคลองแห", tambon="คลองแห")
    officer_of(school, username="officer", first_name="สุดา", last_name="ใจดี")
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF)
    r1 = _round(staff, 1, datetime.date(2026, 6, 10))
    r2 = _round(staff, 2, datetime.date(2026, 11, 10))
    leaver = {"national_id": "1100000000029", "grade": "ป.4", "first_name": "อามีนา", "last_name": "สาและ"}
    mover = {"national_id": "1100000000045", "grade": "ป.2"}
    stays = {"national_id": "1100000000011", "grade": "ป.3"}
    submission_with_students(r1, school, [leaver, mover, stays], status="accepted")
    submission_with_students(r1, other, [{"national_id": "1200000000018", "grade": "ป.1"}], status="accepted")
    submission_with_students(r2, school, [stays])
    submission_with_students(r2, other, [{"national_id": "1200000000018", "grade": "ป.1"}, mover])
    return {"school": school, "round": r2}


def test_district_staff_go_from_the_summary_to_a_school_list(page, live_server, world):
    login(page, live_server, "staff")
    page.click("text=การเคลื่อนย้ายของนักเรียน")
    page.wait_for_url(f"{live_server.url}/staff/movement/{world['round'].slug}/")
    row = page.locator("table.movement-table tr", has_text="บ้านควนลัง")
    assert row.locator("td").nth(3).inner_text() == "1"  # one child not found in the district
    row.locator("a").click()
    page.wait_for_url(f"**/schools/{world['school'].code}/")
    left = page.locator("#left")
    assert "สาและ" in left.inner_text() and "1xxxxxxxx0029" in left.inner_text()
    assert "วัดคลองแห" in page.locator("#moved_out").inner_text()


def test_the_school_records_a_follow_up_on_a_phone(phone_page, live_server, world):
    page = phone_page
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/staff/movement/{world['round'].slug}/schools/{world['school'].code}/")
    form = page.locator("td.follow-up form").first
    form.locator("select").select_option("moved_away")
    form.locator("input[name=note]").fill("ย้ายตามผู้ปกครองไปภูเก็ต")
    form.locator("button").click()
    page.wait_for_load_state()
    assert "บันทึกผลการติดตามแล้ว" in page.locator("main").inner_text()
    assert "ย้ายตามผู้ปกครองไปภูเก็ต" in page.locator("#left").inner_text()
