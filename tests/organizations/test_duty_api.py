"""The duty roster over the API: list, add, cancel, who is on duty now, and every refusal as
a 4xx with {"code", "message"}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.services import issue_token
from grassroots.core import clock
from grassroots.organizations.enums import Role
from grassroots.organizations.models import DutyShift
from tests.factories.organizations import make_tree
from tests.organizations.test_duty import NOW, add, at, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with clock.at(NOW):
        yield


@pytest.fixture
def cast() -> dict[str, Any]:
    tree = make_tree()
    return {
        **tree,
        "boss": person("boss", Role.SUPERVISOR, tree["city"]),
        "ana": person("ana", Role.DISPATCHER, tree["city"]),
        "bo": person("bo", Role.DISPATCHER, tree["d1"]),
        "handler": person("handler", Role.HANDLER, tree["s1"]),
    }


class Api:
    def __init__(self, user: Any = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {"Accept-Language": "en"}
        if user is not None:
            key, _token = issue_token(user, actor=user)
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/duty{path}", params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"/api/v1/duty{path}", body, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1/duty{path}", headers=self.headers)


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "user": "ana",
        "unit": "TD1",
        "starts_at": "2026-11-24T08:00:00+08:00",
        "ends_at": "2026-11-24T20:00:00+08:00",
        "note": "day",
        **overrides,
    }


def test_a_supervisor_adds_a_shift(cast: dict[str, Any]) -> None:
    response = Api(cast["boss"]).post("/shifts", body())

    assert response.status_code == 201, response.content
    shift = DutyShift.objects.get()
    assert response.json() == {
        "id": shift.pk,
        "user": "ana",
        "display_name": "ana",
        "unit": {"code": "TD1", "name": "Unit TD1", "level": "district"},
        "starts_at": "2026-11-24T00:00:00Z",
        "ends_at": "2026-11-24T12:00:00Z",
        "note": "day",
        "cancelled_at": None,
    }
    assert shift.created_by == cast["boss"]


@pytest.mark.parametrize(
    ("who", "overrides", "status", "code"),
    [
        ("ana", {}, 403, "roster_forbidden"),
        ("handler", {}, 404, "unit_not_found"),
        ("boss", {"unit": "NOPE"}, 404, "unit_not_found"),
        ("boss", {"user": "nobody"}, 422, "shift_not_dispatcher"),
        ("boss", {"user": "handler"}, 422, "shift_not_dispatcher"),
        ("boss", {"user": "bo", "unit": "TD2"}, 422, "shift_not_dispatcher"),
        ("boss", {"ends_at": "2026-11-24T07:00:00+08:00"}, 422, "shift_invalid_times"),
        ("boss", {"ends_at": "2026-11-25T09:00:00+08:00"}, 422, "shift_invalid_times"),
        ("boss", {"starts_at": "2026-11-24T08:00:00"}, 422, "shift_invalid_times"),
        ("boss", {"starts_at": "yesterday"}, 422, "invalid"),
        ("boss", {"note": "x" * 201}, 422, "invalid"),
        ("boss", {"user": ""}, 422, "invalid"),
    ],
)
def test_a_refused_shift_is_a_4xx_with_a_code_and_nothing_is_stored(
    cast: dict[str, Any], who: str, overrides: dict[str, Any], status: int, code: str
) -> None:
    response = Api(cast[who]).post("/shifts", body(**overrides))

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert DutyShift.objects.count() == 0


def test_an_overlap_is_a_409_naming_the_shift_in_the_way(cast: dict[str, Any]) -> None:
    api = Api(cast["boss"])
    first = api.post("/shifts", body()).json()

    response = api.post("/shifts", body(starts_at="2026-11-24T19:00:00+08:00"))

    assert response.status_code == 409
    assert response.json() == {
        "code": "shift_overlap",
        "message": "ana is already on duty for TD1 from 2026-11-24 08:00 to 2026-11-24 20:00.",
        "details": {"shift": first["id"]},
    }


def test_listing_shifts_covering_a_unit_in_a_window(cast: dict[str, Any]) -> None:
    a = add(cast["ana"], cast["city"], at(24, 8), at(24, 20))
    b = add(cast["bo"], cast["s1"], at(25, 8), at(25, 20))
    add(cast["ana"], cast["d2"], at(24, 8), at(24, 20))
    add(cast["ana"], cast["d1"], at(30, 8), at(30, 20))

    found = Api(cast["ana"]).get(
        "/shifts",
        unit="TG1",
        **{"from": "2026-11-24T00:00:00+08:00", "to": "2026-11-26T00:00+08:00"},
    )

    assert found.status_code == 200, found.content
    assert [(s["id"], s["user"], s["unit"]["code"]) for s in found.json()] == [
        (a.pk, "ana", "TCITY"),
        (b.pk, "bo", "TS1"),
    ]


def test_listing_without_a_unit_shows_the_shifts_of_my_scope_for_a_week(
    cast: dict[str, Any],
) -> None:
    add(cast["ana"], cast["city"], at(24, 8), at(24, 20))
    add(cast["bo"], cast["s1"], at(25, 8), at(25, 20))
    add(cast["ana"], cast["d2"], at(29, 8), at(29, 20))
    add(cast["ana"], cast["d2"], at(30, 22), at(30, 23))  # past the default 7 days

    mine = Api(cast["bo"]).get("/shifts").json()
    everything = Api(cast["ana"]).get("/shifts").json()

    assert [s["unit"]["code"] for s in mine] == ["TS1"]
    assert [s["unit"]["code"] for s in everything] == ["TCITY", "TS1", "TD2"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"from": "2026-11-24T00:00:00"}, 422, "shift_invalid_times"),
        (
            {"from": "2026-11-24T00:00:00Z", "to": "2026-11-23T00:00:00Z"},
            422,
            "shift_invalid_times",
        ),
        (
            {"from": "2026-11-01T00:00:00Z", "to": "2027-11-01T00:00:00Z"},
            422,
            "shift_invalid_times",
        ),
        ({"from": "soon"}, 422, "invalid"),
        ({"unit": "NOPE"}, 404, "unit_not_found"),
    ],
)
def test_a_bad_listing_is_a_4xx_with_a_code(
    cast: dict[str, Any], params: dict[str, str], status: int, code: str
) -> None:
    response = Api(cast["ana"]).get("/shifts", **params)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code


def test_a_handler_sees_no_roster(cast: dict[str, Any]) -> None:
    add(cast["ana"], cast["city"], at(23, 20), at(24, 8))
    api = Api(cast["handler"])

    assert api.get("/shifts").json() == []
    assert api.get("/now").json()["shifts"] == []
    assert api.get("/now", unit="TS1").json()["code"] == "unit_not_found"


def test_anonymous_is_a_401(cast: dict[str, Any]) -> None:
    response = Api().get("/now")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_cancelling_a_shift(cast: dict[str, Any]) -> None:
    shift = add(cast["ana"], cast["d1"], at(24, 8), at(24, 20))

    response = Api(cast["boss"]).delete(f"/shifts/{shift.pk}")

    assert response.status_code == 200, response.content
    assert response.json()["cancelled_at"] == "2026-11-23T13:30:00Z"
    again = Api(cast["boss"]).delete(f"/shifts/{shift.pk}")
    assert (again.status_code, again.json()["code"]) == (409, "shift_cancelled")


def test_a_refused_cancel_changes_nothing(cast: dict[str, Any]) -> None:
    shift = add(cast["ana"], cast["d1"], at(24, 8), at(24, 20))

    as_dispatcher = Api(cast["ana"]).delete(f"/shifts/{shift.pk}")
    as_handler = Api(cast["handler"]).delete(f"/shifts/{shift.pk}")
    unknown = Api(cast["boss"]).delete(f"/shifts/{shift.pk + 99}")

    assert (as_dispatcher.status_code, as_dispatcher.json()["code"]) == (403, "roster_forbidden")
    assert (as_handler.status_code, as_handler.json()["code"]) == (404, "shift_not_found")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "shift_not_found")
    shift.refresh_from_db()
    assert shift.cancelled_at is None


def test_who_is_on_duty_now(cast: dict[str, Any]) -> None:
    add(cast["ana"], cast["city"], at(23, 20), at(24, 8))
    add(cast["bo"], cast["d1"], at(23, 21), at(24, 8))
    add(cast["ana"], cast["d2"], at(24, 8), at(24, 20))  # later

    here = Api(cast["boss"]).get("/now", unit="TG1").json()
    east = Api(cast["boss"]).get("/now", unit="TS2").json()
    everywhere = Api(cast["boss"]).get("/now").json()

    assert here["at"] == "2026-11-23T13:30:00Z"
    assert here["unit"] == {"code": "TG1", "name": "Unit TG1", "level": "grid"}
    assert [s["user"] for s in here["shifts"]] == ["ana", "bo"]
    assert [s["user"] for s in east["shifts"]] == ["ana"]
    assert (everywhere["unit"], len(everywhere["shifts"])) == (None, 2)
