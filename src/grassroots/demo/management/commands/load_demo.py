"""`grassroots load-demo`: load the New York City demo (idempotent) and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from grassroots.demo import catalog
from grassroots.demo.builder import DemoSummary, load_demo
from grassroots.demo.users import DEMO_PASSWORD
from grassroots.organizations.enums import Role, UnitLevel
from grassroots.organizations.models import Unit


class Command(BaseCommand):
    help = "Load the New York City demo data and demo users (does nothing once loaded)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if the demo is marked loaded: fill in whatever is missing.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"]
        if not quiet:
            self.stdout.write(str(catalog.DESCRIPTION))
        summary = load_demo(force=options["force"], progress=not quiet)
        if not quiet:
            self._report(summary)
        # The KPI roll-ups, as `grassroots insights rebuild` builds them: else the dashboard
        # stays empty until the first fold (no task worker runs under runserver).
        from grassroots.insights.services import rebuild_rollups

        rebuild_rollups()

    def _report(self, summary: DemoSummary) -> None:
        if summary.already_loaded:
            self.stdout.write(_("The demo data are already loaded (use --force to fill gaps)."))
        else:
            created = ", ".join(f"{level} {n}" for level, n in sorted(summary.created.items()))
            self.stdout.write(
                _("Loaded in %(seconds).1f s. Created: %(created)s; users: %(users)d.")
                % {
                    "seconds": summary.seconds,
                    "created": created or "-",
                    "users": summary.users_created,
                }
            )
        self.stdout.write(_("Demo units: %s") % _unit_counts())
        if summary.cases is not None and summary.cases.created:
            states = ", ".join(f"{s} {n}" for s, n in sorted(summary.cases.intended.items()))
            self.stdout.write(
                _("Demo cases: %(n)d (%(states)s)") % {"n": summary.cases.created, "states": states}
            )
        self._logins(summary)

    def _logins(self, summary: DemoSummary) -> None:
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password “%s”):") % DEMO_PASSWORD)
        roles = dict(Role.choices)
        codes = {x.unit_code for x in summary.logins}
        names = {u.code: u.name for u in Unit.objects.filter(code__in=codes)}
        width = max(len(x.username) for x in summary.logins)
        for login in summary.logins:
            unit = f"{login.unit_code} {names.get(login.unit_code, '')}".strip()
            self.stdout.write(f"  {login.username:<{width}}  {roles[login.role]!s:<20}  {unit}")


def _unit_counts() -> str:
    """e.g. "city 1, district 5, …" over the demo city's subtree and its departments."""
    city = Unit.objects.filter(code=catalog.CITY_CODE).first()
    if city is None:
        return "-"
    counts = dict(
        Unit.objects.subtree(city).values_list("level").annotate(n=Count("id")).order_by()
    )
    levels = dict(UnitLevel.choices)
    return ", ".join(f"{levels[lvl]} {counts[lvl]}" for lvl in UnitLevel.values if lvl in counts)
