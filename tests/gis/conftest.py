"""Shared pieces of the map tests: schools with places, photos as uploads."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import SchoolFactory, amphoe

# Hat Yai and Rattaphum, inside PROVINCE_BOUNDS.
HAT_YAI = (Decimal("7.006543"), Decimal("100.474321"))
RATTAPHUM = (Decimal("7.132000"), Decimal("100.281000"))


def jpeg(name="photo.jpg", size=(1200, 900), colour="teal", gps=False) -> SimpleUploadedFile:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x8825] = {2: (7.0, 0.0, 0.0), 4: (100.0, 28.0, 0.0)}  # GPSInfo
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def placed(db):
    """Three open schools with places in two amphoes, and one closed school."""
    return {
        "hat_yai": SchoolFactory(
            name_th="บ้านหาดใหญ่", latitude=HAT_YAI[0], longitude=HAT_YAI[1], amphoe=amphoe("9011")
        ),
        "secondary": SchoolFactory(
            name_th="บ้านขยายโอกาส",
            latitude=Decimal("7.010000"),
            longitude=Decimal("100.480000"),
            amphoe=amphoe("9011"),
            level="kinder_lower_secondary",
        ),
        "rattaphum": SchoolFactory(
            name_th="บ้านรัตภูมิ", latitude=RATTAPHUM[0], longitude=RATTAPHUM[1], amphoe=amphoe("9009")
        ),
        "closed": SchoolFactory(
            name_th="บ้านปิดแล้ว",
            latitude=Decimal("7.050000"),
            longitude=Decimal("100.400000"),
            opened_on="1980-05-16",
            closed_on="2020-05-16",
        ),
    }
