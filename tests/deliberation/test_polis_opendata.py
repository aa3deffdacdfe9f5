"""Our clustering against Polis's group-id in the compdemocracy openData exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from grassroots.deliberation.polis import MathOptions, cluster_participants_votes

# Measured ARI, join order from votes.csv, moderated statements from comments.csv, for the
# default start (Polis's first distinct points) and start="best" (k-means++, 10 starts):
#   15-per-hour-seattle 0.750 / 0.941, austria-climate 0.971 / 0.988, brexit-consensus
#   0.657 / 0.878, football-concussions 0.116 / 0.120, london.youth.policing -0.019 / 0.178,
#   scoop-hivemind 0.966 / 0.989.
# (Before this change, k-means++ without the join order: 0.884, 0.971, 0.876, 0.109, 0.178,
# 0.919.) These exports carry only Polis's final group-id, reached through years of warm
# starts; on the red-dwarf fixtures, where Polis's base clusters are known, the Polis start
# is the one that reproduces its groups (test_polis_fixtures). In football-concussions and
# london.youth.policing our silhouette picks 4 groups where Polis showed 2 and 3.
ARI_FLOOR = {
    "15-per-hour-seattle": {"polis": 0.7, "best": 0.9},
    "austria-climate.5twd2jsnkf.2022-08-08": {"polis": 0.95, "best": 0.95},
    "brexit-consensus": {"polis": 0.6, "best": 0.85},
    "football-concussions": {"polis": 0.08, "best": 0.08},
    "london.youth.policing": {"polis": -0.05, "best": 0.15},
    "scoop-hivemind.biodiversity": {"polis": 0.95, "best": 0.95},
}
SLOW = {"austria-climate.5twd2jsnkf.2022-08-08"}


@pytest.mark.parametrize("start", ["polis", "best"])
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in ARI_FLOOR],
)
def test_ari_against_polis_group_id(name: str, start: str, shared_data: Path) -> None:
    path = shared_data / "polis/openData" / name / "participants-votes.csv"
    assignments, ari = cluster_participants_votes(path, options=MathOptions(start=start))
    assert any(g is not None for g in assignments.values())
    assert ari >= ARI_FLOOR[name][start], f"{name}: ARI {ari:.3f}"
