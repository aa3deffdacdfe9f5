"""The part of an import that needs no database: checked rows resolved to units and laid out
as the rows of the four tables, so that the reader process can do it while the writer writes.

What needs the database (categories created on first sight, deadlines from the catalog and the
working calendar, points located to unit areas, case ids) is left to the writer
(`writer.BatchWriter`), which fills those slots in.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from ..codes import SECRET_ALPHABET, SECRET_LENGTH
from ..enums import AssignmentRole, AssignmentStatus, AssignmentVia, CaseEventType, CaseStatus
from .mapping import Mapping
from .rows import FUTURE_SLACK, DateReader, Rejected, SourceRow, check_row
from .source import SourceFile, clean
from .tables import DateAdapter, TableWriter, plain

BATCH_SIZE = 10_000

# Random bytes → secret characters without modulo bias: keep bytes below a multiple of 31.
_SECRET_KEEP = 256 - 256 % len(SECRET_ALPHABET)
_SECRET_TABLE = bytes(ord(SECRET_ALPHABET[b % len(SECRET_ALPHABET)]) for b in range(256))
_SECRET_DROP = bytes(range(_SECRET_KEEP, 256))
_DIGIT_TABLE = bytes(ord("0") + b % 10 for b in range(256))
_DIGIT_DROP = bytes(range(250, 256))

# Plain strings (see `tables.plain`).
_CLOSED, _DISPATCHED = str(CaseStatus.CLOSED), str(CaseStatus.DISPATCHED)
_RECEIVED = str(CaseStatus.RECEIVED)
_EV_RECEIVED, _EV_CLOSED = str(CaseEventType.RECEIVED), str(CaseEventType.CLOSED)
_LEAD, _VIA_DISPATCH = str(AssignmentRole.LEAD), str(AssignmentVia.DISPATCH)
_PENDING = str(AssignmentStatus.PENDING)

Pending = list[tuple[int, dict[str, str], Rejected]]


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


@dataclass(slots=True)
class Ready:
    """A checked row with its handling unit (and mapped place) resolved."""

    row: SourceRow
    unit_id: int
    place_id: int | None


Origin = tuple[int, str, tuple[str | None, ...]]  # line, source id, the row's values as read


@dataclass
class Laid:
    """One batch as table rows. Case rows still lack their category, respond-by moment and,
    when the source gives none, resolve-by moment; children name their case by its position
    in `cases` until the writer knows the ids. Only plain values, kept per column: the batch
    crosses from the reader process, and unpickling is paid by the writer."""

    cases: list[list[Any]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    received: list[datetime] = field(default_factory=list)
    points: list[tuple[int, float, float]] = field(default_factory=list)  # position, lat, lng
    origins: list[Origin] = field(default_factory=list)
    events: list[list[Any]] = field(default_factory=list)
    assignments: list[list[Any]] = field(default_factory=list)
    keys: list[list[Any]] = field(default_factory=list)
    pending: Pending = field(default_factory=list)  # rejected so far, in line order
    warned: Pending = field(default_factory=list)  # imported with a warning, in line order
    read: int = 0  # source rows this batch covers (imported or not)
    position: float = 0.0  # share of the file read once this batch was laid out

    def without(self, dropped: set[int]) -> Laid:
        """The batch without the cases at the `dropped` positions (children renumbered)."""
        kept = [i for i in range(len(self.cases)) if i not in dropped]
        moved = {old: new for new, old in enumerate(kept)}
        out = Laid(pending=self.pending, warned=self.warned, read=self.read, position=self.position)
        for name in ("cases", "codes", "labels", "received", "origins"):
            column = getattr(self, name)
            setattr(out, name, [column[i] for i in kept])
        out.points = [(moved[i], lat, lng) for i, lat, lng in self.points if i in moved]
        return out

    def children_without(self, dropped: set[int], slots: tuple[int, int, int]) -> None:
        """Children of the kept cases, renumbered (`slots`: case column of each child table)."""
        kept = [i for i in range(len(self.cases)) if i not in dropped]
        moved = {old: new for new, old in enumerate(kept)}
        for name, slot in zip(("events", "assignments", "keys"), slots, strict=True):
            rows = []
            for row in getattr(self, name):
                if row[slot] in moved:
                    copy = row.copy()
                    copy[slot] = moved[row[slot]]
                    rows.append(copy)
            setattr(self, name, rows)


def _named(columns: list[str], values: list[str]) -> dict[str, str]:
    """A rejected record's values by column, writable as UTF-8 (extra values dropped)."""
    return {c: clean(v) for c, v in zip(columns, values, strict=False)}


def _bad_encoding() -> Rejected:
    return Rejected("bad_encoding", _("the row has bytes that are not UTF-8"))


def _short(values: list[str], width: int) -> Rejected:
    return Rejected(
        "short_row",
        _("the row has %(n)d values, the header %(width)d columns")
        % {"n": len(values), "width": width},
    )


def _extra(values: list[str], width: int) -> Rejected:
    return Rejected(
        "extra_columns",
        _("the row has %(n)d values, the header %(width)d columns: the extra ones are ignored")
        % {"n": len(values), "width": width},
    )


def sweep_flags(model: Any) -> list[str]:
    """The one-shot claims of the deadline sweep (`cases.tasks.sweep`) on `model`: every
    boolean field named `reminded_*` or `escalated*`.

    Imported cases are history, handled (or not) in the old system: their deadlines passed
    long ago, and a reminder or escalation now would flood the units (one per open case).
    So the import sets every claim, as if the sweep had already been through. Found by name
    rather than listed so that a claim added later is covered as well (and a test checks that
    every boolean field the sweep sets is among them)."""
    from django.db.models import BooleanField

    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, BooleanField)
        and (f.name.startswith("reminded_") or f.name.startswith("escalated"))
    ]


class Tables:
    """The four tables' writers (row templates and insert statements) of one run."""

    def __init__(self, now: datetime) -> None:
        from ..models import Case, CaseAssignment, CaseEvent, IdempotencyRecord

        self.cases = TableWriter(Case, now)
        for name in sweep_flags(Case):  # in the template: no cost per row
            self.cases.set_default(name, True)
        self.events = TableWriter(CaseEvent, now)
        self.assignments = TableWriter(CaseAssignment, now)
        self.keys = TableWriter(IdempotencyRecord, now)


class Layout:
    """Checks, resolves and lays out the rows of one run (no database access: it runs in the
    reader process). Holds the run's ids seen so far and its tracking codes."""

    def __init__(
        self,
        mapping: Mapping,
        *,
        tables: Tables,
        units: dict[str, int],
        before: frozenset[str],
        run: str,
        now: datetime,
    ) -> None:
        self.mapping, self.tables, self.units, self.before = mapping, tables, units, before
        self.now = now
        self.seen: set[str] = set(before)
        self.codes: set[str] = set()
        self.prefix = f"import:{mapping.source}:"
        self.dates = DateAdapter()
        self.data = tables.events.fields[tables.events.index["data"]].get_db_prep_save(
            {"import": run}, connection
        )

    def batches(self, source: SourceFile) -> Iterator[Laid]:
        """The file's rows in laid-out batches, each with the rows of its stretch that failed
        or were imported with a warning (so that the reject file stays in line order)."""
        dates = DateReader(self.mapping.profile.date_format, self.mapping.zone)
        latest = self.now + FUTURE_SLACK
        mapping, check, resolve = self.mapping, check_row, self.resolve
        records = source.records()
        columns = next((values for _line, values in records), [])
        width = len(columns)
        laid, ready, warned = Laid(), [], []
        for line, values in records:
            laid.read += 1
            if source.bad:
                laid.pending.append((line, _named(columns, values), _bad_encoding()))
                continue
            if len(values) != width:
                if len(values) < width:
                    laid.pending.append((line, _named(columns, values), _short(values, width)))
                    continue
                warned.append((line, _named(columns, values), _extra(values, width)))
            row = dict(zip(columns, values, strict=False))
            try:
                checked = check(line, row, mapping, dates, latest=latest, warned=warned)
                ready.append(resolve(checked))
            except Rejected as exc:
                laid.pending.append((line, row, exc))
                warned.clear()  # a rejected row is not imported: its warnings do not count
            if warned:
                laid.warned += warned
                warned.clear()
            if len(ready) >= BATCH_SIZE:
                laid.position = source.fraction()
                yield self.lay_out(laid, ready, columns)
                laid, ready = Laid(), []
        if laid.read:
            laid.position = source.fraction()
            yield self.lay_out(laid, ready, columns)

    def resolve(self, row: SourceRow) -> Ready:
        key = self.prefix + row.source_id
        if key in self.seen:
            if key in self.before:
                raise Rejected("already_imported", _("already imported (%s)") % key)
            raise Rejected("duplicate_in_file", _("the same source id appeared earlier"))
        unit_code = self.mapping.unit_for(row.unit_value)
        unit_id = self.units.get(unit_code) if unit_code else None
        if unit_id is None:
            raise Rejected(
                "unknown_unit",
                _("unknown unit “%(value)s” (%(code)s)")
                % {"value": row.unit_value, "code": unit_code or "-"},
            )
        place_code = self.mapping.place_for(row.place_value)
        self.seen.add(key)
        return Ready(row, unit_id, self.units.get(place_code) if place_code else None)

    def lay_out(self, laid: Laid, ready: list[Ready], columns: list[str]) -> Laid:
        """Fill in the batch's table rows (codes and secrets drawn for the whole batch)."""
        laid.codes = new_codes([r.row.received for r in ready], self.codes)
        secrets = new_secrets(len(ready))
        for position, (item, code, secret) in enumerate(
            zip(ready, laid.codes, secrets, strict=True)
        ):
            row = item.row
            laid.cases.append(self._case(item, code, secret))
            self._children(laid, item, position)
            laid.labels.append(row.label)
            laid.received.append(row.received)
            if not math.isnan(row.lat):
                laid.points.append((position, row.lat, row.lng))
            laid.origins.append((row.line, row.source_id, tuple(row.raw.get(c) for c in columns)))
        return laid

    def _case(self, item: Ready, code: str, secret: str) -> list[Any]:
        row, d, cases = item.row, self.dates, self.tables.cases
        t, ix, closed = cases.row(), cases.index, row.closed
        t[ix["tracking_code"]], t[ix["secret"]] = code, secret
        t[ix["kind"]], t[ix["channel"]] = plain(self.mapping.kind), plain(row.channel)
        t[ix["channel_detail"]] = f"import {self.mapping.source}"[:100]
        t[ix["subject"]] = row.subject
        t[ix["priority"]] = plain(self.mapping.priority)
        t[ix["status"]] = _CLOSED if closed else _DISPATCHED
        if not math.isnan(row.lat):
            t[ix["lat"]], t[ix["lng"]] = row.lat, row.lng
        t[ix["address"]], t[ix["place_unit_id"]] = row.address, item.place_id
        t[ix["unit_id"]], t[ix["anonymous"]] = item.unit_id, True
        t[ix["received_at"]] = t[ix["dispatched_at"]] = d(row.received)
        t[ix["closed_at"]] = d(closed)
        if closed and self.mapping.responded_at_close:
            t[ix["responded_at"]] = d(closed)
        t[ix["resolve_due"]] = d(row.due)  # the source's own deadline; else the writer's
        return t

    def _children(self, laid: Laid, item: Ready, position: int) -> None:
        ev, asg, key = self.tables.events, self.tables.assignments, self.tables.keys
        row, ei = item.row, ev.index
        e = ev.row()
        e[ei["case_id"]], e[ei["type"]] = position, _EV_RECEIVED
        e[ei["at"]], e[ei["actor_label"]] = self.dates(row.received), "import"
        e[ei["unit_id"]], e[ei["to_status"]] = item.unit_id, _RECEIVED
        e[ei["data"]] = self.data
        laid.events.append(e)
        if row.closed:
            c = ev.row()
            c[ei["case_id"]], c[ei["type"]] = position, _EV_CLOSED
            c[ei["at"]], c[ei["actor_label"]] = self.dates(row.closed), "import"
            c[ei["from_status"]] = _DISPATCHED
            c[ei["to_status"]], c[ei["data"]] = _CLOSED, self.data
            laid.events.append(c)
        else:
            # An open case gets its pending lead assignment, as dispatch gives it; a closed
            # one would only get an ended one, which nothing reads (visibility and the KPIs
            # go by the case's unit), so history is spared a row per case.
            a, ai = asg.row(), asg.index
            a[ai["case_id"]], a[ai["unit_id"]] = position, item.unit_id
            a[ai["role"]], a[ai["via"]] = _LEAD, _VIA_DISPATCH
            a[ai["status"]] = _PENDING
            laid.assignments.append(a)
        k, ki = key.row(), key.index
        k[ki["key"]] = self.prefix + row.source_id
        # No content fingerprint: a re-import skips a known key whatever the row says now
        # (hashing every row cost a tenth of the run).
        k[ki["fingerprint"]], k[ki["case_id"]] = "import", position
        laid.keys.append(k)
