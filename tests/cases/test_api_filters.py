"""Each filter of GET /api/v1/cases keeps the cases that match and only those; anonymous intake
is rate-limited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import override_settings

from grassroots.cases import services
from grassroots.core import clock
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _ids(api: Api, **query: Any) -> set[int]:
    response = api.get("/cases", **query)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def cases(tree: Any, people: Any) -> dict[str, Any]:
    long_ago = datetime(2025, 3, 3, 10, 0, tzinfo=SH)
    with clock.at(long_ago):
        old = submit(subject="Old pothole", category="urban.roads")
    noise = submit(subject="Bar music at night", category="environment.noise")
    street2 = submit(subject="Broken bench")
    services.dispatch_case(old, unit=tree["s1"], actor=people["dispatcher"])
    services.dispatch_case(street2, unit=tree["s2"], actor=people["dispatcher"])
    return {"old": old.pk, "noise": noise.pk, "street2": street2.pk}


def test_each_filter_keeps_exactly_the_matching_cases(people: Any, cases: Any) -> None:
    api = Api(people["dispatcher"])
    old, noise, street2 = cases["old"], cases["noise"], cases["street2"]

    assert _ids(api) == {old, noise, street2}
    assert _ids(api, status="received") == {noise}
    assert _ids(api, status="dispatched,received") == {old, noise, street2}
    assert _ids(api, unit="TD1") == {old}  # the district includes its street
    assert _ids(api, unit="TS2") == {street2}
    assert _ids(api, category="environment") == {noise}  # a parent includes its children
    assert _ids(api, category="urban.roads") == {old}
    assert _ids(api, overdue="true") == {old}  # dispatched in 2025, long past its deadline
    assert _ids(api, overdue="false") == {noise, street2}
    assert _ids(api, text="bench") == {street2}
    assert _ids(api, text="MUSIC") == {noise}
    today = clock.now().astimezone(SH).date()
    assert _ids(api, received_from="2025-03-03", received_to="2025-03-03") == {old}
    assert _ids(api, received_to="2025-03-02") == set()
    assert _ids(api, received_from=str(today - timedelta(days=1))) == {noise, street2}


def test_the_text_filter_finds_a_tracking_code_written_with_spaces(people: Any, cases: Any) -> None:
    api = Api(people["dispatcher"])
    code = api.get(f"/cases/{cases['noise']}").json()["tracking_code"]

    assert _ids(api, text=f"{code[:4]} {code[4:8]} {code[8:]}") == {cases["noise"]}


BODY = {"kind": "complaint", "subject": "Broken streetlight", "channel": "mobile"}


@override_settings(CASE_INTAKE_RATE_PER_MINUTE=2)
def test_anonymous_intake_past_the_rate_is_a_429(people: Any) -> None:
    cache.clear()
    try:
        answers = [Api().post("/cases", BODY) for _ in range(3)]
        staff_answer = Api(people["dispatcher"]).post("/cases", {**BODY, "channel": "phone"})
    finally:
        cache.clear()

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert staff_answer.status_code == 201  # logged-in staff are not limited
