"""Single-row inserts without model instances or the ORM's per-call SQL compilation, for the
intake hot path.

`Model.objects.create` builds a model instance and compiles its INSERT anew on every call.
`insert(cursor, model, values)` writes one row from a dict of column values (by attribute
name, or a foreign key by field name with the related instance) with an INSERT built once per
model and database vendor, and returns the new primary key. Omitted fields take the field's
default; `auto_now`/`auto_now_add` fields are stamped with the current time, as `save()` does.
It sends no `pre_save`/`post_save` signals: it is only used for models that have no receivers
(tests/cases/test_intake_speed_paths.py checks that this stays true).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

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
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_MISSING = object()
M = TypeVar("M", bound=models.Model)


class _Column:
    __slots__ = ("_fallback", "attname", "default", "name", "prep", "relation", "stamped")

    def __init__(self, field: models.Field[Any, Any]) -> None:
        self.attname = field.attname
        self.name = field.name
        self.relation = isinstance(field, models.ForeignKey)
        self.stamped = bool(
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        )
        self.default: Callable[[], Any] = field.get_default
        if isinstance(field, PLAIN):
            self.prep: Callable[[Any], Any] | None = None  # plain unless the type says otherwise
        elif isinstance(field, models.DateTimeField):
            self.prep = connection.ops.adapt_datetimefield_value  # aware datetimes from clock
        else:
            self.prep = _prep(field)
        self._fallback = _prep(field)

    def python(self, values: Mapping[str, Any], now: Any) -> Any:
        """The field's Python value for this row."""
        if self.stamped:
            return now
        value = values.get(self.attname, _MISSING)
        if value is not _MISSING:
            return value
        if self.relation:
            related = values.get(self.name)
            return related.pk if related is not None else None
        return self.default()

    def db(self, value: Any) -> Any:
        """The value as the database driver takes it."""
        if self.prep is not None:
            return self.prep(value)
        return value if type(value) in PLAIN_TYPES else self._fallback(value)


class _Insert:
    def __init__(self, model: type[models.Model]) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [_Column(f) for f in fields]
        self.names = [f.attname for f in model._meta.concrete_fields]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        pk = model._meta.pk
        assert pk is not None
        self.returning = connection.features.can_return_columns_from_insert
        # Table and column names come from the model, never from input.
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        if self.returning:
            self.sql += f" RETURNING {qn(str(pk.column))}"

    def __call__(self, cursor: Any, values: Mapping[str, Any]) -> tuple[int, list[Any]]:
        now = timezone.now()  # what save() stamps auto_now/auto_now_add fields with
        row = [column.python(values, now) for column in self.columns]
        cursor.execute(self.sql, [c.db(v) for c, v in zip(self.columns, row, strict=True)])
        pk = int(cursor.fetchone()[0] if self.returning else cursor.lastrowid)
        return pk, row


def _prep(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    def prep(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prep


_prepared: dict[tuple[str, type[models.Model]], _Insert] = {}


def _insert(
    cursor: Any, model: type[models.Model], values: Mapping[str, Any]
) -> tuple[int, list[Any]]:
    key = (connection.vendor, model)
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = _prepared[key] = _Insert(model)
    return prepared(cursor, values)


def insert(cursor: Any, model: type[models.Model], values: Mapping[str, Any]) -> int:
    """INSERT one row of `model` from `values` (see the module doc); returns its primary key."""
    return _insert(cursor, model, values)[0]


def insert_instance(cursor: Any, model: type[M], values: Mapping[str, Any]) -> M:
    """As `insert`, and returns the saved instance (built as a query would load it)."""
    assert model._meta.concrete_fields[0].primary_key  # the row's order: pk, then the rest
    pk, row = _insert(cursor, model, values)
    return model.from_db(connection.alias, _prepared[(connection.vendor, model)].names, [pk, *row])
