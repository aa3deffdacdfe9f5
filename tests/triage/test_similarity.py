"""The duplicate finder's similarity: the same figures as scikit-learn's TF-IDF fitted on the
new text and its candidates, from n-grams kept per text in a per-process index."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from grassroots.triage.similarity import GramIndex, ngrams, similarities

TEXTS = [
    "Streetlight out on Elm Road",
    "streetlight OUT on elm road, again",
    "Loud music from the neighbour at night",
    "小区门口的路灯坏了，晚上很黑",
    "小区门口路灯坏了好几天，晚上出行很不安全",
    "A3区 燃气泄漏\n\t\t请尽快处理",
    "İstanbul ÇAĞ straße",
    "x\ty\u3000z  a",
    "😀 emoji only 😀😀",
    "lone \ud800 surrogate",
    "a",
    "",
    "   ",
]


def scikit_learn(text: str, others: list[str]) -> np.ndarray:
    """What the finder computed before: a vectoriser fitted on the text and the others."""
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([text.lower(), *(o.lower() for o in others)])
    except ValueError:
        return np.zeros(len(others))
    return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()


def test_ngrams_are_scikit_learns_char_wb_2_3_grams() -> None:
    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).build_analyzer()
    for text in TEXTS:
        keys, counts = ngrams(text)
        assert int(counts.sum()) == len(analyse(text.lower()))
        assert len(keys) == len(set(analyse(text.lower())))


@pytest.mark.parametrize("seed", range(len(TEXTS)))
def test_similarities_equal_scikit_learns_fit_on_the_candidates(seed: int) -> None:
    text, rng = TEXTS[seed], random.Random(seed)
    others = [*rng.sample(TEXTS, 8), "Streetlight out on Elm Road"]
    ours = similarities(text, others, index=GramIndex())
    np.testing.assert_allclose(ours, scikit_learn(text, others), rtol=0, atol=1e-12)


def test_a_shared_index_gives_the_same_figures_as_a_fresh_one() -> None:
    shared = GramIndex()
    rng = random.Random(7)
    for _ in range(30):
        text, others = rng.choice(TEXTS), rng.sample(TEXTS, rng.randint(1, len(TEXTS)))
        np.testing.assert_allclose(
            similarities(text, others, index=shared),
            similarities(text, others, index=GramIndex()),
            rtol=0,
            atol=1e-12,
        )
    assert shared.hits > 0


def test_an_edited_text_is_another_entry_never_the_old_one() -> None:
    index = GramIndex()
    before = similarities("street light out", ["street light out"], index=index)
    after = similarities("street light out", ["dog barking all night"], index=index)
    assert (round(float(before[0]), 4), len(index)) == (1.0, 2)
    assert float(after[0]) < 0.2


def test_the_index_keeps_at_most_its_size_and_the_vocabulary_is_bounded() -> None:
    index = GramIndex(size=3, vocabulary_limit=50)
    for text in TEXTS[:8]:
        similarities("streetlight", [text], index=index)
    assert len(index) <= 3
    assert index.columns <= 50 + max(len(ngrams(t)[0]) for t in TEXTS)
    np.testing.assert_allclose(
        similarities(TEXTS[0], TEXTS[:6], index=index), scikit_learn(TEXTS[0], TEXTS[:6])
    )


def test_a_draft_with_no_ngram_is_similar_to_nothing() -> None:
    assert similarities("   ", ["street light"]).tolist() == [0.0]
    assert similarities("light", []).tolist() == []
