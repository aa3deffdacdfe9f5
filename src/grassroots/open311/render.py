"""The two wire formats: the spec's XML and its JSON (the Spark convention of that XML).

Documents are built once as Python values (dicts, lists, scalars) and rendered to either
format. A list is wrapped in XML by its container element with one child per item, named by
`ITEM_NAMES` (`<attributes><attribute>…`); in JSON it is an array. Empty values are `null`
in JSON and empty elements in XML, as in the spec's examples.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


# Characters XML 1.0 cannot carry at all (control characters but tab, LF, CR; lone
# surrogates; U+FFFE/FFFF). Residents' text and echoed paths may contain them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Any) -> str:
    """`document` under the element `root`: `to_xml("services", [{…}])`."""
    element = ET.Element(root)
    _fill(element, document)
    ET.indent(element)
    return DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def respond(fmt: str, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    """An HTTP response with `document` in `fmt` (XML for anything but "json")."""
    fmt = fmt if fmt in FORMATS else "xml"
    body = to_json(document) if fmt == "json" else to_xml(root, document)
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])
