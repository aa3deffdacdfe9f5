"""One laid-out batch becomes cases, their timeline events, lead assignments and idempotency
records: four batched inserts in one transaction, plus the batch's audit entry.

The writer fills in what the reader process could not: categories (created on first sight),
deadlines, places from located points, and the case ids the children refer to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.geo import index as geo_index

from ..models import Case, IdempotencyRecord
from .layout import Laid, Layout, Tables, new_codes
from .lookups import Categories, Deadlines, Units
from .mapping import Mapping
from .rows import Rejected
from .tables import DateAdapter, TableWriter, ids_by

__all__ = ["BatchResult", "BatchWriter"]


@dataclass
class BatchResult:
    imported: int = 0
    first_id: int | None = None
    last_id: int | None = None
    rejected: list[tuple[int, tuple[str | None, ...], Rejected]] = field(default_factory=list)


class BatchWriter:
    """Writes batches of one import run; holds the run's lookups and table templates."""

    def __init__(self, mapping: Mapping, *, actor: Any, run: str, now: datetime) -> None:
        self.mapping, self.actor, self.run = mapping, actor, run
        self.categories = Categories(mapping, actor, run)
        self.deadlines = Deadlines(mapping.priority)
        self.dates = DateAdapter()
        self.tables = Tables(now)
        self.prefix = f"import:{mapping.source}:"
        self.layout = Layout(
            mapping,
            tables=self.tables,
            units=Units().by_code,
            before=frozenset(self._imported_keys()),
            run=run,
            now=now,
        )

    def _imported_keys(self) -> set[str]:
        """Keys of this source imported before (a range scan on the unique key index)."""
        bound = self.prefix[:-1] + chr(ord(self.prefix[-1]) + 1)
        rows = IdempotencyRecord.objects.filter(key__gte=self.prefix, key__lt=bound)
        return set(rows.values_list("key", flat=True))

    def write(self, laid: Laid) -> BatchResult:
        """Complete and insert one batch; rows that cannot be imported come back rejected."""
        result = BatchResult()
        if not laid.cases:
            return result
        self._complete(laid)
        try:
            with transaction.atomic():
                self._insert(laid, result)
        except IntegrityError:
            # A tracking code taken meanwhile (by intake), or a concurrent import of the same
            # rows: look both up in the database and write the batch again without them.
            laid = self._recheck(laid, result)
            if laid.cases:
                with transaction.atomic():
                    self._insert(laid, result)
        return result

    def _complete(self, laid: Laid) -> None:
        """Category, deadlines and located place of each case row."""
        ix, d = self.tables.cases.index, self.dates
        cat, respond, resolve = ix["category_id"], ix["respond_due"], ix["resolve_due"]
        get, due = self.categories.get, self.deadlines.due
        for label, received, case in zip(laid.labels, laid.received, laid.cases, strict=True):
            category = get(label)
            case[cat] = category.pk if category is not None else None
            respond_due, resolve_due = due(category, received)
            case[respond] = d(respond_due)
            if case[resolve] is None:
                case[resolve] = d(resolve_due)
        if laid.points:  # a located point wins over the mapped place (one lookup per batch)
            at, lats, lngs = zip(*laid.points, strict=True)
            found = geo_index.locate_many(np.array(lats), np.array(lngs)).tolist()
            for i, place in zip(at, found, strict=True):
                if place >= 0:
                    laid.cases[i][ix["place_unit_id"]] = place

    def _recheck(self, laid: Laid, result: BatchResult) -> Laid:
        """The batch without the rows another run imported meanwhile, with tracking codes
        checked against the table."""
        keys = ids_by(IdempotencyRecord, "key", [self.prefix + o[1] for o in laid.origins])
        dropped = set()
        for position, (line, source_id, values) in enumerate(laid.origins):
            if self.prefix + source_id in keys:
                reason = Rejected("already_imported", _("already imported (%s)") % source_id)
                result.rejected.append((line, values, reason))
                dropped.add(position)
        laid.children_without(dropped, self._case_slots())
        kept = laid.without(dropped)
        kept.events, kept.assignments, kept.keys = laid.events, laid.assignments, laid.keys
        self._fresh_codes(kept)
        return kept

    def _case_slots(self) -> tuple[int, int, int]:
        t = self.tables
        return tuple(w.index["case_id"] for w in (t.events, t.assignments, t.keys))  # type: ignore[return-value]

    def _fresh_codes(self, laid: Laid) -> None:
        """Draw again the codes that the table already holds (after a conflict only: the unique
        index catches the rare clash and the batch is retried)."""
        slot = self.tables.cases.index["tracking_code"]
        while clash := ids_by(Case, "tracking_code", laid.codes):
            for i, code in enumerate(laid.codes):
                if code in clash:
                    fresh = new_codes([laid.received[i]], self.layout.codes)[0]
                    laid.codes[i] = laid.cases[i][slot] = fresh

    def _insert(self, laid: Laid, result: BatchResult) -> None:
        t = self.tables
        first = self._insert_cases(laid)
        if first is None:  # ids not known to be consecutive: look them up
            ids = ids_by(Case, "tracking_code", laid.codes)
            case_ids = [ids[c] for c in laid.codes]
            for table, rows in ((t.events, laid.events), (t.assignments, laid.assignments)):
                table.insert(_with_ids(rows, table, case_ids))
            t.keys.insert(_with_ids(laid.keys, t.keys, case_ids))
            low, high = min(case_ids), max(case_ids)
        else:
            for table, rows in (
                (t.events, laid.events),
                (t.assignments, laid.assignments),
                (t.keys, laid.keys),
            ):
                table.insert(rows, offset=("case_id", first))
            low, high = first, first + len(laid.cases) - 1
        result.imported = len(laid.cases)
        result.first_id, result.last_id = low, high
        audit.record(
            "cases.case.imported",
            actor=self.actor,
            summary=f"{self.mapping.source}: {len(laid.cases)}",
            data={"run": self.run, "count": len(laid.cases), "ids": [low, high]},
        )

    def _insert_cases(self, laid: Laid) -> int | None:
        """Insert the case rows; the first id when they got consecutive ids in row order.

        On SQLite the transaction holds the database's write lock from its start (IMMEDIATE),
        so nothing else inserts between the two reads of the largest id and the rows get
        consecutive ids (AUTOINCREMENT). Elsewhere the ids are looked up by tracking code.
        """
        if connection.vendor != "sqlite":
            self.tables.cases.insert(laid.cases)
            return None
        before = _max_id()
        self.tables.cases.insert(laid.cases)
        after = _max_id()
        if after - before != len(laid.cases):
            return None
        return before + 1


def _max_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {Case._meta.db_table}")  # noqa: S608
        value = cursor.fetchone()[0]
    return int(value or 0)


def _with_ids(rows: list[list[Any]], table: TableWriter, case_ids: list[int]) -> list[list[Any]]:
    slot = table.index["case_id"]
    out = []
    for row in rows:
        copy = row.copy()
        copy[slot] = case_ids[row[slot]]
        out.append(copy)
    return out
