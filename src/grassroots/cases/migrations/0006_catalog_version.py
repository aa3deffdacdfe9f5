"""A version token for the category tree and the deadline policies, kept by triggers.

Intake caches both tables per process (`cases.deadlines.catalog`) and reads this one-row table
per submission to know whether the cache still holds: any INSERT, UPDATE or DELETE on either
table, from any process and through any path (admin, services, `QuerySet.update`, raw SQL),
gives the token a new value in the same transaction. The value is random on SQLite and drawn
from a sequence on PostgreSQL, so that a rolled-back edit followed by another edit can never
bring back a token a cache already holds.
"""

from django.db import migrations

TABLES = ("cases_category", "cases_deadlinepolicy")

SQLITE = [
    "CREATE TABLE cases_catalog_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "token INTEGER NOT NULL)",
    "INSERT INTO cases_catalog_version (id, token) VALUES (1, random())",
    *(
        # Names from the constants above, never from input.
        f"CREATE TRIGGER {table}_{op.lower()}_version AFTER {op} ON {table} BEGIN "  # noqa: S608
        "UPDATE cases_catalog_version SET token = random() WHERE id = 1; END"
        for table in TABLES
        for op in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_{op.lower()}_version"
        for table in TABLES
        for op in ("INSERT", "UPDATE", "DELETE")
    ),
    "DROP TABLE IF EXISTS cases_catalog_version",
]

POSTGRES = [
    "CREATE SEQUENCE cases_catalog_version_seq",
    "CREATE TABLE cases_catalog_version (id integer PRIMARY KEY CHECK (id = 1), "
    "token bigint NOT NULL)",
    "INSERT INTO cases_catalog_version (id, token) "
    "VALUES (1, nextval('cases_catalog_version_seq'))",
    "CREATE FUNCTION cases_catalog_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE cases_catalog_version SET token = nextval('cases_catalog_version_seq') WHERE id = 1; "
    "RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION cases_catalog_bump()"
        for table in TABLES
    ),
]
POSTGRES_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS cases_catalog_bump()",
    "DROP TABLE IF EXISTS cases_catalog_version",
    "DROP SEQUENCE IF EXISTS cases_catalog_version_seq",
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
    dependencies = [("cases", "0005_priority_and_category_changed_events")]

    operations = [migrations.RunPython(forwards, backwards)]
