"""Triage's reasons are stored as data and read in the reader's language, whatever language
the process that computed them ran in: the suggestions API, the case timeline, the alert."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from grassroots.accounts.models import Notification
from grassroots.cases.enums import CaseEventType
from grassroots.cases.models import Category
from grassroots.triage import services
from grassroots.triage.enums import RoutingLevel
from grassroots.triage.models import Suggestion, TimelineNote
from grassroots.triage.reasons import join, reason, render
from tests.cases.conftest import Api
from tests.factories.cases import person, staff
from tests.triage.test_triage_app import _model_dir, in_place, tiny_model, tree  # noqa: F401

pytestmark = pytest.mark.django_db

GAS_EN = "The text mentions “gas leak”: Emergency."
GAS_ZH = "内容提到“gas leak”：特急。"
MATRIX_EN = "Matrix: the Community / village level acts on “Noise”; the place is in Unit TC1."


def _api_get(user: Any, path: str, language: str) -> dict[str, Any]:
    api = Api(user)
    api.headers["Accept-Language"] = language
    response = api.get(path)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def noisy(tree: Any) -> Any:  # noqa: F811
    """A gas-leak noise case in g1, with the community level acting on noise."""
    services.load_default_rules(actor=None)
    noise = Category.objects.get(code="environment.noise")
    services.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    return in_place(
        tree["g1"], subject="Gas leak", description="Strong gas leak", category=noise.code
    )


@pytest.mark.parametrize("computed_in", ["en", "zh-hans"])
def test_suggestion_computed_in_one_language_reads_in_the_viewers(
    tree: Any,  # noqa: F811
    noisy: Any,
    computed_in: str,
) -> None:
    people = staff(tree)
    with translation.override(computed_in):
        services.triage_case(noisy, act=False)

    path = f"/cases/{noisy.pk}/suggestions"
    english = _api_get(people["dispatcher"], path, "en")
    chinese = _api_get(people["dispatcher"], path, "zh-hans")

    assert english["stored"] is chinese["stored"] is True
    assert english["urgency"]["reasons"] == [GAS_EN]
    assert chinese["urgency"]["reasons"] == [GAS_ZH]
    assert english["unit"]["reason"] == MATRIX_EN
    assert chinese["unit"]["reason"] == "职责清单：“噪声污染”由社区/村一级办理；位置属于单位TC1。"


def test_the_stored_rows_hold_codes_and_parameters_not_words(
    tree: Any,  # noqa: F811
    noisy: Any,
) -> None:
    with translation.override("zh-hans"):
        services.triage_case(noisy, act=False)

    row = Suggestion.objects.get(case=noisy)
    assert row.urgency_reasons == [
        {"code": "urgency.phrase", "params": {"phrase": "gas leak", "priority": "emergency"}}
    ]
    assert row.unit_reasons == [
        {
            "code": "routing.level",
            "params": {
                "level": "community",
                "category": {"zh": "噪声污染", "en": "Noise"},
                "unit": {"zh": "单位TC1", "en": "Unit TC1"},
            },
        }
    ]


def test_automatic_dispatch_note_reads_in_the_viewers_language(
    tree: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.TRIAGE_AUTO_DISPATCH_CATEGORY = 0.5
    settings.TRIAGE_AUTO_DISPATCH_UNIT = 0.5
    people = staff(tree)
    noise = Category.objects.get(code="environment.noise")
    services.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    tiny_model()
    case = in_place(tree["g1"], subject="Loud music at night", description="loud party noise")
    with translation.override("en"):
        services.triage_case(case)

    event = case.events.get(type=CaseEventType.DISPATCHED)
    note = TimelineNote.objects.get(event=event)
    english = _api_get(people["dispatcher"], f"/cases/{case.pk}", "en")
    chinese = _api_get(people["dispatcher"], f"/cases/{case.pk}", "zh-hans")
    en_note = next(e["note"] for e in english["timeline"] if e["type"] == "dispatched")
    zh_note = next(e["note"] for e in chinese["timeline"] if e["type"] == "dispatched")

    assert note.reason["code"] == "auto.dispatched"
    assert event.note.startswith("智能分拨已自动派单。\n类别“噪声污染”")  # LANGUAGE_CODE
    assert en_note.startswith("Dispatched automatically by triage.\nCategory “Noise” at ")
    assert en_note.endswith("the place is in Unit TS1.")
    assert zh_note.startswith("智能分拨已自动派单。\n类别“噪声污染”，置信度")
    assert zh_note.endswith("位置属于单位TS1。")


def test_raised_priority_note_reads_in_the_viewers_language_on_the_case_page(
    tree: Any,  # noqa: F811
    noisy: Any,
    settings: Any,
) -> None:
    settings.LANGUAGE_CODE = "en"  # the stored note is English: the Chinese page rewords it
    people = staff(tree)
    with translation.override("en"):
        services.triage_case(noisy)

    client = _client(people["dispatcher"])
    zh_page = client.get(f"/console/cases/{noisy.pk}/", headers={"Accept-Language": "zh-hans"})
    en_page = client.get(f"/console/cases/{noisy.pk}/", headers={"Accept-Language": "en"})

    assert "智能分拨已提升优先级。\n内容提到“gas leak”：特急。" in _squash(zh_page)
    assert "Raised by triage.\nThe text mentions “gas leak”: Emergency." in _squash(en_page)


def test_the_alert_is_worded_in_each_dispatchers_language(
    tree: Any,  # noqa: F811
    noisy: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = staff(tree)
    people["dispatcher"].language = "en"
    people["dispatcher"].save()
    chinese = person("zhdispatcher", "dispatcher", tree["d1"])
    chinese.language = "zh-hans"
    chinese.save()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.triage_case(noisy)

    alerts = {n.user.username: n for n in Notification.objects.filter(kind="triage.emergency")}
    assert alerts[people["dispatcher"].username].body == GAS_EN
    assert alerts["zhdispatcher"].body == GAS_ZH
    assert alerts["zhdispatcher"].title == f"紧急：{noisy.tracking_code} Gas leak"
    assert (
        alerts[people["dispatcher"].username].title == f"Emergency: {noisy.tracking_code} Gas leak"
    )


def test_text_stored_before_reasons_were_data_is_shown_as_written(
    tree: Any,  # noqa: F811
    noisy: Any,
) -> None:
    people = staff(tree)
    suggestion = services.compute_suggestion(noisy)
    suggestion.category_reasons = [{"text": "旧的类别理由"}]
    suggestion.unit_reasons = [{"text": "Old routing reason."}]
    suggestion.urgency_reasons = ["The text mentions “gas leak”: Emergency."]
    suggestion.alternatives = [
        {"unit": "TC1", "name": "x", "confidence": 0.5, "source": "learned", "reason": "旧"}
    ]
    suggestion.save()

    body = _api_get(people["dispatcher"], f"/cases/{noisy.pk}/suggestions", "zh-hans")

    assert body["urgency"]["reasons"] == [GAS_EN]
    assert body["unit"]["reason"] == "Old routing reason."
    assert body["other_units"][0]["reason"] == "旧"


def test_unknown_or_malformed_reasons_render_as_nothing() -> None:
    assert render({"code": "from.a.newer.version", "params": {}}) == ""
    assert render({"code": "urgency.phrase", "params": {}}) == ""
    assert join([reason("routing.no_rule"), {"code": "nope"}]) == (
        "The responsibility matrix has no rule for this category."
    )


def test_duplicate_reason_is_worded_at_display() -> None:
    stored = reason("duplicate.similar", p=93.0, metres=120, hours=50.0)
    with translation.override("zh-hans"):
        chinese = render(stored)
    assert render(stored) == "93 % similar text, 120 m away, received 2 days earlier."
    assert chinese == "文本相似度 93 %, 相距 120 米, 早 2 天受理."


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _squash(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_old_text_reasons_readable(tree: Any) -> None:  # noqa: F811
    """Rows of 0002 (reasons as text) come out of 0003 as `{"text": …}`, shown as written."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    case = in_place(tree["g1"], subject="Old")
    executor = MigrationExecutor(connection)
    before = [("triage", "0002_override_kind_event_feedback_cursor_urgency_score")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("triage", "Suggestion")
    old.objects.create(
        case_id=case.pk,
        priority="normal",
        category_reason="旧的类别理由",
        unit_reason="",
        urgency_reasons=["The text mentions “fire”: Emergency."],
        computed_at=case.received_at,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    row = Suggestion.objects.get(case=case)
    assert (row.category_reasons, row.unit_reasons) == ([{"text": "旧的类别理由"}], [])
    assert join(row.category_reasons) == "旧的类别理由"
    assert render(row.urgency_reasons[0]) == "The text mentions “fire”: Emergency."
