"""Property-based fuzzing of the JSON API from its committed OpenAPI document (schemathesis).

Every operation gets a bounded, deterministic number of generated requests against the app
in-process (WSGI). Each answer must be no 5xx, match the documented schema and content type, and
a refused write (any non-2xx POST) must leave every table it could touch exactly as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from grassroots.accounts.services import issue_token
from grassroots.cases import services
from tests.conftest import REPO_ROOT
from tests.factories.cases import staff, submit
from tests.factories.organizations import make_tree

from .conftest import row_counts

SCHEMA = json.loads((REPO_ROOT / "docs" / "api" / "openapi.json").read_text())
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = WSGIHandler()
# Every operation documents its success answers plus 4XX/5XX in the one error shape
# (`{"code", "message"}`), so response_schema_conformance checks refusals' bodies too.
CHECKS = (
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Like Django's test client: the WSGI handler must not close the test's connection
    (on PostgreSQL that would end the test transaction after the first request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A small tree, its staff, cases in several states, and a dispatcher's bearer token."""
    tree = make_tree()
    people = staff(tree)
    cases = [submit(), submit(subject="<script>alert(1)</script>"), submit()]
    services.dispatch_case(cases[1], unit=tree["s1"], actor=people["dispatcher"])
    key, _token = issue_token(people["dispatcher"], actor=people["dispatcher"])
    return {"cases": cases, "auth": {"Authorization": f"Bearer {key}"}}


def _aim_at_real_data(case: Any, world: dict[str, Any]) -> None:
    """Half the generated ids and codes become real ones, so handlers get past the 404."""
    params = case.path_parameters or {}
    known = world["cases"]
    if isinstance(params.get("case_id"), int) and params["case_id"] % 2 == 0:
        params["case_id"] = known[params["case_id"] % len(known)].pk
    if isinstance(params.get("code"), str) and len(params["code"]) % 2 == 0:
        params["code"] = known[len(params["code"]) % len(known)].tracking_code


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_hostile_input_without_5xx_or_stray_writes(
    case: Any, world: dict[str, Any]
) -> None:
    _aim_at_real_data(case, world)
    cache.clear()  # the tracking rate limit would otherwise turn most examples into 429s
    before = row_counts()

    response = case.call(headers=world["auth"])

    case.validate_response(response, checks=CHECKS)
    if case.method == "POST" and not 200 <= response.status_code < 300:
        assert row_counts() == before, (response.status_code, response.text[:300])
