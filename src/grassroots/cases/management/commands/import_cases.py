"""`grassroots import-cases FILE --format F [--mapping M.toml]`: bring case history in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from grassroots.cases.importing import (
    FORMATS,
    MappingError,
    default_rejects_path,
    import_cases,
    load_mapping,
)


class Command(BaseCommand):
    help = (
        "Import cases from a CSV export (nyc311, baltimore311, boston311, councilcasework, or "
        "csv with a [columns] table in the mapping). Rejected rows go to a CSV with the reason. "
        "The last line reads: imported=N rejected=M seconds=S."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, optionally .gz")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--mapping", type=Path, help="TOML mapping (units, categories, …)")
        parser.add_argument("--rejects", type=Path, help="where rejected rows go (CSV)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

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
        bar = tqdm(unit=" rows", disable=options["no_progress"], file=self.stderr._out)
        try:
            report = import_cases(
                path, mapping, actor=None, rejects_path=rejects, progress=bar.update
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        for code, count in report.reasons.most_common():
            self.stdout.write(f"rejected {code}: {count}")
        if report.rejected:
            self.stdout.write(f"rejected rows: {rejects}")
        if report.categories_created:
            self.stdout.write(f"categories created: {len(report.categories_created)}")
        self.stdout.write(report.line)
