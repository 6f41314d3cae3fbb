"""News text as staff type it, shown as safe HTML: "markdown-lite".

Everything typed is escaped first; only these marks become HTML:

- a blank line starts a new paragraph, a line break stays a line break;
- lines that start with ``- `` or ``* `` form a bulleted list, ``1. `` a numbered list;
- a line that starts with ``## `` is a heading;
- ``**text**`` is bold;
- web addresses (``https://…``, ``www.…``) become links that open without passing on the portal's
  address (``rel="nofollow noopener"``).

No HTML written by a user ever reaches the page, so a news item cannot carry a script or a form.
"""

import re

from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
HEADING = re.compile(r"^##+\s+(.*)$")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _inline(text: str) -> str:
    """One line: escaped, with links and bold. ``urlize`` escapes the text around the links itself."""
    html = urlize(text, nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', 'rel="nofollow noopener"')
    # Bold only outside tags: split on the tags urlize wrote and mark the text between them.
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(part if part.startswith("<") else BOLD.sub(r"<strong>\1</strong>", part) for part in parts)


def _block(lines: list[str]) -> str:
    if all(BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(BULLET.match(line)[1])}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if all(NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(NUMBERED.match(line)[1])}</li>" for line in lines)
        return f"<ol>{items}</ol>"
    html = []
    paragraph: list[str] = []
    for line in lines:
        heading = HEADING.match(line)
        if heading:
            if paragraph:
                html.append("<p>" + "<br>".join(paragraph) + "</p>")
                paragraph = []
            html.append(f'<h2 class="h5">{_inline(heading[1])}</h2>')
        else:
            paragraph.append(_inline(line))
    if paragraph:
        html.append("<p>" + "<br>".join(paragraph) + "</p>")
    return "".join(html)


def render(text: str) -> SafeString:
    """The HTML of ``text`` (see the module's docstring)."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return mark_safe("".join(_block(lines) for lines in blocks if lines))  # noqa: S308 - every piece escaped


def plain(text: str, length: int = 200) -> str:
    """``text`` without its marks, shortened (plain text, escaped by the template): for lists."""
    flat = " ".join(
        BOLD.sub(r"\1", re.sub(r"^\s*(?:[-*]|\d+[.)]|##+)\s+", "", line)) for line in text.split("\n")
    )
    flat = " ".join(flat.split())
    return flat[: length - 1] + "…" if len(flat) > length else flat
