"""Server-rendered SVG charts of the published statistics.

Plain SVG strings, with no script and no external file: inline in a web page (``{{ chart }}``; the
functions return safe strings) and in the WeasyPrint booklet alike. Each chart is an image with a
``<title>`` and a ``<desc>`` (screen readers read both), prints its values as text beside the marks
(the numbers do not depend on telling colours apart) and sets a Thai font family.

Generic shapes: ``bar_chart`` (horizontal bars, room for long Thai labels), ``column_chart`` (grouped
or stacked vertical columns) and ``line_chart``. Adapters turn a selector's result into a chart:
``schools_by_size_chart``, ``small_bands_chart``, ``students_by_grade_chart``, ``trend_chart``,
``category_chart``.
"""

import functools
import itertools
import math

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from aoc import thaidate

FONT = "Sarabun, 'TH Sarabun New', 'Noto Sans Thai', Tahoma, sans-serif"
# Colour-blind-safe (Okabe–Ito), dark enough for white text on it.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#555555")
TEXT = "#212529"
GRID = "#dee2e6"
MUTED = "#5c636a"
_ids = itertools.count(1)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _nice_max(value: float) -> int:
    """A round axis maximum at or above ``value`` whose quarters are whole numbers (counts)."""
    if value <= 0:
        return 4
    step = value / 4
    magnitude = 10 ** max(math.floor(math.log10(step)), 0)
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10):
        if step <= factor * magnitude and (factor * magnitude) == int(factor * magnitude):
            return int(4 * factor * magnitude)
    return int(40 * magnitude)


# The fonts the charts are measured with: Sarabun, the site's and the booklet's font, from the npm
# package the pages load it from (one file per Unicode subset).
SARABUN_FILES = ("thai", "latin", "latin-ext")
# Advance width (em) of a character none of the files holds, and of every character when the files are
# missing: wider than Sarabun's Thai letters and digits, so that a label gets more room, not less.
FALLBACK_ADVANCE = 0.7


@functools.cache
def _advances() -> dict[str, float]:
    """Each character's advance width in em, read once per process from Sarabun's horizontal metrics
    (``hmtx``) via fontTools. Thai marks above and below letters have zero advance there."""
    from fontTools.ttLib import TTFont

    advances = {}
    directory = settings.NODE_MODULES / "@fontsource" / "sarabun" / "files"
    for subset in SARABUN_FILES:
        path = directory / f"sarabun-{subset}-400-normal.woff2"
        if not path.exists():
            continue
        font = TTFont(path, lazy=True)
        metrics, units = font["hmtx"], font["head"].unitsPerEm
        for code, glyph in font.getBestCmap().items():
            advances.setdefault(chr(code), metrics[glyph][0] / units)
        font.close()
    return advances


def _text_width(text: str, size: float) -> float:
    """The width of ``text`` at ``size`` in Sarabun: the sum of its characters' advance widths (what
    the text takes without kerning)."""
    advances = _advances()
    return size * sum(advances.get(ch, FALLBACK_ADVANCE) for ch in text)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_on(colour: str) -> str:
    """White or dark text on a fill, whichever contrasts more."""
    fill = _luminance(colour) + 0.05
    return "#fff" if 1.05 / fill >= fill / (_luminance(TEXT) + 0.05) else TEXT


def _el(tag: str, text: str | None = None, **attrs) -> str:
    """One SVG element; ``_`` in attribute names becomes ``-``; floats are rounded; all is escaped."""
    rendered = " ".join(
        f'{name.replace("_", "-")}="{f"{value:.1f}" if isinstance(value, float) else escape(value)}"'
        for name, value in attrs.items()
    )
    if text is None:
        return f"<{tag} {rendered}/>"
    return f"<{tag} {rendered}>{escape(text)}</{tag}>"


def _svg(parts: list[str]) -> SafeString:
    # Every text and attribute value went through ``escape`` (``_el``, ``_open``): safe to inline.
    return mark_safe("".join(parts))  # noqa: S308


def _open(width: int, height: int, title: str, desc: str, chart_id: str | None) -> list[str]:
    chart_id = escape(chart_id or f"chart{next(_ids)}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="aoc-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'style="max-width:{width}px" font-family="{FONT}" font-size="13" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _legend(series_names: list[str], x: float, y: float, colours=PALETTE) -> list[str]:
    parts, offset = [], float(x)
    for i, name in enumerate(series_names):
        parts.append(_el("rect", x=offset, y=y - 10.0, width=12, height=12, fill=colours[i % len(colours)]))
        parts.append(_el("text", name, x=offset + 16, y=float(y), fill=TEXT))
        offset += 16 + _text_width(name, 13) + 18
    return parts


def _grid(parts: list[str], *, left, right_x, top_margin, plot_h, top) -> None:
    for step in range(5):
        value = top * step / 4
        y = top_margin + plot_h - plot_h * step / 4
        parts.append(_el("line", x1=left, x2=right_x, y1=float(y), y2=float(y), stroke=GRID))
        label = f"{int(value):,}" if value == int(value) else f"{value:,.1f}"
        parts.append(_el("text", label, x=left - 6, y=y + 4.0, text_anchor="end", fill=MUTED, font_size=11))


def _empty(title: str, message: str, chart_id=None, width=640) -> SafeString:
    parts = _open(width, 60, title, message, chart_id)
    parts.append(_el("text", message, x=width / 2, y=35, text_anchor="middle", fill=MUTED))
    parts.append("</svg>")
    return _svg(parts)


def bar_chart(
    labels: list[str],
    values: list[int],
    *,
    title: str,
    desc: str = "",
    unit: str = "",
    width: int = 720,
    colour: str = PALETTE[0],
    chart_id: str | None = None,
) -> SafeString:
    """Horizontal bars, one per label, each with its value printed at its end."""
    if not labels:
        return _empty(title, _("ไม่มีข้อมูล"), chart_id, width)
    pairs = zip(labels, values, strict=True)
    desc = desc or "; ".join(f"{label}: {_number(v)} {unit}".strip() for label, v in pairs)
    bar, gap = 22, 8
    label_width = min(max(_text_width(label, 13) for label in labels) + 12, width * 0.55)
    plot_x, plot_w = label_width, width - label_width - 70
    height = len(labels) * (bar + gap) + 20
    top = _nice_max(max(values) if values else 0)
    parts = _open(width, height, title, desc, chart_id)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10.0 + i * (bar + gap)
        length = plot_w * value / top
        parts.append(_el("text", label, x=plot_x - 8, y=y + bar * 0.7, text_anchor="end", fill=TEXT))
        parts.append(_el("rect", x=float(plot_x), y=y, width=float(length), height=bar, fill=colour))
        parts.append(_el("text", _number(value), x=plot_x + length + 6, y=y + bar * 0.7, fill=TEXT))
    parts.append("</svg>")
    return _svg(parts)


def column_chart(
    categories: list[str],
    series: list[tuple[str, list[int]]],
    *,
    title: str,
    desc: str = "",
    stacked: bool = False,
    width: int = 900,
    height: int = 340,
    chart_id: str | None = None,
    colours: tuple[str, ...] = PALETTE,
) -> SafeString:
    """Vertical columns per category: side by side (grouped) or ``stacked``, one colour per series
    (``colours`` in order), with a legend and the values printed on the columns."""
    if not categories or not series:
        return _empty(title, _("ไม่มีข้อมูล"), chart_id, width)
    if not desc:
        desc = "; ".join(
            f"{category}: " + ", ".join(f"{name} {_number(values[i])}" for name, values in series)
            for i, category in enumerate(categories)
        )
    left, right, top_margin, bottom = 56, 12, 34, 44
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    if stacked:
        peak = max(sum(values[i] for _n, values in series) for i in range(len(categories)))
    else:
        peak = max(max(values) for _n, values in series)
    top = _nice_max(peak)
    parts = _open(width, height, title, desc, chart_id)
    parts += _legend([name for name, _v in series], left, 16, colours)
    _grid(parts, left=left, right_x=width - right, top_margin=top_margin, plot_h=plot_h, top=top)
    slot = plot_w / len(categories)
    group_w = slot * 0.78
    for i, category in enumerate(categories):
        x0 = left + i * slot + (slot - group_w) / 2
        base = float(top_margin + plot_h)
        for j, (_name, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / top
            if stacked:
                x, w, y = x0, group_w, base - h
                base = y
            else:
                w = group_w / len(series)
                x, y = x0 + j * w, top_margin + plot_h - h
            colour = colours[j % len(colours)]
            parts.append(
                _el("rect", x=float(x), y=float(y), width=max(w - 1, 1.0), height=float(h), fill=colour)
            )
            if value and (not stacked or h >= 14):
                text_y, fill = (y + 12, _text_on(colour)) if stacked else (y - 3, TEXT)
                text = _number(value)
                parts.append(
                    _el(
                        "text",
                        text,
                        x=x + w / 2,
                        y=float(text_y),
                        text_anchor="middle",
                        font_size=10,
                        fill=fill,
                    )
                )
        label_y = float(height - bottom + 18)
        parts.append(_el("text", category, x=x0 + group_w / 2, y=label_y, text_anchor="middle", fill=TEXT))
    parts.append("</svg>")
    return _svg(parts)


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    title: str,
    desc: str = "",
    width: int = 900,
    height: int = 320,
    chart_id: str | None = None,
) -> SafeString:
    """One line per series over ``labels`` (e.g. rounds), each point marked and labelled with its value."""
    if not labels or not series:
        return _empty(title, _("ไม่มีข้อมูล"), chart_id, width)
    if not desc:
        desc = "; ".join(
            f"{name}: " + ", ".join(f"{label} {_number(v)}" for label, v in zip(labels, values, strict=True))
            for name, values in series
        )
    left, right, top_margin, bottom = 64, 24, 40, 40
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    top = _nice_max(max(max(values) for _n, values in series))
    parts = _open(width, height, title, desc, chart_id)
    parts += _legend([name for name, _v in series], left, 16)
    _grid(parts, left=left, right_x=width - right, top_margin=top_margin, plot_h=plot_h, top=top)
    inset = 28  # the first and last points (and their labels) clear the axis and the edge
    step_x = (plot_w - 2 * inset) / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return float(left + inset + (i * step_x if len(labels) > 1 else (plot_w - 2 * inset) / 2))

    for i, label in enumerate(labels):
        parts.append(
            _el("text", label, x=x_of(i), y=float(height - bottom + 20), text_anchor="middle", fill=TEXT)
        )
    for j, (_name, values) in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        points = [(x_of(i), top_margin + plot_h - plot_h * v / top) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(_el("polyline", points=path, fill="none", stroke=colour, stroke_width=2.5))
        # The last of several lines is labelled below its points, the others above: close lines
        # (boys and girls) keep their numbers apart.
        below = len(series) > 1 and j == len(series) - 1
        for (x, y), v in zip(points, values, strict=True):
            parts.append(_el("circle", cx=x, cy=float(y), r=4, fill=colour))
            text_y = y + 18.0 if below else y - 8.0
            parts.append(
                _el("text", _number(v), x=x, y=text_y, text_anchor="middle", font_size=11, fill=TEXT)
            )
    parts.append("</svg>")
    return _svg(parts)


# ---------------------------------------------------------------------------------------------
# Adapters from the selectors' results (reports.statistics)


def _stamp(source) -> str:
    return _("ข้อมูล ณ วันที่ %(date)s") % {"date": thaidate.format_date(source.as_of, long=True)}


def schools_by_size_chart(table, *, chart_id=None) -> SafeString:
    """Schools per amphoe, stacked by size (from ``schools_by_amphoe_level_size``)."""
    amphoe_rows = [r for r in table.rows if ":" not in r.key]
    series = [
        (c.label, [r.counts[i] for r in amphoe_rows]) for i, c in enumerate(table.columns) if table.totals[i]
    ]
    return column_chart(
        [r.label for r in amphoe_rows],
        series,
        title=f"{table.title} ({_stamp(table.source)})",
        stacked=True,
        chart_id=chart_id,
    )


def small_bands_chart(table, *, chart_id=None) -> SafeString:
    """Schools of the district in each small-school band (from ``small_school_bands``)."""
    return bar_chart(
        [c.label for c in table.columns],
        table.totals,
        title=f"{table.title} ({_stamp(table.source)})",
        unit=_("แห่ง"),
        chart_id=chart_id,
    )


def students_by_grade_chart(table, *, chart_id=None) -> SafeString:
    """Boys and girls per grade of the table's total row (from ``students_by_grade_sex``)."""
    return column_chart(
        table.grades,
        [(_("ชาย"), table.totals.male), (_("หญิง"), table.totals.female)],
        title=f"{table.title} ({_stamp(table.source)})",
        chart_id=chart_id,
    )


def trend_chart(trend, *, chart_id=None) -> SafeString:
    """Students per published round, oldest first (from ``student_trend``)."""
    labels = [p.label for p in trend.points]
    return line_chart(
        labels,
        [
            (_("รวม"), [p.total for p in trend.points]),
            (_("ชาย"), [p.male for p in trend.points]),
            (_("หญิง"), [p.female for p in trend.points]),
        ],
        title=_("จำนวนนักเรียนตามรอบที่เผยแพร่ (ปีการศึกษา/รอบ)"),
        chart_id=chart_id,
    )


def category_chart(table, *, chart_id=None) -> SafeString:
    """The district (or one school's) total per type, from ``disadvantaged_by_type`` /
    ``disabled_by_type``: hidden cells stay hidden (a suppressed school value is drawn as nothing)."""
    labels, values = [], []
    for column, cell in zip(table.types, table.totals.cells, strict=True):
        if cell.value is not None:
            labels.append(column.label)
            values.append(cell.value)
    return bar_chart(
        labels,
        values,
        title=f"{table.title} ({_stamp(table.source)})",
        unit=_("คน"),
        colour=PALETTE[2],
        chart_id=chart_id,
    )


def ratios_chart(table, *, chart_id=None) -> SafeString:
    """Students per teacher of each row (amphoe or school) and the district, from ``ratios``; a row
    without teachers has no bar."""
    rows = [r for r in [*table.rows, table.totals] if r.students_per_teacher is not None]
    return bar_chart(
        [r.label for r in rows],
        [r.students_per_teacher for r in rows],
        title=f"{_('นักเรียนต่อครู')} ({_stamp(table.source)})",
        unit=_("คนต่อครู 1 คน"),
        chart_id=chart_id,
    )


def staff_chart(table, *, chart_id=None) -> SafeString:
    """The staff of the rows shown per position, from ``staff_by_position``."""
    return bar_chart(
        [c.label for c in table.categories],
        table.totals.total,
        title=f"{table.title} ({_stamp(table.source)})",
        unit=_("คน"),
        colour=PALETTE[2],
        chart_id=chart_id,
    )


# Building conditions in colours that read as good → poor: green, orange, vermillion (Okabe–Ito).
CONDITION_COLOURS = {"good": PALETTE[2], "fair": PALETTE[4], "poor": PALETTE[1]}


def buildings_chart(table, *, chart_id=None) -> SafeString:
    """Buildings per amphoe stacked by condition (from ``buildings_by_type_condition(by="amphoe")``)."""
    units = [r for r in table.rows if ":" not in r.key]
    return column_chart(
        [r.label for r in units],
        [(c.label, [r.counts[i] for r in units]) for i, c in enumerate(table.columns)],
        title=f"{table.title} ({_stamp(table.source)})",
        stacked=True,
        chart_id=chart_id,
        colours=tuple(CONDITION_COLOURS.get(c.code, PALETTE[7]) for c in table.columns),
    )
