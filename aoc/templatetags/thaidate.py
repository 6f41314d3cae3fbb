from django import template

from aoc import thaidate

register = template.Library()


@register.filter
def be_date(value):
    """``{{ school.opened_on|be_date }}`` → ``10 มิ.ย. 2568``."""
    return thaidate.format_date(value)


@register.filter
def be_date_long(value):
    """``10 มิถุนายน 2568``."""
    return thaidate.format_date(value, long=True)


@register.filter
def be_datetime(value):
    """``10 มิ.ย. 2568 14:05``."""
    return thaidate.format_datetime(value)


@register.filter
def be_month(value):
    """``พฤศจิกายน 2569``."""
    return thaidate.format_month(value)
