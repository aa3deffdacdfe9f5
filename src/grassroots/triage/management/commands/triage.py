"""`grassroots triage train | evaluate | activate | list | sweep | load-defaults`."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError
from grassroots.triage import registry, services, tasks
from grassroots.triage.feedback import training_rows
from grassroots.triage.models import ClassifierModel
from grassroots.triage.textmodel import (
    FeatureConfig,
    LabelledRows,
    MissingColumnsError,
    ModelConfig,
    TrainingDataError,
    UnknownLabelsError,
    evaluate,
    format_report,
    read_labelled_csv,
    train_from_rows,
)

BAR_WIDTH = 30


def progress_bar(stream: Any) -> Callable[[str, float], None]:
    """A progress callback drawing `[#####-----]  50% stage` in place on `stream` (stderr)."""

    def draw(stage: str, fraction: float) -> None:
        filled = round(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        stream.write(f"\r[{bar}] {fraction * 100:3.0f}% {stage:<40}", ending="")
        if fraction >= 1.0:
            stream.write("")
        stream.flush()

    return draw


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


class Command(BaseCommand):
    help = "Train, evaluate, list and activate the triage classifier; run the triage sweep."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a classifier and register it")
        train.add_argument("--csv", help="a labelled CSV file")
        train.add_argument("--text-cols", default="", help="text columns, comma-separated")
        train.add_argument("--label-col", default="", help="the label column")
        train.add_argument("--from-cases", action="store_true", help="train on closed cases")
        train.add_argument("--cv-folds", type=int, default=5, help="0 skips cross-validation")
        train.add_argument("--activate", action="store_true", help="make it the active model")
        train.add_argument(
            "--segment-chinese",
            action="store_true",
            help="also cut Chinese into words with jieba (slower prediction; see docs/triage.md)",
        )
        ev = sub.add_parser("evaluate", help="score a model on a labelled CSV it never saw")
        ev.add_argument("--csv", required=True)
        ev.add_argument("--text-cols", required=True)
        ev.add_argument("--label-col", required=True)
        ev.add_argument("--model", default="", help="a version (default: the active model)")
        act = sub.add_parser("activate", help="make a registered model the active one")
        act.add_argument("version")
        sub.add_parser("list", help="registered models, the active one marked")
        sub.add_parser("sweep", help="triage the new cases in the dispatch queue now")
        sub.add_parser("load-defaults", help="add the default urgency and routing rules")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except (DomainError, MissingColumnsError, UnknownLabelsError, TrainingDataError) as exc:
            raise CommandError(str(exc)) from exc

    def _rows(self, options: dict[str, Any]) -> tuple[LabelledRows, str]:
        if options["from_cases"]:
            return training_rows(), "closed and corrected cases"
        if not (options["csv"] and options["text_cols"] and options["label_col"]):
            raise CommandError(_("Give --csv with --text-cols and --label-col, or --from-cases."))
        path = options["csv"]
        rows = read_labelled_csv(path, _columns(options["text_cols"]), options["label_col"])
        return rows, str(path)

    def do_train(self, options: dict[str, Any]) -> None:
        rows, source = self._rows(options)
        self.stdout.write(
            _("Training on %(n)d rows from %(src)s.") % {"n": len(rows.texts), "src": source}
        )
        features = FeatureConfig(segment_chinese=options["segment_chinese"])
        config = ModelConfig(cv_folds=options["cv_folds"], features=features)
        model = train_from_rows(
            rows.texts, rows.labels, config=config, progress=progress_bar(self.stderr)
        )
        row = services.register_model(
            model, source=source, actor=None, activate=options["activate"]
        )
        cv = model.metadata.cv
        if cv is not None:
            self.stdout.write(f"cv_accuracy={cv.accuracy:.4f}\ncv_macro_f1={cv.macro_f1:.4f}")
        state = _("active") if row.is_active else _("not active")
        self.stdout.write(_("Saved model %(v)s (%(state)s).") % {"v": row.version, "state": state})

    def do_evaluate(self, options: dict[str, Any]) -> None:
        qs = ClassifierModel.objects.all()
        row = qs.filter(version=options["model"]).first() if options["model"] else None
        row = row or (None if options["model"] else qs.filter(is_active=True).first())
        if row is None:
            raise CommandError(_("No such model; see `grassroots triage list`."))
        model = registry.load_model_file(row.path)
        data = read_labelled_csv(
            options["csv"], _columns(options["text_cols"]), options["label_col"]
        )
        self.stdout.write(
            _("Model %(v)s on %(n)d rows.") % {"v": row.version, "n": len(data.texts)}
        )
        self.stdout.write(format_report(evaluate(model, data.texts, data.labels)))

    def do_activate(self, options: dict[str, Any]) -> None:
        row = services.activate_model(options["version"], actor=None)
        self.stdout.write(_("Model %s is now active.") % row.version)

    def do_list(self, options: dict[str, Any]) -> None:
        for row in ClassifierModel.objects.all():
            mark = "*" if row.is_active else " "
            f1 = row.metrics.get("macro_f1")
            metric = f"macro_f1={f1:.4f}" if f1 is not None else "macro_f1=-"
            self.stdout.write(
                f"{mark} {row.version}  {row.trained_at:%Y-%m-%d %H:%M}  rows={row.rows}  "
                f"classes={len(row.classes)}  {metric}  {row.source}"
            )

    def do_sweep(self, options: dict[str, Any]) -> None:
        report = tasks.sweep()
        self.stdout.write(
            _("Triaged %(t)d cases; recorded %(o)d overrides.")
            % {"t": report["triaged"], "o": report["overrides"]}
        )

    def do_load_defaults(self, options: dict[str, Any]) -> None:
        urgency, routing = services.load_default_rules(actor=None)
        self.stdout.write(
            _("Added %(u)d urgency rules and %(r)d routing rules.") % {"u": urgency, "r": routing}
        )
