"""`grassroots insights rebuild|fold`: recompute the KPI roll-ups, from scratch or incrementally."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.insights.services import fold_changes, rebuild_rollups


class Command(BaseCommand):
    help = "rebuild: recompute every KPI fact and roll-up from the cases; fold: apply changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("rebuild", "fold"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["action"] == "rebuild":
            report = rebuild_rollups()
        else:
            report = fold_changes(limit=10**9)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"cases={report.cases} events={report.events} "
            f"last_event_id={report.last_event_id} seconds={seconds:.1f}"
        )
