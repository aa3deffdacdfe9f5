"""The `grassroots` console command: Django's management commands under one name.

`grassroots import-areas ...` runs the `import_areas` management command: hyphens in the
command name are accepted so that the CLI reads like the documentation.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with the project's settings."""
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings.local")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "grassroots"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
