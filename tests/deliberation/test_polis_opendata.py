"""Our clustering against Polis's group-id in the compdemocracy openData exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from grassroots.deliberation.polis import cluster_participants_votes

# Measured ARI (seed 0; moderated statements from comments.csv): 0.884, 0.971, 0.876, 0.109,
# 0.178, 0.919. football-concussions and london.youth.policing are where our silhouette picks
# 4 groups and Polis showed 2 and 3 (its k only changes after winning 4 updates in a row, and
# its k-means is warm-started from history).
ARI_FLOOR = {
    "15-per-hour-seattle": 0.8,
    "austria-climate.5twd2jsnkf.2022-08-08": 0.9,
    "brexit-consensus": 0.8,
    "football-concussions": 0.05,
    "london.youth.policing": 0.1,
    "scoop-hivemind.biodiversity": 0.85,
}
SLOW = {"austria-climate.5twd2jsnkf.2022-08-08"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in ARI_FLOOR],
)
def test_ari_against_polis_group_id(name: str, shared_data: Path) -> None:
    path = shared_data / "polis/openData" / name / "participants-votes.csv"
    assignments, ari = cluster_participants_votes(path)
    assert any(g is not None for g in assignments.values())
    assert ari >= ARI_FLOOR[name], f"{name}: ARI {ari:.3f}"
