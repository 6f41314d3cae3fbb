"""CSV for the open API: every table endpoint answers ``?format=csv`` (or ``Accept: text/csv``).

One row per item, one column per field; nested objects are flattened to ``parent.child`` columns and
lists joined with ``|``. The file starts with a byte-order mark so that Excel reads Thai as UTF-8.
A paginated answer (``{"count", "next", "previous", "results"}``) is written as its ``results``;
list views that offer CSV usually return every row instead (``CSVPaginationMixin``).
Text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at
the start; schools type their own address and phone) gets a leading apostrophe (OWASP, CSV injection);
numbers, signed ones included, are written as they are.
"""

import csv
import io
import re

from rest_framework.renderers import BaseRenderer

NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _inert(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(value):
        return "'" + value
    return value


def _flatten(value, prefix: str = "") -> dict:
    if isinstance(value, dict):
        flat = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{prefix}{key}.")
        return flat
    if isinstance(value, list | tuple):
        value = "|".join("" if item is None else str(item) for item in value)
    return {prefix[:-1]: "" if value is None else _inert(value)}


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if isinstance(data, dict):
            data = [data]  # one object, or an error ({"detail": …})
        rows = [_flatten(item) for item in data]
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        response = (renderer_context or {}).get("response")
        view = (renderer_context or {}).get("view")
        if response is not None and view is not None and response.status_code == 200:
            name = getattr(view, "csv_filename", None) or "data"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)


class CSVPaginationMixin:
    """For list views with ``CSVRenderer``: the CSV holds every row, the JSON is paginated."""

    def paginate_queryset(self, queryset):
        if (
            getattr(self.request, "accepted_renderer", None)
            and self.request.accepted_renderer.format == "csv"
        ):
            return None
        return super().paginate_queryset(queryset)
