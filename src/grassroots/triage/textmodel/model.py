"""The trained triage classifier: training, prediction with explanations, saving and loading."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .data import NEAR_DUPLICATE_THRESHOLD, near_duplicate_groups
from .features import FeatureConfig, Features
from .linear import CalibratedLinearSVC

FORMAT_NAME = "grassroots.triage.textmodel"
# Bump when the saved layout or the meaning of the features changes: old files must then be
# retrained, and load() says so instead of failing somewhere inside scikit-learn.
FORMAT_VERSION = 2
PIPELINE_VERSION = "2.0"

ProgressCallback = Callable[[str, float], None]


class TrainingDataError(ValueError):
    """The rows given to :func:`train_from_rows` cannot train a classifier."""


class ModelFormatError(ValueError):
    """A saved model file is not a text model of the format this code reads."""


@dataclass(frozen=True)
class ModelConfig:
    """Model settings; the defaults were chosen by grouped 5-fold CV on the training file only."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    classifier: Literal["svm", "logreg"] = "svm"
    C: float = 1.0
    class_weight: Literal["balanced"] | None = None
    calibration_folds: int = 3
    cv_folds: int = 5  # 0 or 1 skips cross-validation
    cv_grouping: Literal["near_duplicates", "none"] = "near_duplicates"
    random_state: int = 0


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold metrics measured while training."""

    method: str
    folds: int
    accuracy: float
    macro_f1: float
    macro_f1_fold_std: float
    # Classes whose rows are all near-copies of one message: in a grouped split they are never
    # on both sides, so the folds that test them cannot have learned them (recall 0 there).
    single_group_classes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ModelMetadata:
    """What a saved model says about itself."""

    version: str
    format_version: int
    trained_at: str
    n_rows: int
    classes: list[str]
    class_counts: dict[str, int]
    config: dict[str, Any]
    cv: CrossValidation | None
    sklearn_version: str


@dataclass(frozen=True)
class Prediction:
    """Top categories (best first) and, for the best one, the words that weighed most."""

    label: str
    probability: float
    top: list[tuple[str, float]]
    explanation: list[tuple[str, float]]


def _noop(_stage: str, _fraction: float) -> None:
    """Default progress callback."""


def _make_classifier(config: ModelConfig) -> ClassifierMixin:
    if config.classifier == "logreg":
        return LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=2000)
    return CalibratedLinearSVC(
        C=config.C,
        class_weight=config.class_weight,
        calibration_folds=config.calibration_folds,
        random_state=config.random_state,
    )


def _cross_validate(
    matrix: csr_matrix,
    labels: np.ndarray,
    groups: np.ndarray | None,
    config: ModelConfig,
    progress: ProgressCallback,
) -> CrossValidation | None:
    """Out-of-fold accuracy and macro-F1 of the classifier on fixed features.

    The vectorisers were fitted on all rows (unsupervised: vocabulary and idf only); the
    classifier, which is where labels enter, is refitted in every fold.
    """
    min_count = min(Counter(labels.tolist()).values())
    folds = min(config.cv_folds, min_count)
    if folds < 2:
        return None
    if groups is not None:
        splitter: Any = StratifiedGroupKFold(folds, shuffle=True, random_state=config.random_state)
        method = (
            f"{folds}-fold stratified, near-duplicates "
            f"(cosine>={NEAR_DUPLICATE_THRESHOLD}) kept in one fold"
        )
    else:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=config.random_state)
        method = f"{folds}-fold stratified"
    single = []
    if groups is not None:
        group_sets: dict[str, set[int]] = {}
        for label, group in zip(labels.tolist(), groups.tolist(), strict=True):
            group_sets.setdefault(label, set()).add(group)
        single = sorted(label for label, found in group_sets.items() if len(found) < 2)
    predicted = np.empty_like(labels)
    fold_f1: list[float] = []
    for k, (train, test) in enumerate(splitter.split(matrix, labels, groups)):
        progress(f"cross-validation fold {k + 1}/{folds}", 0.3 + 0.5 * k / folds)
        model = _make_classifier(config).fit(matrix[train], labels[train])
        predicted[test] = model.predict(matrix[test])
        fold_f1.append(float(f1_score(labels[test], predicted[test], average="macro")))
    return CrossValidation(
        method=method,
        folds=folds,
        accuracy=float(accuracy_score(labels, predicted)),
        macro_f1=float(f1_score(labels, predicted, average="macro")),
        macro_f1_fold_std=float(np.std(fold_f1)),
        single_group_classes=single,
    )


def _check_rows(texts: Sequence[str], labels: Sequence[str]) -> Counter[str]:
    if len(texts) != len(labels):
        raise TrainingDataError(f"{len(texts)} texts but {len(labels)} labels")
    counts = Counter(labels)
    if len(counts) < 2:
        raise TrainingDataError(f"need at least two classes, got {sorted(counts)}")
    rare = sorted(label for label, n in counts.items() if n < 2)
    if rare:
        raise TrainingDataError(f"classes with fewer than 2 rows cannot be trained: {rare}")
    return counts


def train_from_rows(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    config: ModelConfig | None = None,
    progress: ProgressCallback | None = None,
) -> TrainedModel:
    """Train a classifier on raw or tokenised texts and measure it by cross-validation.

    ``progress(stage, fraction)`` is called at each stage with a fraction in [0, 1].  Raises
    :class:`TrainingDataError` for fewer than two classes or a class with a single row.
    """
    config = config or ModelConfig()
    report = progress or _noop
    counts = _check_rows(texts, labels)
    features = Features(config.features)
    report("normalising text", 0.0)
    canon = [features.canonical(t) for t in texts]
    report("building features", 0.15)
    matrix = features.fit_transform(texts, canon)
    y = np.asarray(labels, dtype=object)
    cv = None
    if config.cv_folds >= 2:
        report("grouping near-duplicates", 0.25)
        groups = None
        if config.cv_grouping == "near_duplicates":
            groups = near_duplicate_groups(texts)
        cv = _cross_validate(matrix, y, groups, config, report)
    report("fitting final model", 0.85)
    classifier = _make_classifier(config).fit(matrix, y)
    classes = [str(c) for c in classifier.classes_]
    metadata = ModelMetadata(
        version=f"textmodel-{PIPELINE_VERSION}",
        format_version=FORMAT_VERSION,
        trained_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        n_rows=len(texts),
        classes=classes,
        class_counts={c: counts[c] for c in classes},
        config=dataclasses.asdict(config),
        cv=cv,
        sklearn_version=sklearn.__version__,
    )
    report("done", 1.0)
    return TrainedModel(features, classifier, metadata)


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True))


class TrainedModel:
    """Fitted feature blocks plus a linear classifier with probabilities, and its metadata.

    Prediction does not go through scikit-learn: each text's sparse row (:meth:`Features.row`)
    gathers its columns of the coefficient matrix, stored transposed so that those are
    contiguous rows; the class scores then become probabilities (two small products).
    """

    def __init__(
        self, features: Features, classifier: ClassifierMixin, metadata: ModelMetadata
    ) -> None:
        self.features = features
        self.classifier = classifier
        self.metadata = metadata
        # (n_features, n_scores): one score column per class, one in all for two classes.
        self.coef_t = np.ascontiguousarray(np.asarray(classifier.coef_, dtype=np.float32).T)
        self.intercept = np.asarray(classifier.intercept_, dtype=np.float64)
        self._explainable: np.ndarray | None = None

    @property
    def classes(self) -> list[str]:
        """The labels the model can predict, in the classifier's order."""
        return list(self.metadata.classes)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Feature matrix of raw or tokenised texts."""
        return self.features.transform(texts)

    def _scores(self, idx: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.asarray(values @ self.coef_t[idx], dtype=np.float64) + self.intercept

    def _proba(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities from linear scores (one row), as the classifier's predict_proba."""
        if isinstance(self.classifier, CalibratedLinearSVC):
            return self.classifier.proba_from_scores(scores[np.newaxis, :])[0]
        if scores.shape[0] == 1:  # binary logistic regression
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.asarray([1.0 - positive, positive])
        return _softmax(scores)

    def _proba_rows(self, texts: Sequence[str]) -> tuple[np.ndarray, list[tuple]]:
        rows = [self.features.row(t) for t in texts]
        probs = np.asarray([self._proba(self._scores(idx, val)) for idx, val in rows])
        return probs.reshape(len(texts), len(self.classes)), rows

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in :attr:`classes` order."""
        return self._proba_rows(texts)[0]

    def predict_labels(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        probs = self.predict_proba(texts)
        return [self.classes[i] for i in probs.argmax(axis=1)]

    def _class_weights(self, idx: np.ndarray, class_index: int) -> np.ndarray:
        weights = self.coef_t[idx]
        if weights.shape[1] == 1:  # two classes: the first class's weight is the opposite
            return weights[:, 0] if class_index == 1 else -weights[:, 0]
        return weights[:, class_index]

    def _explain(
        self, idx: np.ndarray, values: np.ndarray, class_index: int, limit: int
    ) -> list[tuple[str, float]]:
        if self._explainable is None:
            self._explainable = self.features.explainable()
        keep = self._explainable[idx]
        idx, values = idx[keep], values[keep]
        weights = self._class_weights(idx, class_index) * values
        order = np.argsort(-weights)[:limit]
        return [
            (self.features.name(int(idx[i])), float(weights[i])) for i in order if weights[i] > 0
        ]

    def predict(
        self, texts: Sequence[str], *, top_k: int = 3, explain: int = 5
    ) -> list[Prediction]:
        """Top-``top_k`` labels with probabilities and up to ``explain`` reasons for the best one.

        A reason's weight is coefficient x feature value: the words, two-word phrases and
        Chinese character n-grams (two characters or more) of the text that pushed most
        towards the chosen class.
        """
        probs, rows = self._proba_rows(texts)
        results: list[Prediction] = []
        for r, (idx, values) in enumerate(rows):
            order = np.argsort(-probs[r])[:top_k]
            top = [(self.classes[i], float(probs[r, i])) for i in order]
            explanation = self._explain(idx, values, int(order[0]), explain) if explain else []
            results.append(Prediction(top[0][0], top[0][1], top, explanation))
        return results

    def save(self, path: str | Path) -> None:
        """Write the model and its metadata with joblib (compressed)."""
        payload = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "metadata": dataclasses.asdict(self.metadata),
            "features": self.features,
            "classifier": self.classifier,
        }
        joblib.dump(payload, Path(path), compress=3)

    @classmethod
    def load(cls, path: str | Path) -> TrainedModel:
        """Read a model written by :meth:`save`; :class:`ModelFormatError` if it is not one.

        joblib files are pickles: load only files this installation wrote.
        """
        payload = joblib.load(Path(path))
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_NAME:
            raise ModelFormatError(f"{path}: not a {FORMAT_NAME} model file")
        found = payload.get("format_version")
        if found != FORMAT_VERSION:
            raise ModelFormatError(
                f"{path}: model format version {found!r}, this code reads version "
                f"{FORMAT_VERSION}; retrain the model"
            )
        meta = dict(payload["metadata"])
        cv = meta.pop("cv")
        metadata = ModelMetadata(**meta, cv=CrossValidation(**cv) if cv else None)
        return cls(payload["features"], payload["classifier"], metadata)
