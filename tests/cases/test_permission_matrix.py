"""Who may do what: every role against every action, in the state where the action applies.

Allowed → 200. Not visible → 404. Visible but not allowed → 403. No credentials → 401.
A denied call changes nothing: the case row, its events, assignments and extension requests,
and the audit log stay as they were.

Roles: the city's dispatcher, supervisor and administrator; handlers of the lead street (handler1),
of another street (handler2) and of a department (dept: a supporting unit where the case has one);
a grid worker below the lead street; the resident who submitted the case with their account
(owner); and no credentials at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.cases import services
from grassroots.cases.models import Case, CaseAssignment, CaseEvent, ExtensionRequest
from grassroots.core.models import AuditEntry
from tests.cases.conftest import Api
from tests.factories.cases import person, submit
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "dispatcher",
    "supervisor",
    "admin",
    "handler1",
    "handler2",
    "grid",
    "dept",
    "owner",
    "anonymous",
]
# What each new role gets where the table below does not say: an administrator acts as the
# city's supervisor does; the resident who owns the case may not use the staff endpoints (they
# rate and reopen through /track), and sees a 404 there like anyone outside the case: the staff
# view would show staff names and internal notes.
LIKE = {"admin": "supervisor"}


@pytest.fixture
def cast(tree: Any, people: Any) -> dict[str, Any]:
    return {
        **people,
        "admin": person("cityadmin", "admin", tree["city"]),
        "owner": UserFactory(username="resident-owner"),
    }


def _submit(people: Any) -> Case:
    """A case the owner submitted from their account on the web."""
    draft = services.CaseDraft(
        kind="complaint",
        subject="Streetlight out on Elm Road",
        description="Dark for a week.",
        resident_name="张三丰",
        resident_phone="13812345678",
    )
    return services.submit_case(draft, actor=people["owner"]).case


def _received(tree: Any, people: Any) -> Case:
    return _submit(people)


def _dispatched(tree: Any, people: Any) -> Case:
    case = _submit(people)
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


def _cohandled(tree: Any, people: Any) -> Case:
    case = _accepted(tree, people)
    services.add_supporting_units(
        case, parts=[(tree["dept"], "Replace the cable")], actor=people["handler1"]
    )
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
    "summon": (
        _accepted,
        lambda c, t: {"units": [{"unit": "TDEPT", "part": "cable"}], "summon": True},
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
    "part-done": (
        _cohandled,
        lambda c, t: {
            "assignment": c.assignments.get(unit__code="TDEPT").pk,
            "result": "Cable replaced",
        },
        {
            "dispatcher": 403,
            "supervisor": 403,
            "handler1": 403,
            "handler2": 404,
            "grid": 404,
            "dept": 200,
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
        lambda c, t: {"into": submit().tracking_code},  # another resident's case
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

ENDPOINT = {"summon": "cohandle"}  # a summons is a co-handling call with summon=true
CELLS = [(action, role) for action in MATRIX for role in ROLES]


def _expected(action: str, role: str) -> int:
    table = MATRIX[action][2]
    if role == "owner":
        return 404
    return table[LIKE.get(role, role)]


def _snapshot(case: Case) -> dict[str, Any]:
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    return {
        "case": row,
        "events": list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        "assignments": list(
            CaseAssignment.objects.filter(case=case).order_by("pk").values_list("pk", "status")
        ),
        "extensions": list(
            ExtensionRequest.objects.filter(case=case).order_by("pk").values_list("pk", "status")
        ),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_role_may_or_may_not_take_action(
    action: str, role: str, tree: Any, people: Any, cast: Any
) -> None:
    prepare, body, _table = MATRIX[action]
    expected = _expected(action, role)
    case = prepare(tree, cast)
    payload = body(case, tree)
    api = Api(cast[role]) if role != "anonymous" else Api()
    before = _snapshot(case)

    response = api.post(f"/cases/{case.pk}/{ENDPOINT.get(action, action)}", payload)

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        # Nothing changed; issuing the caller's token wrote one audit line, the call none.
        assert _snapshot(case) == before
        if expected != 401:
            assert response.json()["code"] in {"case_not_found", "case_action_forbidden"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_case_in_lists_and_details(role: str, tree: Any, people: Any, cast: Any) -> None:
    case = _accepted(tree, cast)
    api = Api(cast[role]) if role != "anonymous" else Api()
    sees = role in {"dispatcher", "supervisor", "admin", "handler1"}

    listed = api.get("/cases")
    detail = api.get(f"/cases/{case.pk}")

    if role == "anonymous":
        assert (listed.status_code, detail.status_code) == (401, 401)
        return
    if role == "owner":  # a resident uses /track (or the portal): the staff API shows nothing
        assert listed.json()["items"] == [] and detail.status_code == 404
        own = api.get(f"/track/{case.tracking_code}")  # logged in: no secret needed
        assert own.status_code == 200 and "timeline" in own.json()
        return
    assert [c["id"] for c in listed.json()["items"]] == ([case.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)
