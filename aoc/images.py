"""Photos uploaded by users: checked, resized and stripped of metadata (location included) before
they are stored. Used by every app that keeps photos."""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_photo(upload) -> ContentFile:
    """Return the photo as a new JPEG/PNG file without EXIF or GPS data, at most
    ``PHOTO_RESIZE_TO`` pixels on its longer side. Raise ``ValidationError`` with a Thai message
    for anything that is not a photo of an accepted type and size."""
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("ไฟล์รูปใหญ่เกินไป (%(size).1f MB) ขนาดสูงสุดคือ %(max).0f MB กรุณาย่อรูปก่อนอัปโหลด"),
            params={"size": upload.size / 1_048_576, "max": settings.PHOTO_MAX_BYTES / 1_048_576},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
            image_format = image.format
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(_("รับเฉพาะรูปแบบ JPEG, PNG หรือ WebP"), code="bad_type")
            if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(_("รูปมีขนาดพิกเซลมากเกินไป กรุณาย่อรูปก่อนอัปโหลด"), code="too_many_pixels")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            SyntaxError) as exc:  # fmt: skip
        raise ValidationError(
            _("ไฟล์นี้ไม่ใช่รูปภาพที่เปิดได้ กรุณาเลือกไฟล์รูป JPEG, PNG หรือ WebP"), code="not_an_image"
        ) from exc

    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, then drop EXIF
    limit = settings.PHOTO_RESIZE_TO
    image.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image_format == "PNG":
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    stem = (getattr(upload, "name", "") or "photo").rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.{extension}")
