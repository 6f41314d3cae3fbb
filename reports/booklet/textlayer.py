"""The Thai text layer of WeasyPrint's PDFs, made right with ``/ActualText``.

WeasyPrint 70 writes one ToUnicode entry per glyph: the text of the first cluster the glyph is drawn
in (``weasyprint/draw/text.py``, ``draw_first_line``). Thai shaping draws several glyphs for one
cluster: SARA AM (ำ) is decomposed into NIKHAHIT + SARA AA, tone marks and upper/lower vowels stack on
their consonant, and positional variants (a tone mark lowered when there is no upper vowel, SARA U
shortened under ฐ/ญ) have no code point of their own. The first glyph of a multi-glyph cluster gets an
empty string and the last one the whole cluster, and every later use of that glyph repeats the first
mapping: ``pdftotext`` reads "สำนักงาน" as "สำนักงำน" and splits marks from their letters.

No per-glyph ToUnicode table can be right for Thai (one glyph, several texts; glyphs drawn in a
different order than the text is written), so we use PDF's own remedy (ISO 32000-1, 14.9.4): every line
of text that contains a complex-script character is drawn inside a marked-content span whose
``/ActualText`` is the real text of that line::

    /Span <</ActualText <FEFF…>>> BDC  …glyphs…  EMC

Text extraction that follows the standard (poppler's pdftotext, tested here; Acrobat) takes that text
instead of the glyphs' own mapping, and search and copy-and-paste with it. Lines that are plain Latin
are left as WeasyPrint draws them.

The span wraps ``draw_first_line`` (one call per laid-out line of one text box, also used for SVG text),
so we depend on its signature and on its drawing exactly ``textbox.pango_layout``'s first line, nothing
else. That is pinned: :func:`install` refuses to run on any WeasyPrint whose ``draw_first_line`` source
is not the one this was written and tested against, and says so, rather than produce PDFs whose text is
silently wrong. When WeasyPrint is upgraded: re-run ``tests/reports/test_booklet_textlayer.py``, read
the new ``draw_first_line``, and add its fingerprint to ``KNOWN_DRAW_FIRST_LINE``.
"""

import hashlib
import inspect
import re
import unicodedata

import pydyf
import weasyprint
from weasyprint.draw import text as weasyprint_text

# WeasyPrint version → sha256 of ``inspect.getsource(weasyprint.draw.text.draw_first_line)``.
KNOWN_DRAW_FIRST_LINE = {
    "70.0": "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
}

# Scripts whose shaping puts several glyphs in one cluster or reorders them: Thai, Lao and the
# combining marks. Lines with none of these keep WeasyPrint's own (correct) per-glyph mapping.
NEEDS_ACTUAL_TEXT = re.compile("[\u0e00-\u0eff\u0300-\u036f]")

_original_draw_first_line = None


class UnsupportedWeasyPrint(RuntimeError):
    pass


def fingerprint(function):
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def _line_text(textbox, index):
    """The text of the line that draw_first_line has just drawn (after any ellipsis)."""
    text = textbox.pango_layout.text
    if index is not None:
        # ``index`` is the UTF-8 byte offset where the second line starts.
        text = text.encode()[:index].decode(errors="ignore")
    return text.rstrip("\n")


def draw_first_line_with_actual_text(stream, textbox, text_overflow, block_ellipsis, matrix):
    # Same test as the original: lines with only white space are not drawn at all.
    if not textbox.text.strip() or not NEEDS_ACTUAL_TEXT.search(textbox.text):
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    # The BDC operands are written now and the span's text filled in once the line has been laid out
    # (ellipsis may shorten it), so the span holds exactly the glyphs drawn.
    properties = pydyf.Dictionary({"ActualText": pydyf.String("")})
    pydyf.Stream.begin_marked_content(stream, "Span", properties)
    try:
        emojis = _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        pydyf.Stream.end_marked_content(stream)
    _, index = textbox.pango_layout.get_first_line()
    properties["ActualText"] = pydyf.String(_actual_text(_line_text(textbox, index)))
    return emojis


def _actual_text(text):
    # pydyf writes non-Latin-1 strings as UTF-16BE with a byte-order mark, as PDF text strings are.
    # Keep the text as written (NFC), so that a search for it finds it.
    return unicodedata.normalize("NFC", text)


def install():
    """Make every PDF WeasyPrint writes from now on carry the real text of Thai lines."""
    global _original_draw_first_line
    if _original_draw_first_line is not None:
        return
    current = weasyprint_text.draw_first_line
    expected = KNOWN_DRAW_FIRST_LINE.get(weasyprint.__version__)
    found = fingerprint(current)
    if expected != found:
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {weasyprint.__version__} is not supported by reports.booklet.textlayer "
            f"(draw_first_line fingerprint {found}; known: {KNOWN_DRAW_FIRST_LINE}). Thai text in "
            "booklets would not copy or search correctly: read the module docstring before upgrading."
        )
    _original_draw_first_line = current
    weasyprint_text.draw_first_line = draw_first_line_with_actual_text
