"""Reading labelled rows and finding near-duplicate messages.

Near-duplicates matter for honest figures: hotline data holds the same complaint sent several
times, so a random split puts copies of one message on both sides and overstates accuracy.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from .normalize import canonical

# Cosine similarity (word TF-IDF) at or above which two messages count as the same message.
# Measured on the Teddy Cup data: copies of one message score 0.8-1.0, different messages on the
# same street or topic rarely pass 0.4.
NEAR_DUPLICATE_THRESHOLD = 0.8
_BLOCK_ROWS = 1024  # bounds the memory of the pairwise similarity product


class MissingColumnsError(ValueError):
    """A CSV file lacks columns the caller asked for."""

    def __init__(self, path: Path, missing: Sequence[str], present: Sequence[str]) -> None:
        self.path = path
        self.missing = list(missing)
        self.present = list(present)
        super().__init__(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"the file has {', '.join(repr(c) for c in present) or 'no header'}"
        )


@dataclass(frozen=True)
class LabelledRows:
    """Texts and their labels, in file order; ``skipped`` counts rows without text or label."""

    texts: list[str]
    labels: list[str]
    skipped: int = 0


def read_labelled_csv(
    path: str | Path,
    text_cols: Sequence[str],
    label_col: str,
    *,
    encoding: str = "utf-8-sig",
) -> LabelledRows:
    """Read a CSV into texts (the text columns joined by newlines) and labels.

    Uses the csv module because messages hold quoted newlines; a name ending in ``.gz`` is read
    through gzip.  Rows whose label or whole text is
    blank are skipped and counted.  Raises :class:`MissingColumnsError` naming the columns that
    are not in the header.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in [*text_cols, label_col] if c not in header]
        if missing:
            raise MissingColumnsError(path, missing, header)
        texts: list[str] = []
        labels: list[str] = []
        skipped = 0
        for row in reader:
            text = "\n".join((row.get(c) or "").strip() for c in text_cols).strip()
            label = (row.get(label_col) or "").strip()
            if not text or not label:
                skipped += 1
                continue
            texts.append(text)
            labels.append(label)
    return LabelledRows(texts, labels, skipped)


def drop_rare_classes(rows: LabelledRows, min_count: int) -> LabelledRows:
    """Keep only the rows whose label occurs at least ``min_count`` times.

    Open 311 extracts have long tails of categories seen once or twice, which no classifier can
    learn and which break stratified cross-validation.
    """
    counts = Counter(rows.labels)
    kept = [(t, y) for t, y in zip(rows.texts, rows.labels, strict=True) if counts[y] >= min_count]
    return LabelledRows(
        [t for t, _ in kept], [y for _, y in kept], rows.skipped + len(rows.texts) - len(kept)
    )


def _word_vectors(
    canonical_texts: Sequence[str], fit_on: Sequence[str] | None = None
) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False)
    vectorizer.fit(fit_on if fit_on is not None else canonical_texts)
    return vectorizer


def _similar_pairs(a: csr_matrix, b: csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (i in a, j in b) with cosine >= threshold, computed in blocks of rows."""
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    bt = b.T.tocsc()
    for start in range(0, a.shape[0], _BLOCK_ROWS):
        block = (a[start : start + _BLOCK_ROWS] @ bt).tocoo()
        hit = block.data >= threshold
        rows.append(block.row[hit] + start)
        cols.append(block.col[hit])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_THRESHOLD, *, normalized: bool = False
) -> np.ndarray:
    """Group ids such that messages with cosine >= threshold (transitively) share a group.

    Pass ``normalized=True`` when the texts are already :func:`canonical` strings.
    """
    canon = list(texts) if normalized else [canonical(t) for t in texts]
    # Identical texts are grouped by hashing first: short 311 descriptors repeat thousands of times
    # and would make the pairwise product quadratic in rows rather than in distinct texts.
    unique, inverse = np.unique(np.array(canon, dtype=object), return_inverse=True)
    if len(unique) == 0:
        return np.zeros(0, dtype=np.int64)
    try:
        matrix = _word_vectors(list(unique)).transform(list(unique))
    except ValueError:  # every text empty after normalisation
        return inverse.astype(np.int64)
    i, j = _similar_pairs(matrix, matrix, threshold)
    graph = csr_matrix((np.ones(len(i)), (i, j)), shape=(len(unique), len(unique)))
    _, component = connected_components(graph, directed=False)
    return np.asarray(component[inverse], dtype=np.int64)


def overlap_mask(
    train_texts: Sequence[str],
    eval_texts: Sequence[str],
    threshold: float = 0.5,
    *,
    normalized: bool = False,
) -> np.ndarray:
    """Boolean mask over ``train_texts``: True where the row is near one of ``eval_texts``.

    Used to drop training rows that are copies of evaluation messages before measuring on them.
    The default threshold is lower than :data:`NEAR_DUPLICATE_THRESHOLD` on purpose: when the
    question is leakage, erring towards dropping is the honest side.
    """
    train = list(train_texts) if normalized else [canonical(t) for t in train_texts]
    other = list(eval_texts) if normalized else [canonical(t) for t in eval_texts]
    mask = np.zeros(len(train), dtype=bool)
    if not train or not other:
        return mask
    vectorizer = _word_vectors(train, fit_on=[*train, *other])
    i, _ = _similar_pairs(vectorizer.transform(train), vectorizer.transform(other), threshold)
    mask[i] = True
    return mask


# NYC 311 "Service Requests" portal columns used for the English demo model.
NYC_311_TEXT_COLUMNS = ("Descriptor", "Location Type")
NYC_311_LABEL_COLUMN = "Complaint Type"


def read_311_rows(
    path: str | Path,
    text_cols: Sequence[str] = NYC_311_TEXT_COLUMNS,
    label_col: str = NYC_311_LABEL_COLUMN,
    *,
    min_count: int = 5,
) -> LabelledRows:
    """English rows from a 311 extract: text = descriptor + location type, label = complaint type.

    Categories with fewer than ``min_count`` rows are dropped (see :func:`drop_rare_classes`).
    """
    return drop_rare_classes(read_labelled_csv(path, text_cols, label_col), min_count)
