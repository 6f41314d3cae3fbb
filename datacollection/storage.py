"""Bulk writes of collected records: PostgreSQL ``COPY`` (set-based, streaming, one statement),
with a batched ``bulk_create`` fallback for the embedded SQLite default. Never a query per row."""

import itertools
import json

from django.db import connection

BATCH = 2000


def copy_rows(model, columns: list[str], rows) -> int:
    """Write ``rows`` (tuples in ``columns`` order; dicts for JSON fields) into ``model``'s table.
    Runs inside the caller's transaction. Returns the number of rows written."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    json_columns = {i for i, name in enumerate(columns) if fields[name].get_internal_type() == "JSONField"}
    if connection.vendor == "postgresql":
        return _copy_postgresql(model._meta.db_table, columns, rows, json_columns)
    return _bulk_create(model, columns, rows)


def _copy_postgresql(table: str, columns: list[str], rows, json_columns: set[int]) -> int:
    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        if json_columns:
            for row in rows:
                row = list(row)
                for i in json_columns:
                    row[i] = dumps(row[i])
                write(row)
                count += 1
        else:
            for row in rows:
                write(row)
                count += 1
    return count


def _bulk_create(model, columns: list[str], rows) -> int:
    count = 0
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in batch])
        count += len(batch)
    return count


def delete_where(queryset) -> int:
    """``DELETE`` in one statement, without loading rows (no signals, no cascade collection): for
    record tables that nothing else points at. Django's ``QuerySet.delete()`` would first fetch
    every row to collect cascades: a million rows would come back to Python to be thrown away."""
    return queryset._raw_delete(queryset.db)
