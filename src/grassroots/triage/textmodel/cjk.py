"""Character n-grams of the Chinese characters of a text, computed with numpy, without jieba.

Only the Chinese characters are kept and joined (Latin letters, digits, punctuation, spaces
and line breaks are dropped), so a raw message and the same message tokenised with spaces
give exactly the same n-grams. Each character becomes a 15-bit number (its place in the CJK
blocks, from 1) and an n-gram of up to four characters is packed into one 64-bit key, which
makes counting, vocabulary lookup and TF-IDF whole-array numpy operations: many times cheaper
than segmenting the text with jieba.

Every word of up to four characters that jieba could cut is among these n-grams, which is why
this block can stand in for the word block on Chinese text (figures in docs/triage.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

_NOT_CJK = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_BITS = 15  # a character's place in the CJK blocks below, from 1, fits in 15 bits
_MAX_N = 4  # four characters fill 60 bits
MAX_UNIGRAM_KEY = (1 << _BITS) - 1  # keys above it are n-grams of two characters or more
# (first code point, last code point, first number) of the kept blocks, in code point order.
_BLOCKS = ((0x3400, 0x9FFF, 1), (0xF900, 0xFAFF, 1 + 0x9FFF - 0x3400 + 1))


def chinese_only(text: str) -> str:
    """The Chinese characters of ``text``, in order, with everything else removed."""
    return _NOT_CJK.sub("", text)


def ngram_keys(text: str, ngram_range: tuple[int, int]) -> np.ndarray:
    """The packed keys of the character n-grams of the Chinese characters of ``text``.

    Keys of different lengths never collide: characters are numbered from 1, so an n-gram's key
    is at least 2**(15 * (n - 1)).
    """
    points = np.frombuffer(chinese_only(text).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.int64)
    (main, _, main_number), (compat, _, compat_number) = _BLOCKS
    numbered = np.where(
        points >= compat, points - compat + compat_number, points - main + main_number
    )
    codes = numbered.astype(np.uint64)
    length = len(codes)
    min_n, max_n = ngram_range
    parts: list[np.ndarray] = []
    for n in range(min_n, max_n + 1):
        if length < n:
            break
        key = codes[: length - n + 1].copy()
        for j in range(1, n):
            key = (key << np.uint64(_BITS)) | codes[j : length - n + 1 + j]
        parts.append(key)
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return np.concatenate(parts)


def key_text(key: int) -> str:
    """The n-gram a key stands for."""
    chars: list[str] = []
    mask = (1 << _BITS) - 1
    while key:
        number = key & mask
        first, _last, start = _BLOCKS[1] if number >= _BLOCKS[1][2] else _BLOCKS[0]
        chars.append(chr(number - start + first))
        key >>= _BITS
    return "".join(reversed(chars))


class ChineseCharNgrams:
    """TF-IDF over Chinese character n-grams (sublinear tf, smooth idf, rows of unit length).

    The same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``; the
    vocabulary is a sorted key array, looked up with ``np.searchsorted``.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), min_df: int = 2) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1] <= _MAX_N:
            raise ValueError(f"ngram_range must lie within 1..{_MAX_N}, got {ngram_range}")
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.keys_ = np.zeros(0, dtype=np.uint64)
        self.idf_ = np.zeros(0, dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> ChineseCharNgrams:
        """Learn the n-grams found in at least ``min_df`` texts and their idf."""
        per_text = [np.unique(ngram_keys(t, self.ngram_range)) for t in texts]
        found = np.concatenate(per_text) if per_text else np.zeros(0, dtype=np.uint64)
        keys, df = np.unique(found, return_counts=True)
        kept = df >= self.min_df
        self.keys_ = keys[kept]
        n = len(texts)
        self.idf_ = (np.log((1 + n) / (1 + df[kept])) + 1).astype(np.float32)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``fit`` then ``transform``."""
        return self.fit(texts).transform(texts)

    def __len__(self) -> int:
        return len(self.keys_)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of one text (the unit-length row, sparse)."""
        keys, counts = np.unique(ngram_keys(text, self.ngram_range), return_counts=True)
        if len(self.keys_) == 0 or len(keys) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        pos = np.searchsorted(self.keys_, keys)
        pos[pos == len(self.keys_)] = 0
        hit = self.keys_[pos] == keys
        idx = pos[hit]
        values = (1.0 + np.log(counts[hit])).astype(np.float32) * self.idf_[idx]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values /= norm
        return idx, values

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The TF-IDF matrix, one unit-length row per text."""
        indptr = [0]
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        for text in texts:
            idx, values = self.row(text)
            indices.append(idx)
            data.append(values)
            indptr.append(indptr[-1] + len(idx))
        return sp.csr_matrix(
            (
                np.concatenate(data) if data else np.zeros(0, dtype=np.float32),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.asarray(indptr),
            ),
            shape=(len(texts), len(self.keys_)),
            dtype=np.float32,
        )

    def feature_names(self) -> np.ndarray:
        """The n-gram of every column."""
        return np.asarray([key_text(int(k)) for k in self.keys_], dtype=object)
