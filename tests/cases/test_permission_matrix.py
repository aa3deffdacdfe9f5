"""Who may do what: every role against every action, in the state where the action applies.

Allowed → 200. Not visible → 404. Visible but not allowed → 403. No credentials → 401.
A denied call changes nothing: the case row, its events and the audit log stay as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.cases import services
from grassroots.cases.models import Case, CaseEvent
from grassroots.core.models import AuditEntry
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db

ROLES = ["dispatcher", "supervisor", "handler1", "handler2", "grid", "dept", "anonymous"]


def _received(tree: Any, people: Any) -> Case:
    return submit()


def _dispatched(tree: Any, people: Any) -> Case:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    return case


def _accepted(tree: Any, people: Any) -> Case:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    return case


def _replied(tree: Any, people: Any) -> Case:
    case = _accepted(tree, people)
    services.reply_case(case, reply="Done.", actor=people["handler1"])
    return case


def _with_extension(tree: Any, people: Any) -> Case:
    case = _accepted(tree, people)
    services.request_extension(case, working_days=3, reason="parts", actor=people["handler1"])
    return case


# action: (prepare, body builder, expected status per role)
MATRIX: dict[str, tuple[Any, Any, dict[str, int]]] = {
    "dispatch": (
        _received,
        lambda c, t: {"unit": "TS1"},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 404,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "accept": (
        _dispatched,
        lambda c, t: {},
        {
            "dispatcher": 403,
            "supervisor": 403,
            "handler1": 200,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "return": (
        _dispatched,
        lambda c, t: {"reason": "not ours"},
        {
            "dispatcher": 403,
            "supervisor": 403,
            "handler1": 204,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "transfer": (
        _accepted,
        lambda c, t: {"unit": "TC1", "reason": "community"},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 200,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "cohandle": (
        _accepted,
        lambda c, t: {"units": [{"unit": "TDEPT", "part": "cable"}]},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 200,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "extend": (
        _accepted,
        lambda c, t: {"working_days": 3, "reason": "parts"},
        {
            "dispatcher": 403,
            "supervisor": 403,
            "handler1": 200,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "approve-extension": (
        _with_extension,
        lambda c, t: {"extension": c.extensions.get().pk, "approve": True},
        {
            "dispatcher": 403,
            "supervisor": 200,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "supervise": (
        _accepted,
        lambda c, t: {"note": "hurry"},
        {
            "dispatcher": 403,
            "supervisor": 200,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "reply": (
        _accepted,
        lambda c, t: {"reply": "Fixed."},
        {
            "dispatcher": 403,
            "supervisor": 403,
            "handler1": 200,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "follow-up": (
        _replied,
        lambda c, t: {"resolved": False, "satisfaction": "unsatisfied"},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "reopen": (
        _replied,
        lambda c, t: {"reason": "still broken"},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "close": (
        _replied,
        lambda c, t: {"note": ""},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "merge": (
        _received,
        lambda c, t: {"into": submit().tracking_code},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 404,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
    "reject": (
        _received,
        lambda c, t: {"reason": "spam"},
        {
            "dispatcher": 200,
            "supervisor": 200,
            "handler1": 404,
            "handler2": 404,
            "grid": 404,
            "dept": 404,
            "anonymous": 401,
        },
    ),
}

CELLS = [(action, role) for action in MATRIX for role in ROLES]


def _snapshot(case: Case) -> tuple[Any, ...]:
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    return (row, CaseEvent.objects.filter(case=case).count(), AuditEntry.objects.count())


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_role_may_or_may_not_take_action(action: str, role: str, tree: Any, people: Any) -> None:
    prepare, body, expected = MATRIX[action]
    case = prepare(tree, people)
    payload = body(case, tree)
    api = Api(people[role]) if role != "anonymous" else Api()
    before = _snapshot(case)

    response = api.post(f"/cases/{case.pk}/{action}", payload)

    assert response.status_code == expected[role], response.content[:300]
    if expected[role] >= 400:
        assert _snapshot(case)[0] == before[0]
        assert _snapshot(case)[1] == before[1]
        # Issuing the caller's token wrote one audit line; the denied call wrote none.
        assert AuditEntry.objects.count() == before[2]
        if expected[role] != 401:
            assert response.json()["code"] in {"case_not_found", "case_action_forbidden"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_case_in_lists_and_details(role: str, tree: Any, people: Any) -> None:
    case = _accepted(tree, people)
    api = Api(people[role]) if role != "anonymous" else Api()
    sees = role in {"dispatcher", "supervisor", "handler1"}

    listed = api.get("/cases")
    detail = api.get(f"/cases/{case.pk}")

    if role == "anonymous":
        assert (listed.status_code, detail.status_code) == (401, 401)
        return
    assert [c["id"] for c in listed.json()["items"]] == ([case.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)
