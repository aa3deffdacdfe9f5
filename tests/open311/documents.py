"""Producing each kind of GeoReport document from a running Grassroots, for shape checks."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from grassroots.cases.models import Case
from grassroots.open311.models import Open311Submission

from .conftest import BASE, SERVICE, report
from .shapes import parse_xml

KINDS = ("services", "definition", "post", "token", "requests", "request", "errors")


def _located_request(client: Client, key: str) -> tuple[str, Open311Submission]:
    """A submitted request with a place, a handling unit's answer, an address id."""
    form = report(key, lat="", long="", address_id="545483")
    [created] = json.loads(client.post(f"{BASE}/requests.json", form).content)
    Case.objects.filter(tracking_code=created["service_request_id"]).update(
        lat=39.9087, lng=116.3975, reply="Filled on Tuesday."
    )
    return created["service_request_id"], Open311Submission.objects.get(
        case__tracking_code=created["service_request_id"]
    )


def produce(client: Client, key: str, fmt: str) -> dict[str, tuple[int, bytes]]:
    """Every kind of document in `fmt`: {kind: (HTTP status, body)}."""
    tracking, submission = _located_request(client, key)
    calls: dict[str, Any] = {
        "services": lambda: client.get(f"{BASE}/services.{fmt}"),
        "definition": lambda: client.get(f"{BASE}/services/{SERVICE}.{fmt}"),
        "post": lambda: client.post(f"{BASE}/requests.{fmt}", report(key, lat="", long="")),
        "token": lambda: client.get(f"{BASE}/tokens/{submission.token}.{fmt}"),
        "requests": lambda: client.get(f"{BASE}/requests.{fmt}"),
        "request": lambda: client.get(f"{BASE}/requests/{tracking}.{fmt}"),
        "errors": lambda: client.post(f"{BASE}/requests.{fmt}", report("wrong-key")),
    }
    out = {}
    for name in KINDS:
        response = calls[name]()
        out[name] = (response.status_code, response.content)
    return out


def parse(fmt: str, body: bytes) -> Any:
    return json.loads(body) if fmt == "json" else parse_xml(body)
