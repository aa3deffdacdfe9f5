"""Text similarity for duplicate search, without Django (the bench uses it on raw files).

The measure is scikit-learn's `TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3),
sublinear_tf=True)` fitted on the new text and its candidates, then the cosine of the new text
to each candidate. The IDF depends on the candidate set, so a vector cannot be stored once per
case; what can is each text's n-gram counts, which is where the time went (scikit-learn's
analyser walks every character in Python, for every candidate, at every call). Here:

- the n-grams of a text are computed with numpy: each character's code point (21 bits) packed
  three to a 64-bit key, so keys are exact (no hashing) and sorting replaces a vocabulary;
- each text's (keys, counts) is kept in a per-process LRU cache keyed by the text itself, so a
  case's text that changed is simply another entry, and nothing can go stale;
- document frequencies, IDF, sublinear TF and the norms are then a few whole-array operations
  over the candidates' cached keys.

The result equals scikit-learn's fit on the same texts up to float rounding (tested, 1e-12).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

# A 2-gram's empty first slot: above every code point (0x10FFFF), so no 3-gram has it.
_NO_CHAR = 0x1FFFFF
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32))
CACHE_SIZE = 10_000  # texts kept per process (about 8 KB each for a 400-character message)
# Columns before the vocabulary is dropped and rebuilt (12 bytes each: about 36 MB).
VOCABULARY_LIMIT = 3_000_000

Grams = tuple[np.ndarray, np.ndarray]  # sorted unique n-gram keys, and their counts
Row = tuple[np.ndarray, np.ndarray]  # a text's vocabulary columns, and its sublinear TF


def ngrams(text: str) -> Grams:
    """The char_wb 2–3-grams of a text as scikit-learn counts them (lower-cased; each
    whitespace-separated word padded with one space on each side, n-grams inside it only)."""
    words = text.lower().lower().split()
    if not words:
        return _EMPTY
    padded = "".join(f" {w} " for w in words)
    raw = padded.encode("utf-32-le", "surrogatepass")  # a lone surrogate is a character too
    codes = np.frombuffer(raw, dtype=np.uint32).astype(np.int64)
    word = np.repeat(np.arange(len(words)), [len(w) + 2 for w in words])
    same2 = word[:-1] == word[1:]
    pairs = (_NO_CHAR << 42) | (codes[:-1] << 21) | codes[1:]
    triples = (codes[:-2] << 42) | (codes[1:-1] << 21) | codes[2:]
    keys = np.sort(np.concatenate([pairs[same2], triples[same2[:-1] & same2[1:]]]))
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[starts], np.diff(np.append(starts, len(keys))).astype(np.uint32)


class GramIndex:
    """Per-process store of texts' n-grams as column numbers of one growing vocabulary, so
    that document frequencies over any set of texts are one `bincount`.

    Entries are keyed by the text itself: an edited case text is another entry and cannot be
    answered from the old one. At most `size` texts are kept (least recently used out). When
    the vocabulary passes `vocabulary_limit` columns, everything is dropped and rebuilt
    lazily, which bounds the memory of a long-running process.
    """

    def __init__(self, size: int = CACHE_SIZE, vocabulary_limit: int = VOCABULARY_LIMIT) -> None:
        self.size, self.vocabulary_limit = size, vocabulary_limit
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every text and the vocabulary."""
        self._docs: OrderedDict[str, Row] = OrderedDict()
        self._keys = np.zeros(0, dtype=np.int64)  # sorted
        self._ids = np.zeros(0, dtype=np.int32)  # the column of each key above
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def columns(self) -> int:
        return len(self._keys)

    def _lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The columns of `keys`, and which of them the vocabulary holds."""
        if not len(self._keys):
            return np.zeros(len(keys), dtype=np.int32), np.zeros(len(keys), dtype=bool)
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return self._ids[at], self._keys[at] == keys

    def _learn(self, keys: np.ndarray) -> None:
        """Give the unknown ones among `keys` the next column numbers."""
        if not len(keys):
            return
        ordered = np.sort(keys)
        ordered = ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]
        _ids, known = self._lookup(ordered)
        new = ordered[~known]
        if not len(new):
            return
        ids = np.arange(len(self._keys), len(self._keys) + len(new), dtype=np.int32)
        keys_all = np.concatenate([self._keys, new])
        order = np.argsort(keys_all, kind="stable")
        self._keys, self._ids = keys_all[order], np.concatenate([self._ids, ids])[order]

    def rows(self, texts: Sequence[str]) -> list[Row]:
        """Each text's (columns, sublinear TF), from the store or computed and stored."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._docs))
            if len(self._keys) > self.vocabulary_limit:
                self.clear()
                missing = list(dict.fromkeys(texts))
            if missing:
                grams = [ngrams(t) for t in missing]
                keys = np.concatenate([k for k, _c in grams])
                self._learn(keys)  # then one lookup for all: a call per text costs more
                ends = np.cumsum([len(k) for k, _c in grams])[:-1]
                columns = np.split(self._lookup(keys)[0], ends)
                for text, ids, (_k, counts) in zip(missing, columns, grams, strict=True):
                    self._docs[text] = (ids, 1.0 + np.log(counts))
            self.misses += len(missing)
            self.hits += len(texts) - len(missing)
            out = []
            for text in texts:
                self._docs.move_to_end(text)
                out.append(self._docs[text])
            while len(self._docs) > max(self.size, len(texts)):
                self._docs.popitem(last=False)
            return out

    def query_row(self, text: str) -> tuple[Row, int]:
        """A new text's row, without storing it (a draft changes at every keystroke): its
        n-grams unknown to the vocabulary get columns past it. Returns the row and the number
        of columns used."""
        keys, counts = ngrams(text)
        with self._lock:
            ids, known = self._lookup(keys)
            width = len(self._keys)
        ids = ids.copy()
        ids[~known] = np.arange(width, width + int((~known).sum()), dtype=np.int32)
        return (ids, 1.0 + np.log(counts)), width + int((~known).sum())


INDEX = GramIndex()


def _segment_sums(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The sum of each consecutive run of `sizes` values (0 for an empty run)."""
    out = np.zeros(len(sizes))
    filled = sizes > 0
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[filled]
    if len(starts):
        out[filled] = np.add.reduceat(values, starts)
    return out


def _cosines(query: Row, others: list[Row], width: int) -> np.ndarray:
    """Cosine of `query` to each of `others` under TF-IDF fitted on all of them (smooth IDF,
    sublinear TF, L2 rows: scikit-learn's defaults with `sublinear_tf`)."""
    rows = [query, *others]
    sizes = np.array([len(ids) for ids, _tf in rows])
    column = np.concatenate([ids for ids, _tf in rows])
    tf = np.concatenate([tf for _ids, tf in rows])
    df = np.bincount(column, minlength=width)  # a text's columns are distinct
    # IDF by document frequency (at most len(rows)): a table, not a logarithm per element.
    idf = np.log((1 + len(rows)) / (1 + np.arange(len(rows) + 1))) + 1.0
    weight = tf * idf[df[column]]
    norm = np.sqrt(_segment_sums(weight * weight, sizes))
    dense = np.zeros(width)
    dense[column[: sizes[0]]] = weight[: sizes[0]]
    dots = _segment_sums(weight * dense[column], sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = dots[1:] / (norm[0] * norm[1:])
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)


def similarities(text: str, others: Sequence[str], *, index: GramIndex | None = None) -> np.ndarray:
    """Cosine similarity of `text` to each of `others` (character 2–3-grams, TF-IDF fitted on
    `text` and `others`).

    Character n-grams need no word segmentation, so Chinese and English work alike, and they
    tolerate typos and reordered phrases. The others' n-grams come from `index` (the
    process's `INDEX` by default); the new text's are computed each time.
    """
    if not others:
        return np.zeros(0)
    index = INDEX if index is None else index
    rows = index.rows(others)
    query, width = index.query_row(text)
    if not len(query[0]):
        return np.zeros(len(others))
    return _cosines(query, rows, width)
