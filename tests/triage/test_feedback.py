"""Dispatcher overrides are read from the case timelines, whatever path the decision took
(API, web console, the case services), recorded once, and used for retraining."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.cases import services as cases
from grassroots.cases.models import Case
from grassroots.triage import feedback, services, tasks
from grassroots.triage.enums import OverrideKind, RoutingLevel
from grassroots.triage.models import Override, Suggestion
from tests.cases.conftest import Api
from tests.factories.cases import staff
from tests.triage.test_triage_app import (  # noqa: F401
    _model_dir,
    in_place,
    noise_roads,
    tiny_model,
    tree,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree: Any, noise_roads: Any) -> dict[str, Any]:  # noqa: F811
    """Noise goes to the community by the matrix; a triaged noise case in grid g1."""
    people = staff(tree)
    noise, roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    tasks.sweep()
    return {"people": people, "case": case, "noise": noise, "roads": roads, **tree}


def test_api_dispatch_elsewhere_is_recorded_once_by_the_sweep(setup: dict[str, Any]) -> None:
    case, dispatcher = setup["case"], setup["people"]["dispatcher"]
    response = Api(dispatcher).post(f"/cases/{case.pk}/dispatch", {"unit": setup["s1"].code})
    assert response.status_code == 200

    first, second = tasks.sweep(), tasks.sweep()

    override = Override.objects.get()
    event = case.events.get(type="dispatched")
    assert (first["overrides"], second["overrides"]) == (1, 0)
    assert (override.kind, override.event, override.by) == (OverrideKind.UNIT, event, dispatcher)
    assert (override.suggested_unit, override.chosen_unit) == (setup["c1"], setup["s1"])
    assert Suggestion.objects.get(case=case).feedback_upto == event.pk


def test_web_console_dispatch_elsewhere_is_recorded(setup: dict[str, Any]) -> None:
    case, dispatcher = setup["case"], setup["people"]["dispatcher"]
    client = Client()
    client.force_login(dispatcher)
    client.post(
        f"/console/cases/{case.pk}/act/dispatch/",
        {"dispatch-unit": setup["s1"].code, "dispatch-note": ""},
    )
    case.refresh_from_db()
    assert case.unit == setup["s1"]

    assert tasks.sweep()["overrides"] == 1
    assert Override.objects.get().chosen_unit == setup["s1"]


def test_dispatch_to_the_proposed_unit_is_no_override(setup: dict[str, Any]) -> None:
    case = setup["case"]
    cases.dispatch_case(case, unit=setup["c1"], actor=setup["people"]["dispatcher"])

    assert tasks.sweep()["overrides"] == 0
    assert not Override.objects.exists()
    assert Suggestion.objects.get(case=case).feedback_upto == case.events.latest("id").pk


def test_a_redispatch_after_a_return_is_compared_too(setup: dict[str, Any]) -> None:
    case, people = setup["case"], setup["people"]
    cases.dispatch_case(case, unit=setup["c1"], actor=people["dispatcher"])
    cases.return_case(case, reason="Not ours", actor=people["dispatcher"])
    cases.dispatch_case(case, unit=setup["dept"], actor=people["dispatcher"])

    assert tasks.sweep()["overrides"] == 1
    assert Override.objects.get().chosen_unit == setup["dept"]


def test_dispatch_with_feedback_records_at_once_and_the_sweep_adds_nothing(
    setup: dict[str, Any],
) -> None:
    case = setup["case"]
    feedback.dispatch_with_feedback(case, unit=setup["s1"], actor=setup["people"]["dispatcher"])

    assert Override.objects.count() == 1
    assert tasks.sweep()["overrides"] == 0


def test_category_change_against_the_model_is_an_override_and_a_training_row(
    tree: Any,  # noqa: F811
    noise_roads: Any,  # noqa: F811
) -> None:
    people = staff(tree)
    noise, roads = noise_roads
    tiny_model()
    case = in_place(tree["g1"], subject="Loud music at night", description="loud party noise")
    tasks.sweep()
    assert Suggestion.objects.get(case=case).category == noise

    cases.change_case_category(
        case, category=roads, actor=people["dispatcher"], reason="It is the road works"
    )
    assert tasks.sweep()["overrides"] == 1

    override = Override.objects.get()
    assert (override.kind, override.suggested_category, override.category) == (
        OverrideKind.CATEGORY,
        "environment.noise",
        roads,
    )
    rows = feedback.training_rows()
    assert (rows.texts, rows.labels) == (
        ["Loud music at night\nloud party noise"],
        ["urban.roads"],
    )


def test_triages_own_dispatch_is_not_an_override(
    tree: Any,  # noqa: F811
    noise_roads: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.TRIAGE_AUTO_DISPATCH_CATEGORY = 0.5
    settings.TRIAGE_AUTO_DISPATCH_UNIT = 0.5
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    tiny_model()
    in_place(tree["g1"], subject="Loud music at night", description="loud party noise")

    assert tasks.sweep() == {"triaged": 1, "overrides": 0}
    assert not Override.objects.exists()


def test_decisions_before_the_proposal_are_not_compared(
    tree: Any,  # noqa: F811
    noise_roads: Any,  # noqa: F811
) -> None:
    people = staff(tree)
    noise, _roads = noise_roads
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = in_place(tree["g1"], category="environment.noise")
    cases.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    cases.return_case(case, reason="Not ours", actor=people["handler1"])

    assert tasks.sweep() == {"triaged": 1, "overrides": 0}
    assert not Override.objects.exists()


def test_closed_cases_are_training_rows_without_any_override(
    tree: Any,  # noqa: F811
    noise_roads: Any,  # noqa: F811
) -> None:
    case = in_place(tree["g1"], subject="Pothole", description="Deep.", category="urban.roads")
    in_place(tree["g1"], subject="Still open", category="urban.roads")
    in_place(tree["g1"], subject="Closed, no category")
    Case.objects.filter(subject__in=["Pothole", "Closed, no category"]).update(status="closed")

    rows = feedback.training_rows()

    assert (rows.texts, rows.labels) == (["Pothole\nDeep."], ["urban.roads"])
    assert case.pk is not None
