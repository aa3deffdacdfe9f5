"""An import run: read the file, check rows, write batches, keep every rejected row."""

from __future__ import annotations

import csv
import gzip
import time
import uuid
from collections import Counter
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock

from .layout import Laid
from .mapping import Mapping
from .pipeline import prefetched
from .rows import Rejected
from .tables import bulk_session
from .writer import BatchWriter


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
    reader_process: bool = True,
) -> ImportReport:
    """Import the rows of `path` as cases; rejected rows go to `rejects_path` with a reason.

    Each batch is one transaction holding its cases, their events, assignments, idempotency
    records and one audit entry; a re-run skips (and lists) the rows imported before.
    `progress` is called with the number of source rows behind each batch written. With
    `reader_process`, a forked process reads and lays out the next batches meanwhile.
    """
    started = time.perf_counter()
    report = ImportReport(run=uuid.uuid4().hex[:12])
    writer = BatchWriter(mapping, actor=actor, run=report.run, now=clock.now())
    missing = writer.categories.missing_mapped()
    if missing:
        raise ValueError(_("[categories] names unknown category codes: %s") % ", ".join(missing))
    with open_text(path) as handle:
        columns = _check_columns(csv.DictReader(handle), mapping)
    rejects = RejectFile(rejects_path, columns)

    def batches() -> Generator[Laid, None, None]:
        with open_text(path) as handle:
            yield from writer.layout.batches(csv.DictReader(handle))

    try:
        source = prefetched(batches) if reader_process else batches()
        # closing(): on an error or Ctrl-C the reader is stopped now, not when collected
        with bulk_session(), closing(source):
            for laid in source:
                _write(writer, laid, report, rejects)
                if progress is not None:
                    progress(laid.read)
    finally:
        rejects.close()
    report.categories_created = writer.categories.created
    report.seconds = time.perf_counter() - started
    _finish(report, mapping, path, actor)
    return report


def _write(writer: BatchWriter, laid: Laid, report: ImportReport, rejects: RejectFile) -> None:
    result = writer.write(laid)
    report.imported += result.imported
    if result.first_id is not None:
        report.first_id = min(report.first_id or result.first_id, result.first_id)
        report.last_id = max(report.last_id or 0, result.last_id or 0)
    columns = rejects.columns
    late = [
        (line, {c: v or "" for c, v in zip(columns, values, strict=True)}, exc)
        for line, values, exc in result.rejected
    ]
    pending = laid.pending + late
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
