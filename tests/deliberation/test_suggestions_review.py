"""The unit's side of suggestion collection: the to-do of answers due, the official answer and
its follow-through, and the links with hotline cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.deliberation.errors import DeliberationError
from grassroots.deliberation.models import Proposal, ProposalUpdate, SuggestionCall
from grassroots.deliberation.services import suggestions as sv
from grassroots.deliberation.services import suggestions_review as review
from grassroots.deliberation.services.conversations import Voter
from grassroots.organizations import services as org
from grassroots.organizations.enums import Role
from tests.deliberation.conftest import MONDAY_MORNING as NOW
from tests.factories.cases import person, submit
from tests.factories.organizations import make_tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def token(n: int) -> Voter:
    return Voter(device_token=f"device-token-{n:08d}-abcdef")


@pytest.fixture
def call(tree: Any, worker: Any) -> SuggestionCall:
    return sv.open_call(
        tree["c1"],
        title="Make Elm Road greener",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 3, 31),
        support_threshold=2,
        actor=worker,
    )


def propose(call: SuggestionCall, n: int = 1) -> Proposal:
    draft = sv.ProposalDraft(title=f"Idea {n}", text="Plant plane trees.", address="Elm Road 3")
    return sv.submit_proposal(call, draft, voter=token(n))


def reach_threshold(proposal: Proposal) -> Proposal:
    for n in (21, 22):
        sv.support_proposal(proposal, voter=token(n))
    proposal.refresh_from_db()
    return proposal


def test_proposals_at_the_threshold_are_in_the_units_todo_earliest_deadline_first(
    call: SuggestionCall, worker: Any, tree: Any
) -> None:
    first, second, quiet = propose(call, 1), propose(call, 2), propose(call, 3)
    reach_threshold(first)
    with clock.at(NOW + dt.timedelta(days=1)):
        reach_threshold(second)
    outsider = person("other", Role.HANDLER, tree["s2"])
    above = person("streethandler", Role.HANDLER, tree["s1"])

    assert list(review.answers_due(worker)) == [first, second]
    assert list(review.answers_due(above)) == [first, second]  # a role covers the subtree
    assert list(review.answers_due(outsider)) == []
    assert quiet.status == "submitted"


def test_official_answer_adopted_starts_the_follow_through_until_implemented(
    call: SuggestionCall, worker: Any
) -> None:
    proposal = reach_threshold(propose(call))

    answered = review.answer_proposal(
        proposal, outcome="adopted", answer="We plant 12 trees in April.", actor=worker
    )
    assert (answered.status, answered.outcome, answered.implementation) == (
        "answered",
        "adopted",
        "planned",
    )
    assert list(review.answers_due(worker)) == []
    review.update_implementation(
        proposal, implementation="in_progress", note="Trees ordered.", actor=worker
    )
    review.update_implementation(proposal, implementation="done", note="Planted.", actor=worker)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.implementation, proposal.follow_through) == (
        "implemented",
        "done",
        "Planted.",
    )
    assert proposal.implemented_at == NOW
    assert list(
        ProposalUpdate.objects.filter(proposal=proposal).values_list("implementation", flat=True)
    ) == [
        "in_progress",
        "done",
    ]
    audit = AuditEntry.objects.get(action="deliberation.proposal.answered")
    assert audit.data == {"outcome": "adopted", "was_due": True, "late": False}


def test_an_answer_is_given_once(call: SuggestionCall, worker: Any) -> None:
    proposal = propose(call)
    review.answer_proposal(proposal, outcome="not_adopted", answer="No budget.", actor=worker)

    with pytest.raises(DeliberationError) as err:
        review.answer_proposal(proposal, outcome="adopted", answer="Changed mind.", actor=worker)

    assert (err.value.code, err.value.status) == ("proposal_already_answered", 409)
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.answer) == ("not_adopted", "No budget.")


def test_a_not_adopted_proposal_has_no_follow_through(call: SuggestionCall, worker: Any) -> None:
    proposal = propose(call)
    review.answer_proposal(proposal, outcome="not_adopted", answer="Road too narrow.", actor=worker)

    with pytest.raises(DeliberationError) as err:
        review.update_implementation(proposal, implementation="done", note="x", actor=worker)

    assert err.value.code == "proposal_not_adopted"
    assert ProposalUpdate.objects.count() == 0


def test_a_resident_cannot_answer(call: SuggestionCall) -> None:
    proposal = propose(call)
    resident = person("resident", Role.VOLUNTEER_ORGANIZER, make_tree("X")["c1"])

    with pytest.raises(DeliberationError) as err:
        review.answer_proposal(proposal, outcome="adopted", answer="Yes", actor=resident)

    assert err.value.status == 403
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer) == ("submitted", "")


def test_a_proposal_becomes_a_suggestion_case_through_intake_once(
    call: SuggestionCall, worker: Any
) -> None:
    proposal = propose(call)

    case = review.proposal_to_case(proposal, actor=worker)

    assert (case.kind, case.status, case.subject, case.address) == (
        "suggestion",
        "received",
        "Idea 1",
        "Elm Road 3",
    )
    assert (case.anonymous, case.resident) == (True, None)
    proposal.refresh_from_db()
    assert proposal.case == case
    with pytest.raises(DeliberationError) as err:
        review.proposal_to_case(proposal, actor=worker)
    assert err.value.code == "proposal_case_linked"
    assert Case.objects.count() == 1


def test_a_case_the_staff_can_see_is_promoted_to_a_proposal_without_the_residents_identity(
    call: SuggestionCall, tree: Any
) -> None:
    dispatcher = person("dispatcher", Role.DISPATCHER, tree["city"])
    person_both = dispatcher
    org.grant_role(person_both, unit=tree["c1"], role=Role.HANDLER, actor=None)
    case = submit(kind="suggestion", subject="More benches", description="Near the market.")

    proposal = review.promote_case(case.pk, call=call, actor=person_both)

    assert (proposal.channel, proposal.case, proposal.title, proposal.text) == (
        "case",
        case,
        "More benches",
        "Near the market.",
    )
    assert (proposal.author, proposal.author_name) == (None, "")
    with pytest.raises(DeliberationError) as err:
        review.promote_case(case.pk, call=call, actor=person_both)
    assert err.value.code == "proposal_case_linked"


def test_a_confidential_case_is_never_promoted(call: SuggestionCall, tree: Any) -> None:
    staff = person("dispatcher", Role.DISPATCHER, tree["city"])
    org.grant_role(staff, unit=tree["c1"], role=Role.HANDLER, actor=None)
    case = submit(subject="Neighbour", confidential=True)

    with pytest.raises(DeliberationError) as err:
        review.promote_case(case.pk, call=call, actor=staff)

    assert (err.value.code, err.value.status) == ("case_confidential", 409)
    assert Proposal.objects.count() == 0


def test_a_case_the_worker_cannot_see_is_not_found(call: SuggestionCall, worker: Any) -> None:
    case = submit(subject="Somewhere else")

    with pytest.raises(Exception) as err:
        review.promote_case(case.pk, call=call, actor=worker)

    assert getattr(err.value, "status", None) == 404
    assert Proposal.objects.count() == 0
