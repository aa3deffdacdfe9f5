"""One batch of checked rows becomes cases, their timeline events, lead assignments and
idempotency records: four batched inserts in one transaction, plus the batch's audit entry."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.geo import index as geo_index

from ..codes import SECRET_ALPHABET, SECRET_LENGTH
from ..enums import AssignmentRole, AssignmentStatus, AssignmentVia, CaseEventType, CaseStatus
from ..models import Case, CaseAssignment, CaseEvent, IdempotencyRecord
from .lookups import Categories, Deadlines, Units
from .mapping import Mapping
from .rows import Rejected, SourceRow
from .tables import DateAdapter, TableWriter, ids_by

# Random bytes → secret characters without modulo bias: keep bytes below a multiple of 31.
_SECRET_KEEP = 256 - 256 % len(SECRET_ALPHABET)
_SECRET_TABLE = bytes(ord(SECRET_ALPHABET[b % len(SECRET_ALPHABET)]) for b in range(256))
_SECRET_DROP = bytes(range(_SECRET_KEEP, 256))
_DIGIT_TABLE = bytes(ord("0") + b % 10 for b in range(256))
_DIGIT_DROP = bytes(range(250, 256))


def random_text(count: int, table: bytes, drop: bytes, density: float) -> str:
    """`count` characters from the OS's random source, mapped through `table`."""
    out = ""
    while len(out) < count:
        need = count - len(out)
        out += os.urandom(int(need / density) + 16).translate(table, drop).decode()
    return out[:count]


_DOUBLED = {str(d): (2 * d - 9 if 2 * d > 9 else 2 * d) for d in range(10)}
_PLAIN = {str(d): d for d in range(10)}


def _check_digit(body: str) -> str:
    """`codes._luhn_digit` without the per-digit loop (it is called once per imported row)."""
    total = sum(map(_DOUBLED.__getitem__, body[::-2])) + sum(map(_PLAIN.__getitem__, body[-2::-2]))
    return str((10 - total % 10) % 10)


def new_secrets(count: int) -> list[str]:
    """`count` secrets as `codes.new_secret` makes them, drawn in one go."""
    text = random_text(count * SECRET_LENGTH, _SECRET_TABLE, _SECRET_DROP, _SECRET_KEEP / 256)
    return [text[i : i + SECRET_LENGTH] for i in range(0, len(text), SECRET_LENGTH)]


def new_codes(moments: list[datetime], taken: set[str]) -> list[str]:
    """Tracking codes as `codes.new_tracking_code` makes them, unique among `taken`."""
    digits = random_text(len(moments) * 7, _DIGIT_TABLE, _DIGIT_DROP, 250 / 256)
    codes = []
    for i, moment in enumerate(moments):
        body = f"{moment:%y%m}{digits[i * 7 : i * 7 + 7]}"
        code = body + _check_digit(body)
        while code in taken:  # rare: draw this one again
            body = f"{moment:%y%m}{random_text(7, _DIGIT_TABLE, _DIGIT_DROP, 250 / 256)}"
            code = body + _check_digit(body)
        taken.add(code)
        codes.append(code)
    return codes


@dataclass
class Ready:
    """A row with every id resolved, ready to insert."""

    row: SourceRow
    unit_id: int
    place_id: int | None
    category_id: int | None
    respond_due: datetime
    resolve_due: datetime


@dataclass
class BatchResult:
    imported: int = 0
    first_id: int | None = None
    last_id: int | None = None
    rejected: list[tuple[SourceRow, Rejected]] = field(default_factory=list)


class BatchWriter:
    """Writes batches of one import run; holds the run's lookups and table templates."""

    def __init__(self, mapping: Mapping, *, actor: Any, run: str, now: datetime) -> None:
        self.mapping, self.actor, self.run = mapping, actor, run
        self.units = Units()
        self.categories = Categories(mapping, actor, run)
        self.deadlines = Deadlines(mapping.priority)
        self.dates = DateAdapter()
        self.cases = TableWriter(Case, now)
        self.events = TableWriter(CaseEvent, now)
        self.assignments = TableWriter(CaseAssignment, now)
        self.keys = TableWriter(IdempotencyRecord, now)
        self.codes: set[str] = set()
        self.prefix = f"import:{mapping.source}:"
        self.before: frozenset[str] = frozenset(self._imported_keys())
        self.seen: set[str] = set(self.before)

    def _imported_keys(self) -> set[str]:
        """Keys of this source imported before (a range scan on the unique key index)."""
        bound = self.prefix[:-1] + chr(ord(self.prefix[-1]) + 1)
        rows = IdempotencyRecord.objects.filter(key__gte=self.prefix, key__lt=bound)
        return set(rows.values_list("key", flat=True))

    def _resolve(self, rows: list[SourceRow], result: BatchResult) -> list[Ready]:
        lats = np.array([r.lat for r in rows], dtype=float)
        lngs = np.array([r.lng for r in rows], dtype=float)
        has_point = ~np.isnan(lats)
        located = np.full(len(rows), -1, dtype=np.int64)
        if has_point.any():
            located[has_point] = geo_index.locate_many(lats[has_point], lngs[has_point])
        ready = []
        for row, place in zip(rows, located.tolist(), strict=True):
            try:
                ready.append(self._ready(row, place))
            except Rejected as exc:
                result.rejected.append((row, exc))
        return ready

    def _ready(self, row: SourceRow, place: int) -> Ready:
        key = self.prefix + row.source_id
        if key in self.seen:
            if key in self.before:
                raise Rejected("already_imported", _("already imported (%s)") % key)
            raise Rejected("duplicate_in_file", _("the same source id appeared earlier"))
        unit_code = self.mapping.unit_for(row.unit_value)
        unit_id = self.units.get(unit_code)
        if unit_id is None:
            raise Rejected(
                "unknown_unit",
                _("unknown unit “%(value)s” (%(code)s)")
                % {"value": row.unit_value, "code": unit_code or "-"},
            )
        place_id = place if place >= 0 else self.units.get(self.mapping.place_for(row.place_value))
        category = self.categories.get(row.label)
        respond_due, resolve_due = self.deadlines.due(category, row.received)
        self.seen.add(key)
        return Ready(
            row=row,
            unit_id=unit_id,
            place_id=place_id,
            category_id=category.pk if category is not None else None,
            respond_due=respond_due,
            resolve_due=row.due or resolve_due,
        )

    def write(self, rows: list[SourceRow]) -> BatchResult:
        """Resolve and insert one batch; rows that cannot be imported come back rejected."""
        result = BatchResult()
        ready = self._resolve(rows, result)
        if not ready:
            return result
        try:
            with transaction.atomic():
                self._insert(ready, result, check=False)
        except IntegrityError:
            # A tracking code taken meanwhile (by intake), or a concurrent import of the same
            # rows: look both up in the database and write the batch again without them.
            ready = self._recheck(ready, result)
            if ready:
                with transaction.atomic():
                    self._insert(ready, result, check=True)
        return result

    def _recheck(self, ready: list[Ready], result: BatchResult) -> list[Ready]:
        keys = ids_by(IdempotencyRecord, "key", [self.prefix + r.row.source_id for r in ready])
        kept = []
        for item in ready:
            if self.prefix + item.row.source_id in keys:
                reason = Rejected(
                    "already_imported", _("already imported (%s)") % item.row.source_id
                )
                result.rejected.append((item.row, reason))
            else:
                kept.append(item)
        return kept

    def _insert(self, ready: list[Ready], result: BatchResult, *, check: bool) -> None:
        codes = self._codes([r.row.received for r in ready], check=check)
        secrets = new_secrets(len(ready))
        self.cases.insert(
            [self._case_row(r, c, s) for r, c, s in zip(ready, codes, secrets, strict=True)]
        )
        ids = ids_by(Case, "tracking_code", codes)
        case_ids = [ids[c] for c in codes]
        self._children(ready, case_ids)
        result.imported = len(ready)
        result.first_id, result.last_id = min(case_ids), max(case_ids)
        audit.record(
            "cases.case.imported",
            actor=self.actor,
            summary=f"{self.mapping.source}: {len(ready)}",
            data={"run": self.run, "count": len(ready), "ids": [min(case_ids), max(case_ids)]},
        )

    def _codes(self, moments: list[datetime], *, check: bool) -> list[str]:
        """New tracking codes, unique within the run; checked against the table only after a
        conflict (the unique index catches the rare clash, and the batch is retried)."""
        codes = new_codes(moments, self.codes)
        while check and (clash := ids_by(Case, "tracking_code", codes)):
            codes = [
                new_codes([m], self.codes)[0] if c in clash else c
                for m, c in zip(moments, codes, strict=True)
            ]
        return codes

    def _case_row(self, item: Ready, code: str, secret: str) -> list[Any]:
        row, d, t = item.row, self.dates, self.cases.row()
        ix = self.cases.index
        closed = row.closed
        t[ix["tracking_code"]], t[ix["secret"]] = code, secret
        t[ix["kind"]], t[ix["channel"]] = self.mapping.kind, row.channel
        t[ix["channel_detail"]] = f"import {self.mapping.source}"[:100]
        t[ix["subject"]], t[ix["category_id"]] = row.subject, item.category_id
        t[ix["priority"]] = self.mapping.priority
        t[ix["status"]] = CaseStatus.CLOSED if closed else CaseStatus.DISPATCHED
        if not math.isnan(row.lat):
            t[ix["lat"]], t[ix["lng"]] = row.lat, row.lng
        t[ix["address"]], t[ix["place_unit_id"]] = row.address, item.place_id
        t[ix["unit_id"]], t[ix["anonymous"]] = item.unit_id, True
        t[ix["received_at"]] = t[ix["dispatched_at"]] = d(row.received)
        t[ix["closed_at"]] = d(closed)
        if closed and self.mapping.responded_at_close:
            t[ix["responded_at"]] = d(closed)
        t[ix["respond_due"]], t[ix["resolve_due"]] = d(item.respond_due), d(item.resolve_due)
        return t

    def _children(self, ready: list[Ready], case_ids: list[int]) -> None:
        events, assignments, keys = [], [], []
        ev, asg, key = self.events, self.assignments, self.keys
        data = ev.fields[ev.index["data"]].get_db_prep_save({"import": self.run}, connection)
        for item, case_id in zip(ready, case_ids, strict=True):
            row = item.row
            e = ev.row()
            e[ev.index["case_id"]], e[ev.index["type"]] = case_id, CaseEventType.RECEIVED
            e[ev.index["at"]], e[ev.index["actor_label"]] = self.dates(row.received), "import"
            e[ev.index["unit_id"]], e[ev.index["to_status"]] = item.unit_id, CaseStatus.RECEIVED
            e[ev.index["data"]] = data
            events.append(e)
            if row.closed:
                c = ev.row()
                c[ev.index["case_id"]], c[ev.index["type"]] = case_id, CaseEventType.CLOSED
                c[ev.index["at"]], c[ev.index["actor_label"]] = self.dates(row.closed), "import"
                c[ev.index["from_status"]] = CaseStatus.DISPATCHED
                c[ev.index["to_status"]], c[ev.index["data"]] = CaseStatus.CLOSED, data
                events.append(c)
            if not row.closed:
                # An open case gets its pending lead assignment, as dispatch gives it; a closed
                # one would only get an ended one, which nothing reads (visibility and the
                # KPIs go by the case's unit), so history is spared a row per case.
                a = asg.row()
                a[asg.index["case_id"]], a[asg.index["unit_id"]] = case_id, item.unit_id
                a[asg.index["role"]] = AssignmentRole.LEAD
                a[asg.index["via"]] = AssignmentVia.DISPATCH
                a[asg.index["status"]] = AssignmentStatus.PENDING
                assignments.append(a)
            k = key.row()
            k[key.index["key"]] = self.prefix + row.source_id
            # No content fingerprint: a re-import skips a known key whatever the row says now
            # (hashing every row cost a tenth of the run).
            k[key.index["fingerprint"]] = "import"
            k[key.index["case_id"]] = case_id
            keys.append(k)
        ev.insert(events)
        asg.insert(assignments)
        key.insert(keys)
