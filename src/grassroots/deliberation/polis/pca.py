"""Polis-style PCA of the vote matrix.

Polis imputes each missing vote with its statement's mean vote, centres the columns and takes
the first two principal components (by power iteration in the Clojure code; here by an exact
eigen-decomposition, which is what 100 power iterations converge to). Participants are then
projected using only the votes they actually cast and pushed outwards by
``sqrt(n_statements / n_votes)`` so that people who voted little do not pile up in the middle.

Because the imputed value equals the column mean, every missing cell becomes exactly zero
after centring. The centred matrix is therefore as sparse as the votes, which is what makes the
large case cheap: we never materialise the imputed dense matrix in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import LinearOperator, eigsh
from threadpoolctl import ThreadpoolController

from grassroots.deliberation.polis.matrix import FloatMatrix

N_COMPONENTS = 2
# Below this much work (nnz × columns) the dense Gram matrix + eigh path is both exact and fast.
_DENSE_GRAM_LIMIT = 60_000_000
_EIG_EPS = 1e-10

Float64Array = NDArray[np.float64]

_controller: list[ThreadpoolController] = []


def single_threaded(user_api: str | None = None) -> Any:
    """A context limiting BLAS/OpenMP to one thread. The controller (which finds the loaded
    libraries, ~40 ms) is made once: ``threadpool_limits`` would search again on every call."""
    if not _controller:
        _controller.append(ThreadpoolController())
    return _controller[0].limit(limits=1, user_api=user_api)


@dataclass
class PcaResult:
    """Principal components of a rating matrix, in our coding (1 = agree)."""

    center: Float64Array  # (m,) column means of cast votes
    comps: Float64Array  # (2, m) unit-norm components (rows); zero rows when degenerate
    eigenvalues: Float64Array  # (2,) unnormalised variances along comps

    @property
    def n_statements(self) -> int:
        """Number of statement columns the components cover."""
        return int(self.center.shape[0])

    def project_rows(self, rating: FloatMatrix) -> Float64Array:
        """Sparsity-aware projection of every row of ``rating`` (NaN = missing)."""
        centred, counts, _ = _centred_sparse(rating, self.center)
        return _scale(centred @ self.comps.T, counts, self.n_statements)

    def project_row(self, row: NDArray[np.floating]) -> Float64Array:
        """Sparsity-aware projection of one participant's vote row (NaN = missing)."""
        voted = ~np.isnan(row)
        diff = row[voted].astype(np.float64) - self.center[voted]
        raw = self.comps[:, voted] @ diff
        return _scale(raw[np.newaxis, :], np.array([voted.sum()]), self.n_statements)[0]

    def comment_projection(self) -> Float64Array:
        """(2, m): where a virtual participant agreeing with only statement j would land."""
        # Polis projects a single vote of its internal "agree" code; the result's magnitude
        # (the comment extremity) does not depend on the coding, only the sign does.
        scale = np.sqrt(self.n_statements)
        return self.comps * ((1.0 - self.center) * scale)[np.newaxis, :]

    def comment_extremity(self) -> Float64Array:
        """(m,) distance of each comment projection from the origin."""
        return np.asarray(np.linalg.norm(self.comment_projection(), axis=0), dtype=np.float64)


def _scale(raw: Float64Array, counts: NDArray[np.integer], n_statements: int) -> Float64Array:
    factor = np.sqrt(n_statements / np.maximum(counts, 1).astype(np.float64))
    return np.asarray(raw * factor[:, np.newaxis], dtype=np.float64)


def column_means(rating: FloatMatrix) -> Float64Array:
    """Mean of cast votes per column; 0 for a column nobody voted on."""
    rows, cols = np.nonzero(~np.isnan(rating))
    return _means(cols, rating[rows, cols], rating.shape[1])


def _means(cols: NDArray[np.intp], vals: NDArray[np.floating], n_cols: int) -> Float64Array:
    counts = np.bincount(cols, minlength=n_cols)
    sums = np.bincount(cols, weights=vals.astype(np.float64), minlength=n_cols)
    return np.asarray(np.where(counts > 0, sums / np.maximum(counts, 1), 0.0), dtype=np.float64)


def _centred_sparse(
    rating: FloatMatrix, center: Float64Array | None = None
) -> tuple[sp.csr_array, NDArray[np.int64], Float64Array]:
    """CSR of (vote - column mean) at cast votes, each row's vote count, and the means."""
    rows, cols = np.nonzero(~np.isnan(rating))
    raw_vals = rating[rows, cols]
    if center is None:
        center = _means(cols, raw_vals, rating.shape[1])
    counts = np.bincount(rows, minlength=rating.shape[0]).astype(np.int64)
    vals = raw_vals.astype(np.float64) - center[cols]
    keep = vals != 0.0
    matrix = sp.csr_array(
        (vals[keep], (rows[keep], cols[keep])), shape=rating.shape, dtype=np.float64
    )
    return matrix, counts, center


def fit_project(
    rating: FloatMatrix, previous: Float64Array | None = None
) -> tuple[PcaResult, Float64Array]:
    """``polis_pca`` plus the projection of every row, sharing one pass over the votes."""
    n_rows, n_cols = rating.shape
    if n_rows == 0 or n_cols == 0:
        pca = polis_pca(rating, previous)
        return pca, np.zeros((n_rows, 2))
    centred, counts, center = _centred_sparse(rating)
    pca = _pca_from_centred(centred, center, previous)
    return pca, _scale(centred @ pca.comps.T, counts, n_cols)


def polis_pca(rating: FloatMatrix, previous: Float64Array | None = None) -> PcaResult:
    """PCA as Polis computes it, on a rating matrix whose moderated columns are already zeroed.

    ``previous`` (2, m') components from an earlier run only choose each component's sign, so
    that the map does not flip between recomputes (Polis gets the same effect by warm-starting
    its power iteration from the last components).
    """
    n_rows, n_cols = rating.shape
    if n_rows == 0 or n_cols == 0:
        zeros = np.zeros(N_COMPONENTS)
        return PcaResult(np.zeros(n_cols), np.zeros((N_COMPONENTS, n_cols)), zeros)
    centred, _, center = _centred_sparse(rating)
    return _pca_from_centred(centred, center, previous)


def _pca_from_centred(
    centred: sp.csr_array, center: Float64Array, previous: Float64Array | None
) -> PcaResult:
    n_cols = centred.shape[1]
    comps = np.zeros((N_COMPONENTS, n_cols))
    eigenvalues = np.zeros(N_COMPONENTS)
    vals, vecs = _top_eigenvectors(centred, min(N_COMPONENTS, n_cols))
    for i, (val, vec) in enumerate(zip(vals, vecs.T, strict=True)):
        if val > _EIG_EPS * max(1.0, float(vals[0])):
            comps[i] = _orient(vec, None if previous is None else previous[i])
            eigenvalues[i] = val
    return PcaResult(center, comps, eigenvalues)


def _top_eigenvectors(centred: sp.csr_array, k: int) -> tuple[Float64Array, Float64Array]:
    """Largest-k eigenpairs of centredᵀ·centred, descending."""
    n_cols = centred.shape[1]
    if centred.nnz * n_cols <= _DENSE_GRAM_LIMIT or n_cols <= k + 1:
        gram = (centred.T @ centred).toarray()
        # Multi-threaded BLAS is far slower than one thread on matrices this small, and
        # pathologically so when the cores are busy.
        with single_threaded("blas"):
            vals, vecs = np.linalg.eigh(gram)
        order = np.argsort(vals)[::-1][:k]
        return vals[order], vecs[:, order]
    transposed = centred.T.tocsr()
    operator = LinearOperator(
        (n_cols, n_cols), matvec=lambda v: transposed @ (centred @ v), dtype=np.float64
    )
    # A fixed start vector makes Lanczos (and so the whole pipeline) deterministic.
    vals, vecs = eigsh(operator, k=k, which="LA", v0=np.ones(n_cols), tol=1e-9)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order]


def _orient(vec: Float64Array, reference: Float64Array | None) -> Float64Array:
    """Pick a deterministic sign for an eigenvector (which is only defined up to sign)."""
    if reference is not None and reference.shape == vec.shape and np.any(reference):
        sign = np.sign(float(vec @ reference)) or 1.0
    else:
        sign = np.sign(vec[int(np.argmax(np.abs(vec)))]) or 1.0
    return np.asarray(vec * sign, dtype=np.float64)
