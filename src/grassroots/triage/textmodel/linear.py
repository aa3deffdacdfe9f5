"""A linear SVM with calibrated multi-class probabilities and a numpy-only prediction path.

scikit-learn's CalibratedClassifierCV gives the same kind of model, but its per-call input
validation and one calibrator object per class cost about 3 ms for a single message; here a
prediction is two small matrix products and a softmax.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


class CalibratedLinearSVC(ClassifierMixin, BaseEstimator):
    """LinearSVC (one-vs-rest) whose scores are turned into probabilities by stacking.

    Calibration: the SVM's decision scores on held-out folds (``calibration_folds``-fold,
    stratified) train a multinomial logistic regression from the score vector to the class;
    the final SVM is then fitted on all rows.  Unlike one sigmoid per class, this yields
    probabilities that sum to one and can use the scores of all classes together.
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = None,
        calibration_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight)

    @staticmethod
    def _scores(svm: LinearSVC, matrix: Any) -> np.ndarray:
        scores = np.asarray(svm.decision_function(matrix))
        return scores.reshape(len(scores), -1)  # binary problems give one column

    def _held_out_scores(self, matrix: Any, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Out-of-fold SVM scores, one column per class of ``classes`` (in that order).

        A rare class can be missing from a fold's training part (a class with one row, or
        whose rows all landed in the test part of an outer grouped split). The fold's SVM then
        has no score for it: such a column gets the fold's lowest score for that row, meaning
        "least likely", instead of shifting the other classes' columns.
        """
        min_count = min(Counter(y.tolist()).values())
        folds = max(2, min(self.calibration_folds, min_count))
        splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        held_out = np.zeros((len(y), len(classes)))
        column = {label: k for k, label in enumerate(classes.tolist())}
        with warnings.catch_warnings():
            # "The least populated class in y has only 1 members": handled below.
            warnings.filterwarnings(
                "ignore", message="The least populated class", category=UserWarning
            )
            splits = list(splitter.split(matrix, y))
        for train, test in splits:
            present = np.unique(y[train])
            if len(present) < 2:  # nothing to separate: the one class known scores highest
                scores = np.full((len(test), len(classes)), -1.0)
                scores[:, column[present[0]]] = 1.0
                held_out[test] = scores
                continue
            svm = self._svm().fit(matrix[train], y[train])
            fold_scores = self._scores(svm, matrix[test])
            if len(svm.classes_) == 2:  # one column: the second class's score
                fold_scores = np.column_stack([-fold_scores[:, 0], fold_scores[:, 0]])
            cols = [column[label] for label in svm.classes_.tolist()]
            scores = np.repeat(fold_scores.min(axis=1, keepdims=True), len(classes), axis=1)
            scores[:, cols] = fold_scores
            held_out[test] = scores
        if len(classes) == 2:  # keep the layout decision_function gives for two classes
            return held_out[:, 1:]
        return held_out

    def fit(self, matrix: Any, labels: Any) -> CalibratedLinearSVC:
        """Fit the calibrator on out-of-fold scores, then the SVM on every row."""
        y = np.asarray(labels, dtype=object)
        # The calibrator's products are small (rows x classes): BLAS threads only contend for
        # the cores, which made a 62-class fit 7x slower on a busy two-core machine.
        with threadpool_limits(limits=1, user_api="blas"):
            final = self._svm().fit(matrix, y)
            held_out = self._held_out_scores(matrix, y, final.classes_)
            calibrator = LogisticRegression(max_iter=1000).fit(held_out, y)
        self.classes_ = final.classes_
        self.coef_ = np.asarray(final.coef_, dtype=np.float32)
        self.intercept_ = np.asarray(final.intercept_, dtype=np.float64)
        self.cal_coef_ = np.asarray(calibrator.coef_, dtype=np.float64)
        self.cal_intercept_ = np.asarray(calibrator.intercept_, dtype=np.float64)
        return self

    def decision_function(self, matrix: Any) -> np.ndarray:
        """SVM scores, one column per class (one column in total for two classes)."""
        scores = matrix @ self.coef_.T
        return np.asarray(scores, dtype=np.float64) + self.intercept_

    def predict_proba(self, matrix: Any) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order."""
        return self.proba_from_scores(self.decision_function(matrix))

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from SVM scores (rows as :meth:`decision_function` gives)."""
        logits = scores @ self.cal_coef_.T + self.cal_intercept_
        if logits.shape[1] == 1:  # binary logistic regression: one logit for the second class
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        return _softmax(logits)

    def predict(self, matrix: Any) -> np.ndarray:
        """The most probable class of each row."""
        return np.asarray(self.classes_[self.predict_proba(matrix).argmax(axis=1)])
