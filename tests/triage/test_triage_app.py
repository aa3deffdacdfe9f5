"""Triage as a Django app: models on disk, rules, proposals, automatic actions, API, commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grassroots.accounts.models import Notification
from grassroots.cases import services as cases
from grassroots.cases.enums import CaseEventType, CaseStatus, Priority, Satisfaction
from grassroots.cases.models import Case, Category
from grassroots.core import clock
from grassroots.triage import feedback, registry, services, tasks
from grassroots.triage.enums import AutoAction, RoutingLevel, RoutingSource
from grassroots.triage.models import ClassifierModel, Override, Suggestion
from grassroots.triage.reasons import join, render_all
from grassroots.triage.textmodel import ModelConfig, train_from_rows
from tests.cases.conftest import Api
from tests.factories.cases import staff, submit
from tests.factories.organizations import make_tree

pytestmark = pytest.mark.django_db

NOISE = ["loud music from the neighbour at night", "barking dog and loud party noise", "noise"]
ROADS = ["pothole in the road surface", "broken road near the bridge", "road pothole again"]


@pytest.fixture(autouse=True)
def _model_dir(tmp_path: Path, settings: Any) -> Any:
    settings.TRIAGE_MODEL_DIR = tmp_path
    settings.TRIAGE_MODEL_REFRESH_SECONDS = 0.0
    registry.forget()
    yield
    registry.forget()


@pytest.fixture
def tree() -> Any:
    return make_tree()


@pytest.fixture
def noise_roads() -> tuple[Category, Category]:
    """Two of the default categories (a migration loads them)."""
    return Category.objects.get(code="environment.noise"), Category.objects.get(code="urban.roads")


def tiny_model(activate: bool = True) -> ClassifierModel:
    texts = NOISE * 3 + ROADS * 3
    labels = ["environment.noise"] * 9 + ["urban.roads"] * 9
    model = train_from_rows(texts, labels, config=ModelConfig(cv_folds=0, calibration_folds=2))
    return services.register_model(model, source="test", actor=None, activate=activate)


def in_place(unit: Any, **overrides: Any) -> Case:
    """A received case whose place is `unit` (set as intake would from a point)."""
    case = submit(**overrides)
    Case.objects.filter(pk=case.pk).update(place_unit=unit)
    return Case.objects.get(pk=case.pk)


def test_registered_model_is_saved_with_its_metadata_and_only_one_is_active(
    noise_roads: Any,
) -> None:
    first = tiny_model()
    second = tiny_model()
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)
    assert second.rows == 18
    assert second.classes == ["environment.noise", "urban.roads"]
    assert registry.model_file(second.path).is_file()


def test_running_process_picks_up_a_newly_activated_model(noise_roads: Any) -> None:
    first = tiny_model()
    loaded = registry.active_model()
    second = tiny_model(activate=False)
    services.activate_model(second.version, actor=None)
    again = registry.active_model()
    assert loaded is not None and again is not None
    assert (loaded[0], again[0]) == (first.version, second.version)


def test_activating_an_unknown_version_is_refused() -> None:
    with pytest.raises(services.TriageError) as caught:
        services.activate_model("nope", actor=None)
    assert caught.value.code == "unknown_model"


def test_emergency_phrase_raises_priority_and_alerts_the_dispatcher(
    tree: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = staff(tree)
    services.load_default_rules(actor=None)
    case = in_place(tree["g1"], subject="Gas leak", description="Strong gas leak in the hall")
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = services.triage_case(case)
    assert suggestion.priority == Priority.EMERGENCY
    assert render_all(suggestion.urgency_reasons) == ["The text mentions “gas leak”: Emergency."]
    alerts = Notification.objects.filter(kind="triage.emergency")
    assert [n.user for n in alerts] == [people["dispatcher"]]


def test_chinese_urgency_phrase_is_found(tree: Any) -> None:
    services.load_default_rules(actor=None)
    case = in_place(tree["g1"], subject="楼道里有人被困", description="电梯故障，有人被困在里面")
    assert services.triage_case(case).priority == Priority.EMERGENCY


def test_matrix_routes_to_the_level_containing_the_place(tree: Any, noise_roads: Any) -> None:
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    suggestion = services.triage_case(case, act=False)
    assert (suggestion.unit, suggestion.unit_source) == (tree["c1"], RoutingSource.MATRIX)
    assert suggestion.unit_confidence == 0.8


def test_learned_routing_is_suggested_when_the_matrix_is_silent(
    tree: Any, noise_roads: Any
) -> None:
    _noise, _roads = noise_roads
    for _ in range(3):
        old = in_place(tree["g1"], category="environment.noise")
        Case.objects.filter(pk=old.pk).update(
            status=CaseStatus.CLOSED,
            unit=tree["c1"],
            satisfaction=Satisfaction.SATISFIED,
            closed_at=clock.now(),
        )
    case = in_place(tree["g1"], category="environment.noise")
    suggestion = services.triage_case(case, act=False)
    assert (suggestion.unit, suggestion.unit_source) == (tree["c1"], RoutingSource.LEARNED)
    assert suggestion.unit_confidence == 0.75
    assert "because the matrix is silent" in join(suggestion.unit_reasons)


def test_confident_case_is_dispatched_automatically_with_reasons(
    tree: Any, noise_roads: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"  # the event's stored note is in the deployment's language
    settings.TRIAGE_AUTO_DISPATCH_CATEGORY = 0.5
    settings.TRIAGE_AUTO_DISPATCH_UNIT = 0.5
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    tiny_model()
    case = in_place(tree["g1"], subject="Loud music at night", description="loud party noise")
    suggestion = services.triage_case(case)
    case.refresh_from_db()
    event = case.events.get(type=CaseEventType.DISPATCHED)
    assert (case.status, case.unit) == (CaseStatus.DISPATCHED, tree["s1"])
    assert suggestion.auto_action == AutoAction.DISPATCHED
    assert event.actor_label == "triage"
    assert event.note.startswith("Dispatched automatically by triage.\nCategory “Noise”")


def test_unsure_case_waits_in_the_queue(tree: Any, noise_roads: Any) -> None:
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    tiny_model()
    case = in_place(tree["g1"], subject="Loud music at night", description="loud party noise")
    suggestion = services.triage_case(case)
    case.refresh_from_db()
    assert (case.status, suggestion.auto_action) == (CaseStatus.RECEIVED, AutoAction.NONE)


def test_same_complaint_nearby_is_a_duplicate_and_merges_above_threshold(
    tree: Any, settings: Any
) -> None:
    settings.TRIAGE_AUTO_MERGE_SIMILARITY = 0.9
    first = in_place(tree["g1"], subject="Streetlight out on Elm Road")
    other = in_place(tree["c1"], subject="Dog barking all night", description="A dog barks.")
    second = in_place(tree["g1"], subject="Streetlight out on Elm Road")
    suggestion = services.triage_case(second)
    second.refresh_from_db()
    assert [d["case_id"] for d in suggestion.duplicates] == [first.pk]
    assert suggestion.duplicates[0]["similarity"] == 1.0
    assert (second.status, second.parent) == (CaseStatus.MERGED, first)
    assert other.pk not in [d["case_id"] for d in suggestion.duplicates]


def test_case_in_another_street_is_not_a_duplicate(tree: Any) -> None:
    in_place(tree["s2"], subject="Streetlight out on Elm Road")
    case = in_place(tree["g1"], subject="Streetlight out on Elm Road")
    assert services.triage_case(case, act=False).duplicates == []


def test_dispatcher_choosing_another_unit_is_recorded_as_override(
    tree: Any, noise_roads: Any
) -> None:
    people = staff(tree)
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    services.triage_case(case)
    feedback.dispatch_with_feedback(case, unit=tree["s1"], actor=people["dispatcher"])
    override = Override.objects.get()
    assert (override.suggested_unit, override.chosen_unit) == (tree["c1"], tree["s1"])
    assert override.by == people["dispatcher"]


def test_sweep_triages_new_cases_and_notices_plain_dispatches(tree: Any, noise_roads: Any) -> None:
    people = staff(tree)
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    first = tasks.sweep()
    cases.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    second = tasks.sweep()
    assert first == {"triaged": 1, "overrides": 0}
    assert second == {"triaged": 0, "overrides": 1}
    assert Override.objects.get().chosen_unit == tree["s1"]


def test_suggestions_endpoint_answers_staff_who_see_the_case(tree: Any, noise_roads: Any) -> None:
    people = staff(tree)
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    response = Api(people["dispatcher"]).get(f"/cases/{case.pk}/suggestions")
    body = response.json()
    assert response.status_code == 200
    assert (body["unit"]["unit"], body["unit"]["source"]) == (tree["c1"].code, "matrix")
    assert (body["stored"], body["category"]) == (False, None)
    assert Suggestion.objects.count() == 0


def test_suggestions_of_an_unseen_case_are_not_found(tree: Any) -> None:
    people = staff(tree)
    case = in_place(tree["g1"])
    response = Api(people["handler2"]).get(f"/cases/{case.pk}/suggestions")
    assert (response.status_code, response.json()["code"]) == (404, "case_not_found")


def test_classify_returns_a_category_without_creating_a_case(tree: Any, noise_roads: Any) -> None:
    people = staff(tree)
    tiny_model()
    response = Api(people["dispatcher"]).post("/triage/classify", {"text": "loud party noise"})
    body = response.json()
    assert response.status_code == 200
    assert (body["category"]["label"], body["category"]["category"]) == (
        "environment.noise",
        "environment.noise",
    )
    assert Case.objects.count() == 0


def test_classify_without_a_model_says_so(tree: Any) -> None:
    people = staff(tree)
    response = Api(people["dispatcher"]).post("/triage/classify", {"text": "noise"})
    assert (response.status_code, response.json()["code"]) == (409, "no_active_model")


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in rows), "utf-8")
    return path


def test_train_and_evaluate_commands_print_metrics(tmp_path: Path, noise_roads: Any) -> None:
    rows = [(t, "noise") for t in NOISE * 3] + [(t, "roads") for t in ROADS * 3]
    train_csv = _csv(tmp_path / "train.csv", rows)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "triage", "train", "--csv", str(train_csv), "--text-cols", "text",
        "--label-col", "label", "--cv-folds", "2", "--activate", stdout=out, stderr=err,
    )  # fmt: skip
    test_csv = _csv(tmp_path / "test.csv", [("loud noise", "noise"), ("pothole", "roads")])
    report = io.StringIO()
    call_command(
        "triage", "evaluate", "--csv", str(test_csv), "--text-cols", "text",
        "--label-col", "label", stdout=report,
    )  # fmt: skip
    assert "cv_macro_f1=" in out.getvalue()
    assert "100%" in err.getvalue()
    assert "macro_f1=1.0000" in report.getvalue()
    assert ClassifierModel.objects.get().is_active is True


def test_evaluate_names_missing_columns_and_unknown_labels(tmp_path: Path) -> None:
    tiny_model()
    bad = _csv(tmp_path / "bad.csv", [("loud noise", "parking")])
    with pytest.raises(CommandError, match="parking"):
        call_command("triage", "evaluate", "--csv", str(bad), "--text-cols", "text",
                     "--label-col", "label")  # fmt: skip
    with pytest.raises(CommandError, match="body"):
        call_command("triage", "evaluate", "--csv", str(bad), "--text-cols", "body",
                     "--label-col", "label")  # fmt: skip
