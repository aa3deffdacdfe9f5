"""`grassroots erase-personal-data [--dry-run]`: apply the retention period now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from grassroots.cases.services.retention import erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase the personal data of cases that ended more than PERSONAL_DATA_RETENTION_DAYS "
        "ago (address, exact point, and residents with no case left). The background worker "
        "does this daily; this command does it now. The last line reads: cases=N residents=M."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be erased, change nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("PERSONAL_DATA_RETENTION_DAYS is 0: personal data is kept.")
            self.stdout.write("cases=0 residents=0")
            return
        bar = tqdm(unit=" rows", disable=options["no_progress"], file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = erase_personal_data(actor=None, dry_run=options["dry_run"], progress=progress)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        verb = "would erase" if options["dry_run"] else "erased"
        self.stdout.write(f"Cases that ended before {report.before:%Y-%m-%d %H:%M}: {verb}.")
        self.stdout.write(f"cases={report.cases} residents={report.residents}")
