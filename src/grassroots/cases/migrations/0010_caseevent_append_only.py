"""The case timeline is append-only, in the database too.

A trigger refuses any UPDATE that changes what an event says (its case, type, time, who, the
statuses, notes, visibility and data). Only `actor_id` and `unit_id` may change, and only
because deleting a user or a unit sets them to NULL (`on_delete=SET_NULL`); `actor_label`
keeps the name. Deleting events is left to the database's cascade from a deleted case:
nothing in the product deletes a case, and the model refuses to delete or re-save one event
(`CaseEvent.save`/`delete`). A later data migration that must rewrite events drops the trigger
and creates it again, in the open.
"""

from django.db import migrations

COLUMNS = (
    "case_id",
    "type",
    "at",
    "actor_label",
    "from_status",
    "to_status",
    "note",
    "public",
    "public_note",
    "data",
)
MESSAGE = "cases_caseevent is append-only: a timeline event cannot be changed"

SQLITE = [
    # Names and the message are constants of this file, never input.
    "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OF "
    + ", ".join(COLUMNS)
    + " ON cases_caseevent WHEN "
    + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)
    + f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS cases_caseevent_append_only"]

POSTGRES = [
    "CREATE FUNCTION cases_caseevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF "
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)
    + f" THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    "END IF; RETURN NEW; END $$",
    "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE ON cases_caseevent "
    "FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only()",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent",
    "DROP FUNCTION IF EXISTS cases_caseevent_append_only()",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_caseevent_demand_marked")]

    operations = [migrations.RunPython(forwards, backwards)]
