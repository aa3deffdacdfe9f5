"""Small weighted k-means routines with Polis's warm-start behaviour.

Polis never clusters from scratch once a conversation is running: each update starts from the
previous clusters' members, recentred on their new positions, splits off the most distant point
while it has fewer clusters than wanted, then runs Lloyd iterations until centres move less
than 0.01. That path dependence is part of what Polis shows people, so we reproduce it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Float64Array = NDArray[np.float64]
IntArray = NDArray[np.intp]

MOVE_TOLERANCE = 0.01


def assign(points: Float64Array, centers: Float64Array) -> IntArray:
    """Index of the nearest centre for every point."""
    d2 = (
        (points**2).sum(1)[:, np.newaxis]
        - 2.0 * points @ centers.T
        + (centers**2).sum(1)[np.newaxis, :]
    )
    return np.asarray(np.argmin(d2, axis=1), dtype=np.intp)


def lloyd(
    points: Float64Array, weights: Float64Array, centers: Float64Array, max_iter: int
) -> tuple[IntArray, Float64Array]:
    """Weighted Lloyd iterations; clusters that lose all members are dropped, as in Polis."""
    labels = assign(points, centers)
    for _ in range(max_iter):
        k = centers.shape[0]
        mass = np.bincount(labels, weights=weights, minlength=k)
        used = mass > 0
        sums = np.vstack(
            [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(2)]
        ).T
        new_centers = sums[used] / mass[used, np.newaxis]
        moved = new_centers.shape != centers.shape or bool(
            np.any(np.linalg.norm(new_centers - centers, axis=1) >= MOVE_TOLERANCE)
        )
        centers = new_centers
        labels = assign(points, centers)
        if not moved:
            break
    k = centers.shape[0]
    used = np.bincount(labels, minlength=k) > 0
    remap = np.cumsum(used) - 1
    return np.asarray(remap[labels], dtype=np.intp), centers[used]


def sse(points: Float64Array, weights: Float64Array, labels: IntArray) -> float:
    """Weighted within-cluster sum of squares."""
    total = 0.0
    for g in np.unique(labels):
        sel = labels == g
        center = np.average(points[sel], axis=0, weights=weights[sel])
        total += float((weights[sel] * ((points[sel] - center) ** 2).sum(1)).sum())
    return total


def fill_to_k(points: Float64Array, centers: Float64Array, k: int) -> Float64Array:
    """Add the most distant point as a new centre until there are k (Polis's clean start)."""
    distinct = np.unique(points, axis=0).shape[0]
    target = min(k, distinct)
    if centers.shape[0] == 0:
        centers = points[:1].copy()
    # Drop duplicate centres but keep their order, so group ids stay stable between updates.
    _, first = np.unique(centers, axis=0, return_index=True)
    centers = centers[np.sort(first)]
    nearest = np.min(np.linalg.norm(points[:, None, :] - centers[None, :, :], axis=2), axis=1)
    while centers.shape[0] < target:
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        centers = np.vstack([centers, points[far]])
        nearest = np.minimum(nearest, np.linalg.norm(points - points[far], axis=1))
    return centers[:target] if centers.shape[0] > target else centers


def fresh_kmeans(
    points: Float64Array, weights: Float64Array, k: int, seed: int, restarts: int, max_iter: int
) -> tuple[IntArray, Float64Array]:
    """Best (lowest SSE) of several k-means++ starts; used when there is no previous state."""
    rng = np.random.default_rng(seed)
    best: tuple[float, IntArray, Float64Array] | None = None
    for _ in range(max(1, restarts)):
        init = plus_plus(points, weights, k, rng)
        labels, centers = lloyd(points, weights, init, max_iter)
        score = sse(points, weights, labels)
        if best is None or score < best[0] - 1e-12:
            best = (score, labels, centers)
    assert best is not None
    return best[1], best[2]


def plus_plus(
    points: Float64Array, weights: Float64Array, k: int, rng: np.random.Generator
) -> Float64Array:
    """k-means++ seeding: each new centre drawn with probability ∝ weight × squared distance."""
    first = int(rng.choice(points.shape[0], p=weights / weights.sum()))
    centers = [points[first]]
    d2 = ((points - points[first]) ** 2).sum(1)
    for _ in range(1, k):
        mass = weights * d2
        if mass.sum() <= 0:
            break
        pick = int(rng.choice(points.shape[0], p=mass / mass.sum()))
        centers.append(points[pick])
        d2 = np.minimum(d2, ((points - points[pick]) ** 2).sum(1))
    return np.array(centers)


def silhouette(points: Float64Array, labels: IntArray) -> float:
    """Mean silhouette with every point counted once (Polis scores base-cluster centres so)."""
    n = points.shape[0]
    k = int(labels.max()) + 1 if n else 0
    if k < 2 or k >= n:
        return -1.0
    dist = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sizes = onehot.sum(0)
    sums = dist @ onehot  # (n, k) total distance to each cluster
    own = sizes[labels] - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[np.arange(n), labels] / own
        other = sums / sizes[np.newaxis, :]
    other[np.arange(n), labels] = np.inf
    b = other.min(1)
    s = np.where(own > 0, (b - a) / np.maximum(a, b), 0.0)
    return float(np.nan_to_num(s).mean())
