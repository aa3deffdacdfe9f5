"""`grassroots deliberation import-polis | cluster | export` on real Polis openData."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grassroots.deliberation.models import Conversation, ConversationMath, ParticipantVote
from grassroots.deliberation.polis import read_participants_votes
from tests.factories.organizations import UnitFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("deliberation", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def brexit(shared_data: Path) -> Path:
    return shared_data / "polis" / "openData" / "brexit-consensus"


def test_import_polis_loads_statements_participants_votes_and_math(brexit: Path) -> None:
    UnitFactory(code="CITY")

    out = _run("import-polis", str(brexit), "--title", "Brexit")

    conv = Conversation.objects.get()
    assert out.splitlines()[0] == f"conversation {conv.pk}: 50 statements, 204 participants"
    assert conv.title == "Brexit"
    assert (
        ParticipantVote.objects.filter(conversation=conv).count() == 5303
    )  # distinct (participant, statement) pairs of 5312 votes
    assert ConversationMath.objects.get(pk=conv.pk).data["n"] == 204


def test_exported_participants_votes_match_the_original(brexit: Path, tmp_path: Path) -> None:
    UnitFactory(code="CITY")
    _run("import-polis", str(brexit), "--no-math")
    conv = Conversation.objects.get()

    _run("export", str(conv.pk), "--out", str(tmp_path))

    ours = read_participants_votes(tmp_path / "participants-votes.csv").votes
    theirs = read_participants_votes(brexit / "participants-votes.csv").votes
    assert sorted(ours) == sorted(theirs)


def test_cluster_writes_groups_and_prints_the_ari(brexit: Path, tmp_path: Path) -> None:
    target = tmp_path / "groups.csv"

    out = _run(
        "cluster",
        "--participants-votes",
        str(brexit / "participants-votes.csv"),
        "--out",
        str(target),
    )

    rows = list(csv.reader(target.open()))
    assert rows[0] == ["participant", "group"]
    assert len(rows) == 205
    assert out.splitlines()[-1] == "ari=0.6574"  # Polis's start (see test_polis_opendata)


def test_cluster_with_the_best_start(brexit: Path, tmp_path: Path) -> None:
    pv, target = str(brexit / "participants-votes.csv"), str(tmp_path / "groups.csv")

    out = _run("cluster", "--participants-votes", pv, "--out", target, "--start", "best")

    assert out.splitlines()[-1] == "ari=0.8777"


def test_cluster_of_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        _run(
            "cluster",
            "--participants-votes",
            str(tmp_path / "nope.csv"),
            "--out",
            str(tmp_path / "o.csv"),
        )


def test_cluster_without_participant_column_is_a_command_error(tmp_path: Path) -> None:
    bad = tmp_path / "participants-votes.csv"
    bad.write_text("who,group-id,0\n1,0,1\n")

    with pytest.raises(CommandError, match="missing column 'participant'"):
        _run("cluster", "--participants-votes", str(bad), "--out", str(tmp_path / "o.csv"))


def test_import_of_a_directory_without_votes_changes_nothing(tmp_path: Path) -> None:
    UnitFactory(code="CITY")

    with pytest.raises(CommandError, match=r"no votes\.csv or participants-votes\.csv"):
        _run("import-polis", str(tmp_path))

    assert Conversation.objects.count() == 0


def test_import_from_participants_votes_only(tmp_path: Path, brexit: Path) -> None:
    UnitFactory(code="CITY")
    (tmp_path / "participants-votes.csv").write_text(
        (brexit / "participants-votes.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )

    out: Any = _run("import-polis", str(tmp_path), "--no-math")

    assert out.splitlines()[0].endswith("50 statements, 204 participants")
