from django import template

from aoc import markup as _markup

register = template.Library()


@register.filter
def markup(text: str):
    """News text as safe HTML (``aoc.markup.render``)."""
    return _markup.render(text or "")


@register.filter
def plain(text: str, length: int = 200) -> str:
    return _markup.plain(text or "", int(length))
