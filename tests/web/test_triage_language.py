"""Triage's reasons on the pages are worded in the reader's language, whatever language the
process that computed them ran in: the dispatch queue's triage column, the case page's box,
the phone operator's duplicate hints."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from grassroots.cases.models import Category
from grassroots.triage import services as triage
from grassroots.triage.enums import RoutingLevel
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
LEAK = {
    "subject": "Gas leak in the stairwell",
    "description": "A strong gas leak on the second floor.",
    "category": "environment.noise",
    "lat": 39.1,
    "lng": 116.1,
}
MATRIX = {
    "en": "Matrix: the Community / village level acts on “Noise”; the place is in Unit WC1.",
    "zh-hans": "职责清单：“噪声污染”由社区/村一级办理；位置属于单位WC1。",
}
GAS = {
    "en": "The text mentions “gas leak”: Emergency.",
    "zh-hans": "内容提到“gas leak”：特急。",
}


def page(user: Any, path: str, language: str, data: Any = None) -> str:
    client = Client(headers={"Accept-Language": language, "HX-Request": "true"})
    client.force_login(user)
    response = client.post(path, data) if data is not None else client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def triaged(city: Any) -> Any:
    """A gas leak triaged (no action) by a process running in English."""
    triage.load_default_rules(actor=None)
    noise = Category.objects.get(code="environment.noise")
    triage.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    case = submit(**LEAK)
    with translation.override("en"):
        triage.triage_case(case, act=False)
    return case


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_queue_words_stored_reasons_in_the_readers_language(
    triaged: Any, people: Any, language: str
) -> None:
    html = page(people["dispatcher"], "/console/?tab=dispatch", language)
    assert MATRIX[language] in html
    assert GAS[language] in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_case_pages_triage_box_words_them_too(triaged: Any, people: Any, language: str) -> None:
    html = page(people["dispatcher"], f"/console/queue/{triaged.pk}/triage/", language)
    assert MATRIX[language] in html
    assert GAS[language] in html


def test_phone_hints_give_each_duplicates_reason_in_the_operators_language(
    city: Any, people: Any
) -> None:
    earlier = submit(**LEAK)
    draft = {**LEAK, "lat": "39.1001", "lng": "116.1001"}
    chinese = page(people["dispatcher"], "/console/phone/hints/", "zh-hans", draft)
    english = page(people["dispatcher"], "/console/phone/hints/", "en", draft)
    assert earlier.tracking_code in chinese
    assert "文本相似度 100 %, 相距 14 米, 早 0 小时受理." in chinese
    assert "100 % similar text, 14 m away, received 0 hours earlier." in english
