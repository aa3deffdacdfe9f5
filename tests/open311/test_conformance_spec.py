"""Conformance with the GeoReport v2 spec's own examples (read from ../shared/data).

Each example response of the spec is parsed (three JSON examples write `"service_code":001`,
which is not JSON, and the error examples start with an HTTP status line: both are repaired
here) and our answer of the same kind must have the same keys or element names, the same
nesting and array wrapping, and the same value types.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from .documents import KINDS, parse, produce
from .shapes import json_mismatches, parse_xml, xml_mismatches

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

EXAMPLES = "open311/georeport_v2_examples_extracted.txt"
SPEC = "open311/georeport_v2_spec.md.txt"
HEADER = re.compile(r"^===== section: (?P<section>[^|]+) \| (?P<part>[^|]+) \| block: "
                    r"(?P<block>\S+) \| format: (?P<fmt>\w+) .*=====$", re.M)  # fmt: skip
BLOCK_KIND = {
    "service-list": "services", "service-definition": "definition",
    "service-request-post": "post", "request-from-token": "token",
    "service-requests": "requests", "service-request": "request", "errors": "errors",
}  # fmt: skip
LEADING_ZEROS = re.compile(r"(:\s*)(0\d+)(\s*[,}\n])")
STATUS_LINE = re.compile(r"^HTTP/1\.1 (\d{3}) [^\n]*\n+")


def examples(shared_data: Path) -> dict[tuple[str, str], tuple[int | None, str]]:
    """{(kind, fmt): (HTTP status from the example or None, document text)}."""
    text = (shared_data / EXAMPLES).read_text(encoding="utf-8")
    headers = list(HEADER.finditer(text))
    found: dict[tuple[str, str], tuple[int | None, str]] = {}
    for header, after in zip(headers, [*headers[1:], None], strict=True):
        block = header["block"]
        if block == "-":
            continue  # the example POST body, not a response
        fmt, kind = block.split("-", 1)
        body = text[header.end() : after.start() if after else len(text)].strip()
        status = None
        if match := STATUS_LINE.match(body):
            status, body = int(match[1]), body[match.end() :]
        found[(BLOCK_KIND[kind], fmt)] = (status, body)
    return found


def repair_json(text: str) -> Any:
    """The spec's JSON, with numbers written with leading zeros read as strings."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(LEADING_ZEROS.sub(lambda m: f'{m[1]}"{m[2]}"{m[3]}', text))


def test_every_kind_of_response_has_an_example_in_both_formats(shared_data: Path) -> None:
    found = examples(shared_data)

    assert set(found) == {(k, f) for k in KINDS for f in ("xml", "json")}


def test_three_json_examples_are_not_valid_json_until_repaired(shared_data: Path) -> None:
    broken = []
    for (kind, fmt), (_status, body) in examples(shared_data).items():
        if fmt == "json":
            try:
                json.loads(body)
            except json.JSONDecodeError:
                broken.append(kind)
            assert repair_json(body)

    assert sorted(broken) == ["request", "requests", "services"]


def test_the_error_examples_are_403(shared_data: Path) -> None:
    found = examples(shared_data)

    assert found[("errors", "xml")][0] == found[("errors", "json")][0] == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_our_documents_have_the_shape_of_the_spec_examples(
    shared_data: Path, roads: Any, key: str, fmt: str
) -> None:
    found = examples(shared_data)
    ours = produce(Client(headers={"accept-language": "en"}), key, fmt)

    problems: dict[str, list[str]] = {}
    for kind in KINDS:
        status, body = ours[kind]
        their_status, their_text = found[(kind, fmt)]
        assert status == (their_status or (201 if kind == "post" else 200)), kind
        if fmt == "json":
            mismatches = json_mismatches(parse(fmt, body), repair_json(their_text))
        else:
            mismatches = xml_mismatches(parse(fmt, body), parse_xml(their_text))
        if mismatches:
            problems[kind] = mismatches
    assert problems == {}


def test_the_errors_the_spec_lists_are_the_statuses_we_use(shared_data: Path) -> None:
    spec = (shared_data / SPEC).read_text(encoding="utf-8")

    listed = set(re.findall(r"^\s*-\s+(\d{3}) - ", spec, re.M))

    assert listed == {"400", "403", "404"}
    assert "first 1000 requests" in spec and "90 days" in spec
