"""`grassroots import-addresses FILE.csv --address-field F --lat-field F --lng-field F`

Loads the standard address library (标准地址库): each row's address, normalized into its
key, and its point. Rows without an address or a usable point are left out and summed up;
the last line reads `imported=N rejected=M`.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from grassroots.core.errors import DomainError
from grassroots.geo.address_import import AddressRow, Rejected, read_address_csv
from grassroots.geo.datum import Datum
from grassroots.geo.services import import_addresses

SHOWN_LINES = 10  # rejected line numbers listed per reason


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Load addresses and their points into the address library from a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("CSV file, optionally .gz"))
        parser.add_argument("--address-field", required=True, help=_("column of the address"))
        parser.add_argument("--lat-field", required=True, help=_("column of the latitude"))
        parser.add_argument("--lng-field", required=True, help=_("column of the longitude"))
        parser.add_argument("--datum", default=Datum.WGS84, choices=[d.value for d in Datum])
        parser.add_argument("--source", default="", help=_("recorded with each address"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%s: no such file") % path)
        rejected: dict[str, list[int]] = {}
        bar = tqdm(unit=_(" rows"), file=sys.stderr, disable=options["verbosity"] == 0)

        def usable(rows: Iterator[AddressRow | Rejected]) -> Iterator[AddressRow]:
            for row in rows:
                if isinstance(row, Rejected):
                    rejected.setdefault(row.reason, []).append(row.line)
                    bar.update()
                else:
                    yield row

        try:
            rows = read_address_csv(
                path,
                address_field=options["address_field"],
                lat_field=options["lat_field"],
                lng_field=options["lng_field"],
                datum=options["datum"],
            )
            imported = import_addresses(
                usable(rows), source=options["source"] or path.name, actor=None, progress=bar.update
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        self._summary(Counter({reason: len(lines) for reason, lines in rejected.items()}), rejected)
        self.stdout.write(f"imported={imported} rejected={sum(len(x) for x in rejected.values())}")

    def _summary(self, counts: Counter[str], rejected: dict[str, list[int]]) -> None:
        reasons = {
            "no_address": _("no address"),
            "no_point": _(
                "no usable point (latitude/longitude missing, not numbers or out of range)"
            ),
            "too_long": _("address longer than 300 characters"),
        }
        for reason, count in counts.most_common():
            lines = ", ".join(str(n) for n in rejected[reason][:SHOWN_LINES])
            more = "…" if count > SHOWN_LINES else ""
            self.stdout.write(
                _("rejected %(count)d: %(reason)s (lines %(lines)s%(more)s)")
                % {
                    "count": count,
                    "reason": reasons.get(reason, reason),
                    "lines": lines,
                    "more": more,
                }
            )
