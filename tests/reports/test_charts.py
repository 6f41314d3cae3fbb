"""The SVG charts' label room, measured where it matters: the chart laid out in a PDF with the Sarabun
font (WeasyPrint, as in the booklet) and the labels' positions read back with ``pdftotext -bbox``."""

import re
import subprocess

import pytest

from reports import charts
from reports.booklet import render

# The longest labels the charts print: small-school bands, EMIS positions, amphoe names.
LABELS = ["ไม่เกิน 20 คน", "มากกว่า 120 คน", "ผู้อำนวยการสถานศึกษา", "ลูกจ้างชั่วคราว", "อำเภอสิงหนคร"]
VALUES = [5, 30, 7, 12, 1]


def _chart_pdf(tmp_path, svg):
    """The chart alone at the top left of a page, at its own size (1 px = 0.75 pt)."""
    html = f"""<style>@page {{ size: 200mm 60mm; margin: 0 }}
      body {{ margin: 0; font-family: {render.FONT_FAMILY} }} svg {{ display: block }}</style>{svg}"""
    path = tmp_path / "chart.pdf"
    render.html_to_document(html).write_pdf(path)
    return path


def _words(path):
    """(text, x_min, x_max) in pt of every word pdftotext finds."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        (word, float(x_min), float(x_max))
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)"[^>]*>([^<]*)<', out
        )
    ]


def test_the_longest_label_of_a_bar_chart_fits_inside_the_view_box(tmp_path):
    svg = str(charts.bar_chart(LABELS, VALUES, title="ทดสอบ", width=600))
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    words = _words(_chart_pdf(tmp_path, svg))
    text = " ".join(w for w, *_ in words)
    for label in LABELS:
        assert label in text, label  # drawn whole, not cut
    for word, x_min, x_max in words:
        assert x_min >= 0, word  # nothing starts left of the chart
        assert x_max <= width * 0.75, word
    # The room left of the longest label is small: the estimate is a measure, not a guess.
    longest = min(x_min for word, x_min, _ in words if word == "ผู้อำนวยการสถานศึกษา")
    assert longest < 12


def test_widths_come_from_sarabuns_advances():
    # Thai marks above and below take no room; า and ำ (U+0E32, U+0E33) do.
    assert charts._text_width("ก่", 13) == charts._text_width("ก", 13)
    assert charts._text_width("กา", 13) > charts._text_width("ก", 13) * 1.5
    with_am = charts._text_width("ผอนวยการ", 13) + 13 * charts._advances()["ำ"]
    assert charts._text_width("ผู้อำนวยการ", 13) == pytest.approx(with_am)


def test_charts_are_deterministic():
    first = charts.bar_chart(LABELS, VALUES, title="ทดสอบ", chart_id="c")
    charts._advances.cache_clear()
    assert charts.bar_chart(LABELS, VALUES, title="ทดสอบ", chart_id="c") == first


def test_building_conditions_read_good_to_poor_and_values_contrast_with_their_fill():
    svg = str(
        charts.column_chart(
            ["หาดใหญ่"],
            [("ดี", [3]), ("พอใช้", [2]), ("ทรุดโทรม", [1])],
            title="อาคาร",
            stacked=True,
            colours=tuple(charts.CONDITION_COLOURS.values()),
        )
    )
    fills = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#\w+)"', svg)
    assert fills[-3:] == ["#009E73", "#E69F00", "#D55E00"]  # green, orange, vermillion
    assert charts._text_on("#0072B2") == "#fff"  # white on dark blue
    assert charts._text_on("#E69F00") == charts.TEXT  # dark on orange
