"""The public school map in a real browser: it loads the schools, filters them, searches, opens a popup
and its photo slideshow moves by itself. The tile server is unreachable on purpose (as when the district
office has no internet): nothing here depends on tiles, and the page says calmly that they failed.
Set MAP_SCREENSHOTS=<directory> to keep screenshots."""

import io
import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aoc.models import User
from schools import services as school_services
from tests.browser.support import shot
from tests.factories import EnrolmentFactory, SchoolFactory, UserFactory, amphoe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SHOTS = os.environ.get("MAP_SCREENSHOTS")
READY = "#map-app[data-state=ready]"


def _photo(colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{colour}.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def district(settings):
    # Tiles from a port where nothing listens: they fail at once, as they do without internet.
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": "http://127.0.0.1:9/{z}/{x}/{y}.png"}
    staff = UserFactory(username="staff", role=User.Role.DISTRICT_STAFF)
    hat_yai = amphoe("9011")
    photogenic = SchoolFactory(
        name_th="บ้านควนลัง", amphoe=hat_yai, latitude=Decimal("7.006543"), longitude=Decimal("100.474321")
    )
    EnrolmentFactory(school=photogenic, students=345)
    for colour, caption in (("teal", "อาคารเรียน 1"), ("orange", "สนามกีฬา"), ("navy", "ห้องสมุด")):
        school_services.photo_add(photogenic, actor=staff, image=_photo(colour), caption=caption)
    SchoolFactory(name_th="วัดคลองแห", amphoe=hat_yai, latitude=Decimal("7.02"), longitude=Decimal("100.49"))
    for n in range(6):
        SchoolFactory(
            name_th=f"บ้านรัตภูมิ{n}",
            amphoe=amphoe("9009"),
            latitude=Decimal("7.13") + Decimal(n) / 100,
            longitude=Decimal("100.28"),
        )
    return {"photogenic": photogenic}


def test_map_filters_searches_and_the_popup_slideshow_moves(page, live_server, district):
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(READY)
    assert "แสดง 8 จาก 8 แห่ง" in page.inner_text("#map-count")
    # The tiles cannot load: a calm note, and the list still works.
    page.wait_for_selector("#map-tiles-note:not([hidden])")
    assert "ยังค้นหา กรอง และดูรายชื่อโรงเรียนได้ตามปกติ" in page.inner_text("#map-tiles-note")
    assert page.locator(".school-cluster, .school-pin").count() > 0
    shot(page, SHOTS, "map-all", full_page=False)

    page.select_option("#id_amphoe", "9011")
    page.wait_for_function("document.querySelectorAll('#map-list .map-list-item').length === 2")
    assert "amphoe=9011" in page.url
    assert "แสดง 2 จาก 8 แห่ง" in page.inner_text("#map-count")

    page.fill("#map-q", "ควนลัง")
    page.wait_for_function("document.querySelectorAll('#map-list .map-list-item').length === 1")
    page.press("#map-q", "Enter")
    popup = page.wait_for_selector(".leaflet-popup .school-popup [data-slideshow]")
    text = page.inner_text(".leaflet-popup")
    for expected in ("โรงเรียนบ้านควนลัง", district["photogenic"].code, "345", "ดูข้อมูลโรงเรียน"):
        assert expected in text
    assert popup.get_attribute("data-index") == "0"
    # "นำเสนอแบบเคลื่อนไหว": the slides move by themselves.
    page.wait_for_function(
        "document.querySelector('.leaflet-popup [data-slideshow]').getAttribute('data-index') !== '0'",
        timeout=10_000,
    )
    shot(page, SHOTS, "map-popup", full_page=False)

    # The pause button stops it.
    page.click(".leaflet-popup [data-slideshow-toggle]")
    index = popup.get_attribute("data-index")
    page.wait_for_timeout(4_500)
    assert popup.get_attribute("data-index") == index


def test_map_on_a_phone_finds_a_school_from_the_list(phone_page, live_server, district):
    page = phone_page
    page.goto(f"{live_server.url}/map/?q=ควนลัง")
    page.wait_for_selector(READY)
    assert page.locator("#map-list .map-list-item").count() == 1
    page.click("#map-list .map-list-item")
    page.wait_for_selector(".leaflet-popup .school-popup [data-slideshow]")
    assert "โรงเรียนบ้านควนลัง" in page.inner_text(".leaflet-popup")
    shot(page, SHOTS, "map-phone-popup", full_page=False)


def test_colour_switch_changes_the_legend(page, live_server, district):
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(READY)
    assert "อนุบาล-ประถมศึกษา" in page.inner_text("#map-legend")
    page.click("label[for=colour-size]")
    page.wait_for_function("document.getElementById('map-legend').innerText.includes('ขนาดกลาง')")
    assert "colour=size" in page.url
