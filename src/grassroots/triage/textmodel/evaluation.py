"""Measuring a trained model on labelled texts it has not seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from .model import TrainedModel


class UnknownLabelsError(ValueError):
    """The evaluation labels include categories the model was not trained on."""

    def __init__(self, unknown: Sequence[str], known: Sequence[str]) -> None:
        self.unknown = sorted(unknown)
        self.known = list(known)
        super().__init__(
            f"labels the model does not know: {', '.join(self.unknown)} "
            f"(model classes: {', '.join(self.known)})"
        )


@dataclass(frozen=True)
class ClassMetrics:
    """Precision, recall and F1 of one class, with its number of true rows."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    """Accuracy, macro-F1, per-class table and confusion matrix (rows = true, cols = predicted)."""

    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]
    per_class: list[ClassMetrics]
    confusion: list[list[int]]


def evaluate(model: TrainedModel, texts: Sequence[str], labels: Sequence[str]) -> EvaluationReport:
    """Predict ``texts`` and compare with ``labels``.

    Raises :class:`UnknownLabelsError` listing labels absent from the model's classes, because a
    score over categories the model cannot output would be silently wrong.
    """
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if not texts:
        raise ValueError("nothing to evaluate")
    known = model.classes
    unknown = set(labels) - set(known)
    if unknown:
        raise UnknownLabelsError(sorted(unknown), known)
    predicted = model.predict_labels(texts)
    return report_from_predictions(list(labels), predicted, known)


def report_from_predictions(
    truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str]
) -> EvaluationReport:
    """Build the report from true and predicted labels.

    Per-class rows and macro-F1 cover the classes present in ``truth``: a class the model knows
    but the evaluation set lacks has no recall to measure.
    """
    present = [c for c in classes if c in set(truth)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0
    )
    rows = [
        ClassMetrics(c, float(p), float(r), float(f), int(s))
        for c, p, r, f, s in zip(present, precision, recall, f1, support, strict=True)
    ]
    matrix = confusion_matrix(truth, predicted, labels=list(classes))
    return EvaluationReport(
        n=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(
            f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
        ),
        labels=list(classes),
        per_class=rows,
        confusion=np.asarray(matrix).tolist(),
    )


def format_report(report: EvaluationReport) -> str:
    """Plain-text report: ``macro_f1=0.xxxx`` and ``accuracy=0.xxxx`` lines, then the tables."""
    width = max([len(c.label) for c in report.per_class] + [5])
    lines = [
        f"n={report.n}",
        f"accuracy={report.accuracy:.4f}",
        f"macro_f1={report.macro_f1:.4f}",
        "",
        f"{'class':<{width}}  precision  recall      f1  support",
    ]
    lines += [
        f"{c.label:<{width}}  {c.precision:9.4f}  {c.recall:6.4f}  {c.f1:6.4f}  {c.support:7d}"
        for c in report.per_class
    ]
    lines += ["", "confusion matrix (rows: true, columns: predicted, in this order):"]
    lines += [f"  {i}: {label}" for i, label in enumerate(report.labels)]
    lines += ["  " + " ".join(f"{v:5d}" for v in row) for row in report.confusion]
    return "\n".join(lines)
