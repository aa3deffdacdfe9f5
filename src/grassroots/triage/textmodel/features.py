"""Feature extraction: word uni+bigram TF-IDF beside character n-gram TF-IDF.

Both vectorisers read :func:`.normalize.canonical` strings (tokens joined by single spaces), so
segmentation happens once per text however many feature blocks there are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

WORD_BLOCK = "word"
CHAR_BLOCK = "char"

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
    """Settings of the two TF-IDF blocks (the defaults were chosen by grouped CV, see docs)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    # "char" runs over join_chinese(text); "char_wb" stays inside words.
    char_analyzer: Literal["char", "char_wb"] = "char_wb"
    min_df: int = 2
    use_char: bool = True


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


def build_features(config: FeatureConfig) -> FeatureUnion:
    """An unfitted FeatureUnion of the word block and (optionally) the character block.

    Each block is L2-normalised on its own, so words and characters weigh alike whatever their
    counts; the linear model learns how much each block matters.
    """
    blocks: list[tuple[str, TfidfVectorizer]] = [(WORD_BLOCK, _word_vectorizer(config))]
    if config.use_char:
        blocks.append((CHAR_BLOCK, _char_vectorizer(config)))
    return FeatureUnion(blocks)


def word_block_size(union: FeatureUnion) -> int:
    """Number of columns of the word block, which comes first in the union's output."""
    vectorizer: TfidfVectorizer = dict(union.transformer_list)[WORD_BLOCK]
    return len(vectorizer.vocabulary_)


def word_feature_names(union: FeatureUnion) -> np.ndarray:
    """Readable names of the word block's columns (words and two-word phrases)."""
    vectorizer: TfidfVectorizer = dict(union.transformer_list)[WORD_BLOCK]
    return np.asarray(vectorizer.get_feature_names_out(), dtype=object)


def transform(union: FeatureUnion, canonical_texts: list[str]) -> sp.csr_matrix:
    """Same matrix as ``union.transform`` without its joblib dispatch.

    FeatureUnion sends each block through joblib even when running serially, a fixed cost that
    dominates single-message prediction.
    """
    blocks = [vectorizer.transform(canonical_texts) for _, vectorizer in union.transformer_list]
    return sp.csr_matrix(sp.hstack(blocks, format="csr"))
