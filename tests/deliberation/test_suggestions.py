"""Suggestion collection: calls, proposals, photos, support and its threshold, comments,
moderation and offline entry (services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from grassroots.core.models import AuditEntry
from grassroots.deliberation.errors import DeliberationError
from grassroots.deliberation.models import (
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
    SuggestionCall,
)
from grassroots.deliberation.services import suggestions as sv
from grassroots.deliberation.services.conversations import Voter
from grassroots.organizations.enums import Role
from tests.deliberation.conftest import MONDAY_MORNING as NOW
from tests.factories.cases import person
from tests.factories.organizations import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def token(n: int) -> Voter:
    return Voter(device_token=f"device-token-{n:08d}-abcdef")


@pytest.fixture
def call(tree: Any, worker: Any) -> SuggestionCall:
    return sv.open_call(
        tree["c1"],
        title="Make Elm Road greener",
        description="Where should the new trees and benches go?",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 3, 31),
        support_threshold=3,
        answer_days=10,
        actor=worker,
    )


def propose(call: SuggestionCall, n: int = 1, **kw: Any) -> Proposal:
    draft = sv.ProposalDraft(title=kw.pop("title", f"Idea {n}"), text="Plant plane trees.", **kw)
    return sv.submit_proposal(call, draft, voter=token(n))


def test_staff_of_the_unit_open_a_call_and_it_accepts_proposals_in_its_period(
    call: SuggestionCall,
) -> None:
    assert (call.status, call.support_threshold, call.answer_days) == ("open", 3, 10)
    assert sv.accepts_proposals(call) is True
    assert sv.accepts_proposals(call, on=dt.date(2026, 4, 1)) is False
    assert sv.accepts_proposals(call, on=dt.date(2026, 2, 28)) is False
    assert AuditEntry.objects.filter(action="deliberation.call.opened").count() == 1


def test_staff_of_another_branch_cannot_open_a_call(tree: Any) -> None:
    outsider = person("other", Role.HANDLER, tree["s2"])

    with pytest.raises(DeliberationError) as err:
        sv.open_call(
            tree["c1"],
            title="X",
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 2),
            actor=outsider,
        )

    assert (err.value.code, err.value.status) == ("deliberation_forbidden", 403)
    assert SuggestionCall.objects.count() == 0


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"closes_on": dt.date(2026, 2, 1)}, "closes_on"),
        ({"support_threshold": 0}, "support_threshold"),
        ({"answer_days": 0}, "answer_days"),
        ({"title": "  "}, "title"),
    ],
)
def test_a_bad_call_is_refused_and_nothing_is_stored(
    tree: Any, worker: Any, kw: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {
        "title": "Benches",
        "opens_on": dt.date(2026, 3, 1),
        "closes_on": dt.date(2026, 3, 31),
        **kw,
    }
    with pytest.raises(DeliberationError) as err:
        sv.open_call(tree["c1"], actor=worker, **fields)

    assert err.value.code == "invalid_deliberation_input"
    assert message in err.value.message
    assert SuggestionCall.objects.count() == 0


def test_resident_proposes_with_a_photo_and_is_its_author(call: SuggestionCall) -> None:
    photo = SimpleUploadedFile("tree.png", PNG, content_type="image/png")
    draft = sv.ProposalDraft(title="Trees by the school", text="Shade for children.")

    proposal = sv.submit_proposal(call, draft, voter=token(1), photos=[photo])

    assert (proposal.channel, proposal.status, proposal.author) == ("online", "submitted", None)
    assert sv.is_author(proposal, token(1)) is True
    assert sv.is_author(proposal, token(2)) is False
    stored = ProposalPhoto.objects.get(proposal=proposal)
    assert (stored.content_type, stored.size) == ("image/png", len(PNG))
    assert stored.file.name.endswith(".png") and "tree" not in stored.file.name


def test_a_file_that_is_not_a_photo_refuses_the_whole_proposal(call: SuggestionCall) -> None:
    pdf = SimpleUploadedFile("x.png", b"%PDF-1.4 not a photo", content_type="image/png")

    with pytest.raises(DeliberationError) as err:
        sv.submit_proposal(
            call, sv.ProposalDraft(title="A", text="B"), voter=token(1), photos=[pdf]
        )

    assert (err.value.code, err.value.status) == ("photo_refused", 415)
    assert Proposal.objects.count() == 0


def test_without_login_or_device_token_a_resident_cannot_propose(call: SuggestionCall) -> None:
    with pytest.raises(DeliberationError) as err:
        sv.submit_proposal(call, sv.ProposalDraft(title="A", text="B"), voter=Voter())

    assert (err.value.code, err.value.status) == ("participant_required", 401)
    assert Proposal.objects.count() == 0


def test_a_closed_call_takes_no_proposals(call: SuggestionCall, worker: Any) -> None:
    sv.close_call(call, actor=worker)

    with pytest.raises(DeliberationError) as err:
        propose(call)

    assert (err.value.code, err.value.status) == ("call_not_open", 409)
    assert Proposal.objects.count() == 0


def test_support_reaching_the_threshold_makes_an_answer_due_in_working_days(
    call: SuggestionCall,
) -> None:
    proposal = propose(call)
    outcomes = [sv.support_proposal(proposal, voter=token(n)) for n in (11, 12, 13)]

    assert [o.answer_now_due for o in outcomes] == [False, False, True]
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.status) == (3, "answer_required")
    assert proposal.threshold_reached_at == NOW
    # 10 working days after Monday 2 March 2026: the close of Monday 16 March (Beijing time).
    assert proposal.answer_due is not None
    assert proposal.answer_due.date() == dt.date(2026, 3, 16)
    assert AuditEntry.objects.filter(action="deliberation.proposal.answer_required").count() == 1


def test_one_support_per_person_for_devices_and_accounts(call: SuggestionCall) -> None:
    proposal = propose(call)
    resident = UserFactory(username="resident")
    sv.support_proposal(proposal, voter=token(5))
    sv.support_proposal(proposal, voter=Voter(user=resident))

    for again in (token(5), Voter(user=resident)):
        with pytest.raises(DeliberationError) as err:
            sv.support_proposal(proposal, voter=again)
        assert (err.value.code, err.value.status) == ("already_supported", 409)

    proposal.refresh_from_db()
    assert proposal.support_count == 2
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 2
    assert sv.has_supported(proposal, token(5)) is True
    assert sv.has_supported(proposal, token(6)) is False


def test_the_database_itself_refuses_a_second_support_and_a_support_without_identity(
    call: SuggestionCall,
) -> None:
    proposal = propose(call)
    ProposalSupport.objects.create(proposal=proposal, token_hash="a" * 64, at=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalSupport.objects.create(proposal=proposal, token_hash="a" * 64, at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalSupport.objects.create(proposal=proposal, token_hash="", at=NOW)

    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1


def test_hidden_proposal_cannot_be_supported_or_commented(
    call: SuggestionCall, worker: Any
) -> None:
    proposal = propose(call)
    sv.hide_proposal(proposal, reason="Advertising", actor=worker)

    with pytest.raises(DeliberationError) as err:
        sv.support_proposal(proposal, voter=token(9))
    assert err.value.status == 404
    proposal.refresh_from_db()
    with pytest.raises(DeliberationError):
        sv.add_comment(proposal, text="Good", voter=token(9))

    assert (proposal.support_count, ProposalComment.objects.count()) == (0, 0)
    assert (proposal.hidden_reason, proposal.hidden_by) == ("Advertising", worker)


def test_hiding_needs_a_reason_and_a_moderator_and_is_audited(
    call: SuggestionCall, worker: Any, tree: Any
) -> None:
    proposal = propose(call)
    outsider = person("other", Role.HANDLER, tree["s2"])

    with pytest.raises(DeliberationError) as no_reason:
        sv.hide_proposal(proposal, reason=" ", actor=worker)
    with pytest.raises(DeliberationError) as not_theirs:
        sv.hide_proposal(proposal, reason="Spam", actor=outsider)

    assert no_reason.value.code == "invalid_deliberation_input"
    assert not_theirs.value.status == 403
    proposal.refresh_from_db()
    assert proposal.hidden is False
    sv.hide_proposal(proposal, reason="Spam", actor=worker)
    sv.show_proposal(proposal, actor=worker)
    proposal.refresh_from_db()
    assert (proposal.hidden, proposal.hidden_reason) == (False, "")
    actions = list(
        AuditEntry.objects.filter(target_id=str(proposal.pk), action__contains="proposal.")
        .order_by("id")
        .values_list("action", "summary")
    )
    assert actions[-2:] == [
        ("deliberation.proposal.hidden", "Spam"),
        ("deliberation.proposal.shown", ""),
    ]


def test_comments_are_stored_and_moderators_hide_them_with_a_reason(
    call: SuggestionCall, worker: Any
) -> None:
    proposal = propose(call)
    comment = sv.add_comment(proposal, text="Yes, and a bench too.", voter=token(3))

    sv.hide_comment(comment, reason="Personal attack", actor=worker)

    comment.refresh_from_db()
    assert (comment.hidden, comment.hidden_reason, comment.hidden_by) == (
        True,
        "Personal attack",
        worker,
    )


def test_worker_enters_an_offline_suggestion_from_a_meeting_even_after_the_call_closed(
    call: SuggestionCall, worker: Any
) -> None:
    sv.close_call(call, actor=worker)
    draft = sv.ProposalDraft(
        title="Bench at the bus stop", text="Elderly wait standing.", author_name="王阿姨"
    )

    proposal = sv.record_offline_proposal(
        call, draft, source_note="Residents' meeting, 28 March, Elm Road hall", actor=worker
    )

    assert (proposal.channel, proposal.entered_by, proposal.author) == ("offline", worker, None)
    assert proposal.author_name == "王阿姨"
    assert proposal.source_note == "Residents' meeting, 28 March, Elm Road hall"
    entry = AuditEntry.objects.get(action="deliberation.proposal.entered_offline")
    assert entry.actor == worker


def test_a_resident_cannot_enter_offline_suggestions(call: SuggestionCall) -> None:
    resident = UserFactory(username="resident")

    with pytest.raises(DeliberationError) as err:
        sv.record_offline_proposal(
            call, sv.ProposalDraft(title="A", text="B"), source_note="x", actor=resident
        )

    assert err.value.status == 403
    assert Proposal.objects.count() == 0


def test_only_the_author_or_staff_add_photos_later(call: SuggestionCall, worker: Any) -> None:
    proposal = propose(call, 1)

    with pytest.raises(DeliberationError) as err:
        sv.add_photos(proposal, [SimpleUploadedFile("a.png", PNG)], voter=token(2))
    assert err.value.status == 403
    sv.add_photos(proposal, [SimpleUploadedFile("a.png", PNG)], voter=token(1))
    sv.add_photos(proposal, [SimpleUploadedFile("b.png", PNG)], voter=Voter(user=worker))

    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 2
    too_many = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(5)]
    with pytest.raises(DeliberationError) as err:
        sv.add_photos(proposal, too_many, voter=token(1))
    assert err.value.code == "photo_refused"
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 2
