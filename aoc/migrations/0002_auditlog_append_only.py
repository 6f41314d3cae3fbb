"""On PostgreSQL, the audit log refuses UPDATE and DELETE at the database, not only in the application."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION aoc_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'aoc_auditlog is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER aoc_auditlog_append_only
    BEFORE UPDATE OR DELETE ON aoc_auditlog
    FOR EACH ROW EXECUTE FUNCTION aoc_auditlog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS aoc_auditlog_append_only ON aoc_auditlog;
DROP FUNCTION IF EXISTS aoc_auditlog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("aoc", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
