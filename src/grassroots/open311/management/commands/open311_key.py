"""`grassroots open311-key PARTNER [--scopes requests:write,requests:read] [--rate 60]`.

Issues an Open311 api_key to a partner (created when it does not exist yet) and prints the
clear key once. `--revoke PREFIX` revokes the partner's key with that prefix instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError
from grassroots.open311 import services
from grassroots.open311.models import ApiKey, Partner, Scope


class Command(BaseCommand):
    help = "Issue (or revoke) an Open311 api_key for a partner; prints the key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partner", help="partner name (created if absent)")
        parser.add_argument("--scopes", default=",".join(Scope.values),
                            help="comma-separated: " + ", ".join(Scope.values))  # fmt: skip
        parser.add_argument("--rate", type=int, default=60, help="requests per minute (0: none)")
        parser.add_argument("--contact", default="", help="contact of a new partner")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["revoke"]:
                self._revoke(options["partner"], options["revoke"])
                return
            partner = Partner.objects.filter(name=options["partner"]).first()
            if partner is None:
                partner = services.create_partner(options["partner"], contact=options["contact"],
                                                  actor=None)  # fmt: skip
            scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
            clear, _key = services.issue_api_key(partner, scopes=scopes, actor=None,
                                                 rate_per_minute=options["rate"])  # fmt: skip
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(clear)

    def _revoke(self, partner: str, prefix: str) -> None:
        key = ApiKey.objects.filter(partner__name=partner, prefix__startswith=prefix).first()
        if key is None:
            raise CommandError(_("No key of %(partner)s starts with %(prefix)s.")
                               % {"partner": partner, "prefix": prefix})  # fmt: skip
        services.revoke_api_key(key, actor=None)
        self.stdout.write(_("Revoked %s.") % key.prefix)
