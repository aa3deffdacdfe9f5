"""Text classification core of triage: raw or tokenised message text in, category out.

Pure Python (scikit-learn, jieba, numpy, scipy, joblib); no Django.  Typical use::

    rows = read_labelled_csv(path, text_cols=["tokens"], label_col="一级标签")
    model = train_from_rows(rows.texts, rows.labels)
    model.predict(["小区门口垃圾堆积很久没人清理"])[0].top
    print(format_report(evaluate(model, texts, labels)))
"""

from .data import (
    LabelledRows,
    MissingColumnsError,
    drop_rare_classes,
    near_duplicate_groups,
    overlap_mask,
    read_311_rows,
    read_labelled_csv,
)
from .evaluation import (
    ClassMetrics,
    EvaluationReport,
    UnknownLabelsError,
    evaluate,
    format_report,
    report_from_predictions,
)
from .features import FeatureConfig
from .model import (
    FORMAT_VERSION,
    CrossValidation,
    ModelConfig,
    ModelFormatError,
    ModelMetadata,
    Prediction,
    TrainedModel,
    TrainingDataError,
    train_from_rows,
)
from .normalize import canonical, detect_language, normalize

__all__ = [
    "FORMAT_VERSION",
    "ClassMetrics",
    "CrossValidation",
    "EvaluationReport",
    "FeatureConfig",
    "LabelledRows",
    "MissingColumnsError",
    "ModelConfig",
    "ModelFormatError",
    "ModelMetadata",
    "Prediction",
    "TrainedModel",
    "TrainingDataError",
    "UnknownLabelsError",
    "canonical",
    "detect_language",
    "drop_rare_classes",
    "evaluate",
    "format_report",
    "near_duplicate_groups",
    "normalize",
    "overlap_mask",
    "read_311_rows",
    "read_labelled_csv",
    "report_from_predictions",
    "train_from_rows",
]
