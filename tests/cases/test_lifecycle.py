"""A case walks every step and every side path; illegal steps change nothing."""

from __future__ import annotations

import pytest

from grassroots.cases import services
from grassroots.cases.enums import AssignmentStatus, CaseEventType, CaseStatus
from grassroots.cases.errors import CaseError, CaseErrorCode
from grassroots.cases.models import Case, CaseEvent
from grassroots.core.models import AuditEntry
from tests.factories.cases import staff, submit
from tests.factories.organizations import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():  # type: ignore[no-untyped-def]
    return make_tree()


@pytest.fixture
def people(tree):  # type: ignore[no-untyped-def]
    return staff(tree)


def _events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))


def test_main_path_from_intake_to_closure(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    assert case.status == CaseStatus.RECEIVED
    assert case.respond_due is not None and case.resolve_due is not None

    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"], note="Called the resident.")
    services.reply_case(case, reply="The lamp was replaced on Tuesday.", actor=people["handler1"])
    services.follow_up_case(case, resolved=True, satisfaction="satisfied", actor=services.RESIDENT)

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.unit == tree["s1"]
    assert case.responded_at is not None and case.closed_at is not None
    assert (case.resolved, case.satisfaction) == (True, "satisfied")
    assert _events(case) == [
        CaseEventType.RECEIVED,
        CaseEventType.DISPATCHED,
        CaseEventType.ACCEPTED,
        CaseEventType.REPLIED,
        CaseEventType.FOLLOWED_UP,
        CaseEventType.CLOSED,
    ]
    assert AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).count() == 6
    assert case.assignments.get().status == AssignmentStatus.ENDED


def test_returned_case_goes_back_to_dispatch_queue(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s2"], actor=people["dispatcher"])

    services.return_case(
        case, reason="Not our street: the lamp is in S1.", actor=people["handler2"]
    )

    case.refresh_from_db()
    assert (case.status, case.unit, case.return_count) == (CaseStatus.RECEIVED, None, 1)
    assert Case.objects.in_dispatch_queue().filter(pk=case.pk).exists()
    event = CaseEvent.objects.get(case=case, type=CaseEventType.RETURNED)
    assert (event.public, event.note) == (False, "Not our street: the lamp is in S1.")


def test_transfer_hands_the_case_to_another_unit_which_must_accept(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])

    services.transfer_case(
        case, unit=tree["c1"], reason="Community handles lamps", actor=people["handler1"]
    )

    case.refresh_from_db()
    assert (case.status, case.unit) == (CaseStatus.DISPATCHED, tree["c1"])
    leads = list(case.assignments.order_by("pk").values_list("unit__code", "status"))
    assert leads == [("TS1", AssignmentStatus.WITHDRAWN), ("TC1", AssignmentStatus.PENDING)]


def test_cohandle_and_summon_give_each_unit_its_part(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])

    [part] = services.add_supporting_units(
        case, parts=[(tree["dept"], "Replace the cable")], summon=True, actor=people["handler1"]
    )
    services.complete_part(part, result="Cable replaced", actor=people["dept"])

    part.refresh_from_db()
    assert (part.status, part.via, part.result) == (
        AssignmentStatus.DONE,
        "summon",
        "Cable replaced",
    )
    assert CaseEventType.SUMMONED in _events(case) and CaseEventType.PART_DONE in _events(case)
    with pytest.raises(CaseError) as again:
        services.add_supporting_units(case, parts=[(tree["s1"], "")], actor=people["dispatcher"])
    assert again.value.code == CaseErrorCode.INVALID  # the lead unit is already on the case


def test_approved_extension_moves_the_deadline_and_denied_one_does_not(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    due = Case.objects.get(pk=case.pk).resolve_due

    first = services.request_extension(
        case, working_days=5, reason="Parts on order", actor=people["handler1"]
    )
    services.decide_extension(first, approve=False, note="No", actor=people["supervisor"])
    assert Case.objects.get(pk=case.pk).resolve_due == due

    second = services.request_extension(
        case, working_days=5, reason="Still waiting", actor=people["handler1"]
    )
    services.decide_extension(second, approve=True, actor=people["supervisor"])
    new_due = Case.objects.get(pk=case.pk).resolve_due
    assert new_due is not None and due is not None and new_due > due
    assert (new_due - due).days >= 5  # five working days are at least five calendar days


def test_supervise_counts_and_is_staff_only(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])

    services.supervise_case(case, note="Overdue: act today", actor=people["supervisor"])

    assert Case.objects.get(pk=case.pk).supervise_count == 1
    assert CaseEvent.objects.get(case=case, type=CaseEventType.SUPERVISED).public is False


def test_unsolved_follow_up_then_reopen_sends_it_back_to_the_unit(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])

    services.follow_up_case(
        case,
        resolved=False,
        satisfaction="unsatisfied",
        comment="Still dark",
        actor=services.RESIDENT,
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FOLLOWED_UP
    services.reopen_case(case, reason="Still dark at night", actor=services.RESIDENT)

    case.refresh_from_db()
    assert (case.status, case.unit, case.reopen_count) == (CaseStatus.ACCEPTED, tree["s1"], 1)
    assert (case.resolved, case.satisfaction) == (None, "")


@pytest.mark.parametrize("by", ["resident", "dispatcher"])
def test_a_reopen_reason_reaches_the_resident_only_when_it_is_theirs(tree, people, by) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])
    services.follow_up_case(
        case, resolved=False, satisfaction="unsatisfied", comment="", actor=services.RESIDENT
    )
    actor = services.RESIDENT if by == "resident" else people["dispatcher"]

    services.reopen_case(case, reason="Caller sounded drunk, check again", actor=actor)

    event = case.events.get(type=CaseEventType.REOPENED)
    assert event.note == "Caller sounded drunk, check again"
    expected = "Caller sounded drunk, check again" if by == "resident" else ""
    assert event.public and event.public_note == expected


def test_close_without_follow_up_when_resident_cannot_be_reached(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])

    services.close_case(case, note="Three calls, no answer", actor=people["dispatcher"])

    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_merged_duplicates_receive_the_parents_reply(tree, people) -> None:  # type: ignore[no-untyped-def]
    parent, dup, dup_of_dup = submit(), submit(), submit()
    services.merge_case(dup_of_dup, into=dup, actor=people["dispatcher"])
    services.merge_case(dup, into=parent, actor=people["dispatcher"])
    services.dispatch_case(parent, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(parent, actor=people["handler1"])

    services.reply_case(parent, reply="Lamp replaced.", actor=people["handler1"])

    for child in (dup, dup_of_dup):
        child.refresh_from_db()
        assert (child.status, child.parent_id, child.reply) == (
            CaseStatus.MERGED,
            parent.pk,
            "Lamp replaced.",
        )


def test_reject_gives_the_resident_the_reason(tree, people) -> None:  # type: ignore[no-untyped-def]
    case = submit()

    services.reject_case(
        case, reason="Private property: not a public service.", actor=people["dispatcher"]
    )

    case.refresh_from_db()
    assert (case.status, case.rejection_reason) == (
        CaseStatus.REJECTED,
        "Private property: not a public service.",
    )
    assert CaseEvent.objects.get(case=case, type=CaseEventType.REJECTED).public is True


@pytest.mark.parametrize(
    ("prepare", "act"),
    [
        ([], lambda c, p, t: services.accept_case(c, actor=p["handler1"])),
        ([], lambda c, p, t: services.reply_case(c, reply="x", actor=p["handler1"])),
        ([], lambda c, p, t: services.close_case(c, actor=p["dispatcher"])),
        (
            ["dispatch"],
            lambda c, p, t: services.dispatch_case(c, unit=t["s2"], actor=p["dispatcher"]),
        ),
        (["dispatch"], lambda c, p, t: services.reject_case(c, reason="x", actor=p["dispatcher"])),
        (
            ["dispatch"],
            lambda c, p, t: services.follow_up_case(
                c, resolved=True, satisfaction="satisfied", actor=services.RESIDENT
            ),
        ),
        (["dispatch", "accept"], lambda c, p, t: services.accept_case(c, actor=p["handler1"])),
        (["reject"], lambda c, p, t: services.reopen_case(c, reason="x", actor=services.RESIDENT)),
    ],
)
def test_illegal_steps_raise_a_coded_error_and_change_nothing(tree, people, prepare, act) -> None:  # type: ignore[no-untyped-def]
    case = submit()
    steps = {
        "dispatch": lambda: services.dispatch_case(
            case, unit=tree["s1"], actor=people["dispatcher"]
        ),
        "accept": lambda: services.accept_case(case, actor=people["handler1"]),
        "reject": lambda: services.reject_case(case, reason="spam", actor=people["dispatcher"]),
    }
    for name in prepare:
        steps[name]()
    before = Case.objects.filter(pk=case.pk).values().get()
    events, audits = CaseEvent.objects.count(), AuditEntry.objects.count()

    with pytest.raises(CaseError) as exc:
        act(Case.objects.get(pk=case.pk), people, tree)

    assert (exc.value.code, exc.value.status) == (CaseErrorCode.ILLEGAL_TRANSITION, 409)
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)


def test_invalid_intake_writes_nothing() -> None:
    with pytest.raises(CaseError) as exc:
        submit(kind="rant")

    assert exc.value.code == CaseErrorCode.INVALID
    assert (Case.objects.count(), CaseEvent.objects.count()) == (0, 0)


def test_anonymous_intake_keeps_no_identity() -> None:
    case = submit(anonymous=True)

    assert case.resident is None


def test_an_anonymous_submission_is_recorded_as_the_residents() -> None:
    case = submit()

    assert CaseEvent.objects.get(case=case).actor_label == "resident"


def test_only_a_supporting_unit_with_its_part_open_is_offered_part_done(tree, people) -> None:  # type: ignore[no-untyped-def]
    from grassroots.cases.permissions import Scope
    from grassroots.cases.presenters import available_actions

    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    [part] = services.add_supporting_units(
        case, parts=[(tree["dept"], "Replace the cable")], summon=True, actor=people["handler1"]
    )

    def offered(who: str) -> bool:
        fresh = type(case).objects.prefetch_related("assignments__unit").get(pk=case.pk)
        user = people[who]
        return "part-done" in available_actions(user, fresh, Scope.of(user))

    assert offered("dept") and not offered("handler1")  # the lead unit has no part to report
    services.complete_part(part, result="Cable replaced", actor=people["dept"])
    assert not offered("dept")  # done once
