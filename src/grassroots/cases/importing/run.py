"""An import run: read the file, check rows, write batches, keep every rejected row."""

from __future__ import annotations

import csv
import gzip
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock

from .mapping import Mapping
from .rows import DateReader, Rejected, SourceRow, check_row
from .tables import bulk_session
from .writer import BatchResult, BatchWriter

BATCH_SIZE = 10_000


@dataclass
class ImportReport:
    """What one run did: the closing line of the command and the run's audit entry."""

    run: str
    imported: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    categories_created: list[str] = field(default_factory=list)
    first_id: int | None = None
    last_id: int | None = None
    seconds: float = 0.0

    @property
    def line(self) -> str:
        return f"imported={self.imported} rejected={self.rejected} seconds={self.seconds:.1f}"


def open_text(path: Path) -> IO[str]:
    """The file as text; `.gz` files are read through gzip."""
    # The caller closes it (a `with` block around the import).
    raw: IO[Any] = (
        gzip.open(path, "rt", encoding="utf-8-sig", newline="")  # noqa: SIM115
        if path.suffix == ".gz"
        else path.open(encoding="utf-8-sig", newline="")
    )
    return raw


def default_rejects_path(path: Path) -> Path:
    """`calls.csv.gz` → `calls.rejects.csv`, beside the input."""
    name = path.name.removesuffix(".gz").removesuffix(".csv")
    return path.with_name(f"{name}.rejects.csv")


class RejectFile:
    """The rejected rows, as read, with the line number and the reason; opened on first use."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns = path, columns
        self.writer: Any = None
        self.handle: IO[str] | None = None

    def add(self, line: int, row: dict[str, str], reason: Rejected) -> None:
        if self.writer is None:
            self.handle = self.path.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["line", "reason_code", "reason", *self.columns])
        self.writer.writerow(
            [line, reason.code, reason.message, *(row.get(c, "") for c in self.columns)]
        )

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


Pending = list[tuple[int, dict[str, str], Rejected]]


def _batches(
    reader: csv.DictReader[str], mapping: Mapping
) -> Iterator[tuple[list[SourceRow], Pending]]:
    """Checked rows in batches, with the rows of the same stretch that failed the check (so
    that the reject file stays in line order)."""
    dates = DateReader(mapping.profile.date_format, mapping.zone)
    batch: list[SourceRow] = []
    pending: Pending = []
    for line, row in enumerate(reader, start=2):
        try:
            batch.append(check_row(line, row, mapping, dates))
        except Rejected as exc:
            pending.append((line, row, exc))
        if len(batch) >= BATCH_SIZE:
            yield batch, pending
            batch, pending = [], []
    if batch or pending:
        yield batch, pending


def _reject(
    report: ImportReport, rejects: RejectFile, line: int, row: dict[str, str], exc: Rejected
) -> None:
    report.rejected += 1
    report.reasons[exc.code] += 1
    rejects.add(line, row, exc)


def _check_columns(reader: csv.DictReader[str], mapping: Mapping) -> list[str]:
    columns = list(reader.fieldnames or [])
    p = mapping.profile
    needed = [c for c in (p.id, p.received, p.category, p.unit) if c]
    missing = [c for c in needed if c not in columns]
    if missing:
        raise ValueError(_("The file lacks the columns: %s") % ", ".join(missing))
    return columns


def import_cases(
    path: Path,
    mapping: Mapping,
    *,
    actor: Any,
    rejects_path: Path,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the rows of `path` as cases; rejected rows go to `rejects_path` with a reason.

    Each batch is one transaction holding its cases, their events, assignments, idempotency
    records and one audit entry; a re-run skips (and lists) the rows imported before.
    """
    started = time.perf_counter()
    report = ImportReport(run=uuid.uuid4().hex[:12])
    writer = BatchWriter(mapping, actor=actor, run=report.run, now=clock.now())
    missing = writer.categories.missing_mapped()
    if missing:
        raise ValueError(_("[categories] names unknown category codes: %s") % ", ".join(missing))
    with open_text(path) as handle, bulk_session():
        reader = csv.DictReader(handle)
        rejects = RejectFile(rejects_path, _check_columns(reader, mapping))
        try:
            for batch, pending in _batches(reader, mapping):
                _write(writer, batch, pending, report, rejects)
                if progress is not None:
                    progress(len(batch))
        finally:
            rejects.close()
    report.categories_created = writer.categories.created
    report.seconds = time.perf_counter() - started
    _finish(report, mapping, path, actor)
    return report


def _write(
    writer: BatchWriter,
    batch: list[SourceRow],
    pending: Pending,
    report: ImportReport,
    rejects: RejectFile,
) -> None:
    result = writer.write(batch) if batch else BatchResult()
    report.imported += result.imported
    if result.first_id is not None:
        report.first_id = min(report.first_id or result.first_id, result.first_id)
        report.last_id = max(report.last_id or 0, result.last_id or 0)
    pending.extend((row.line, row.raw, exc) for row, exc in result.rejected)
    for line, raw, exc in sorted(pending, key=lambda r: r[0]):
        _reject(report, rejects, line, raw, exc)


@transaction.atomic
def _finish(report: ImportReport, mapping: Mapping, path: Path, actor: Any) -> None:
    audit.record(
        "cases.import.finished",
        actor=actor,
        summary=f"{mapping.source} {path.name}: {report.line}",
        data={
            "run": report.run,
            "format": mapping.format,
            "file": path.name,
            "imported": report.imported,
            "rejected": report.rejected,
            "reasons": dict(report.reasons),
            "categories_created": report.categories_created,
            "ids": [report.first_id, report.last_id],
        },
    )


__all__ = ["ImportReport", "default_rejects_path", "import_cases"]
