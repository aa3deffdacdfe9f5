"""Single-row inserts without the ORM's per-call SQL compilation, for the intake hot path.

`Model.objects.create` compiles its INSERT anew on every call (about a millisecond per row on
this project's reference machine, five rows per submission). `insert(obj)` writes an unsaved
instance with an INSERT built once per model and database vendor, and gives the instance its
primary key as `save()` would. It fills `auto_now`/`auto_now_add` fields like `save()`, but
sends no `pre_save`/`post_save` signals: it is only used for models that have no receivers
(tests/cases/test_intake_speed_paths.py checks that this stays true).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models

# Fields whose database form is the Python value itself when it already has the field's type
# (str, int, float, bool or None): `get_db_prep_save` is skipped for those values.
PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.FloatField,
    models.ForeignKey,
)
PLAIN_TYPES = (str, int, float, bool, type(None))

_prepared: dict[tuple[str, type[models.Model]], _Insert] = {}


class _Insert:
    def __init__(self, model: type[models.Model]) -> None:
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.stamped = [
            f
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.columns: list[tuple[str, Callable[[Any], Any], bool]] = [
            (f.attname, _prep(f), isinstance(f, PLAIN)) for f in self.fields
        ]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        pk = model._meta.pk
        assert pk is not None
        self.returning = connection.features.can_return_columns_from_insert
        # Table and column names come from the model, never from input.
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        if self.returning:
            self.sql += f" RETURNING {qn(str(pk.column))}"

    def __call__(self, obj: models.Model) -> None:
        for field in self.stamped:
            field.pre_save(obj, add=True)  # sets the attribute to now, as save() does
        params = []
        for attname, prep, plain in self.columns:
            value = getattr(obj, attname)
            params.append(value if plain and type(value) in PLAIN_TYPES else prep(value))
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            pk: Any = cursor.fetchone()[0] if self.returning else cursor.lastrowid
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _prep(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    def prep(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prep


def insert(obj: models.Model) -> None:
    """INSERT `obj` (unsaved, no primary key yet) and set its primary key."""
    key = (connection.vendor, type(obj))
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = _prepared[key] = _Insert(type(obj))
    prepared(obj)
