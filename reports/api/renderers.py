import csv
import io

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    """``?format=csv`` on the statistics endpoints: the whole table (no pagination), header first, in
    UTF-8 with a BOM so that Excel reads Thai. A view gives ``{"headers": [...], "rows": [[...]]}``;
    anything else (an error) is written as one ``detail`` column."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        if isinstance(data, dict) and "headers" in data and "rows" in data:
            writer.writerow(data["headers"])
            writer.writerows(data["rows"])
        else:
            writer.writerow(["detail"])
            writer.writerow([data.get("detail", "") if isinstance(data, dict) else data])
        return buffer.getvalue().encode("utf-8")
