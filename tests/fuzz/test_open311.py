"""Hypothesis fuzzing of the Open311 endpoints (plain Django views, form-encoded POST).

Hostile fields (huge strings, control characters, any unicode, bad numbers and dates, missing
or wrong keys) must never give a 5xx; every error is the spec's well-formed error document with
its code equal to the HTTP status; a refused POST writes nothing.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.open311.conftest import BASE, SERVICE, city, key, partner, report, roads

from .conftest import row_counts

__all__ = ["city", "key", "partner", "roads"]  # fixtures used by name below
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\u2028\u202e\ufeff"
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, max_size=10),
    st.sampled_from(["", " ", "x" * 6000, "<script>alert(1)</script>", "' OR 1=1 --", "=1+1"]),
    st.sampled_from(["%00", "../../etc/passwd", "\ud7ff", "😀" * 300, "null", "[]"]),
)
hostile_number = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e309", "91", "-181", "39,9", "0x1f", "", "--1"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    hostile_text,
)
hostile_date = st.one_of(
    st.sampled_from(["2025-13-45", "2025-02-30T25:61:00", "0000-00-00", "9999-12-31T23:59:59Z"]),
    st.sampled_from(["2026-01-01T00:00:00+99:00", "yesterday", "", "2026-W01", "1e10"]),
    st.datetimes().map(lambda d: d.isoformat()),
    hostile_text,
)
FIELDS: dict[str, Any] = {
    "service_code": st.one_of(st.just(SERVICE), hostile_text),
    "lat": hostile_number,
    "long": hostile_number,
    "address_string": hostile_text,
    "address_id": hostile_text,
    "description": hostile_text,
    "email": hostile_text,
    "media_url": st.one_of(st.just("javascript:alert(1)"), hostile_text),
    "first_name": hostile_text,
    "last_name": hostile_text,
    "phone": hostile_text,
    "device_id": hostile_text,
    "account_id": hostile_text,
    "jurisdiction_id": st.one_of(st.just("grassroots.local"), hostile_text),
    "attribute[SURFACE]": st.one_of(st.just("asphalt"), hostile_text),
    "attribute[DEPTH]": hostile_number,
    "attribute[NOPE]": hostile_text,
}


def _form(key: str) -> st.SearchStrategy[dict[str, str]]:
    """A valid report with some fields removed and others replaced by hostile values."""
    base = report(key)
    drops = st.sets(st.sampled_from(sorted(base)), max_size=4)
    overrides = st.fixed_dictionaries({}, optional=FIELDS)
    api_key = st.sampled_from([key, "", "wrong-key", key + "x", key.upper()])
    return st.builds(
        lambda d, o, k: {**{f: v for f, v in base.items() if f not in d}, **o, "api_key": k},
        drops,
        overrides,
        api_key,
    )


def parse_xml(content: bytes) -> ET.Element:
    """The XML answer parsed: every answer must be well-formed, whatever the input held."""
    return ET.fromstring(content)  # noqa: S314 (our own answer, parsed in a test)


def assert_error_document(response: Any, fmt: str) -> None:
    """The spec's error document, with the code equal to the HTTP status."""
    if fmt == "json":
        body = json.loads(response.content)
        assert [set(e) for e in body] == [{"code", "description"}]
        assert body[0]["code"] == response.status_code
        return
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert [e.findtext("code") for e in root] == [str(response.status_code)]


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["json", "xml"]))
def test_hostile_post_never_fails_and_a_refusal_writes_nothing(
    data: st.DataObject, fmt: str, roads: Any, key: str
) -> None:
    form = data.draw(_form(key))
    cache.clear()  # the key's rate limit would otherwise hide every later example
    before = row_counts()

    response = Client().post(f"{BASE}/requests.{fmt}", form)

    assert response.status_code < 500, response.content[:300]
    if response.status_code == 201:
        assert row_counts()["Case"] == before["Case"] + 1
    else:
        assert row_counts() == before, response.content[:300]
        assert_error_document(response, fmt)


GET_PARAMS: dict[str, Any] = {
    "start_date": hostile_date,
    "end_date": hostile_date,
    "status": st.one_of(st.sampled_from(["open", "closed", "open,closed"]), hostile_text),
    "service_code": st.one_of(st.just(SERVICE), hostile_text),
    "service_request_id": st.one_of(st.just("1,2,,x"), hostile_text),
    "jurisdiction_id": hostile_text,
}


@FUZZ
@given(
    params=st.fixed_dictionaries({}, optional=GET_PARAMS),
    fmt=st.sampled_from(["json", "xml"]),
    path=st.sampled_from(["requests", "services", "requests/{x}", "services/{x}", "tokens/{x}"]),
    segment=hostile_text,
)
def test_hostile_reads_answer_a_document_or_a_well_formed_error(
    params: dict[str, str], fmt: str, path: str, segment: str, roads: Any
) -> None:
    from urllib.parse import quote

    before = row_counts()

    response = Client().get(f"{BASE}/{path.format(x=quote(segment, safe=''))}.{fmt}", params)

    assert response.status_code < 500, response.content[:300]
    assert row_counts() == before
    if response.status_code >= 400:
        assert_error_document(response, fmt)
    elif fmt == "json":
        assert isinstance(json.loads(response.content), list)
    else:
        parse_xml(response.content)
