"""Feature extraction: TF-IDF blocks side by side, and a fast path for one text.

- ``word``: word uni+bigrams of :func:`.normalize.canonical` text (English words; Chinese words
  too when ``segment_chinese`` is on, which costs a jieba segmentation per message);
- ``char``: character n-grams inside those words (``char_wb``) or across them (``char``);
- ``zh``: character n-grams of the Chinese characters of the raw text (:mod:`.cjk`), no jieba.

Each block is normalised to unit length on its own; the linear model learns how much each
matters. :meth:`Features.row` computes one text's sparse row with dictionary lookups and numpy,
without scikit-learn's per-call overhead: that is what single-message prediction is made of.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .cjk import MAX_UNIGRAM_KEY, ChineseCharNgrams, key_text
from .normalize import canonical

WORD_BLOCK = "word"
CHAR_BLOCK = "char"
ZH_BLOCK = "zh"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def join_chinese(text: str) -> str:
    """Remove the spaces between Chinese tokens and keep those between English words.

    Character n-grams that run across word boundaries then do not depend on where jieba cut, which
    makes them robust to segmentation differences between the training file and live messages.
    """
    return _SPACE_BETWEEN_CJK.sub("", text)


@functools.lru_cache(maxsize=1 << 18)
def _word_char_ngrams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    padded = f" {word} "
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if n >= len(padded):  # a short word is counted once, as scikit-learn's char_wb does
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


class CharWbAnalyzer:
    """scikit-learn's ``char_wb`` n-grams computed word by word through a cache.

    Canonical text is a sequence of words that recur constantly, so caching each word's n-grams
    makes the character block several times cheaper per message (what single-message prediction
    latency is made of).  Output equals ``TfidfVectorizer(analyzer="char_wb")`` on such text.
    """

    def __init__(self, ngram_range: tuple[int, int]) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        """The character n-grams of every whitespace-separated word of ``text``."""
        min_n, max_n = self.ngram_range
        grams: list[str] = []
        for word in text.split():
            grams.extend(_word_char_ngrams(word, min_n, max_n))
        return grams


@dataclass(frozen=True)
class FeatureConfig:
    """Which blocks, with which n-grams (the defaults were chosen by grouped CV, see docs)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    # "char" runs over join_chinese(text); "char_wb" stays inside words.
    char_analyzer: Literal["char", "char_wb"] = "char_wb"
    min_df: int = 2
    use_word: bool = True
    use_char: bool = True
    # Character n-grams of the raw Chinese characters (None: no such block).
    zh_ngrams: tuple[int, int] | None = (1, 3)
    # Segment Chinese with jieba for the word and char blocks; off, those blocks read only the
    # English words of a text and Chinese is covered by the zh block alone.
    segment_chinese: bool = False


def _word_vectorizer(config: FeatureConfig) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,  # canonical text is lower-cased already where it matters (English)
        ngram_range=config.word_ngrams,
        sublinear_tf=True,
        min_df=config.min_df,
        dtype=np.float32,
    )


def _char_vectorizer(config: FeatureConfig) -> TfidfVectorizer:
    if config.char_analyzer == "char_wb":
        return TfidfVectorizer(
            analyzer=CharWbAnalyzer(config.char_ngrams),
            sublinear_tf=True,
            min_df=config.min_df,
            dtype=np.float32,
        )
    return TfidfVectorizer(
        analyzer="char",
        preprocessor=join_chinese,
        lowercase=False,
        ngram_range=config.char_ngrams,
        sublinear_tf=True,
        min_df=config.min_df,
        dtype=np.float32,
    )


def _tfidf_row(vectorizer: TfidfVectorizer, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One row of a fitted sublinear-tf TfidfVectorizer, from the text's n-grams."""
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idx: list[int] = []
    counts: list[int] = []
    for gram, count in Counter(grams).items():
        column = vocabulary.get(gram)
        if column is not None:
            idx.append(column)
            counts.append(count)
    columns = np.asarray(idx, dtype=np.int64)
    values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * vectorizer.idf_[columns]
    norm = float(np.sqrt(np.dot(values, values)))
    return columns, (values / norm if norm > 0 else values).astype(np.float32)


class Features:
    """The fitted blocks of a model, their column offsets, and readable column names."""

    def __init__(self, config: FeatureConfig) -> None:
        if not (config.use_word or config.use_char or config.zh_ngrams):
            raise ValueError("a feature configuration needs at least one block")
        self.config = config
        self.blocks: list[tuple[str, Any]] = []
        if config.use_word:
            self.blocks.append((WORD_BLOCK, _word_vectorizer(config)))
        if config.use_char:
            self.blocks.append((CHAR_BLOCK, _char_vectorizer(config)))
        if config.zh_ngrams:
            self.blocks.append((ZH_BLOCK, ChineseCharNgrams(config.zh_ngrams, config.min_df)))
        self.offsets: list[int] = []

    @property
    def needs_canonical(self) -> bool:
        """Whether any block reads :func:`.normalize.canonical` text."""
        return any(name != ZH_BLOCK for name, _ in self.blocks)

    def canonical(self, text: str) -> str:
        """The canonical text the word and char blocks read (English only unless segmenting)."""
        if not self.needs_canonical:
            return ""
        return canonical(text, segment_chinese=self.config.segment_chinese)

    def _inputs(self, name: str, texts: Sequence[str], canon: Sequence[str]) -> Sequence[str]:
        return texts if name == ZH_BLOCK else canon

    def fit_transform(self, texts: Sequence[str], canon: Sequence[str]) -> sp.csr_matrix:
        """Fit every block on the raw ``texts`` / their ``canon`` forms; the joined matrix."""
        blocks: list[tuple[str, Any]] = []
        matrices: list[sp.csr_matrix] = []
        for name, vectorizer in self.blocks:
            try:
                matrix = vectorizer.fit_transform(self._inputs(name, texts, canon))
            except ValueError:  # scikit-learn: no term left (e.g. no English in Chinese rows)
                continue
            if matrix.shape[1]:  # a block the rows give no column to is dropped
                blocks.append((name, vectorizer))
                matrices.append(matrix)
        if not blocks:
            raise ValueError("the texts give no features (no words or characters in common)")
        self.blocks = blocks
        sizes = [m.shape[1] for m in matrices]
        self.offsets = [int(x) for x in np.cumsum([0, *sizes[:-1]])]
        return sp.csr_matrix(sp.hstack(matrices, format="csr"), dtype=np.float32)

    def transform(self, texts: Sequence[str], canon: Sequence[str] | None = None) -> sp.csr_matrix:
        """The joined matrix of texts (``canon`` computed when not given)."""
        if canon is None:
            canon = [self.canonical(t) for t in texts]
        matrices = [
            vectorizer.transform(self._inputs(name, texts, canon))
            for name, vectorizer in self.blocks
        ]
        return sp.csr_matrix(sp.hstack(matrices, format="csr"), dtype=np.float32)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one text's row: ``transform`` without scikit-learn."""
        canon = self.canonical(text)
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for (name, vectorizer), offset in zip(self.blocks, self.offsets, strict=True):
            if name == ZH_BLOCK:
                idx, val = vectorizer.row(text)
            elif not canon:
                continue
            else:
                idx, val = _tfidf_row(vectorizer, self._analyzer(name, vectorizer)(canon))
            indices.append(idx + offset)
            values.append(val)
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(indices), np.concatenate(values)

    def _analyzer(self, name: str, vectorizer: TfidfVectorizer) -> Callable[[str], list[str]]:
        analyzers = self.__dict__.setdefault("_analyzers", {})
        if name not in analyzers:
            analyzers[name] = vectorizer.build_analyzer()
        return analyzers[name]

    @property
    def size(self) -> int:
        """Number of columns of the joined matrix."""
        name, last = self.blocks[-1]
        return self.offsets[-1] + (len(last) if name == ZH_BLOCK else len(last.vocabulary_))

    def name(self, column: int) -> str:
        """The readable name of one column: a word, a two-word phrase or an n-gram.

        Chinese n-grams are decoded from their key; the word blocks' names are built once per
        block on first use (cheap for them, unlike the Chinese block's hundreds of thousands).
        """
        block = int(np.searchsorted(self.offsets, column, side="right")) - 1
        name, vectorizer = self.blocks[block]
        local = column - self.offsets[block]
        if name == ZH_BLOCK:
            return key_text(int(vectorizer.keys_[local]))
        names = self.__dict__.setdefault("_block_names", {})
        if name not in names:
            names[name] = vectorizer.get_feature_names_out()
        return str(names[name][local])

    def explainable(self) -> np.ndarray:
        """Per column, whether it may name a reason: words, phrases, Chinese n-grams of 2+.

        Single Chinese characters and the sub-word n-grams of the char block weigh in the
        decision but mean little to a reader.
        """
        keep: list[np.ndarray] = []
        for name, vectorizer in self.blocks:
            if name == WORD_BLOCK:
                keep.append(np.ones(len(vectorizer.vocabulary_), dtype=bool))
            elif name == ZH_BLOCK:
                keep.append(vectorizer.keys_ > MAX_UNIGRAM_KEY)
            else:
                keep.append(np.zeros(len(vectorizer.vocabulary_), dtype=bool))
        return np.concatenate(keep)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_analyzers", None)  # rebuilt on demand
        state.pop("_block_names", None)
        return state
