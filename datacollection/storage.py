"""Bulk writes of collected records: PostgreSQL ``COPY`` (set-based, streaming, one statement),
with a batched ``bulk_create`` fallback for the embedded SQLite default. Never a query per row."""

import json
from collections.abc import Iterable, Sequence

from django.db import connection

_NULL = "\\N"
_json_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_TEXT_KINDS = frozenset({"TextField", "CharField"})
_INTEGER_KINDS = frozenset(
    {
        "IntegerField",
        "PositiveIntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "ForeignKey",
        "AutoField",
    }
)


def copy_columns(model, columns: list[str], batches: Iterable[list[Sequence]]) -> int:
    """Write ``batches`` into ``model``'s table. A batch is one list of values per name in
    ``columns`` (lists or tuples for JSON fields), all of the same length: rows given column by column,
    as the readers check them. Runs inside the caller's transaction. Returns the number of rows."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    if connection.vendor == "postgresql":
        kinds = [_kind(fields[name]) for name in columns]
        return _copy_postgresql(model._meta.db_table, columns, batches, kinds)
    return _bulk_create(model, columns, batches)


def _kind(field) -> str:
    """How a field's values become COPY text: "JSONField" for JSON (a ``JSONField``, or a field that
    keeps JSON as text and says so with ``copy_as_json``), else its internal type."""
    return "JSONField" if getattr(field, "copy_as_json", False) else field.get_internal_type()


def _copy_postgresql(table: str, columns: list[str], batches, kinds: list[str]) -> int:
    """``COPY … FROM STDIN`` in text format, one write per batch, the text built column by column:
    a column is escaped value by value only when it holds a NULL or one of the four characters that
    COPY's text format gives a meaning to, and non-text values are turned into text once per distinct
    value. A row then costs one C-level join."""
    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
    ):
        for batch in batches:
            if not batch or not len(batch[0]):
                continue
            texts = [_column_text(values, kind) for values, kind in zip(batch, kinds, strict=True)]
            copy.write("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n")
            count += len(batch[0])
    return count


def _column_text(values: Sequence, kind: str) -> Sequence[str]:
    """A column's values as fields of COPY's text format."""
    if kind in _TEXT_KINDS:
        try:
            joined = "".join(values)
        except TypeError:  # a NULL among them
            return [_value(v) for v in values]
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            return list(map(_escape, values))
        return values
    if kind == "JSONField":
        return _json_column(values)
    if kind in _INTEGER_KINDS and None not in values:
        return list(map(str, values))
    text = {v: _value(v) for v in set(values)}
    return list(map(text.__getitem__, values))


def _json_column(values: Sequence) -> list[str]:
    """A JSON column. Lists of plain strings (rows' cells) with no quote, backslash or control
    character anywhere in the batch are written without an encoder: nothing to escape, for JSON or COPY."""
    try:
        joined = "".join(map("".join, values)) if set(map(type, values)) == {list} else None
    except TypeError:  # not all strings
        joined = None
    if joined is None or '"' in joined or "\\" in joined or not joined.isprintable():
        return [_escape(_json_encode(v)) for v in values]
    return [
        f'["{body}"]' if body or v else "[]" for v, body in zip(values, map('","'.join, values), strict=True)
    ]


def _escape(s: str) -> str:
    """A value as a field of COPY's text format."""
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    if "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def _value(value) -> str:
    """Any value but JSON: NULL, text, or the text PostgreSQL reads (int, Decimal, date, bool …)."""
    if value is None:
        return _NULL
    return _escape(value if type(value) is str else str(value))


def _bulk_create(model, columns: list[str], batches) -> int:
    count = 0
    for batch in batches:
        rows = list(zip(*batch, strict=True))
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        count += len(rows)
    return count


def delete_where(queryset) -> int:
    """``DELETE`` in one statement, without loading rows (no signals, no cascade collection): for
    record tables that nothing else points at. Django's ``QuerySet.delete()`` would first fetch
    every row to collect cascades: a million rows would come back to Python to be thrown away."""
    return queryset._raw_delete(queryset.db)
