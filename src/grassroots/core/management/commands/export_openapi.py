"""`grassroots export-openapi [FILE]`: write the API's OpenAPI document (committed in docs/api)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def openapi_text() -> str:
    """The OpenAPI document as stable, pretty JSON."""
    from grassroots.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1 (default: docs/api/openapi.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["path"]).write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"wrote {options['path']}")
