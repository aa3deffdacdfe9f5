"""`grassroots import-areas FILE.geojson --level LEVEL --code-field F ...`

Reads a GeoJSON FeatureCollection into units and their areas. Every feature is checked before
anything is written, and the writes happen in one transaction: an error names the feature and
leaves the database as it was. Units are matched by code, so a re-import updates.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from grassroots.core.errors import DomainError
from grassroots.geo.datum import Datum
from grassroots.geo.importer import ImportOptions, PlannedArea, plan_import, read_features
from grassroots.geo.services import import_areas
from grassroots.organizations.enums import UnitLevel


class Command(BaseCommand):
    help = gettext_lazy("Import units and their areas from a GeoJSON file.")  # type: ignore[assignment]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--level", required=True, choices=UnitLevel.values)
        parser.add_argument("--code-field", default="", help=_("property holding the unit code"))
        parser.add_argument("--code-prefix", default="", help=_("put before every code"))
        parser.add_argument(
            "--code-template", default="", help=_("e.g. 'D{BoroCode}': properties by name")
        )
        parser.add_argument("--name-field", default="", help=_("a name in either language"))
        parser.add_argument("--name-en-field", default="")
        parser.add_argument("--name-zh-field", default="")
        parent = parser.add_mutually_exclusive_group()
        parent.add_argument("--parent-code", default="")
        parent.add_argument("--parent-by-containment", action="store_true")
        parser.add_argument("--datum", default=Datum.WGS84, choices=[d.value for d in Datum])
        parser.add_argument("--source", default="", help=_("recorded with each area"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        import_options = ImportOptions(
            level=options["level"],
            code_field=options["code_field"],
            name_field=options["name_field"],
            name_en_field=options["name_en_field"],
            name_zh_field=options["name_zh_field"],
            code_prefix=options["code_prefix"],
            code_template=options["code_template"],
            parent_code=options["parent_code"],
            parent_by_containment=options["parent_by_containment"],
            datum=Datum(options["datum"]),
        )
        quiet = options["verbosity"] == 0

        def progress(items: Iterable[PlannedArea]) -> Iterable[PlannedArea]:
            return tqdm(list(items), file=sys.stderr, disable=quiet, unit=_("area"))

        try:
            plan = plan_import(read_features(path), import_options)
            result = import_areas(
                plan,
                level=import_options.level,
                source=options["source"] or path.name,
                actor=None,
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not quiet:
            self.stdout.write(
                _("%(created)s units created, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated}
            )
