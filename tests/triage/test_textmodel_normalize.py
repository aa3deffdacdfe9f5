"""Text normalisation: language choice, Chinese segmentation and filtering, English tokens."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from grassroots.triage.textmodel import canonical, detect_language, normalize
from grassroots.triage.textmodel.cjk import (
    ChineseCharNgrams,
    chinese_only,
    key_text,
    ngram_keys,
)
from grassroots.triage.textmodel.features import join_chinese
from grassroots.triage.textmodel.normalize import stopwords


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Overrides the project-wide fixture: this library has no translated text and needs no
    Django, so its tests also run with ``-p no:django``."""
    yield


RAW_MESSAGES = [
    "A市西湖建筑集团占道施工有安全隐患\n\t\t\tA3区大道西行便道，人行道被施工围墙圈占。",
    "关于K8县2019年城乡居民医疗保险缴费标准的咨询，请问今年每人要交多少钱？",
    "我们小区门口的垃圾站每天散发恶臭，夏天蚊蝇滋生，希望环保部门尽快处理！",
    "请问A7县第三中学今年秋季招生的划片范围是怎么确定的？家长们都很着急。",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小区门口垃圾堆积很久没人清理", "zh"),
        ("Loud music from the bar next door every night", "en"),
        ("A3区K5县的WiFi信号很差", "zh"),  # place codes in Latin letters do not make it English
        ("Noise complaint near 北京路 on Main Street, Brooklyn", "en"),
        ("12345", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_chinese_drops_latin_digits_punctuation_and_stopwords() -> None:
    tokens = normalize("A市西湖建筑集团2019年的施工，有安全隐患！")
    assert "西湖" in tokens and "安全隐患" in tokens
    assert "市" in tokens  # "A市" loses its letter, as in the training file
    for token in tokens:
        assert not any(ch.isascii() for ch in token), token
        assert token not in stopwords("zh")
    assert "的" not in tokens and "，" not in tokens


def test_padding_and_whitespace_do_not_become_tokens() -> None:
    tokens = normalize("\n\t\t\t\n反映\u3000小区\t\t噪音\n\n")
    assert tokens == ["反映", "小区", "噪音"]


@pytest.mark.parametrize("raw", RAW_MESSAGES)
def test_tokenised_text_gives_same_tokens_as_raw(raw: str) -> None:
    # The training file holds messages already segmented and joined with spaces; feeding such a
    # row through the pipeline must reproduce the features of the raw message.
    tokens = normalize(raw)
    assert tokens
    assert normalize(" ".join(tokens)) == tokens
    assert canonical(canonical(raw)) == canonical(raw)


def test_raw_and_tokenised_give_same_features_with_extra_stopwords() -> None:
    # A tokenised row that still carries stop-words and Latin codes (as the Teddy Cup file does
    # for "A3 区") must match the raw text after normalisation.
    raw = "A3区的道路施工噪音很大，影响居民休息。"
    tokenised = "A3 区 的 道路 施工 噪音 很大 ， 影响 居民 休息 。"
    assert normalize(tokenised) == normalize(raw)


def test_english_lowercase_words_without_stopwords() -> None:
    assert normalize("Loud Music/Party at the Club House") == [
        "loud",
        "music",
        "party",
        "club",
        "house",
    ]
    assert normalize("loud music party club house") == normalize(
        "Loud Music/Party at the Club House"
    )


def test_join_chinese_keeps_english_word_boundaries() -> None:
    assert join_chinese("西湖 建筑 集团") == "西湖建筑集团"
    assert join_chinese("loud music") == "loud music"


def test_chinese_ngrams_ignore_tokenisation_and_non_chinese() -> None:
    raw = "A3区小区门口垃圾堆积，很久没人清理！"
    tokenised = "区 小区 门口 垃圾 堆积 很久 没人 清理"
    assert chinese_only(raw) == chinese_only(tokenised) == "区小区门口垃圾堆积很久没人清理"
    np.testing.assert_array_equal(ngram_keys(raw, (1, 3)), ngram_keys(tokenised, (1, 3)))
    keys = ngram_keys("垃圾站", (1, 3))
    assert [key_text(int(k)) for k in keys] == ["垃", "圾", "站", "垃圾", "圾站", "垃圾站"]
    keys = ngram_keys("㐀鿿豈﫿", (4, 4))  # the first and last characters of both blocks
    assert [key_text(int(k)) for k in keys] == ["㐀鿿豈﫿"]
    assert len(ngram_keys("Loud music", (1, 3))) == 0


def test_chinese_ngram_tfidf_matches_scikit_learn() -> None:
    texts = [*RAW_MESSAGES, "垃圾 恶臭 垃圾"]
    ours = ChineseCharNgrams((1, 3), min_df=1).fit(texts)
    theirs = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True
    ).fit([chinese_only(t) for t in texts])
    names = ours.feature_names()
    assert sorted(names) == sorted(theirs.vocabulary_)
    order = [theirs.vocabulary_[n] for n in names]
    expected = theirs.transform([chinese_only(t) for t in texts]).toarray()[:, order]
    np.testing.assert_allclose(ours.transform(texts).toarray(), expected, atol=1e-6)
