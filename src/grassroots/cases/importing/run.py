"""An import run: read the file, check rows, write batches, keep every rejected row."""

from __future__ import annotations

import csv
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
from .source import SourceFile
from .tables import bulk_session
from .writer import BatchWriter


@dataclass
class ImportReport:
    """What one run did: the closing line of the command and the run's audit entry."""

    run: str
    imported: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    warned: int = 0  # rows imported with a value dropped (see `warnings`)
    warnings: Counter[str] = field(default_factory=Counter)
    categories_created: list[str] = field(default_factory=list)
    first_id: int | None = None
    last_id: int | None = None
    seconds: float = 0.0
    error: str = ""  # why the run stopped early (what was committed before stays)

    @property
    def line(self) -> str:
        return f"imported={self.imported} rejected={self.rejected} seconds={self.seconds:.1f}"


class ImportAborted(Exception):
    """The run stopped on an error; `report` holds what was committed before it."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.error)
        self.report = report


def default_rejects_path(path: Path) -> Path:
    """`calls.csv.gz` → `calls.rejects.csv`, beside the input."""
    name = path.name.removesuffix(".gz").removesuffix(".csv")
    return path.with_name(f"{name}.rejects.csv")


def warnings_path(rejects: Path) -> Path:
    """`calls.rejects.csv` → `calls.warnings.csv`: rows imported with a value dropped."""
    name = rejects.name.removesuffix(".csv").removesuffix(".rejects")
    return rejects.with_name(f"{name}.warnings.csv")


class RejectFile:
    """The rejected rows, as read, with the line number and the reason; opened on first use."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns = path, columns
        self.writer: Any = None
        self.handle: IO[str] | None = None
        self.last: int | None = None  # line of the row added last

    def add(self, line: int, row: dict[str, str], reason: Rejected) -> None:
        self.last = line
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


def _check_columns(columns: list[str], mapping: Mapping) -> list[str]:
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
    position: Callable[[float], None] | None = None,
    reader_process: bool = True,
) -> ImportReport:
    """Import the rows of `path` as cases; rejected rows go to `rejects_path` with a reason,
    rows imported with a value dropped to `warnings_path(rejects_path)`.

    Each batch is one transaction holding its cases, their events, assignments, idempotency
    records and one audit entry; a re-run skips (and lists) the rows imported before.
    `progress` is called with the number of source rows behind each batch written, `position`
    with the share of the file read by then. With `reader_process`, a forked process reads and
    lays out the next batches meanwhile. An error after the first batch raises
    `ImportAborted`, whose report tells what was committed before it.
    """
    started = time.perf_counter()
    report = ImportReport(run=uuid.uuid4().hex[:12])
    writer = BatchWriter(mapping, actor=actor, run=report.run, now=clock.now())
    missing = writer.categories.missing_mapped()
    if missing:
        raise ValueError(_("[categories] names unknown category codes: %s") % ", ".join(missing))
    with SourceFile(path) as head:
        columns = _check_columns(head.header(), mapping)
    rejects = RejectFile(rejects_path, columns)
    warned = RejectFile(warnings_path(rejects_path), columns)

    def batches() -> Generator[Laid, None, None]:
        with SourceFile(path) as file:
            yield from writer.layout.batches(file)

    try:
        source = prefetched(batches) if reader_process else batches()
        # closing(): on an error or Ctrl-C the reader is stopped now, not when collected
        with bulk_session(), closing(source):
            for laid in source:
                _write(writer, laid, report, rejects, warned)
                if progress is not None:
                    progress(laid.read)
                if position is not None:
                    position(laid.position)
    except (Exception, KeyboardInterrupt) as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        _close(report, writer, started, mapping, path, actor)
        raise ImportAborted(report) from exc
    finally:
        rejects.close()
        warned.close()
    _close(report, writer, started, mapping, path, actor)
    return report


def _close(
    report: ImportReport,
    writer: BatchWriter,
    started: float,
    mapping: Mapping,
    path: Path,
    actor: Any,
) -> None:
    report.categories_created = writer.categories.created
    report.seconds = time.perf_counter() - started
    try:
        _finish(report, mapping, path, actor)
    except Exception:
        if not report.error:
            raise  # after an error, the audit entry is best effort: the first error is told


def _write(
    writer: BatchWriter, laid: Laid, report: ImportReport, rejects: RejectFile, warned: RejectFile
) -> None:
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
    if laid.warned:
        # warnings of rows rejected later (already imported by a concurrent run) do not count
        gone = {line for line, _v, _e in late}
        for line, raw, exc in laid.warned:
            if line not in gone:
                report.warned += line != (warned.last or 0)  # a row with two warnings: one row
                report.warnings[exc.code] += 1
                warned.add(line, raw, exc)


def imported_open_cases(report: ImportReport, source: str) -> list[int]:
    """Ids of the cases of this run that are still open (the run's ids are a range; other
    cases in it, from intake or another source, are told apart by their channel detail)."""
    from ..models import Case

    if report.first_id is None or report.last_id is None:
        return []
    rows = Case.objects.filter(
        pk__range=(report.first_id, report.last_id),
        closed_at__isnull=True,
        channel_detail=f"import {source}"[:100],
    )
    return list(rows.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def _finish(report: ImportReport, mapping: Mapping, path: Path, actor: Any) -> None:
    audit.record(
        "cases.import.aborted" if report.error else "cases.import.finished",
        actor=actor,
        summary=f"{mapping.source} {path.name}: {report.line}",
        data={
            "run": report.run,
            "format": mapping.format,
            "file": path.name,
            "imported": report.imported,
            "rejected": report.rejected,
            "reasons": dict(report.reasons),
            "warned": report.warned,
            "warnings": dict(report.warnings),
            "error": report.error,
            "categories_created": report.categories_created,
            "ids": [report.first_id, report.last_id],
        },
    )


__all__ = [
    "ImportAborted",
    "ImportReport",
    "default_rejects_path",
    "import_cases",
    "warnings_path",
]
