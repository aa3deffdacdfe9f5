"""Benchmark of the triage text classifier on the Teddy Cup 2020 C data.

Run from the repository root:  .venv/bin/python bench/triage.py [--cv] [--leaky]

Trains on the tokenised training file, evaluates on the raw sample messages, and prints training
seconds, single-message prediction milliseconds and macro-F1/accuracy next to a plain word TF-IDF
+ LinearSVC baseline measured in the same run.  Training rows that are copies of evaluation
messages are dropped first (the sample file overlaps the training file, see docs/triage.md);
``--leaky`` also shows what training on every row would report.  ``--cv`` adds the grouped 5-fold
cross-validation of our model on the training rows.
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

from grassroots.triage.textmodel import (  # noqa: E402
    LabelledRows,
    ModelConfig,
    TrainedModel,
    canonical,
    evaluate,
    format_report,
    overlap_mask,
    read_labelled_csv,
    report_from_predictions,
    train_from_rows,
)
from grassroots.triage.textmodel.features import _word_char_ngrams  # noqa: E402
from grassroots.triage.textmodel.normalize import _normalize_chunk  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "teddycup2020c"
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
    _cold_cache()
    start = time.perf_counter()
    for text in texts:
        predict_one(text)
    return (time.perf_counter() - start) * 1000 / len(texts)


def _row(name: str, ours: float, base: float, fmt: str) -> str:
    return f"{name:<28}{ours:{fmt}}  {base:{fmt}}  {ours / base:8.3f}"


def _load() -> tuple[LabelledRows, LabelledRows]:
    train = read_labelled_csv(TRAIN_CSV, text_cols=["tokens"], label_col="一级标签")
    evaluation = read_labelled_csv(
        EVAL_CSV, text_cols=["留言主题", "留言详情"], label_col="一级分类"
    )
    return train, evaluation


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

    print(f"\n{'':<28}{'ours':>10}  {'baseline':>10}  {'ratio':>8}")
    print(_row("macro-F1 (raw, unseen)", ours.macro_f1, base.macro_f1, "10.4f"))
    print(_row("accuracy (raw, unseen)", ours.accuracy, base.accuracy, "10.4f"))
    print(_row("training seconds", ours_train, base_train, "10.2f"))
    print(_row("prediction ms/message", ours_ms, base_ms, "10.2f"))
    print(f"  of which segmentation (jieba + filtering): {seg_ms:.2f} ms/message")
    if model.metadata.cv is not None:
        cv = model.metadata.cv
        print(
            f"\ncross-validation ({cv.method}): macro_f1={cv.macro_f1:.4f} "
            f"(fold std {cv.macro_f1_fold_std:.4f}) accuracy={cv.accuracy:.4f}"
        )
    print("\nours on the raw evaluation messages:\n" + format_report(ours))
    if args.leaky:
        _leaky(train, evaluation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
