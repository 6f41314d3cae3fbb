"""The public site in headless Chromium: district staff publish a news item that a visitor on a phone
then reads from the home page; the visitor answers the satisfaction survey from the footer."""

import pytest

from aoc.models import Feedback, NewsItem, User
from tests.factories import PASSWORD, SchoolFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_staff_publish_news_and_a_phone_visitor_reads_it_then_answers_the_survey(
    page, phone_page, live_server
):
    SchoolFactory()
    UserFactory(username="writer", role=User.Role.DISTRICT_STAFF)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "writer")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/staff/news/new/")
    page.fill("input[name=title]", "ประกาศวันหยุดราชการ")
    page.select_option("select[name=category]", "announcement")
    page.fill("textarea[name=body]", "หยุด **1 วัน**\n\n- ติดต่อด่วน https://example.org")
    page.click("button[value=publish]")
    page.wait_for_url(f"{live_server.url}/staff/news/")
    assert NewsItem.objects.get().is_published

    # A visitor on a phone: the home page lists the item (the page cached before is dropped on commit).
    phone = phone_page
    phone.goto(f"{live_server.url}/")
    phone.click("text=ประกาศวันหยุดราชการ")
    assert phone.locator("article strong").inner_text() == "1 วัน"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The survey, from the footer link, remembering the page it is about.
    phone.click("footer >> text=แบบประเมินความพึงพอใจ")
    honeypot = phone.locator("input[name=website]").bounding_box()  # off screen: people do not see it
    assert honeypot["x"] + honeypot["width"] <= 0
    for field in ("ease", "usefulness", "accuracy", "speed", "overall"):
        phone.click(f"label[for=id_{field}_0]")  # 5, the first choice
    phone.fill("textarea[name=comment]", "อ่านง่ายบนมือถือ")
    phone.click("button[type=submit] >> text=ส่งแบบประเมิน")
    phone.wait_for_selector("text=ขอบคุณสำหรับความเห็นของท่าน")
    answer = Feedback.objects.get()
    assert (answer.overall, answer.comment) == (5, "อ่านง่ายบนมือถือ")
    assert answer.page.startswith("/news/")
