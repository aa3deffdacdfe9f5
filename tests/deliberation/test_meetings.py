"""Deliberation meetings: agenda, participants, minutes, decisions tracked to completion
(services and API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.deliberation.errors import DeliberationError
from grassroots.deliberation.models import Decision, DecisionUpdate, Meeting, MeetingParticipant
from grassroots.deliberation.services import meetings as sv
from grassroots.organizations.enums import Role
from tests.cases.conftest import Api
from tests.deliberation.conftest import MONDAY_MORNING as NOW
from tests.factories.cases import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
STARTS = dt.datetime(2026, 3, 5, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def dept_handler(tree: Any) -> Any:
    return person("depthandler", Role.HANDLER, tree["dept"])


@pytest.fixture
def meeting(tree: Any, worker: Any) -> Meeting:
    return sv.create_meeting(
        tree["c1"],
        title="Parking in the Elm Road courtyard",
        place="Community hall",
        starts_at=STARTS,
        agenda=["The problem", "Options"],
        actor=worker,
    )


def hold(meeting: Meeting, worker: Any, tree: Any) -> Meeting:
    resident = sv.add_participant(meeting, name="李四", role="resident", actor=worker)
    sv.add_participant(meeting, name="Absent", role="other", actor=worker)
    return sv.record_minutes(
        meeting,
        minutes="Residents agreed on painted bays.",
        attended=[resident.pk],
        decisions=[
            sv.DecisionDraft(
                text="Paint 20 bays", owner_unit=tree["dept"], due_on=dt.date(2026, 3, 20)
            ),
            sv.DecisionDraft(
                text="Tell residents", owner_unit=tree["c1"], due_on=dt.date(2026, 3, 9)
            ),
        ],
        actor=worker,
    )


def test_a_meeting_is_planned_with_its_agenda_in_order(meeting: Meeting, worker: Any) -> None:
    sv.add_agenda_item(meeting, title="Decide", actor=worker)

    assert list(meeting.agenda.values_list("position", "title")) == [
        (1, "The problem"),
        (2, "Options"),
        (3, "Decide"),
    ]
    assert meeting.status == "planned"


def test_holding_the_meeting_records_minutes_attendance_and_decisions(
    meeting: Meeting, worker: Any, tree: Any
) -> None:
    held = hold(meeting, worker, tree)

    assert (held.status, held.minutes) == ("held", "Residents agreed on painted bays.")
    assert list(
        MeetingParticipant.objects.filter(meeting=meeting)
        .order_by("id")
        .values_list("name", "attended")
    ) == [("李四", True), ("Absent", False)]
    assert list(Decision.objects.values_list("text", "owner_unit__code", "status")) == [
        ("Tell residents", "TC1", "open"),
        ("Paint 20 bays", "TDEPT", "open"),
    ]
    # Names are personal data: the audit log keeps roles only.
    assert "李四" not in str(list(AuditEntry.objects.values_list("summary", "data")))


def test_a_held_meeting_does_not_change_its_minutes(
    meeting: Meeting, worker: Any, tree: Any
) -> None:
    hold(meeting, worker, tree)

    with pytest.raises(DeliberationError) as err:
        sv.record_minutes(meeting, minutes="Rewritten", actor=worker)

    assert (err.value.code, err.value.status) == ("meeting_not_planned", 409)
    meeting.refresh_from_db()
    assert meeting.minutes == "Residents agreed on painted bays."


def test_a_decision_due_before_the_meeting_is_refused_with_nothing_written(
    meeting: Meeting, worker: Any, tree: Any
) -> None:
    bad = sv.DecisionDraft(text="x", owner_unit=tree["c1"], due_on=dt.date(2026, 3, 1))

    with pytest.raises(DeliberationError) as err:
        sv.record_minutes(meeting, minutes="m", decisions=[bad], actor=worker)

    assert err.value.code == "invalid_deliberation_input"
    meeting.refresh_from_db()
    assert (meeting.status, Decision.objects.count()) == ("planned", 0)


def test_the_owner_unit_follows_its_decision_to_completion(
    meeting: Meeting, worker: Any, tree: Any, dept_handler: Any
) -> None:
    hold(meeting, worker, tree)
    paint = Decision.objects.get(text="Paint 20 bays")

    assert [d.text for d in sv.decisions_to_follow(dept_handler)] == ["Paint 20 bays"]
    sv.update_decision(paint, status="in_progress", note="Contractor booked.", actor=dept_handler)
    with clock.at(NOW + dt.timedelta(days=10)):
        sv.update_decision(paint, status="done", note="Bays painted.", actor=dept_handler)

    paint.refresh_from_db()
    assert (paint.status, paint.completed_at) == ("done", NOW + dt.timedelta(days=10))
    assert list(DecisionUpdate.objects.values_list("status", "note")) == [
        ("in_progress", "Contractor booked."),
        ("done", "Bays painted."),
    ]
    assert list(sv.decisions_to_follow(dept_handler)) == []
    with pytest.raises(DeliberationError) as err:
        sv.update_decision(paint, status="open", note="Again", actor=dept_handler)
    assert err.value.code == "decision_finished"


def test_staff_of_an_unrelated_unit_cannot_update_a_decision(
    meeting: Meeting, worker: Any, tree: Any
) -> None:
    hold(meeting, worker, tree)
    outsider = person("other", Role.HANDLER, tree["s2"])
    paint = Decision.objects.get(text="Paint 20 bays")

    with pytest.raises(DeliberationError) as err:
        sv.update_decision(paint, status="done", note="x", actor=outsider)

    assert err.value.status == 403
    paint.refresh_from_db()
    assert (paint.status, DecisionUpdate.objects.count()) == ("open", 0)


def test_a_cancelled_meeting_keeps_the_reason(meeting: Meeting, worker: Any) -> None:
    sv.cancel_meeting(meeting, reason="Typhoon warning", actor=worker)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes) == ("cancelled", "Typhoon warning")
    with pytest.raises(DeliberationError):
        sv.add_agenda_item(meeting, title="Late", actor=worker)


def test_meetings_over_the_api_from_planning_to_a_finished_decision(
    tree: Any, worker: Any, dept_handler: Any
) -> None:
    api = Api(worker)
    created = api.post(
        "/deliberation/meetings",
        {
            "unit": "TC1",
            "title": "Noise from the night market",
            "starts_at": "2026-03-05T11:00:00Z",
            "agenda": ["Hear residents", "Hear vendors"],
        },
    )
    assert created.status_code == 201, created.content
    mid = created.json()["id"]
    part = api.post(
        f"/deliberation/meetings/{mid}/participants",
        {"name": "赵六", "role": "resident"},
    )
    pid = part.json()["participants"][0]["id"]
    held = api.post(
        f"/deliberation/meetings/{mid}/minutes",
        {
            "minutes": "Stalls close at 22:00.",
            "attended": [pid],
            "decisions": [{"text": "Enforce 22:00", "owner_unit": "TDEPT", "due_on": "2026-03-04"}],
        },
    )
    assert (held.status_code, held.json()["code"]) == (422, "invalid_deliberation_input")
    held = api.post(
        f"/deliberation/meetings/{mid}/minutes",
        {
            "minutes": "Stalls close at 22:00.",
            "attended": [pid],
            "decisions": [{"text": "Enforce 22:00", "owner_unit": "TDEPT", "due_on": "2026-03-06"}],
        },
    )
    assert held.status_code == 200, held.content
    body = held.json()
    assert (body["status"], [p["attended"] for p in body["participants"]]) == ("held", [True])
    decision = body["decisions"][0]
    assert (decision["owner_unit"], decision["status"], decision["overdue"]) == (
        "TDEPT",
        "open",
        False,
    )

    owner = Api(dept_handler)
    listed = owner.get("/deliberation/meetings/decisions").json()
    assert [d["text"] for d in listed] == ["Enforce 22:00"]
    assert owner.get(f"/deliberation/meetings/{mid}").status_code == 200
    done = owner.post(
        f"/deliberation/meetings/decisions/{decision['id']}/updates",
        {"status": "done", "note": "Patrols every night."},
    )
    assert done.status_code == 201, done.content
    assert (done.json()["status"], done.json()["updates"][0]["note"]) == (
        "done",
        "Patrols every night.",
    )


def test_a_meeting_is_invisible_to_unrelated_staff_and_residents(
    meeting: Meeting, tree: Any
) -> None:
    outsider = person("other", Role.HANDLER, tree["s2"])

    assert Api(outsider).get(f"/deliberation/meetings/{meeting.pk}").status_code == 404
    assert Api().get(f"/deliberation/meetings/{meeting.pk}").status_code == 401
    assert Api(outsider).get("/deliberation/meetings").json() == []
