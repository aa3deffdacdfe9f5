"""The shipped NYC 311 demo classifier: registered and activated once, read by the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grassroots.core.models import AuditEntry
from grassroots.triage import registry, services
from grassroots.triage.classify import propose_category
from grassroots.triage.defaults.demo_model import DEMO_MODEL_FILE, ensure_demo_model
from grassroots.triage.models import ClassifierModel
from grassroots.triage.textmodel import FORMAT_VERSION, ModelConfig, TrainedModel, train_from_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _model_dir(tmp_path: Path, settings: Any) -> Any:
    settings.TRIAGE_MODEL_DIR = tmp_path
    settings.TRIAGE_MODEL_REFRESH_SECONDS = 0.0
    registry.forget()
    yield
    registry.forget()


def test_shipped_file_is_a_current_model_of_the_nyc_types() -> None:
    model = TrainedModel.load(DEMO_MODEL_FILE)
    assert model.metadata.format_version == FORMAT_VERSION
    assert model.metadata.n_rows == 839
    assert len(model.classes) == 62
    assert "Noise - Residential" in model.classes and "HEAT/HOT WATER" in model.classes
    assert DEMO_MODEL_FILE.stat().st_size < 1_000_000


def test_demo_model_is_registered_once_and_activated() -> None:
    row = ensure_demo_model()
    assert row.is_active and row.path == "builtin:nyc311-demo.joblib.gz"
    assert row.rows == 839 and len(row.classes) == 62
    assert row.metrics["macro_f1"] > 0.5
    again = ensure_demo_model()
    assert again.pk == row.pk
    assert ClassifierModel.objects.count() == 1
    assert AuditEntry.objects.filter(action="triage.model.activated").count() == 1
    loaded = registry.active_model()
    assert loaded is not None and loaded[0] == row.version
    proposal = propose_category("Loud Music/Party\nResidential Building/House")
    assert proposal is not None and proposal.label == "Noise - Residential"
    assert proposal.explanation  # words such as "loud", "music", "party"


def test_demo_model_does_not_replace_an_active_model() -> None:
    texts = ["loud music at night", "barking dog noise", "pothole in the road", "broken road"] * 3
    labels = ["urban.roads" if "road" in t else "environment.noise" for t in texts]
    own = train_from_rows(texts, labels, config=ModelConfig(cv_folds=0, calibration_folds=2))
    mine = services.register_model(own, source="test", actor=None, activate=True)
    demo = ensure_demo_model()
    assert not demo.is_active
    assert ClassifierModel.objects.get(is_active=True).pk == mine.pk
