"""`grassroots scheduler`: enqueue the periodic tasks (settings.PERIODIC_TASKS) on time.

The tasks themselves are safe to run twice or late (they work from the database's state), so
one scheduler per deployment is enough and a second one does no harm.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks at their intervals until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue each task once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = [(import_string(path), seconds) for path, seconds in settings.PERIODIC_TASKS]
        next_run = [0.0] * len(tasks)
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            now = time.monotonic()
            for i, (task, seconds) in enumerate(tasks):
                if now >= next_run[i]:
                    task.enqueue()
                    next_run[i] = now + seconds
            if options["once"]:
                return
            time.sleep(1)
