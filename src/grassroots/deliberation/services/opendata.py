"""Polis openData in and out: import a conversation directory, export one.

Statement and participant `number`s are Polis's `comment-id` and `voter-id`/`participant`,
so a conversation exported after an import carries the same ids as the original.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.organizations.models import Unit

from ..enums import ModerationMode, StatementStatus
from ..errors import invalid
from ..models import (
    Conversation,
    ConversationMath,
    Participant,
    ParticipantVote,
    Statement,
    VoteEvent,
)
from ..permissions import require_moderator
from ._common import user_of

BATCH = 5000
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class _Loaded:
    votes: list[tuple[int, int, int]]
    times: list[datetime | None]
    comments: dict[Any, dict[str, str]]


def _int_id(value: Any, what: str) -> int:
    if isinstance(value, int) and value >= 0:
        return value
    raise invalid(_("%(what)s: “%(value)s” is not a Polis id.") % {"what": what, "value": value})


def _vote_times(path: Path) -> list[datetime | None]:
    with path.open(newline="", encoding="utf-8") as handle:
        stamps = sorted(float(r["timestamp"] or 0) for r in csv.DictReader(handle))
    return [datetime.fromtimestamp(ms / 1000, tz=UTC) if ms else None for ms in stamps]


def read_directory(directory: Path) -> _Loaded:
    """Votes (chronological, with times when known) and comments of an openData directory."""
    from ..polis.opendata import read_comments, read_participants_votes, read_votes_csv

    votes_path, pv_path = directory / "votes.csv", directory / "participants-votes.csv"
    try:
        if votes_path.exists():
            raw = read_votes_csv(votes_path)
            times = _vote_times(votes_path)
        elif pv_path.exists():
            raw = read_participants_votes(pv_path).votes
            times = [None] * len(raw)
        else:
            raise invalid(_("%s: no votes.csv or participants-votes.csv.") % directory)
        comments_path = directory / "comments.csv"
        comments = read_comments(comments_path)[0] if comments_path.exists() else {}
    except KeyError as exc:
        raise invalid(_("Missing column %s in the openData files.") % exc) from exc
    except ValueError as exc:
        raise invalid(_("Unreadable value in the openData files: %s") % exc) from exc
    votes = [(_int_id(p, "voter-id"), _int_id(s, "comment-id"), v) for p, s, v in raw]
    return _Loaded(votes, times, comments)


def _status(row: dict[str, str] | None) -> str:
    moderated = (row or {}).get("moderated", "").strip()
    if moderated == "-1":
        return StatementStatus.REJECTED
    return StatementStatus.ACCEPTED if moderated == "1" else StatementStatus.PENDING


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _create_statements(conv: Conversation, data: _Loaded) -> dict[int, Statement]:
    numbers = sorted(
        {int(c) for c in data.comments if isinstance(c, int)} | {s for _, s, _ in data.votes}
    )
    rows = [
        Statement(
            conversation=conv,
            number=n,
            text=(data.comments.get(n) or {}).get("comment-body", "") or f"#{n}",
            status=_status(data.comments.get(n)),
        )
        for n in numbers
    ]
    Statement.objects.bulk_create(rows, batch_size=BATCH)
    return {s.number: s for s in Statement.objects.filter(conversation=conv)}


def _create_participants(conv: Conversation, data: _Loaded) -> dict[int, int]:
    numbers = sorted({p for p, _, _ in data.votes})
    Participant.objects.bulk_create(
        [Participant(conversation=conv, number=n) for n in numbers], batch_size=BATCH
    )
    return dict(Participant.objects.filter(conversation=conv).values_list("number", "pk"))


def _create_votes(
    conv: Conversation,
    data: _Loaded,
    statements: dict[int, Statement],
    participants: dict[int, int],
    progress: Progress,
) -> None:
    now = clock.now()
    events = [
        VoteEvent(
            conversation=conv,
            participant_id=participants[p],
            statement_id=statements[s].pk,
            value=v,
            at=at or now,
        )
        for (p, s, v), at in zip(data.votes, data.times, strict=True)
    ]
    done = 0
    for batch in _batches(events):
        VoteEvent.objects.bulk_create(batch)
        done += len(batch)
        progress("votes", done, len(events))
    latest = {(e.participant_id, e.statement_id): e for e in events}  # last vote wins
    current = [
        ParticipantVote(
            conversation=conv,
            participant_id=e.participant_id,
            statement_id=e.statement_id,
            value=e.value,
            at=e.at,
        )
        for e in latest.values()
    ]
    for batch in _batches(current):
        ParticipantVote.objects.bulk_create(batch)


def import_opendata(
    directory: Path,
    *,
    unit: Unit,
    title: str = "",
    actor: Any,
    progress: Progress | None = None,
) -> Conversation:
    """Load a Polis openData export as a new (open, strict) conversation owned by `unit`.

    Reading and validating happen before the write transaction; the math is then computed
    by the caller (or by the first recompute request).
    """
    if actor is not None:
        require_moderator(actor, unit)
    data = read_directory(directory)
    report = progress or (lambda stage, done, total: None)
    report("read", len(data.votes), len(data.votes))
    with transaction.atomic():
        conv = Conversation.objects.create(
            unit=unit,
            title=(title or directory.name)[:200],
            moderation=ModerationMode.STRICT,
            created_by=user_of(actor),
            source=str(directory)[:300],
        )
        statements = _create_statements(conv, data)
        participants = _create_participants(conv, data)
        _create_votes(conv, data, statements, participants, report)
        audit.record(
            "deliberation.conversation.imported",
            actor=actor,
            target=conv,
            summary=conv.title,
            data={"votes": len(data.votes), "statements": len(statements)},
        )
    return conv


# export ---------------------------------------------------------------------------------------

_MODERATED = {StatementStatus.REJECTED: -1, StatementStatus.PENDING: 0}


def _stamp(at: datetime) -> tuple[int, str]:
    return int(at.timestamp() * 1000), at.astimezone(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def _groups_by_number(conv: Conversation) -> dict[int, int]:
    """Participant number → group from the stored math (empty when none is stored)."""
    math = ConversationMath.objects.filter(pk=conv.pk).values_list("data", flat=True).first()
    people = (math or {}).get("participants") or {}
    by_pk = {
        pk: g
        for pk, g in zip(people.get("ids", []), people.get("group", []), strict=True)
        if g is not None
    }
    numbers = dict(Participant.objects.filter(conversation=conv).values_list("pk", "number"))
    return {numbers[pk]: g for pk, g in by_pk.items() if pk in numbers}


def write_opendata(conv: Conversation, directory: Path) -> list[Path]:
    """Write comments.csv, votes.csv and participants-votes.csv; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    files = opendata_files(conv)
    paths = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def opendata_zip(conv: Conversation) -> bytes:
    """The three openData files in one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in opendata_files(conv).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def opendata_files(conv: Conversation) -> dict[str, str]:
    """File name → CSV text of the conversation in the Polis openData format."""
    statements = list(Statement.objects.filter(conversation=conv).select_related("author"))
    current = list(
        ParticipantVote.objects.filter(conversation=conv).values_list(
            "participant__number", "statement__number", "value"
        )
    )
    return {
        "comments.csv": _comments_csv(statements, current),
        "votes.csv": _votes_csv(conv),
        "participants-votes.csv": _participants_csv(conv, statements, current),
    }


def _csv(rows: Iterator[list[Any]] | list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _comments_csv(statements: list[Statement], current: list[tuple[int, int, int]]) -> str:
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    for _p, s, v in current:
        if v == 1:
            agrees[s] = agrees.get(s, 0) + 1
        elif v == -1:
            disagrees[s] = disagrees.get(s, 0) + 1
    header = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
    rows: list[list[Any]] = [[*header, "moderated", "comment-body"]]
    for st in statements:
        ms, text = _stamp(st.created_at)
        author = st.author.number if st.author else ""
        moderated = _MODERATED.get(StatementStatus(st.status), 1)
        rows.append(
            [
                ms,
                text,
                st.number,
                author,
                agrees.get(st.number, 0),
                disagrees.get(st.number, 0),
                moderated,
                st.text,
            ]
        )
    return _csv(rows)


def _votes_csv(conv: Conversation) -> str:
    events = (
        VoteEvent.objects.filter(conversation=conv)
        .order_by("id")
        .values_list("at", "statement__number", "participant__number", "value")
    )
    rows: list[list[Any]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    for at, s, p, v in events.iterator(chunk_size=5000):
        rows.append([*_stamp(at), s, p, v])
    return _csv(rows)


def _participants_csv(
    conv: Conversation, statements: list[Statement], current: list[tuple[int, int, int]]
) -> str:
    sids = [st.number for st in statements]
    authored: dict[int, int] = {}
    for st in statements:
        if st.author:
            authored[st.author.number] = authored.get(st.author.number, 0) + 1
    votes: dict[int, dict[int, int]] = {}
    for p, s, v in current:
        votes.setdefault(p, {})[s] = v
    groups = _groups_by_number(conv)
    fixed = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    rows: list[list[Any]] = [[*fixed, *sids]]
    for p in sorted(votes):
        mine = votes[p]
        values = list(mine.values())
        rows.append(
            [
                p,
                groups.get(p, ""),
                authored.get(p, 0),
                len(values),
                values.count(1),
                values.count(-1),
                *[mine.get(s, "") for s in sids],
            ]
        )
    return _csv(rows)
