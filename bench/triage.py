"""Benchmark of the triage text classifier on the Teddy Cup 2020 C data.

Run from the repository root:  .venv/bin/python bench/triage.py [--cv] [--leaky] [--segmented]
[--nyc]

Trains on the tokenised training file, evaluates on the raw sample messages, and prints training
seconds, single-message prediction milliseconds and macro-F1/accuracy next to a plain word TF-IDF
+ LinearSVC baseline measured in the same run.  Training rows that are copies of evaluation
messages are dropped first (the sample file overlaps the training file, see docs/triage.md);
``--leaky`` also shows what training on every row would report.  ``--cv`` adds the grouped 5-fold
cross-validation of our model on the training rows.  ``--segmented`` also measures the model that
segments Chinese with jieba (word + char_wb + Chinese character blocks).  ``--nyc`` measures the
shipped demo model on the NYC 311 records of ../shared/data that the demo file does not hold.
"""

from __future__ import annotations

import os

# One core for prediction timing, as the target states; set before numpy/scipy load their BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from grassroots.triage.defaults.demo_model import DEMO_DATA, DEMO_MODEL_FILE  # noqa: E402
from grassroots.triage.textmodel import (  # noqa: E402
    FeatureConfig,
    LabelledRows,
    ModelConfig,
    TrainedModel,
    canonical,
    evaluate,
    format_report,
    overlap_mask,
    read_311_rows,
    read_labelled_csv,
    report_from_predictions,
    train_from_rows,
)
from grassroots.triage.textmodel.features import _word_char_ngrams  # noqa: E402
from grassroots.triage.textmodel.normalize import _normalize_chunk  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DATA = SHARED / "teddycup2020c"
NYC_CSV = SHARED / "service_requests_311" / "nyc_311_sample_combined.csv"
TRAIN_CSV = DATA / "attachment2_train_tokenized_labeled.csv"
EVAL_CSV = DATA / "attachment2_sample_messages_labeled.csv"


def _cold_cache() -> None:
    # Segmentation and per-word n-grams are cached; timings start from a fresh process's state
    # so they include jieba's real work.
    _normalize_chunk.cache_clear()
    _word_char_ngrams.cache_clear()


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    _cold_cache()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _train_baseline(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    """Plain word TF-IDF (unigrams, sklearn defaults) + LinearSVC on the same normalised text."""
    pipeline = make_pipeline(TfidfVectorizer(tokenizer=str.split, token_pattern=None), LinearSVC())
    return pipeline.fit([canonical(t) for t in texts], list(labels))


def _ms_per_message(predict_one: Callable[[str], object], texts: Sequence[str]) -> float:
    """Wall-clock milliseconds per single-text call, starting from cold caches."""
    _cold_cache()
    start = time.perf_counter()
    for text in texts:
        predict_one(text)
    return (time.perf_counter() - start) * 1000 / len(texts)


def _cpu_ms_per_message(predict_one: Callable[[str], object], texts: Sequence[str]) -> float:
    """CPU milliseconds of this process per call: less sensitive than wall time to other jobs
    queueing for the cores of a shared machine (cache contention still inflates it)."""
    _cold_cache()
    start = time.process_time()
    for text in texts:
        predict_one(text)
    return (time.process_time() - start) * 1000 / len(texts)


def _row(name: str, ours: float, base: float, fmt: str) -> str:
    return f"{name:<28}{ours:{fmt}}  {base:{fmt}}  {ours / base:8.3f}"


def _load() -> tuple[LabelledRows, LabelledRows]:
    train = read_labelled_csv(TRAIN_CSV, text_cols=["tokens"], label_col="一级标签")
    evaluation = read_labelled_csv(
        EVAL_CSV, text_cols=["留言主题", "留言详情"], label_col="一级分类"
    )
    return train, evaluation


def _segmented(texts: list[str], labels: list[str], evaluation: LabelledRows) -> None:
    config = ModelConfig(cv_folds=0, features=FeatureConfig(segment_chinese=True))
    model, seconds = _timed(lambda: train_from_rows(texts, labels, config=config))
    assert isinstance(model, TrainedModel)
    report = evaluate(model, evaluation.texts, evaluation.labels)
    ms = _ms_per_message(lambda t: model.predict([t]), evaluation.texts)
    print(
        f"\nsegmented (jieba words + char_wb + Chinese n-grams): macro_f1={report.macro_f1:.4f} "
        f"accuracy={report.accuracy:.4f} training={seconds:.1f}s prediction={ms:.2f} ms/message"
    )


def _nyc() -> None:
    """The shipped demo model on NYC 311 records it was not trained on."""
    if not NYC_CSV.is_file():
        print(f"\nnyc: skipped, {NYC_CSV} not found")
        return
    model = TrainedModel.load(DEMO_MODEL_FILE)
    rows = read_labelled_csv(
        NYC_CSV, ["Unique Key", "Descriptor", "Location Type"], "Complaint Type"
    )
    seen = {line.split(",", 1)[0] for line in _demo_lines()}
    known = set(model.classes)
    kept = [
        (text.split("\n", 1)[1], label)
        for text, label in zip(rows.texts, rows.labels, strict=True)
        if text.split("\n", 1)[0] not in seen and label in known
    ]
    texts = [t for t, _ in kept]
    labels = [y for _, y in kept]
    report = evaluate(model, texts, labels)
    demo = read_311_rows(DEMO_DATA, min_count=2)
    majority = max(set(demo.labels), key=demo.labels.count)
    base = report_from_predictions(labels, [majority] * len(labels), model.classes)
    ms = _ms_per_message(lambda t: model.predict([t]), texts[:2000])
    print(
        f"\nnyc demo model on {len(texts)} other NYC 311 records of its {len(known)} types "
        f"({len(rows.texts) - len(texts)} rows left out: in the demo file or of other types):"
        f"\n  macro_f1={report.macro_f1:.4f} accuracy={report.accuracy:.4f} "
        f"(majority class: accuracy={base.accuracy:.4f}); prediction {ms:.3f} ms/message"
    )


def _demo_lines() -> list[str]:
    import gzip

    with gzip.open(DEMO_DATA, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()[1:]


def _leaky(train: LabelledRows, evaluation: LabelledRows) -> None:
    model = train_from_rows(train.texts, train.labels, config=ModelConfig(cv_folds=0))
    report = evaluate(model, evaluation.texts, evaluation.labels)
    print(f"\nleaky (trained on all {len(train.texts)} rows, copies of the evaluation messages")
    print(f"included): macro_f1={report.macro_f1:.4f} accuracy={report.accuracy:.4f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="also run grouped 5-fold CV")
    parser.add_argument("--leaky", action="store_true", help="also train on overlapping rows")
    parser.add_argument("--segmented", action="store_true", help="also the jieba-word model")
    parser.add_argument("--nyc", action="store_true", help="also the NYC demo model")
    args = parser.parse_args(argv)
    if not TRAIN_CSV.is_file() or not EVAL_CSV.is_file():
        print(f"skipped: needs ../shared/data/teddycup2020c (not found at {DATA})")
        return 0
    train, evaluation = _load()
    overlap = overlap_mask(train.texts, evaluation.texts)
    texts = [t for t, o in zip(train.texts, overlap, strict=True) if not o]
    labels = [y for y, o in zip(train.labels, overlap, strict=True) if not o]
    print(
        f"training rows: {len(train.texts)}, dropped as copies of evaluation messages: "
        f"{int(overlap.sum())}, used: {len(texts)}; evaluation messages (raw): "
        f"{len(evaluation.texts)}"
    )

    config = ModelConfig(cv_folds=5 if args.cv else 0)
    model, ours_train = _timed(lambda: train_from_rows(texts, labels, config=config))
    assert isinstance(model, TrainedModel)
    baseline, base_train = _timed(lambda: _train_baseline(texts, labels))
    assert isinstance(baseline, Pipeline)

    ours = evaluate(model, evaluation.texts, evaluation.labels)
    base_pred = baseline.predict([canonical(t) for t in evaluation.texts])
    base = report_from_predictions(evaluation.labels, list(base_pred), model.classes)
    ours_ms = _ms_per_message(lambda t: model.predict([t]), evaluation.texts)
    base_ms = _ms_per_message(lambda t: baseline.predict([canonical(t)]), evaluation.texts)
    seg_ms = _ms_per_message(canonical, evaluation.texts)
    row_ms = _ms_per_message(model.features.row, evaluation.texts)
    ours_cpu = _cpu_ms_per_message(lambda t: model.predict([t]), evaluation.texts)
    base_cpu = _cpu_ms_per_message(lambda t: baseline.predict([canonical(t)]), evaluation.texts)

    print(f"\n{'':<28}{'ours':>10}  {'baseline':>10}  {'ratio':>8}")
    print(_row("macro-F1 (raw, unseen)", ours.macro_f1, base.macro_f1, "10.4f"))
    print(_row("accuracy (raw, unseen)", ours.accuracy, base.accuracy, "10.4f"))
    print(_row("training seconds", ours_train, base_train, "10.2f"))
    print(_row("prediction ms/message", ours_ms, base_ms, "10.3f"))
    print(_row("prediction CPU ms/message", ours_cpu, base_cpu, "10.3f"))
    print(f"  ours: of which features (no jieba): {row_ms:.3f} ms/message")
    print(f"  baseline: of which segmentation (jieba + filtering): {seg_ms:.2f} ms/message")
    if model.metadata.cv is not None:
        cv = model.metadata.cv
        print(
            f"\ncross-validation ({cv.method}): macro_f1={cv.macro_f1:.4f} "
            f"(fold std {cv.macro_f1_fold_std:.4f}) accuracy={cv.accuracy:.4f}"
        )
    print("\nours on the raw evaluation messages:\n" + format_report(ours))
    if args.segmented:
        _segmented(texts, labels, evaluation)
    if args.nyc:
        _nyc()
    if args.leaky:
        _leaky(train, evaluation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
