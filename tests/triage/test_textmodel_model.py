"""Training, prediction, explanation, persistence and evaluation on small hand-written corpora."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy as np
import pytest

from grassroots.triage.textmodel import (
    FeatureConfig,
    MissingColumnsError,
    ModelConfig,
    ModelFormatError,
    TrainedModel,
    TrainingDataError,
    UnknownLabelsError,
    evaluate,
    format_report,
    near_duplicate_groups,
    normalize,
    overlap_mask,
    read_labelled_csv,
    train_from_rows,
)
from grassroots.triage.textmodel.linear import CalibratedLinearSVC


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Overrides the project-wide fixture: this library has no translated text and needs no
    Django, so its tests also run with ``-p no:django``."""
    yield


ZH_TOPICS = {
    "环境保护": ["噪音扰民", "垃圾恶臭", "污水直排", "油烟污染", "粉尘污染", "河道发黑"],
    "交通运输": ["公交线路", "红绿灯故障", "道路拥堵", "出租车拒载", "地铁站", "停车收费"],
    "教育文体": ["学校招生", "学位分配", "幼儿园收费", "教师补课", "学生食堂", "体育场馆"],
}
ZH_PLACES = ["西湖小区", "火炬路", "书院路", "雷锋大道"]
ZH_FRAMES = ["{place}{topic}问题严重，居民意见很大。", "反映{place}附近{topic}，请有关部门处理。"]

EN_TOPICS = {
    "Noise": ["loud music", "barking dog", "construction noise", "party noise", "car horn"],
    "Sanitation": ["missed garbage pickup", "overflowing litter basket", "dirty sidewalk", "rats"],
    "Street Condition": ["pothole", "cracked pavement", "broken curb", "street cave in", "ponding"],
}
EN_PLACES = ["residential building", "street", "park", "store"]
EN_FRAMES = ["{topic} at the {place}", "complaint about {topic} near {place}"]

FAST = ModelConfig(cv_folds=3)


def _corpus(
    topics: dict[str, list[str]], places: list[str], frames: list[str]
) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for label, items in topics.items():
        for topic, place, frame in itertools.product(items, places, frames):
            texts.append(frame.format(topic=topic, place=place))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def zh_corpus() -> tuple[list[str], list[str]]:
    return _corpus(ZH_TOPICS, ZH_PLACES, ZH_FRAMES)


@pytest.fixture(scope="module")
def zh_model(zh_corpus: tuple[list[str], list[str]]) -> TrainedModel:
    return train_from_rows(*zh_corpus, config=FAST)


@pytest.fixture(scope="module")
def en_model() -> TrainedModel:
    return train_from_rows(*_corpus(EN_TOPICS, EN_PLACES, EN_FRAMES), config=FAST)


def test_training_records_metadata(zh_model: TrainedModel, zh_corpus: tuple) -> None:
    meta = zh_model.metadata
    assert meta.n_rows == len(zh_corpus[0])
    assert sorted(meta.classes) == sorted(ZH_TOPICS)
    assert meta.class_counts == {label: 48 for label in ZH_TOPICS}
    assert meta.version.startswith("textmodel-")
    assert meta.trained_at[:2] == "20"
    assert meta.cv is not None and meta.cv.folds == 3
    assert 0.0 <= meta.cv.macro_f1 <= 1.0 and 0.0 <= meta.cv.accuracy <= 1.0


def test_progress_callback_reports_stages(zh_corpus: tuple) -> None:
    seen: list[tuple[str, float]] = []
    train_from_rows(
        *zh_corpus, config=ModelConfig(cv_folds=0), progress=lambda s, f: seen.append((s, f))
    )
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert seen[-1] == ("done", 1.0)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("我家楼下的饭店油烟污染和噪音扰民太严重了", "环境保护"),
        ("建议增加公交线路，早高峰道路拥堵", "交通运输"),
        ("孩子的学位分配和学校招生政策不公平", "教育文体"),
    ],
)
def test_chinese_prediction(zh_model: TrainedModel, text: str, label: str) -> None:
    (prediction,) = zh_model.predict([text])
    assert prediction.label == label
    probabilities = [p for _, p in prediction.top]
    assert len(prediction.top) == 3
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1.0 + 1e-9
    assert prediction.probability == probabilities[0]


def test_explanation_words_come_from_the_text(zh_model: TrainedModel) -> None:
    text = "西湖小区附近的地铁站和红绿灯故障问题"
    (prediction,) = zh_model.predict([text])
    assert prediction.label == "交通运输"
    assert prediction.explanation
    for feature, weight in prediction.explanation:
        assert weight > 0
        assert len(feature) >= 2 and feature in text, feature  # n-grams of the text, 2+ chars
    weights = [w for _, w in prediction.explanation]
    assert weights == sorted(weights, reverse=True)


def test_segmented_model_explains_with_jieba_words(zh_corpus: tuple) -> None:
    features = FeatureConfig(segment_chinese=True, zh_ngrams=None)
    model = train_from_rows(*zh_corpus, config=ModelConfig(features=features, cv_folds=0))
    text = "西湖小区附近的地铁站和红绿灯故障问题"
    (prediction,) = model.predict([text])
    assert prediction.label == "交通运输"
    words = set(normalize(text))
    assert prediction.explanation
    for feature, _weight in prediction.explanation:
        assert set(feature.split()) <= words, feature


def test_fast_rows_equal_the_fitted_vectorisers(zh_corpus: tuple) -> None:
    """Features.row (dictionary lookups and numpy) gives the matrix scikit-learn gives."""
    features = FeatureConfig(segment_chinese=True)  # all three blocks
    model = train_from_rows(*zh_corpus, config=ModelConfig(features=features, cv_folds=0))
    texts = ["西湖小区附近的地铁站和红绿灯故障问题", "Loud music at night, 噪音扰民", "x"]
    matrix = model.transform(texts).toarray()
    for r, text in enumerate(texts):
        idx, values = model.features.row(text)
        row = np.zeros(matrix.shape[1], dtype=np.float32)
        row[idx] = values
        np.testing.assert_allclose(row, matrix[r], rtol=1e-5, atol=1e-6)
    expected = model.classifier.predict_proba(model.transform(texts))
    np.testing.assert_allclose(model.predict_proba(texts), expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Loud music and party noise all night", "Noise"),
        ("Pothole and broken curb on my street", "Street Condition"),
        ("Rats around the overflowing litter basket", "Sanitation"),
    ],
)
def test_english_prediction(en_model: TrainedModel, text: str, label: str) -> None:
    (prediction,) = en_model.predict([text])
    assert prediction.label == label
    assert set(prediction.explanation[0][0].split()) <= set(normalize(text))


def test_save_load_round_trip(zh_model: TrainedModel, tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    zh_model.save(path)
    loaded = TrainedModel.load(path)
    texts = ["反映小区垃圾恶臭问题", "地铁站停车收费太贵", "幼儿园收费标准"]
    assert loaded.metadata == zh_model.metadata
    np.testing.assert_allclose(loaded.predict_proba(texts), zh_model.predict_proba(texts))
    assert loaded.predict(texts) == zh_model.predict(texts)


def test_load_rejects_other_format_version(zh_model: TrainedModel, tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    zh_model.save(path)
    payload = joblib.load(path)
    payload["format_version"] = 999
    joblib.dump(payload, path)
    with pytest.raises(ModelFormatError, match=r"format version 999.*retrain"):
        TrainedModel.load(path)


def test_load_rejects_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "other.joblib"
    joblib.dump({"weights": [1, 2, 3]}, path)
    with pytest.raises(ModelFormatError, match=r"not a grassroots\.triage\.textmodel model"):
        TrainedModel.load(path)


def test_training_rejects_unusable_rows() -> None:
    with pytest.raises(TrainingDataError, match="two classes"):
        train_from_rows(["噪音扰民", "垃圾恶臭"], ["环境保护", "环境保护"])
    with pytest.raises(TrainingDataError, match="交通运输"):
        train_from_rows(["噪音扰民", "垃圾恶臭", "公交线路"], ["环境保护", "环境保护", "交通运输"])


def test_evaluate_and_format_report(zh_model: TrainedModel) -> None:
    texts = ["饭店油烟污染", "道路拥堵严重", "学校招生不公", "河道发黑发臭"]
    labels = ["环境保护", "交通运输", "教育文体", "环境保护"]
    report = evaluate(zh_model, texts, labels)
    assert report.n == 4
    assert report.accuracy == 1.0 and report.macro_f1 == 1.0
    assert sum(map(sum, report.confusion)) == 4
    assert {c.label: c.support for c in report.per_class}["环境保护"] == 2
    text = format_report(report)
    assert "macro_f1=1.0000" in text.splitlines()
    assert "accuracy=1.0000" in text.splitlines()


def test_evaluate_names_unknown_labels(zh_model: TrainedModel) -> None:
    with pytest.raises(UnknownLabelsError, match="卫生计生") as excinfo:
        evaluate(zh_model, ["医院看病难", "道路拥堵"], ["卫生计生", "交通运输"])
    assert excinfo.value.unknown == ["卫生计生"]


def test_read_labelled_csv(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["主题", "详情", "分类"])
        writer.writerow(["噪音", "夜里施工\n\t\t很吵", "环境保护"])
        writer.writerow(["", "", "环境保护"])
    rows = read_labelled_csv(path, text_cols=["主题", "详情"], label_col="分类")
    assert rows.texts == ["噪音\n夜里施工\n\t\t很吵"]
    assert rows.labels == ["环境保护"]
    assert rows.skipped == 1
    with pytest.raises(MissingColumnsError, match="'一级分类'") as excinfo:
        read_labelled_csv(path, text_cols=["主题"], label_col="一级分类")
    assert excinfo.value.missing == ["一级分类"]


def test_char_block_can_be_switched_off(zh_corpus: tuple) -> None:
    config = ModelConfig(features=FeatureConfig(use_char=False), cv_folds=0)
    model = train_from_rows(*zh_corpus, config=config)
    assert model.metadata.cv is None
    assert model.predict_labels(["公交线路红绿灯故障"]) == ["交通运输"]


def test_near_duplicates_and_overlap() -> None:
    texts = [
        "西湖小区噪音扰民问题严重",
        "西湖小区噪音扰民问题严重！！",
        "火炬路公交线路调整",
        "学校招生政策咨询",
    ]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1]
    assert len({groups[1], groups[2], groups[3]}) == 3
    mask = overlap_mask(texts, ["火炬路的公交线路调整了"])
    assert mask.tolist() == [False, False, True, False]


def test_grouped_cross_validation_with_classes_of_few_messages() -> None:
    """Classes with too few distinct messages: near-copies stay in one fold, so a fold's
    training rows lack "Graffiti" (one message, 4 copies) or hold a single "Tree" row, which
    the calibration's inner split cannot place in every part (this raised ValueError)."""
    texts, labels = _corpus(EN_TOPICS, EN_PLACES, EN_FRAMES)
    texts += ["graffiti on the wall"] * 4 + ["dead tree branch"] * 3 + ["tree roots lift pavement"]
    labels += ["Graffiti"] * 4 + ["Tree"] * 4
    model = train_from_rows(texts, labels, config=ModelConfig(cv_folds=3))
    cv = model.metadata.cv
    assert cv is not None and cv.folds == 3
    assert cv.single_group_classes == ["Graffiti"]
    assert cv.macro_f1 < 1.0  # the fold testing Graffiti never saw it
    assert model.classes == ["Graffiti", "Noise", "Sanitation", "Street Condition", "Tree"]
    assert model.predict_labels(["graffiti on the wall"]) == ["Graffiti"]


def test_calibration_copes_with_a_class_missing_from_a_fold() -> None:
    matrix = np.array([[1.0, 0, 0]] * 6 + [[0, 1.0, 0]] * 6 + [[0, 0, 1.0]])
    labels = ["a"] * 6 + ["b"] * 6 + ["c"]  # "c" is in one calibration fold only
    svm = CalibratedLinearSVC(calibration_folds=3).fit(matrix, labels)
    probs = svm.predict_proba(matrix)
    assert probs.shape == (13, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert svm.predict(matrix[[0, 6]]).tolist() == ["a", "b"]


def test_calibration_of_two_classes() -> None:
    matrix = np.array([[1.0, 0]] * 5 + [[0, 1.0]] * 5)
    svm = CalibratedLinearSVC(calibration_folds=3).fit(matrix, ["x"] * 5 + ["y"] * 5)
    probs = svm.predict_proba(matrix)
    assert probs.shape == (10, 2)
    assert svm.predict(matrix[[0, 9]]).tolist() == ["x", "y"]
