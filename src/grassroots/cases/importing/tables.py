"""Batched raw inserts into a model's table: one `executemany` per batch, no model instances.

Each row starts from a template holding every column's default (adapted for the database once)
and only the columns that vary are set, so a row costs a list copy and a few assignments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any

from django.db import connection, models
from django.utils import timezone


class DateAdapter:
    """Database form of aware datetimes, computed once per distinct moment."""

    def __init__(self) -> None:
        self.cache: dict[datetime, Any] = {}

    def __call__(self, moment: datetime | None) -> Any:
        if moment is None:
            return None
        try:
            return self.cache[moment]
        except KeyError:
            value = self.cache[moment] = connection.ops.adapt_datetimefield_value(moment)
            return value


class TableWriter:
    """Inserts rows for `model` given as {attname: value}; values must be database-ready."""

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.template = [self._default(f, now) for f in self.fields]
        qn = connection.ops.quote_name
        table, columns = qn(model._meta.db_table), ", ".join(qn(str(f.column)) for f in self.fields)
        self.head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
        self.sql = self._sql({})

    def _sql(self, offsets: dict[int, int]) -> str:
        marks = (
            f"%s + {int(offsets[i])}" if i in offsets else "%s" for i in range(len(self.fields))
        )
        return f"{self.head}({', '.join(marks)})"

    @staticmethod
    def _default(field: models.Field[Any, Any], now: datetime) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        else:
            value = field.get_default()  # "" for text columns without a default, else None
        prepared = field.get_db_prep_save(value, connection)
        # Plain values: rows cross from the reader process, and an enum member unpickles
        # through a slow lookup (once per cell).
        return plain(prepared)

    def set_default(self, attname: str, value: Any) -> None:
        """Every row of this run gets `value` in that column unless set otherwise."""
        field = self.fields[self.index[attname]]
        self.template[self.index[attname]] = plain(field.get_db_prep_save(value, connection))

    def slots(self, *attnames: str) -> tuple[int, ...]:
        """Positions of the given columns in a row, to set them by index."""
        return tuple(self.index[a] for a in attnames)

    def row(self) -> list[Any]:
        """A fresh row holding every default."""
        return self.template.copy()

    def insert(self, rows: Sequence[Sequence[Any]], offset: tuple[str, int] | None = None) -> None:
        """Insert `rows`; with `offset` (column, n), that column's values get n added by the
        database (children laid out with their case's position, written with its id)."""
        if not rows:
            return
        sql = self.sql if offset is None else self._sql({self.index[offset[0]]: offset[1]})
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


@contextmanager
def bulk_session(cache_mib: int = 256) -> Iterator[None]:
    """On SQLite, a larger page cache for the run: the unique indexes on random keys
    (tracking codes, source ids) otherwise miss the default 2 MiB cache on every insert."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(cache_mib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def plain(value: Any) -> Any:
    """A str or int enum member as its plain value; anything else as it is."""
    if isinstance(value, Enum):
        return str(value) if isinstance(value, str) else value.value
    return value


def ids_by(model: type[models.Model], column: str, values: Iterable[str]) -> dict[str, int]:
    """{value: id} for rows whose unique `column` holds one of `values` (chunked IN lists)."""
    found: dict[str, int] = {}
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == 900:
            found.update(_chunk_ids(model, column, chunk))
            chunk = []
    if chunk:
        found.update(_chunk_ids(model, column, chunk))
    return found


def _chunk_ids(model: type[models.Model], column: str, chunk: list[str]) -> dict[str, int]:
    # Raw SQL: the ORM resolves each of the 900 parameters on its own, which shows at 341k rows.
    qn = connection.ops.quote_name
    table, col = qn(model._meta.db_table), qn(column)
    marks = ", ".join(["%s"] * len(chunk))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {col}, id FROM {table} WHERE {col} IN ({marks})", chunk)  # noqa: S608
        return dict(cursor.fetchall())


def aware(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (source readers already give aware ones)."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
