import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from aoc import thaidate


def test_be_date_in_thai():
    with translation.override("th"):
        assert thaidate.format_date(datetime.date(2025, 6, 10)) == "10 มิ.ย. 2568"
        assert thaidate.format_date(datetime.date(2025, 6, 10), long=True) == "10 มิถุนายน 2568"


def test_be_date_in_english_keeps_the_buddhist_year():
    with translation.override("en"):
        assert thaidate.format_date(datetime.date(2025, 6, 10)) == "10 Jun 2568 BE"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2025, 5, 15), 2567),
        (datetime.date(2025, 5, 16), 2568),
        (datetime.date(2026, 3, 31), 2568),
        (datetime.date(2026, 11, 25), 2569),
    ],
)
def test_academic_year_starts_on_16_may(day, year):
    assert thaidate.academic_year(day) == year


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2024, 10, 1), 2568),
        (datetime.date(2025, 9, 30), 2568),
        (datetime.date(2025, 10, 1), 2569),
    ],
)
def test_fiscal_year_is_named_after_the_year_it_ends(day, year):
    assert thaidate.fiscal_year(day) == year


def test_template_filter_renders_be_datetime_in_bangkok_time():
    aware = datetime.datetime(2025, 6, 10, 7, 5, tzinfo=datetime.UTC)  # 14:05 in Bangkok
    with translation.override("th"):
        rendered = Template("{% load thaidate %}{{ value|be_datetime }}").render(Context({"value": aware}))
    assert rendered == "10 มิ.ย. 2568 14:05"
