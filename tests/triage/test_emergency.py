"""Emergencies found by triage: the priority is raised through the case service, the case
heads the dispatch queue with the emergency deadline, and the dispatchers are alerted once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from grassroots.accounts.models import Notification
from grassroots.cases.enums import CaseEventType, Priority
from grassroots.cases.models import Case
from grassroots.triage import services, tasks
from grassroots.triage.reasons import render_all
from grassroots.triage.urgency import assess_urgency, phrase_score
from tests.factories.cases import staff
from tests.triage.test_triage_app import _model_dir, in_place, tree  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules() -> None:
    services.load_default_rules(actor=None)


def test_sweep_raises_an_emergency_which_then_heads_the_queue(
    tree: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.LANGUAGE_CODE = "en"  # the stored note and the alert: the deployment's language
    people = staff(tree)
    older = in_place(tree["g1"], subject="Pothole on Elm Road", description="A deep pothole.")
    case = in_place(tree["g1"], subject="Gas leak", description="Strong gas leak in the hall")

    with django_capture_on_commit_callbacks(execute=True):
        report = tasks.sweep()

    case.refresh_from_db()
    event = case.events.get(type=CaseEventType.PRIORITY_CHANGED)
    assert report["triaged"] == 2
    assert case.priority == Priority.EMERGENCY
    assert case.respond_due - case.received_at == timedelta(hours=2)
    assert case.resolve_due - case.received_at == timedelta(hours=24)
    assert (event.actor_label, event.actor) == ("triage", None)
    assert event.note == "Raised by triage.\nThe text mentions “gas leak”: Emergency."
    assert list(Case.objects.in_dispatch_queue()) == [case, older]
    alert = Notification.objects.get(kind="triage.emergency")
    assert (alert.user, alert.link, alert.body) == (
        people["dispatcher"],
        f"/cases/{case.pk}/",
        "The text mentions “gas leak”: Emergency.",
    )


def test_the_alert_is_sent_once_however_often_the_case_is_triaged(
    tree: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff(tree)
    case = in_place(tree["g1"], subject="火灾", description="楼下着火了，请马上处理")

    with django_capture_on_commit_callbacks(execute=True):
        services.triage_case(case)
    with django_capture_on_commit_callbacks(execute=True):
        services.triage_case(case)

    assert Notification.objects.filter(kind="triage.emergency").count() == 1
    assert case.events.filter(type=CaseEventType.PRIORITY_CHANGED).count() == 1


def test_a_case_submitted_as_an_emergency_alerts_without_a_priority_change(
    tree: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = staff(tree)
    case = in_place(tree["g1"], subject="Tree on a car", priority=Priority.EMERGENCY)

    with django_capture_on_commit_callbacks(execute=True):
        services.triage_case(case)

    assert [n.user for n in Notification.objects.filter(kind="triage.emergency")] == [
        people["dispatcher"]
    ]
    assert not case.events.filter(type=CaseEventType.PRIORITY_CHANGED).exists()


def test_the_soft_view_catches_a_rephrased_emergency_and_says_which_phrase(
    tree: Any,  # noqa: F811
) -> None:
    case = in_place(tree["g1"], subject="The gas pipe is leaking", description="Please hurry.")

    suggestion = services.triage_case(case)

    case.refresh_from_db()
    assert (suggestion.priority, case.priority) == (Priority.EMERGENCY, Priority.EMERGENCY)
    assert suggestion.urgency_reasons == [
        {"code": "urgency.resembles", "params": {"phrase": "gas leak", "p": 100.0}}
    ]
    assert render_all(suggestion.urgency_reasons) == [
        "The text resembles “gas leak” (100 %): Emergency."
    ]


def test_triage_never_lowers_a_priority_and_leaves_ordinary_cases_alone(
    tree: Any,  # noqa: F811
) -> None:
    urgent = in_place(tree["g1"], subject="Streetlight out", priority=Priority.URGENT)
    plain = in_place(tree["g1"], subject="Bench needs paint", description="Peeling paint.")

    services.triage_case(urgent)
    services.triage_case(plain)

    urgent.refresh_from_db()
    plain.refresh_from_db()
    assert (urgent.priority, plain.priority) == (Priority.URGENT, Priority.NORMAL)
    assert not Notification.objects.exists()


def test_an_urgent_phrase_raises_to_urgent_without_an_alert(tree: Any) -> None:  # noqa: F811
    staff(tree)
    case = in_place(tree["g1"], subject="小区停水", description="从早上开始停水")

    services.triage_case(case)

    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("phrase", "text", "score"),
    [
        ("gasleak", "thegaspipeisleaking", 1.0),  # words apart, within the window
        ("gasleak", "leakinggas", 0.8333),  # reordered: the pair "sl" is missing
        ("gasleak", "gasbillisfine.theroofleaksagain", 0.6667),  # scattered: too far apart
        ("燃气泄漏", "燃气管道泄漏", 1.0),  # both words, close together
        ("燃气泄漏", "家里燃气泄露了", 0.75),  # one character differs: below 0.8
        ("被困", "被子困难", 0.0),  # both characters, never as a pair
        ("fire", "", 0.0),
    ],
)
def test_phrase_score(phrase: str, text: str, score: float) -> None:
    assert round(phrase_score(phrase, text), 4) == score


def test_assess_urgency_reports_the_probability(tree: Any) -> None:  # noqa: F811
    assert assess_urgency("The streetlight is out").probability < 0.5
    assert assess_urgency("Someone is trapped in the lift").probability == 1.0
