"""`grassroots deliberation import-polis DIR`, `... cluster`, `... export`.

Subcommands of one management command; hyphenated subcommand names as in the documentation.
"""

from __future__ import annotations

import csv
import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.core.errors import DomainError
from grassroots.organizations.models import Unit

from ... import services
from ...models import Conversation
from ...polis import MathOptions, cluster_participants_votes
from ...tasks import recompute_conversation


class Command(BaseCommand):
    help = "Deliberation tools: import a Polis openData export, cluster one, export one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-polis", help="Load a Polis openData directory.")
        imp.add_argument("directory", type=Path)
        imp.add_argument("--title", default="")
        imp.add_argument("--unit", default="", help="Owner unit code (default: the root unit).")
        imp.add_argument("--no-math", action="store_true", help="Skip the first full math.")
        cl = sub.add_parser("cluster", help="Group the participants of a participants-votes.csv.")
        cl.add_argument("--participants-votes", dest="pv", type=Path, required=True)
        cl.add_argument("--out", type=Path, required=True)
        cl.add_argument(
            "--start",
            choices=("polis", "best"),
            default="polis",
            help="First k-means start: Polis's first distinct points, or best of k-means++.",
        )
        ex = sub.add_parser("export", help="Write a conversation as Polis openData CSV files.")
        ex.add_argument("conversation", type=int)
        ex.add_argument("--out", type=Path, required=True, help="Directory to write into.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import-polis":
                self._import(options)
            elif action == "cluster":
                self._cluster(options["pv"], options["out"], options["start"])
            else:
                self._export(options["conversation"], options["out"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage == "votes" and total >= 20_000:
            self.stderr.write(f"  votes {done}/{total}")

    def _import(self, options: dict[str, Any]) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory")
        unit = _unit(options["unit"])
        conv = services.import_opendata(
            directory, unit=unit, title=options["title"], actor=None, progress=self._progress
        )
        counts = (conv.statements.count(), conv.participants.count())
        self.stdout.write(
            f"conversation {conv.pk}: {counts[0]} statements, {counts[1]} participants"
        )
        if not options["no_math"]:
            version = recompute_conversation.call(conv.pk)
            groups = len(conv.math.data.get("group-clusters", [])) if version else 0
            self.stdout.write(f"math v{version}: {groups} groups")

    def _cluster(self, path: Path, out: Path, start: str = "polis") -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            assignments, ari = cluster_participants_votes(path, options=MathOptions(start=start))
        except KeyError as exc:
            raise CommandError(f"{path}: missing column {exc}") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: unreadable value ({exc})") from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["participant", "group"])
            for pid, group in assignments.items():
                writer.writerow([pid, "" if group is None else group])
        self.stdout.write(f"{len(assignments)} participants → {out}")
        self.stdout.write("ari=nan" if math.isnan(ari) else f"ari={ari:.4f}")

    def _export(self, conversation_id: int, out: Path) -> None:
        conv = Conversation.objects.filter(pk=conversation_id).first()
        if conv is None:
            raise CommandError(f"no conversation {conversation_id}")
        for path in services.write_opendata(conv, out):
            self.stdout.write(str(path))


def _unit(code: str) -> Unit:
    qs = Unit.objects.filter(code=code) if code else Unit.objects.filter(parent=None)
    unit = qs.order_by("path").first()
    if unit is None:
        raise CommandError(f"no unit {code!r}" if code else "no units yet: create one first")
    return unit
