"""Buddhist Era dates, academic years and fiscal years (DOMAIN.md, "Calendars").

Dates are stored as ISO dates; users see them in the Buddhist Era (พ.ศ. = ค.ศ. + 543).
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543

MONTHS_TH_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_TH_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_EN_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def format_date(value: datetime.date | None, *, long: bool = False) -> str:
    """``10 มิ.ย. 2568`` (Thai) or ``10 Jun 2568 BE`` (English); ``long`` spells the month out."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    year = be_year(value.year)
    if (get_language() or "th").startswith("en"):
        return f"{value.day} {MONTHS_EN_SHORT[value.month - 1]} {year} BE"
    month = (MONTHS_TH_LONG if long else MONTHS_TH_SHORT)[value.month - 1]
    return f"{value.day} {month} {year}"


def format_datetime(value: datetime.datetime | None) -> str:
    """``10 มิ.ย. 2568 14:05`` in the portal's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local)} {local:%H:%M}"


def academic_year(day: datetime.date) -> int:
    """The academic year (BE) that ``day`` falls in: year Y runs 16 May Y – 15 May Y+1."""
    year = day.year if (day.month, day.day) >= (5, 16) else day.year - 1
    return be_year(year)


def fiscal_year(day: datetime.date) -> int:
    """The fiscal year (BE) of ``day``: 1 Oct – 30 Sep, named after the BE year in which it ends."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def format_month(value: datetime.date | None) -> str:
    """``พฤศจิกายน 2569`` (Thai) or ``Nov 2569 BE`` (English)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if (get_language() or "th").startswith("en"):
        return f"{MONTHS_EN_SHORT[value.month - 1]} {be_year(value.year)} BE"
    return f"{MONTHS_TH_LONG[value.month - 1]} {be_year(value.year)}"
