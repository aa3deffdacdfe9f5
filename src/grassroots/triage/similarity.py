"""Text similarity for duplicate search, without Django (the bench uses it on raw files)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def similarities(text: str, others: Sequence[str]) -> np.ndarray:
    """Cosine similarity of `text` to each of `others` (character 2–3-grams, TF-IDF).

    Character n-grams need no word segmentation, so Chinese and English work alike, and they
    tolerate typos and reordered phrases. The vectoriser is fitted on the few candidates only.
    """
    if not others:
        return np.zeros(0)
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([text.lower(), *(o.lower() for o in others)])
    except ValueError:  # nothing but blanks: no n-gram at all
        return np.zeros(len(others))
    return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()
