"""`grassroots insights rebuild|fold|hot`: recompute the KPI roll-ups (from scratch or
incrementally), or compute a period's hot issues."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from grassroots.core.errors import DomainError
from grassroots.insights.hot.services import compute_hot_issues, tuned
from grassroots.insights.periods import parse_period
from grassroots.insights.services import fold_changes, rebuild_rollups


class Command(BaseCommand):
    help = (
        "rebuild: recompute every KPI fact and roll-up from the cases; fold: apply changes; "
        "hot --period P: compute the hot issues of period P."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("rebuild", "fold", "hot"))
        parser.add_argument("--period", help="hot: YYYY-MM, YYYY-Www, YYYY-MM-DD or A..B")
        parser.add_argument("--threshold", type=float, help="hot: text similarity to link")
        parser.add_argument("--window", type=float, help="hot: days between linked cases")
        parser.add_argument("--radius", type=float, help="hot: metres between linked points")
        parser.add_argument("--min-cases", type=int, help="hot: cases to make an issue")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["action"] == "hot":
            self._hot(options, started)
            return
        if options["action"] == "rebuild":
            report = rebuild_rollups()
        else:
            report = fold_changes(limit=10**9)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"cases={report.cases} events={report.events} "
            f"last_event_id={report.last_event_id} seconds={seconds:.1f}"
        )

    def _hot(self, options: dict[str, Any], started: float) -> None:
        if not options["period"]:
            raise CommandError("hot needs --period")
        try:
            period = parse_period(options["period"])
        except DomainError as error:
            raise CommandError(error.message) from error
        settings = tuned(
            threshold=options["threshold"],
            window_days=options["window"],
            radius_m=options["radius"],
            min_reports=options["min_cases"],
        )
        bar = tqdm(desc="hot issues", unit="block", file=sys.stderr, disable=options["no_progress"])

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        issues = compute_hot_issues(period, settings=settings, progress=progress)
        bar.close()
        for issue in issues[:10]:
            self.stdout.write(
                f"#{issue.rank} heat={issue.heat} cases={issue.reports} {issue.title[:60]}"
            )
        seconds = time.perf_counter() - started
        self.stdout.write(f"period={period.label} issues={len(issues)} seconds={seconds:.1f}")
