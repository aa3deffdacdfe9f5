"""`grassroots import-cases FILE --format F [--mapping M.toml] [--triage]`: bring history in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from grassroots.cases.importing import (
    FORMATS,
    ImportAborted,
    ImportReport,
    MappingError,
    default_rejects_path,
    import_cases,
    load_mapping,
    warnings_path,
)
from grassroots.cases.importing.run import imported_open_cases
from grassroots.cases.models import Case

TRIAGE_BATCH = 200


class Command(BaseCommand):
    help = (
        "Import cases from a CSV export (nyc311, baltimore311, boston311, councilcasework, or "
        "csv with a [columns] table in the mapping). Rejected rows go to a CSV with the reason, "
        "rows imported with a value dropped to another. No triage unless --triage. "
        "The last line reads: imported=N rejected=M seconds=S."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, optionally .gz")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--mapping", type=Path, help="TOML mapping (units, categories, …)")
        parser.add_argument("--rejects", type=Path, help="where rejected rows go (CSV)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--triage",
            action="store_true",
            help="after the import, store triage's proposals for the imported open cases "
            "(no automatic action); default: no triage",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])  # call_command passes strings through untyped
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            given = options["mapping"]
            mapping = load_mapping(options["format"], Path(given) if given else None)
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        rejects = Path(options["rejects"]) if options["rejects"] else default_rejects_path(path)
        try:
            rejects.touch()
        except OSError as exc:
            raise CommandError(
                f"{rejects}: cannot write the reject file ({exc}); use --rejects"
            ) from exc
        quiet = options["no_progress"]
        bar = tqdm(unit=" rows", disable=quiet, file=self.stderr._out)

        read = [0]  # rows behind the batch just written, shown with the share of the file read

        def progress(rows: int) -> None:
            read[0] = rows

        def position(share: float) -> None:
            # the total: rows so far over the share of the file read (compressed bytes for .gz)
            done = bar.n + read[0]
            if share > 0:
                bar.total = max(done, round(done / share))
            bar.update(read[0])

        try:
            report = import_cases(
                path,
                mapping,
                actor=None,
                rejects_path=rejects,
                progress=progress,
                position=position,
            )
        except ValueError as exc:  # before any row: the file or the mapping does not fit
            bar.close()
            self.stdout.write(ImportReport(run="").line)
            raise CommandError(str(exc)) from exc
        except ImportAborted as exc:
            bar.close()
            self._summary(exc.report, rejects)
            raise CommandError(
                f"the import stopped: {exc.report.error} (the batches above were committed; "
                "a re-run skips them)"
            ) from exc
        bar.close()
        if options["triage"] and report.imported:
            self._triage(report, mapping.source, quiet)
        self._summary(report, rejects)

    def _summary(self, report: ImportReport, rejects: Path) -> None:
        for code, count in report.reasons.most_common():
            self.stdout.write(f"rejected {code}: {count}")
        if report.rejected:
            self.stdout.write(f"rejected rows: {rejects}")
        for code, count in report.warnings.most_common():
            self.stdout.write(f"warning {code}: {count}")
        if report.warned:
            self.stdout.write(
                f"imported with warnings: {report.warned} (rows: {warnings_path(rejects)})"
            )
        if report.categories_created:
            self.stdout.write(f"categories created: {len(report.categories_created)}")
        if report.error:
            self.stdout.write(f"stopped: {report.error}")
        self.stdout.write(report.line)

    def _triage(self, report: ImportReport, source: str, quiet: bool) -> None:
        """Triage's proposals (category, unit, priority) for the open cases of this run.

        The command is an entry point, like the API: it may call triage, which sits above
        cases (the import code itself does not). `act=False`: the imported cases are already
        with their unit, and raising priorities or alerting dispatchers about history would
        be the very side effects the import avoids; the proposals show up in the console.
        """
        from grassroots.triage.services import triage_case

        ids = imported_open_cases(report, source)
        bar = tqdm(
            total=len(ids), unit=" cases", desc="triage", disable=quiet, file=self.stderr._out
        )
        done = 0
        for start in range(0, len(ids), TRIAGE_BATCH):
            chunk = ids[start : start + TRIAGE_BATCH]
            for case in Case.objects.filter(pk__in=chunk).only("pk").order_by("pk"):
                triage_case(case, act=False)
                done += 1
            bar.update(len(chunk))
        bar.close()
        self.stdout.write(f"triaged: {done}")
