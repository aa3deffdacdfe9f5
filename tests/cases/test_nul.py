"""NUL characters are refused at the door on every engine (PostgreSQL cannot hold them)."""

from __future__ import annotations

import pytest

from grassroots.cases import services
from grassroots.cases.models import Case, CaseAssignment
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_json_body_is_a_422_and_writes_nothing(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])

    response = Api(people["dispatcher"]).post(
        f"/cases/{case.pk}/cohandle", {"units": [{"unit": "T\x00DEPT"}], "summon": True}
    )

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert CaseAssignment.objects.filter(case=case).count() == 1


def test_a_nul_in_a_submission_is_a_422() -> None:
    response = Api().post("/cases", {"kind": "complaint", "subject": "lamp\x00out"})

    assert response.status_code == 422
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/track/2611%0012345678?secret=X",
        "/api/v1/areas/locate?lat=1%00&lng=2",
        "/report/?x=%00",
    ],
)
def test_a_nul_in_a_path_or_query_is_a_400_everywhere(path: str) -> None:
    response = Api().client.get(path)

    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_open311_answers_a_nul_with_its_own_error_document() -> None:
    from xml.etree import ElementTree as ET

    response = Api().client.get("/open311/v2/requests/%00.xml")

    assert 400 <= response.status_code < 500
    assert ET.fromstring(response.content).tag == "errors"  # noqa: S314 (our own answer)
