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
from sklearn.pipeline import FeatureUnion

from .data import NEAR_DUPLICATE_THRESHOLD, near_duplicate_groups
from .features import (
    FeatureConfig,
    build_features,
    transform,
    word_block_size,
    word_feature_names,
)
from .linear import CalibratedLinearSVC
from .normalize import canonical

FORMAT_NAME = "grassroots.triage.textmodel"
# Bump when the saved layout or the meaning of the features changes: old files must then be
# retrained, and load() says so instead of failing somewhere inside scikit-learn.
FORMAT_VERSION = 1
PIPELINE_VERSION = "1.0"

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


def _linear_coef(classifier: ClassifierMixin, n_classes: int) -> np.ndarray:
    """Per-class coefficient rows of the fitted linear model (one row per class)."""
    coef = np.asarray(classifier.coef_, dtype=np.float32)
    if n_classes == 2 and coef.shape[0] == 1:  # binary models keep only the positive class's row
        coef = np.vstack([-coef[0], coef[0]])
    return coef


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
    report("normalising text", 0.0)
    canon = [canonical(t) for t in texts]
    report("building features", 0.15)
    features = build_features(config.features)
    matrix = features.fit_transform(canon).tocsr()
    y = np.asarray(labels, dtype=object)
    cv = None
    if config.cv_folds >= 2:
        report("grouping near-duplicates", 0.25)
        groups = None
        if config.cv_grouping == "near_duplicates":
            groups = near_duplicate_groups(canon, normalized=True)
        cv = _cross_validate(matrix, y, groups, config, report)
    report("fitting final model", 0.85)
    classifier = _make_classifier(config).fit(matrix, y)
    classes = [str(c) for c in classifier.classes_]
    metadata = ModelMetadata(
        version=f"textmodel-{PIPELINE_VERSION}",
        format_version=FORMAT_VERSION,
        trained_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        n_rows=len(canon),
        classes=classes,
        class_counts={c: counts[c] for c in classes},
        config=dataclasses.asdict(config),
        cv=cv,
        sklearn_version=sklearn.__version__,
    )
    report("done", 1.0)
    coef = _linear_coef(classifier, len(classes))[:, : word_block_size(features)]
    return TrainedModel(features, classifier, coef, metadata)


class TrainedModel:
    """A fitted feature union plus calibrated linear classifier, with its metadata."""

    def __init__(
        self,
        features: FeatureUnion,
        classifier: ClassifierMixin,
        word_coef: np.ndarray,
        metadata: ModelMetadata,
    ) -> None:
        self.features = features
        self.classifier = classifier
        self.word_coef = word_coef  # (n_classes, n_word_features): explains predictions
        self.metadata = metadata
        self._word_names: np.ndarray | None = None

    @property
    def classes(self) -> list[str]:
        """The labels the model can predict, in the classifier's order."""
        return list(self.metadata.classes)

    def _names(self) -> np.ndarray:
        # Built lazily: the name array is large and only explanations need it.
        if self._word_names is None:
            self._word_names = word_feature_names(self.features)
        return self._word_names

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Feature matrix of raw or tokenised texts."""
        return transform(self.features, [canonical(t) for t in texts])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in :attr:`classes` order."""
        return np.asarray(self.classifier.predict_proba(self.transform(texts)))

    def predict_labels(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        probs = self.predict_proba(texts)
        return [self.classes[i] for i in probs.argmax(axis=1)]

    def _explain(self, row: csr_matrix, class_index: int, limit: int) -> list[tuple[str, float]]:
        n_words = self.word_coef.shape[1]
        in_words = row.indices < n_words
        idx = row.indices[in_words]
        values = row.data[in_words]
        weights = self.word_coef[class_index, idx] * values
        order = np.argsort(-weights)[:limit]
        names = self._names()
        return [(str(names[idx[i]]), float(weights[i])) for i in order if weights[i] > 0]

    def predict(
        self, texts: Sequence[str], *, top_k: int = 3, explain: int = 5
    ) -> list[Prediction]:
        """Top-``top_k`` labels with probabilities and up to ``explain`` words for the best one.

        Explanation weights are coefficient x feature value in the word block, so they name the
        words (and two-word phrases) of the text that pushed most towards the chosen class.
        """
        matrix = self.transform(texts)
        probs = np.asarray(self.classifier.predict_proba(matrix))
        results: list[Prediction] = []
        for r in range(matrix.shape[0]):
            order = np.argsort(-probs[r])[:top_k]
            top = [(self.classes[i], float(probs[r, i])) for i in order]
            explanation = self._explain(matrix[r], int(order[0]), explain) if explain else []
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
            "word_coef": self.word_coef,
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
        return cls(payload["features"], payload["classifier"], payload["word_coef"], metadata)
