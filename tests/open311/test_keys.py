"""Partners and keys: issuing (shown once, stored hashed), revoking, the CLI, the demo key."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grassroots.core.models import AuditEntry
from grassroots.open311 import services
from grassroots.open311.errors import Open311Error
from grassroots.open311.models import ApiKey, Partner, ServiceAttribute

pytestmark = pytest.mark.django_db


def test_issued_key_is_stored_only_as_its_hash(partner: Partner) -> None:
    clear, key = services.issue_api_key(partner, scopes=["requests:write"], actor=None)

    assert clear.startswith("o311_") and len(clear) > 30
    assert key.key_hash == services.hash_key(clear)
    assert clear not in str(ApiKey.objects.values_list().get())
    assert key.prefix == clear[:12]
    assert services.find_api_key(clear) == key
    assert AuditEntry.objects.filter(action="open311.api_key.issued").count() == 1


def test_revoked_key_no_longer_opens(partner: Partner) -> None:
    clear, key = services.issue_api_key(partner, scopes=["requests:write"], actor=None)

    services.revoke_api_key(key, actor=None)

    assert services.find_api_key(clear) is None
    assert AuditEntry.objects.filter(action="open311.api_key.revoked").count() == 1


@pytest.mark.parametrize("scopes", [[], ["admin"], ["requests:write", "everything"]])
def test_unknown_scopes_are_refused(partner: Partner, scopes: list[str]) -> None:
    with pytest.raises(Open311Error):
        services.issue_api_key(partner, scopes=scopes, actor=None)

    assert ApiKey.objects.count() == 0


def test_command_creates_the_partner_and_prints_the_key_once() -> None:
    out = io.StringIO()

    call_command("open311_key", "Kiosk network", "--scopes", "requests:write", "--rate", "5",
                 stdout=out)  # fmt: skip

    clear = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert key.partner.name == "Kiosk network"
    assert (key.scopes, key.rate_per_minute) == (["requests:write"], 5)
    assert services.find_api_key(clear) == key


def test_command_revokes_by_prefix(partner: Partner) -> None:
    _clear, key = services.issue_api_key(partner, scopes=["requests:write"], actor=None)

    call_command("open311_key", partner.name, "--revoke", key.prefix, stdout=io.StringIO())

    key.refresh_from_db()
    assert key.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("open311_key", partner.name, "--revoke", "nope", stdout=io.StringIO())


def test_command_refuses_a_bad_scope() -> None:
    with pytest.raises(CommandError):
        call_command("open311_key", "X", "--scopes", "root", stdout=io.StringIO())


def test_demo_partner_has_the_published_key_once() -> None:
    first = services.ensure_demo_partner()
    again = services.ensure_demo_partner()

    assert first == again
    assert ApiKey.objects.count() == 1 and Partner.objects.get().name == "Demo partner"
    assert first.key_hash == services.hash_key("grassroots-demo-key")
    assert services.find_api_key("grassroots-demo-key") == first


@pytest.mark.parametrize("fields", [
    {"datatype": "singlevaluelist", "values": []},
    {"datatype": "singlevaluelist", "values": [{"key": "a"}]},
    {"datatype": "multivaluelist", "values": [{"key": "a", "name_zh": "甲"},
                                              {"key": "a", "name_zh": "乙"}]},
    {"datatype": "string", "values": [{"key": "a", "name_zh": "甲"}]},
    {"datatype": "colour", "values": []},
])  # fmt: skip
def test_attribute_definitions_are_checked(roads: Any, fields: dict[str, Any]) -> None:
    before = ServiceAttribute.objects.count()

    with pytest.raises(Open311Error):
        services.save_service_attribute(ServiceAttribute(
            category=roads, code="BAD", description_zh="?", **fields), actor=None)  # fmt: skip

    assert ServiceAttribute.objects.count() == before


def test_admin_action_issues_a_key_and_shows_it_once(client: Any, partner: Partner) -> None:
    from tests.factories.organizations import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post("/admin/open311/partner/", {
        "action": "issue_key", "_selected_action": [partner.pk]}, follow=True)  # fmt: skip

    key = ApiKey.objects.get(partner=partner)
    [message] = [str(m) for m in response.context["messages"]]
    clear = re.search(r"o311_\S+", message).group(0)  # type: ignore[union-attr]
    assert services.find_api_key(clear) == key
    assert clear not in client.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
