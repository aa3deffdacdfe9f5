"""Comparing documents by shape: the same keys, nesting, array wrapping and value types.

A shape keeps the structure and replaces each scalar by its kind. Identifiers the spec's
examples write as numbers (`"service_request_id":638344`) may be strings here (the spec allows
either), and `null` stands for an empty string either way.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

IDENTIFIERS = {"service_request_id", "service_code", "token", "address_id", "zipcode", "key",
               "code", "account_id"}  # fmt: skip
W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
DATETIMES = {"requested_datetime", "updated_datetime", "expected_datetime"}
BOOLEANS = {"metadata", "variable", "required"}


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compatible(name: str, ours: Any, theirs: Any) -> bool:
    a, b = kind(ours), kind(theirs)
    if a == b:
        return True
    if name in IDENTIFIERS and {a, b} <= {"string", "number", "null"}:
        return True
    if name in ("lat", "long") and {a, b} == {"number", "null"}:
        return True  # a request located by address only
    return {a, b} == {"string", "null"}


def json_mismatches(ours: Any, theirs: Any, path: str = "$") -> list[str]:
    """Where our JSON document differs in shape from the example (empty: same shape)."""
    if isinstance(theirs, list):
        if not isinstance(ours, list):
            return [f"{path}: an array expected"]
        if not theirs or not ours:
            return []
        return [m for item in ours for m in json_mismatches(item, theirs[0], f"{path}[]")]
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: an object expected"]
        if set(ours) != set(theirs):
            return [f"{path}: keys {sorted(ours)} != {sorted(theirs)}"]
        return [m for k in theirs for m in _field(k, ours[k], theirs[k], f"{path}.{k}")]
    return []


def _field(name: str, ours: Any, theirs: Any, path: str) -> list[str]:
    if isinstance(theirs, list | dict):
        return json_mismatches(ours, theirs, path)
    if not compatible(name, ours, theirs):
        return [f"{path}: {kind(ours)} where the example has {kind(theirs)}"]
    if name in DATETIMES and ours is not None and not W3.match(ours):
        return [f"{path}: {ours!r} is not ISO 8601 with an offset"]
    return []


def parse_xml(text: bytes | str) -> ET.Element:
    """Parse XML we trust: our own server's answers, the spec's examples, this suite's text."""
    return ET.fromstring(text)  # noqa: S314


def xml_mismatches(ours: ET.Element, theirs: ET.Element, path: str = "") -> list[str]:
    """Where our XML differs from the example: element names, nesting, repeated children."""
    path = f"{path}/{theirs.tag}"
    if ours.tag != theirs.tag:
        return [f"{path}: <{ours.tag}> instead"]
    their_children, our_children = list(theirs), list(ours)
    if not their_children:
        if our_children:
            return [f"{path}: children where the example has text"]
        if ours.tag in DATETIMES and ours.text and not W3.match(ours.text):
            return [f"{path}: {ours.text!r} is not ISO 8601 with an offset"]
        if ours.tag in BOOLEANS and ours.text not in ("true", "false"):
            return [f"{path}: {ours.text!r} is not true or false"]
        return []
    their_tags = {c.tag for c in their_children}
    if (len(their_tags) == 1 and len(their_children) > 1) or theirs.tag in REPEATING:
        return [m for c in our_children for m in xml_mismatches(c, their_children[0], path)]
    if {c.tag for c in our_children} != their_tags:
        return [f"{path}: children {sorted(c.tag for c in our_children)} != {sorted(their_tags)}"]
    found = {c.tag: c for c in their_children}
    return [m for c in our_children for m in xml_mismatches(c, found[c.tag], path)]


# Containers whose children repeat even when the example shows only one.
REPEATING = {"services", "service_requests", "attributes", "values", "errors"}
