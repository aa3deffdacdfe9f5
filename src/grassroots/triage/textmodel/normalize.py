"""Text normalisation: language choice, segmentation and token filtering.

Raw messages and already-tokenised rows (space-separated words, as in the Teddy Cup training file)
go through the same function, so a model trained on one kind of input sees the same features on
the other.  The output of :func:`normalize` is a list of tokens; :func:`canonical` joins them with
single spaces, which is the string the vectorisers in :mod:`.features` consume.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from importlib import resources
from typing import Literal

Language = Literal["zh", "en"]

# CJK Unified Ideographs plus extension A and the compatibility block: enough for simplified and
# traditional Chinese as used in hotline messages.
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# The training file had Latin letters and digits stripped (e.g. "A市" became "市"); we strip them
# from every Chinese token so raw text matches. Full-width forms are included on purpose.
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# An English word carries about as much meaning as two or three Chinese characters, so a text
# counts as Chinese once its Chinese characters reach a third of its Latin letters.
_ZH_LATIN_RATIO = 3

_jieba_lock = threading.Lock()


def detect_language(text: str) -> Language:
    """Return ``"zh"`` when the text is mainly Chinese, else ``"en"``."""
    cjk = len(_CJK_CHAR.findall(text))
    if cjk == 0:
        return "en"
    latin = len(_LATIN_LETTER.findall(text))
    return "zh" if cjk * _ZH_LATIN_RATIO >= latin else "en"


@functools.cache
def stopwords(language: Language) -> frozenset[str]:
    """The stop-word list shipped in ``resources/stopwords_<language>.txt``."""
    raw = (
        resources.files(__package__)
        .joinpath(f"resources/stopwords_{language}.txt")
        .read_text(encoding="utf-8")
    )
    words = (line.strip() for line in raw.splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


@functools.cache
def _jieba() -> object:
    """Import and initialise jieba once; its INFO logging would otherwise chatter on stderr."""
    with _jieba_lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def segment_chinese(text: str) -> list[str]:
    """Segment Chinese text with ``jieba.lcut`` (precise mode, HMM on, as the training file was)."""
    jieba = _jieba()
    return list(jieba.lcut(text))  # type: ignore[attr-defined]


def _clean_chinese_token(token: str) -> str:
    """Strip Latin letters and digits; keep the token only if a Chinese character remains."""
    stripped = _LATIN_OR_DIGIT.sub("", token).strip()
    return stripped if _CJK_CHAR.search(stripped) else ""


@functools.lru_cache(maxsize=1 << 17)
def _normalize_chunk(chunk: str) -> tuple[str, ...]:
    stop = stopwords("zh")
    tokens = (_clean_chinese_token(t) for t in segment_chinese(chunk))
    return tuple(t for t in tokens if t and t not in stop)


def normalize_chinese(text: str) -> list[str]:
    """Chinese pipeline: jieba, drop Latin/digits/punctuation/whitespace, drop stop-words.

    Whitespace is a hard word boundary for jieba, so handling each whitespace-separated chunk on
    its own gives exactly what segmenting the whole text gives.  Doing it chunk by chunk lets a
    cache serve already-tokenised rows, whose chunks are words that recur thousands of times.
    """
    tokens: list[str] = []
    for chunk in text.split():
        tokens.extend(_normalize_chunk(chunk))
    return tokens


def normalize_english(text: str) -> list[str]:
    """English pipeline: lower-case word tokens without stop-words."""
    stop = stopwords("en")
    return [t for t in _EN_WORD.findall(text.lower()) if t not in stop]


def normalize(
    text: str, language: Language | None = None, *, segment_chinese: bool = True
) -> list[str]:
    """Turn raw or tokenised text into feature tokens, choosing the language when not given.

    With ``segment_chinese`` off a Chinese text gives no tokens (no jieba call): models that
    read Chinese through character n-grams only (:mod:`.cjk`) skip segmentation entirely.
    """
    lang = language or detect_language(text)
    if lang == "zh":
        return normalize_chinese(text) if segment_chinese else []
    return normalize_english(text)


def canonical(text: str, language: Language | None = None, *, segment_chinese: bool = True) -> str:
    """The normalised tokens joined by single spaces: the word and char blocks' input."""
    return " ".join(normalize(text, language, segment_chinese=segment_chinese))
