"""The demo classifier: NYC 311 complaint types, learned from the demo's own open data.

The model file ``nyc311-demo.joblib.gz`` ships beside this module. It is trained on the 839
NYC 311 requests of ``grassroots/demo/data/nyc_311_requests.csv.gz`` (NYC Open Data): text =
Descriptor + Location Type, label = Complaint Type, the English name of the demo's ``nyc.*``
categories, so that ``classify.categories_for`` maps each label onto its category. Retrain it
(after changing the pipeline, or :data:`~grassroots.triage.textmodel.model.FORMAT_VERSION`) with::

    .venv/bin/python -m grassroots.triage.defaults.demo_model

:func:`ensure_demo_model` registers the shipped file once and activates it when no model is
active; the demo loader calls it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grassroots.triage.textmodel import ModelConfig, TrainedModel, read_311_rows, train_from_rows

if TYPE_CHECKING:
    from grassroots.triage.models import ClassifierModel

DEMO_MODEL_NAME = "nyc311-demo.joblib.gz"
DEMO_MODEL_FILE = Path(__file__).resolve().parent / DEMO_MODEL_NAME
DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "nyc_311_requests.csv.gz"
DEMO_SOURCE = "NYC 311 open data (demo/data/nyc_311_requests.csv.gz): Descriptor, Location Type"
# Every complaint type of the demo file has at least 4 rows: keep them all, so that every demo
# category can be proposed.
MIN_ROWS_PER_TYPE = 2
# 311 texts are short descriptors ("Loud Music/Party, Residential Building/House") shared by many
# different requests, not copies of one message: grouping identical texts into one fold would
# test every descriptor unseen (macro-F1 0.25) and say nothing about real use. Plain stratified
# folds instead; the held-out figure on other NYC records is in docs/triage.md.
DEMO_CONFIG = ModelConfig(cv_grouping="none")


def train_demo_model(path: Path = DEMO_DATA) -> TrainedModel:
    """Train the demo model on the NYC 311 file (grouped 5-fold CV included, a few seconds)."""
    rows = read_311_rows(path, min_count=MIN_ROWS_PER_TYPE)
    return train_from_rows(rows.texts, rows.labels, config=DEMO_CONFIG)


def ensure_demo_model() -> ClassifierModel:
    """Register the shipped demo model unless it is registered; activate it if none is active.

    Idempotent: a second call finds the row by its file and changes nothing. A deployment's own
    active model is never replaced.
    """
    from grassroots.triage import registry, services
    from grassroots.triage.models import ClassifierModel

    path = f"{registry.BUILTIN_PREFIX}{DEMO_MODEL_NAME}"
    row = ClassifierModel.objects.filter(path=path).first()
    if row is None:
        model = registry.load_model_file(path)
        row = services.register_model(model, source=DEMO_SOURCE, actor=None, path=path)
    if not ClassifierModel.objects.filter(is_active=True).exists():
        row = services.activate_model(row.version, actor=None)
    return row


def main() -> int:
    """Retrain the demo model and write it beside this module; print its figures."""
    model = train_demo_model()
    model.save(DEMO_MODEL_FILE)
    cv = model.metadata.cv
    print(
        f"{DEMO_MODEL_FILE.name}: {DEMO_MODEL_FILE.stat().st_size} bytes, "
        f"{model.metadata.n_rows} rows, {len(model.classes)} classes"
    )
    if cv is not None:
        print(f"cv ({cv.method}): accuracy={cv.accuracy:.4f} macro_f1={cv.macro_f1:.4f}")
        print(f"classes in a single near-duplicate group: {len(cv.single_group_classes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
