"""The Thai text layer of WeasyPrint's PDFs (reports/booklet/textlayer.py): pdftotext gives back exactly
the text that was laid out, equal after Unicode NFKC normalisation (ำ = ํ + า) and with white space
normalised."""

import re
import subprocess
import unicodedata
import zlib

import pytest
from weasyprint.draw import text as weasyprint_text

from reports.booklet import render, textlayer

# Every kind of Thai cluster the shaper treats specially, Latin and digits mixed in.
LINES = [
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสงขลา เขต 2",  # ำ twice; ื + ้
    "น้ำ ก่ำ ค่ำ ล้ำ ต๋ำ",  # tone mark + SARA AM (NIKHAHIT is drawn before the tone)
    "ปั๊ม ปี่ ปื้น ติ๊ก ตึ๋ง ดื่ม นี้ มิ่ง รึ่ง",  # tone marks stacked on upper vowels ั ิ ี ึ ื
    "ปู่ ญูญ่ ฐุ ฎุ ฏู ตุ๊ก หนู ครู",  # lower vowels ุ ู (ฐ ญ take variants), tones over them
    "เด็ก แม่ โรงเรียน ใจ ไป เกี๊ยะ แก๋ว โต๊ะ ไม้",  # leading vowels เ แ โ ใ ไ, ็, ์
    "ปีการศึกษา ๒๕๖๙ และ 2569 รวม 21,274 คน (ชาย 10,957 คน)",  # Thai and Arabic digits
    "School code 1090050001 โรงเรียนบ้านควนลัง Khuan Lang",  # English mixed in
    "ผู้อำนวยการ กำหนดการ คำนำ สารบัญ ภาคผนวก ศรีสุวรรณวิทยา",
    "ฤดูกาล ฦ ฯลฯ ๆ ก็ ศักดิ์สิทธิ์ พระราชบัญญัติ",
]
HEADING = "ข้อมูลสารสนเทศทางการศึกษา ปีการศึกษา ๒๕๖๙"
CELLS = [("อำเภอหาดใหญ่", "นักเรียนชาย", "๑,๐๗๙"), ("อำเภอจะนะ", "นักเรียนหญิง", "ไม่มีนักเรียน")]


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(path, *args) -> str:
    result = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def _sample_pdf(path):
    """A landscape page wide enough that no line wraps: headings, paragraphs, bold, a table."""
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in CELLS)
    lines = "".join(f"<p>{line}</p>" for line in LINES)
    html = f"""<style>
      @page {{ size: A3 landscape; margin: 15mm }}
      body {{ font-family: {render.FONT_FAMILY}; font-size: 16pt; white-space: nowrap }}
      td {{ border: 1px solid; padding: 2mm 8mm }}</style>
      <h1>{HEADING}</h1>{lines}<p><b>{LINES[0]}</b></p><table>{rows}</table>"""
    render.html_to_document(html).write_pdf(path)
    return path


@pytest.fixture
def sample_pdf(tmp_path):
    return _sample_pdf(tmp_path / "thai.pdf")


def test_pdftotext_gives_back_every_thai_line_exactly(sample_pdf):
    extracted = [normalise(line) for line in pdf_text(sample_pdf).splitlines() if line.strip()]
    assert extracted[0] == normalise(HEADING)
    for line in LINES:
        assert normalise(line) in extracted
    text = normalise(pdf_text(sample_pdf))
    for cell in (c for row in CELLS for c in row):
        assert normalise(cell) in text
    assert normalise(" ".join(LINES)) in text  # and in order


def test_layout_mode_text_is_right_too(sample_pdf):
    text = normalise(pdf_text(sample_pdf, "-layout"))
    for line in LINES:
        assert normalise(line) in text


def test_wrapped_thai_paragraphs_come_back_whole(tmp_path):
    """Thai breaks lines between words without spaces: each laid-out line carries its own piece."""
    paragraph = " ".join(LINES[:5]) * 3
    html = f"""<style>body {{ font-family: {render.FONT_FAMILY}; font-size: 14pt; width: 60mm }}</style>
      <p>{paragraph}</p>"""
    path = tmp_path / "wrapped.pdf"
    render.html_to_document(html).write_pdf(path)
    text = pdf_text(path)
    assert len(text.strip().splitlines()) > 5  # it did wrap
    assert "".join(normalise(text).split()) == "".join(normalise(paragraph).split())


def test_without_the_fix_weasyprint_writes_a_wrong_text_layer(tmp_path, monkeypatch):
    """Why the fix exists: WeasyPrint's own mapping gives "สำนักงำน" for "สำนักงาน". If this ever
    passes with the original function, WeasyPrint has fixed it and textlayer can go."""
    textlayer.install()
    monkeypatch.setattr(weasyprint_text, "draw_first_line", textlayer._original_draw_first_line)
    text = normalise(pdf_text(_sample_pdf(tmp_path / "raw.pdf")))
    assert normalise(LINES[0]) not in text
    assert normalise("สำนักงำน") in text


def test_the_text_is_kept_as_real_text_spans(sample_pdf):
    """Marked content with /ActualText, the glyphs still drawn from the embedded font."""
    raw = sample_pdf.read_bytes()
    streams = b"".join(
        zlib.decompress(data) for data in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.DOTALL)
    )
    spans = re.findall(rb"/Span\s*<</ActualText <feff([0-9a-f]+)>>>\s*BDC", streams)
    texts = [bytes.fromhex(h.decode()).decode("utf-16-be") for h in spans]
    assert LINES[1] in texts  # one span per line, holding the line as written
    assert streams.count(b"BDC") == streams.count(b"EMC")
    fonts = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Sarabun-thai" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes"  # emb


def test_an_unknown_weasyprint_is_refused_loudly(monkeypatch):
    monkeypatch.setattr(textlayer, "_original_draw_first_line", None)
    monkeypatch.setattr(textlayer, "KNOWN_DRAW_FIRST_LINE", {"70.0": "0" * 64})
    with pytest.raises(textlayer.UnsupportedWeasyPrint, match="not supported"):
        textlayer.install()
