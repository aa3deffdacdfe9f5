"""Conformance without the spec files: our own small documents of the spec's shapes.

These documents are written for this suite (identifiers as strings, as the spec allows); each
of our answers must match one of them in keys or element names, nesting, array wrapping and
value types.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from .documents import KINDS, parse, produce
from .shapes import json_mismatches, parse_xml, xml_mismatches

pytestmark = pytest.mark.django_db

REQUEST = {
    "service_request_id": "261100000017", "status": "open", "status_notes": None,
    "service_name": "Potholes", "service_code": "roads.potholes", "description": "Deep hole",
    "agency_responsible": "Roads office", "service_notice": "Dispatched",
    "requested_datetime": "2026-11-02T09:00:00+08:00",
    "updated_datetime": "2026-11-02T10:00:00+08:00",
    "expected_datetime": "2026-11-09T18:00:00+08:00", "address": "Elm Road 12",
    "address_id": None, "zipcode": None, "lat": 39.9, "long": 116.4, "media_url": None,
}  # fmt: skip
EXPECTED_JSON: dict[str, Any] = {
    "services": [{"service_code": "roads.potholes", "service_name": "Potholes",
                  "description": "Holes in the road", "metadata": True, "type": "realtime",
                  "keywords": "hole, road", "group": "Roads"}],
    "definition": {"service_code": "roads.potholes", "attributes": [
        {"variable": True, "code": "SIZE", "datatype": "singlevaluelist", "required": True,
         "datatype_description": None, "order": 1, "description": "How big?",
         "values": [{"key": "s", "name": "Small"}]}]},
    "post": [{"service_request_id": "261100000017", "service_notice": "Received.",
              "account_id": None}],
    "token": [{"service_request_id": "261100000017", "token": "abc123"}],
    "requests": [REQUEST],
    "request": [REQUEST],
    "errors": [{"code": 403, "description": "Invalid api_key."}],
}  # fmt: skip

XML_REQUEST = "".join(f"<{k}>x</{k}>" for k in REQUEST)
EXPECTED_XML = {
    "services": "<services><service><service_code/><service_name/><description/><metadata/>"
                "<type/><keywords/><group/></service></services>",
    "definition": "<service_definition><service_code/><attributes><attribute><variable/><code/>"
                  "<datatype/><required/><datatype_description/><order/><description/>"
                  "<values><value><key/><name/></value></values></attribute></attributes>"
                  "</service_definition>",
    "post": "<service_requests><request><service_request_id/><service_notice/><account_id/>"
            "</request></service_requests>",
    "token": "<service_requests><request><service_request_id/><token/></request>"
             "</service_requests>",
    "requests": f"<service_requests><request>{XML_REQUEST}</request></service_requests>",
    "request": f"<service_requests><request>{XML_REQUEST}</request></service_requests>",
    "errors": "<errors><error><code/><description/></error></errors>",
}  # fmt: skip


@pytest.fixture
def documents(roads: Any, key: str) -> dict[str, dict[str, tuple[int, bytes]]]:
    client = Client(headers={"accept-language": "en"})
    return {fmt: produce(client, key, fmt) for fmt in ("json", "xml")}


@pytest.mark.parametrize("kind", KINDS)
def test_json_document_has_the_expected_shape(documents: Any, kind: str) -> None:
    _status, body = documents["json"][kind]

    assert json_mismatches(parse("json", body), EXPECTED_JSON[kind]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_xml_document_has_the_expected_elements(documents: Any, kind: str) -> None:
    _status, body = documents["xml"][kind]

    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    assert xml_mismatches(parse("xml", body), parse_xml(EXPECTED_XML[kind])) == []


def test_lists_are_top_level_arrays_and_the_definition_an_object(documents: Any) -> None:
    bodies = {k: json.loads(b) for k, (_s, b) in documents["json"].items()}

    assert {k for k, v in bodies.items() if isinstance(v, list)} == set(KINDS) - {"definition"}
    assert isinstance(bodies["definition"], dict)


def test_statuses_of_each_kind(documents: Any) -> None:
    for fmt in ("json", "xml"):
        statuses = {k: s for k, (s, _b) in documents[fmt].items()}
        assert statuses == {"services": 200, "definition": 200, "post": 201, "token": 200,
                            "requests": 200, "request": 200, "errors": 403}  # fmt: skip


def test_shape_checker_catches_a_wrong_document() -> None:
    wrong = [{"id": 1, "status": "open"}]

    assert json_mismatches(wrong, EXPECTED_JSON["requests"]) != []
    assert xml_mismatches(parse_xml("<requests><request/></requests>"),
                          parse_xml(EXPECTED_XML["requests"])) != []  # fmt: skip
    assert json_mismatches({"service_code": "x", "attributes": {}},
                           EXPECTED_JSON["definition"]) != []  # fmt: skip
