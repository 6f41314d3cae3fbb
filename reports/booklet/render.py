"""HTML → PDF for the booklet (WeasyPrint), with the Sarabun font from the npm package and the Thai text
layer fixed (``textlayer``).

WeasyPrint keeps every laid-out page of a document in memory until the PDF is written (about 1 MB per
page of dense tables: 1.1 GB for a 1,000-school province laid out at once). So the booklet is laid out
part by part (``content.split_into_parts``): each part is one WeasyPrint document starting at its page
number, written to a temporary PDF and dropped; then the front matter is laid out with the contents'
real page numbers, and the parts are joined with pypdf, which adds the bookmarks. Peak memory is that
of the largest part, whatever the number of schools.
"""

import gc
import json
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdf
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

from . import textlayer
from .content import split_into_parts

FONT_PACKAGE = "@fontsource/sarabun"
FONT_WEIGHTS = (400, 700)
FONT_SUBSETS = ("latin", "latin-ext", "thai")
FONT_FAMILY = ", ".join(f"'Sarabun {subset}'" for subset in FONT_SUBSETS)
# Table rows per part: about 150 MB of layout at most.
PART_ROWS = 250


@cache
def font_face_css() -> str:
    """``@font-face`` rules for Sarabun from ``node_modules/@fontsource/sarabun``: one per weight and
    subset with the package's own unicode ranges.

    The package splits the font into subset files that all call themselves "Sarabun"; WeasyPrint keys
    embedded fonts by their description (family, weight, style), so subsets sharing a family name
    would be merged into one PDF font and draw Latin glyph numbers with the Thai file. Each subset
    therefore gets a family of its own ("Sarabun thai", …) and ``FONT_FAMILY`` lists them all."""
    package = settings.NODE_MODULES / FONT_PACKAGE
    ranges = json.loads((package / "unicode.json").read_text())
    rules = []
    for weight in FONT_WEIGHTS:
        for subset in FONT_SUBSETS:
            path = package / "files" / f"sarabun-{subset}-{weight}-normal.woff2"
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run scripts/bootstrap.sh (npm ci)")
            rules.append(
                f"@font-face {{ font-family: 'Sarabun {subset}'; font-style: normal; "
                f"font-weight: {weight}; src: url('{path.as_uri()}') format('woff2'); "
                f"unicode-range: {ranges[subset]}; }}"
            )
    return "\n".join(rules)


class Fonts:
    """Sarabun loaded once for all the documents of one booklet: WeasyPrint decodes the WOFF2 files and
    registers them with fontconfig when a stylesheet with ``@font-face`` is read, so the parts share
    one ``FontConfiguration`` and one parsed font stylesheet."""

    def __init__(self):
        self.config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(string=font_face_css(), font_config=self.config)


def html_to_document(html: str, fonts: Fonts | None = None):
    """Lay HTML out with the booklet's fonts and text-layer fix; the document knows its pages."""
    textlayer.install()
    fonts = fonts or Fonts()
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[fonts.stylesheet], font_config=fonts.config
    )


@dataclass
class TocEntry:
    title: str
    anchor: str
    is_chapter: bool
    page: str = ""


def _context(content, **extra):
    return {"b": content, "font_family": FONT_FAMILY, **extra}


def front_html(content, toc, *, first_page=0) -> str:
    return render_to_string(
        "reports/pdf/booklet_front.html", _context(content, toc=toc, first_page=first_page)
    )


def part_html(content, part, *, first_page) -> str:
    return render_to_string(
        "reports/pdf/booklet_part.html", _context(content, part=part, first_page=first_page)
    )


def table_of_contents(content):
    entries = [TocEntry("คำนำ", "foreword", True)]
    for chapter in content.chapters:
        entries.append(TocEntry(chapter.running, chapter.anchor, True))
        entries += [TocEntry(s.title, s.anchor, False) for s in chapter.sections]
    return entries


def write_booklet(content, target, *, report=lambda done, total: None, max_rows=PART_ROWS) -> int:
    """Lay out and write the whole booklet to ``target`` (a path or a binary file); ``report(done,
    total)`` is called after each part. Returns the number of pages."""
    parts = split_into_parts(content.chapters, max_rows=max_rows)
    toc = table_of_contents(content)
    total_steps = len(parts) + 2
    fonts = Fonts()
    with tempfile.TemporaryDirectory(prefix="booklet-") as tmp:
        tmp = Path(tmp)
        # The front matter's length first (the contents page numbers are not known yet, and do not
        # change its length), so that the parts know where they start.
        for entry in toc:
            entry.page = "000"
        document = html_to_document(front_html(content, toc), fonts)
        front_pages = len(document.pages)
        pages = {anchor: index + 1 for index, page in enumerate(document.pages) for anchor in page.anchors}
        del document
        report(1, total_steps)

        files = []
        next_page = front_pages + 1
        for number, part in enumerate(parts):
            document = html_to_document(part_html(content, part, first_page=next_page), fonts)
            for index, page in enumerate(document.pages):
                for anchor in page.anchors:
                    pages.setdefault(anchor, next_page + index)
            path = tmp / f"part-{number:04d}.pdf"
            document.write_pdf(path)
            files.append(path)
            next_page += len(document.pages)
            del document
            gc.collect()  # layout boxes hold reference cycles: free them before the next part
            report(number + 2, total_steps)

        for entry in toc:
            entry.page = str(pages.get(entry.anchor, ""))
        document = html_to_document(front_html(content, toc), fonts)
        if len(document.pages) != front_pages:
            raise RuntimeError(f"front matter changed length ({front_pages} → {len(document.pages)} pages)")
        front = tmp / "front.pdf"
        document.write_pdf(front)
        del document

        _join([front, *files], target, content=content, toc=toc)
        report(total_steps, total_steps)
    return next_page - 1


def _join(files, target, *, content, toc):
    writer = pypdf.PdfWriter()
    for path in files:
        writer.append(str(path))
    chapter = None
    for entry in toc:
        if not entry.page:
            continue
        page_index = int(entry.page) - 1
        if entry.is_chapter:
            chapter = writer.add_outline_item(title=entry.title, page_number=page_index)
        else:
            writer.add_outline_item(title=entry.title, page_number=page_index, parent=chapter)
    writer.add_metadata(
        {
            "/Title": f"ข้อมูลสารสนเทศทางการศึกษา ปีการศึกษา {content.year_be} {content.office_short}",
            "/Author": content.office_name,
            "/Creator": "AOC portal (WeasyPrint)",
        }
    )
    writer._root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject("th")
    writer.page_mode = "/UseOutlines"
    if isinstance(target, str | Path):
        with open(target, "wb") as handle:
            writer.write(handle)
    else:
        writer.write(target)
