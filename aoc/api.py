"""What every public API endpoint shares: the throttle answer (429) in Thai and English, and the
paginator that lets a client choose its page size."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler; a 429 carries its message in both languages and the wait in seconds, so that a
    client in either language can show it."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        response.data = {
            "detail": _("ส่งคำขอถี่เกินไป กรุณารอสักครู่แล้วลองใหม่"),
            "detail_th": "ส่งคำขอถี่เกินไป กรุณารอสักครู่แล้วลองใหม่",
            "detail_en": "Too many requests: please wait a moment and try again.",
            "retry_after": wait,
        }
    return response


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# Thai digits (๐–๙) are digits too: "๒๕๖๙" is 2569.
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def query_number(request, name: str) -> int | None:
    """A whole-number query parameter (ASCII or Thai digits; ``"²".isdigit()`` is true but is no
    number), or None when absent; anything else is a 400 with a Thai message."""
    value = request.query_params.get(name, "").translate(THAI_DIGITS)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise exceptions.ValidationError({name: "ต้องเป็นตัวเลข"})
    return int(value)


def query_choice(request, name: str, choices) -> str:
    """A query parameter that must be one of ``choices`` (empty when absent); else a Thai 400."""
    value = request.query_params.get(name, "")
    if value and value not in choices:
        raise exceptions.ValidationError({name: "ใช้ได้เฉพาะ " + ", ".join(choices)})
    return value
