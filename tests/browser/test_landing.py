import pytest

from aoc.models import User
from tests.browser.support import login
from tests.factories import SchoolFactory, UserFactory, officer_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# What each role must see on its landing page after logging in.
LANDING = {
    User.Role.ADMIN: ["ผู้ดูแลระบบ", "บันทึกการใช้งาน"],
    User.Role.DISTRICT_STAFF: ["ทะเบียนโรงเรียน", "บันทึกการใช้งาน"],
    User.Role.ICT_STAFF: ["ทะเบียนโรงเรียน"],
    User.Role.DIRECTOR: ["ทะเบียนโรงเรียน"],
}


@pytest.mark.parametrize("role", list(LANDING), ids=[str(r) for r in LANDING])
def test_each_district_role_logs_in_to_its_landing_page(page, live_server, role):
    SchoolFactory()
    UserFactory(username=f"u-{role}", role=role, is_staff=role == User.Role.ADMIN)
    login(page, live_server, f"u-{role}")
    body = page.inner_text("body")
    for text in LANDING[role]:
        assert text in body, (role, text)
    assert str(User.Role(role).label) in body


def test_school_officer_lands_on_their_own_school_only(page, live_server):
    mine, other = SchoolFactory(name_th="บ้านของฉัน"), SchoolFactory(name_th="บ้านคนอื่น")
    officer_of(mine, username="officer")
    login(page, live_server, "officer")
    body = page.inner_text("body")
    assert "บ้านของฉัน" in body
    assert "บ้านคนอื่น" not in body
    page.goto(f"{live_server.url}/staff/schools/{other.code}/")
    assert "ไม่พบ" in page.inner_text("body")


def test_anonymous_visitor_is_sent_to_login_from_staff_pages(page, live_server):
    page.goto(f"{live_server.url}/staff/schools/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
