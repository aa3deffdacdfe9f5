"""Polis's base clusters replayed update by update (clusters.clj semantics, ids included)."""

from __future__ import annotations

import numpy as np

from grassroots.deliberation.polis.replay import _Clusters, base_cluster_order, polis_kmeans, ticks


def _rows(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.intp)


def test_first_clustering_numbers_the_first_distinct_points_in_row_order() -> None:
    points = np.array([[1.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 2.0]])

    clusters = polis_kmeans(points, _rows(0, 1, 2, 3), None, k=100)

    assert clusters.ids == [0, 1, 2]
    assert [m.tolist() for m in clusters.members] == [[0, 1], [2], [3]]


def test_clusters_that_meet_merge_under_the_larger_ones_id() -> None:
    previous = _Clusters([4, 7, 9], [_rows(0), _rows(1, 2), _rows(3)])
    # rows 0 and 1, 2 now sit on the same spot: clusters 4 and 7 have identical centres
    points = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [-3.0, 0.0]])

    clusters = polis_kmeans(points, _rows(0, 1, 2, 3), previous, k=100)

    assert clusters.ids == [7, 9]
    assert [sorted(m.tolist()) for m in clusters.members] == [[0, 1, 2], [3]]


def test_a_point_that_moves_away_splits_off_under_a_new_id() -> None:
    previous = _Clusters([2, 5], [_rows(0, 1), _rows(2)])
    points = np.array([[0.0, 0.0], [6.0, 6.0], [-4.0, 0.0]])  # row 1 left its cluster

    clusters = polis_kmeans(points, _rows(0, 1, 2), previous, k=100)

    assert clusters.ids == [2, 5, 6]
    assert [m.tolist() for m in clusters.members] == [[0], [2], [1]]


def test_updates_are_the_votes_between_pauses() -> None:
    assert ticks([0.0, 400.0, 900.0, 5000.0, 5100.0, 9000.0], gap_ms=1000) == [3, 5, 6]


def test_order_lists_every_clustered_participant_once_by_base_cluster() -> None:
    votes = [(p, s, 1 if (p + s) % 2 else -1) for p in range(6) for s in range(4)]
    times = [1000.0 * i for i in range(len(votes))]

    order = base_cluster_order(votes, times)

    assert sorted(order) == list(range(6))
    assert order[0] == 0  # the first voter's point starts cluster 0
