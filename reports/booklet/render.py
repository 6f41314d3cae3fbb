"""HTML → PDF for the booklet (WeasyPrint), with the Sarabun font from the npm package and the Thai text
layer fixed (``textlayer``)."""

import json
from functools import cache

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string

from . import textlayer

FONT_PACKAGE = "@fontsource/sarabun"
FONT_WEIGHTS = (400, 700)
FONT_SUBSETS = ("latin", "latin-ext", "thai")
FONT_FAMILY = ", ".join(f"'Sarabun {subset}'" for subset in FONT_SUBSETS)


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


def booklet_html(content) -> str:
    return render_to_string(
        "reports/pdf/booklet.html", {"b": content, "font_faces": font_face_css(), "font_family": FONT_FAMILY}
    )


def html_to_document(html: str):
    """Lay the booklet out (the slow part); the returned document knows its pages."""
    textlayer.install()
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def document_to_pdf(document, target):
    """Write the laid-out document to ``target`` (a path or a binary file)."""
    document.write_pdf(target)
