"""Conversations: opening, statements and moderation, votes, next statement, math, API."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.deliberation import services, tasks
from grassroots.deliberation.errors import DeliberationError
from grassroots.deliberation.models import (
    Conversation,
    ConversationMath,
    Participant,
    ParticipantVote,
    Statement,
    VoteEvent,
)
from grassroots.deliberation.services import Voter
from grassroots.deliberation.tasks import request_recompute
from grassroots.organizations.enums import Role
from tests.cases.conftest import Api
from tests.factories.cases import person
from tests.factories.organizations import UserFactory, make_tree

pytestmark = pytest.mark.django_db
TOKEN = "device-token-0123456789"


@pytest.fixture
def tree() -> Any:
    return make_tree()


@pytest.fixture
def moderator(tree: Any) -> Any:
    return person("streetadmin", Role.SUPERVISOR, tree["s1"])


@pytest.fixture
def conv(tree: Any, moderator: Any) -> Any:
    return services.open_conversation(
        tree["c1"],
        title="Parking on Elm Road",
        seeds=["Cars should not park on the pavement", "We need more parking", "Build a garage"],
        actor=moderator,
    )


def _seeds(conv: Any) -> list[Statement]:
    return list(Statement.objects.filter(conversation=conv).order_by("number"))


def test_moderator_opens_conversation_with_numbered_seed_statements(conv: Any) -> None:
    statements = _seeds(conv)

    assert [(s.number, s.status) for s in statements] == [(0, "seed"), (1, "seed"), (2, "seed")]
    assert AuditEntry.objects.filter(action="deliberation.conversation.opened").count() == 1


def test_staff_of_another_branch_cannot_open_a_conversation(tree: Any) -> None:
    outsider = person("other", Role.HANDLER, tree["s2"])

    with pytest.raises(DeliberationError) as err:
        services.open_conversation(tree["c1"], title="X", actor=outsider)

    assert (err.value.code, err.value.status) == ("deliberation_forbidden", 403)
    assert AuditEntry.objects.filter(action="deliberation.conversation.opened").count() == 0


def test_participant_statement_waits_for_moderation_then_is_accepted(
    conv: Any, moderator: Any
) -> None:
    statement = services.add_statement(conv, text="Add bike racks", voter=Voter(device_token=TOKEN))
    assert statement.status == "pending"

    services.moderate_statement(statement, accept=True, actor=moderator)

    statement.refresh_from_db()
    assert (statement.status, statement.moderated_by) == ("accepted", moderator)


def test_moderator_statement_is_accepted_at_once(conv: Any, moderator: Any) -> None:
    statement = services.add_statement(conv, text="Time limits", voter=Voter(user=moderator))

    assert (statement.status, statement.author) == ("accepted", None)


def test_pending_statement_is_not_votable_in_strict_mode(conv: Any) -> None:
    statement = services.add_statement(conv, text="Add bike racks", voter=Voter(device_token=TOKEN))

    with pytest.raises(DeliberationError) as err:
        services.cast_vote(statement, value=1, voter=Voter(device_token=TOKEN))

    assert err.value.code == "statement_not_votable"
    assert ParticipantVote.objects.count() == 0


def test_last_vote_wins_and_every_vote_is_kept_in_history(conv: Any) -> None:
    first = _seeds(conv)[0]
    voter = Voter(device_token=TOKEN)

    services.cast_vote(first, value=1, voter=voter)
    services.cast_vote(first, value=-1, voter=voter)

    assert list(ParticipantVote.objects.values_list("value", flat=True)) == [-1]
    assert list(VoteEvent.objects.order_by("id").values_list("value", flat=True)) == [1, -1]
    assert Participant.objects.get().token_hash != TOKEN


def test_anonymous_vote_without_token_is_refused(conv: Any) -> None:
    with pytest.raises(DeliberationError) as err:
        services.cast_vote(_seeds(conv)[0], value=1, voter=Voter())

    assert (err.value.code, err.value.status) == ("participant_required", 401)
    assert Participant.objects.count() == 0


def test_closed_conversation_refuses_votes(conv: Any, moderator: Any) -> None:
    services.close_conversation(conv, actor=moderator)
    conv.refresh_from_db()

    with pytest.raises(DeliberationError) as err:
        services.cast_vote(_seeds(conv)[0], value=1, voter=Voter(device_token=TOKEN))

    assert err.value.code == "conversation_closed"
    assert VoteEvent.objects.count() == 0


def test_next_statement_skips_what_the_voter_has_voted_on(conv: Any) -> None:
    voter = Voter(device_token=TOKEN)
    seeds = _seeds(conv)
    services.cast_vote(seeds[0], value=1, voter=voter)
    services.cast_vote(seeds[2], value=0, voter=voter)

    shown = services.next_statement(conv, voter=voter, seed=3)

    assert shown == seeds[1]


def test_next_statement_is_none_when_everything_is_voted(conv: Any) -> None:
    voter = Voter(device_token=TOKEN)
    for statement in _seeds(conv):
        services.cast_vote(statement, value=1, voter=voter)

    assert services.next_statement(conv, voter=voter) is None


def _two_camps(conv: Any, people: int = 20) -> list[Statement]:
    """Half the people agree with even statements and disagree with odd ones, half the
    opposite; each person passes on one statement so that no two vote alike."""
    statements = _seeds(conv)
    for number in range(3, 8):
        statements.append(
            Statement.objects.create(
                conversation=conv, number=number, text=f"S{number}", status="accepted"
            )
        )
    for p in range(people):
        voter = Voter(device_token=f"{TOKEN}-{p:03d}")
        for st in statements:
            camp = 1 if p < people // 2 else -1
            value = 0 if st.number == p % 8 else camp if st.number % 2 == 0 else -camp
            services.cast_vote(st, value=value, voter=voter)
    return statements


def _voted_and_computed(conv: Any, capture: Callable[..., Any]) -> list[Statement]:
    """Two camps vote; then the last after-commit recompute request runs (the others would
    only repeat it)."""
    with capture() as callbacks:
        statements = _two_camps(conv)
    callbacks[-1]()
    return statements


def test_a_pending_recompute_is_not_requested_twice(conv: Any) -> None:
    Conversation.objects.filter(pk=conv.pk).update(
        math_requested=True, math_requested_at=clock.now()
    )

    enqueued = request_recompute(conv.pk)

    assert enqueued is False
    assert not ConversationMath.objects.filter(pk=conv.pk).exists()


def test_a_failed_enqueue_leaves_no_stuck_flag_and_the_next_request_recomputes(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: Any
) -> None:
    with django_capture_on_commit_callbacks():
        _two_camps(conv)

    class BrokenQueue:
        def enqueue(self, *args: Any) -> None:
            raise ConnectionError("queue down")

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "recompute_conversation", BrokenQueue())
        assert request_recompute(conv.pk) is False
    assert Conversation.objects.get(pk=conv.pk).math_requested is False
    assert not ConversationMath.objects.filter(pk=conv.pk).exists()

    assert request_recompute(conv.pk) is True
    assert ConversationMath.objects.get(pk=conv.pk).vote_seq == VoteEvent.objects.latest("id").pk


def test_a_flag_left_by_a_lost_task_is_claimed_again_once_stale(conv: Any) -> None:
    with transaction.atomic():  # votes only; their after-commit requests are dropped
        _two_camps(conv, people=6)
        transaction.get_connection().run_on_commit = []
    long_ago = clock.now() - tasks.STALE_REQUEST - timedelta(seconds=1)
    Conversation.objects.filter(pk=conv.pk).update(math_requested=True, math_requested_at=long_ago)

    assert request_recompute(conv.pk) is True
    assert ConversationMath.objects.get(pk=conv.pk).vote_seq == VoteEvent.objects.latest("id").pk
    stored = Conversation.objects.get(pk=conv.pk)
    assert (stored.math_requested, stored.math_requested_at) == (False, None)


def test_editing_the_conversation_does_not_make_a_lost_request_look_fresh(conv: Any) -> None:
    long_ago = clock.now() - tasks.STALE_REQUEST - timedelta(seconds=1)
    Conversation.objects.filter(pk=conv.pk).update(math_requested=True, math_requested_at=long_ago)
    edited = Conversation.objects.get(pk=conv.pk)
    edited.title = "Parking on Elm Road and Oak Lane"
    edited.save()  # bumps updated_at to now

    assert request_recompute(conv.pk) is True
    assert Conversation.objects.get(pk=conv.pk).math_requested is False


def test_a_request_stamps_when_it_was_made(conv: Any, monkeypatch: Any) -> None:
    queue = _CountingQueue()
    monkeypatch.setattr(tasks, "recompute_conversation", queue)
    moment = clock.now().replace(microsecond=0)

    with clock.at(moment):
        assert request_recompute(conv.pk) is True

    stored = Conversation.objects.get(pk=conv.pk)
    assert (stored.math_requested, stored.math_requested_at) == (True, moment)
    assert queue.calls == [conv.pk]


class _CountingQueue:
    """Stands in for the task: records enqueues, never runs them (a slow worker)."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def enqueue(self, conversation_id: int) -> None:
        self.calls.append(conversation_id)


def test_results_reads_behind_the_votes_leave_at_most_one_recompute_pending(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: Any
) -> None:
    with django_capture_on_commit_callbacks():  # the votes' own requests are never run
        _two_camps(conv, people=6)
    queue = _CountingQueue()
    monkeypatch.setattr(tasks, "recompute_conversation", queue)
    path = f"/deliberation/conversations/{conv.pk}/results"

    statuses = [Api().get(path).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert queue.calls == [conv.pk]
    assert Conversation.objects.get(pk=conv.pk).math_requested is True
    assert not ConversationMath.objects.filter(pk=conv.pk).exists()


def test_results_read_after_a_lost_request_enqueues_exactly_one_more(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: Any
) -> None:
    with django_capture_on_commit_callbacks():
        _two_camps(conv, people=6)
    queue = _CountingQueue()
    monkeypatch.setattr(tasks, "recompute_conversation", queue)
    path = f"/deliberation/conversations/{conv.pk}/results"
    Api().get(path)
    later = clock.now() + tasks.STALE_REQUEST + timedelta(seconds=1)

    with clock.at(later):
        Api().get(path)
        Api().get(path)

    assert queue.calls == [conv.pk, conv.pk]
    assert Conversation.objects.get(pk=conv.pk).math_requested_at == later


def test_reading_results_behind_the_votes_requests_the_missing_recompute(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks():  # the requests are captured, never run
        _two_camps(conv, people=6)
    assert not ConversationMath.objects.filter(pk=conv.pk).exists()

    assert tasks.refresh_if_behind(conv.pk) is True
    assert ConversationMath.objects.get(pk=conv.pk).vote_seq == VoteEvent.objects.latest("id").pk
    assert tasks.refresh_if_behind(conv.pk) is False


def test_votes_request_a_background_recompute_that_stores_the_math(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _voted_and_computed(conv, django_capture_on_commit_callbacks)

    math = ConversationMath.objects.get(pk=conv.pk)
    groups = math.data["participants"]["group"]
    assert len(math.data["group-clusters"]) == 2
    assert len(set(groups[:10])) == 1 and len(set(groups[10:])) == 1
    assert groups[0] != groups[10]
    assert math.vote_seq == VoteEvent.objects.latest("id").pk


def test_vote_returns_the_group_of_a_clustered_voter(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    statements = _voted_and_computed(conv, django_capture_on_commit_callbacks)
    groups = ConversationMath.objects.get(pk=conv.pk).data["participants"]["group"]

    outcome = services.cast_vote(statements[0], value=1, voter=Voter(device_token=f"{TOKEN}-000"))

    assert outcome.group == groups[0]


# API -----------------------------------------------------------------------------------------


def test_api_anonymous_device_votes_and_gets_next_statement(conv: Any) -> None:
    api = Api()
    first = _seeds(conv)[0]

    voted = api.post(
        f"/deliberation/conversations/{conv.pk}/votes",
        {"statement": first.pk, "value": 1},
        headers={"X-Device-Token": TOKEN},
    )
    following = api.client.get(
        f"/api/v1/deliberation/conversations/{conv.pk}/next", headers={"X-Device-Token": TOKEN}
    )

    assert voted.status_code == 200
    assert voted.json() == {"statement": first.pk, "value": 1, "participant": 0, "group": None}
    assert following.json()["remaining"] == 2
    assert following.json()["statement"]["id"] != first.pk


def test_api_vote_without_token_is_401_and_changes_nothing(conv: Any) -> None:
    response = Api().post(
        f"/deliberation/conversations/{conv.pk}/votes",
        {"statement": _seeds(conv)[0].pk, "value": 1},
    )

    assert response.status_code == 401
    assert response.json()["code"] == "participant_required"
    assert VoteEvent.objects.count() == 0


def test_api_bad_vote_value_is_422(conv: Any) -> None:
    response = Api(UserFactory()).post(
        f"/deliberation/conversations/{conv.pk}/votes",
        {"statement": _seeds(conv)[0].pk, "value": 2},
    )

    assert (response.status_code, response.json()["code"]) == (422, "invalid_deliberation_input")


def test_api_staff_opens_and_resident_cannot(tree: Any, moderator: Any) -> None:
    body = {"unit": tree["c1"].code, "title": "Trees", "seeds": ["Plant more trees"]}

    refused = Api(UserFactory(username="resident")).post("/deliberation/conversations", body)
    opened = Api(moderator).post("/deliberation/conversations", body)

    assert refused.status_code == 403
    assert opened.status_code == 201
    assert (opened.json()["statements"], opened.json()["may_moderate"]) == (1, True)


def test_api_moderation_queue_and_rejection(conv: Any, moderator: Any) -> None:
    added = Api().post(
        f"/deliberation/conversations/{conv.pk}/statements",
        {"text": "Ban all cars"},
        headers={"X-Device-Token": TOKEN},
    )
    sid = added.json()["id"]
    queue = Api(moderator).get(
        f"/deliberation/conversations/{conv.pk}/statements", status="pending"
    )

    rejected = Api(moderator).post(
        f"/deliberation/conversations/{conv.pk}/statements/{sid}/moderate", {"accept": False}
    )
    public = Api().get(f"/deliberation/conversations/{conv.pk}/statements")

    assert (added.status_code, added.json()["status"]) == (201, "pending")
    assert [s["id"] for s in queue.json()] == [sid]
    assert rejected.json()["status"] == "rejected"
    assert sid not in [s["id"] for s in public.json()]


def test_api_results_show_groups_points_and_consensus(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _voted_and_computed(conv, django_capture_on_commit_callbacks)

    body = Api().get(f"/deliberation/conversations/{conv.pk}/results").json()

    assert body["version"] >= 1
    assert len(body["groups"]) == 2
    assert sorted(g["members"] for g in body["groups"]) == [10, 10]
    assert len(body["points"]) == 20
    assert all(g["repness"] for g in body["groups"])


def test_api_export_is_a_polis_opendata_zip(conv: Any, moderator: Any) -> None:
    services.cast_vote(_seeds(conv)[1], value=-1, voter=Voter(device_token=TOKEN))

    refused = Api(UserFactory(username="resident")).get(
        f"/deliberation/conversations/{conv.pk}/export"
    )
    response = Api(moderator).get(f"/deliberation/conversations/{conv.pk}/export")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert refused.status_code == 403
    assert sorted(archive.namelist()) == ["comments.csv", "participants-votes.csv", "votes.csv"]
    pv = archive.read("participants-votes.csv").decode().splitlines()
    assert pv == [
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2",
        "0,,0,1,0,1,,-1,",
    ]
