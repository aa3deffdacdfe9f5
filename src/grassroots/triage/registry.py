"""The active classifier of this process: loaded once, swapped when another is activated.

Every process (web worker, task worker) holds the loaded model in memory. At most every
TRIAGE_MODEL_REFRESH_SECONDS it asks the database which version is active (one small query)
and loads the file only when the version changed, so `grassroots triage activate` reaches
running processes without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import TriageError, TriageErrorCode
from .models import ClassifierModel
from .textmodel import ModelFormatError, TrainedModel

BUILTIN_PREFIX = "builtin:"
BUILTIN_DIR = Path(__file__).resolve().parent / "defaults"  # e.g. the NYC 311 demo model


def model_file(path: str) -> Path:
    """Where a registered model's file is: shipped with the code or under TRIAGE_MODEL_DIR."""
    if path.startswith(BUILTIN_PREFIX):
        return BUILTIN_DIR / path.removeprefix(BUILTIN_PREFIX)
    return Path(settings.TRIAGE_MODEL_DIR) / path


def load_model_file(path: str) -> TrainedModel:
    """Read a registered model's file; a missing or foreign file is a `TriageError`."""
    file = model_file(path)
    try:
        return TrainedModel.load(file)
    except (OSError, ModelFormatError) as exc:
        raise TriageError(
            TriageErrorCode.MODEL_UNREADABLE,
            _("The model file %(file)s cannot be read: %(error)s") % {"file": file, "error": exc},
        ) from exc


class ModelHolder:
    """The loaded active model and its version, checked against the database now and then.

    `clock` is injectable so that tests can move time forward.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.version: str | None = None
        self.model: TrainedModel | None = None
        self.checked_at: float | None = None

    def _due(self) -> bool:
        return (
            self.checked_at is None
            or self.clock() - self.checked_at >= settings.TRIAGE_MODEL_REFRESH_SECONDS
        )

    def get(self) -> tuple[str, TrainedModel] | None:
        """(version, model) of the active classifier, or None when none is active."""
        if self._due():
            with self.lock:
                if self._due():
                    self._refresh()
        if self.model is None or self.version is None:
            return None
        return self.version, self.model

    def _refresh(self) -> None:
        active = ClassifierModel.objects.filter(is_active=True).values_list("version", "path")
        row = active.first()
        if row is None:
            self.version, self.model = None, None
        elif row[0] != self.version:
            self.model, self.version = load_model_file(row[1]), row[0]
        self.checked_at = self.clock()

    def drop(self) -> None:
        """Forget the model; the next call reads the database again."""
        with self.lock:
            self.version, self.model, self.checked_at = None, None, None


_holder = ModelHolder()


def active_model() -> tuple[str, TrainedModel] | None:
    """This process's active classifier as (version, model), or None when none is active."""
    return _holder.get()


def forget() -> None:
    """Drop this process's model now (tests, and the process that just activated one)."""
    _holder.drop()
