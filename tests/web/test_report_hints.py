"""The report form's category suggestions: triage's top categories while the resident types,
in the resident's language with a plain confidence word, limited per address, and silent when
no model is active."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Category
from grassroots.triage import registry
from grassroots.triage import services as triage
from grassroots.triage.classify import propose_category
from grassroots.triage.textmodel import ModelConfig, train_from_rows
from grassroots.web.views.portal import confidence_word
from tests.web.test_browser import (  # noqa: F401 - `browser` is a fixture
    RUNS,
    SHOTS,
    _errors,
    browser,
    session,
)

pytestmark = pytest.mark.django_db
URL = "/report/hints/"
NOISE = {"subject": "Loud party music at night", "description": "The neighbour's dog barks too."}


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    """Each test starts with an empty rate-limit count (the cache is per process)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tiny_model(tmp_path: Path, settings: Any) -> Iterator[Any]:
    """An active classifier that knows noise from roads (two default categories)."""
    settings.TRIAGE_MODEL_DIR = tmp_path
    settings.TRIAGE_MODEL_REFRESH_SECONDS = 0.0
    registry.forget()
    texts = ["loud music from the neighbour at night", "barking dog and loud party noise"] * 5
    texts += ["pothole in the road surface", "broken road near the bridge"] * 5
    labels = ["environment.noise"] * 10 + ["urban.roads"] * 10
    model = train_from_rows(texts, labels, config=ModelConfig(cv_folds=0, calibration_folds=2))
    yield triage.register_model(model, source="test", actor=None, activate=True)
    registry.forget()


def resident(language: str = "en", address: str = "10.0.0.7") -> Client:
    return Client(headers={"Accept-Language": language}, REMOTE_ADDR=address)


def test_an_anonymous_resident_gets_the_category_in_english_with_a_plain_word(
    tiny_model: Any,
) -> None:
    response = resident().post(URL, NOISE)
    html = response.content.decode()
    proposal = propose_category(f"{NOISE['subject']}\n{NOISE['description']}")
    assert proposal is not None and proposal.top[0]["category"] == "environment.noise"
    level, word = confidence_word(float(str(proposal.top[0]["probability"])))
    assert response.status_code == 200
    assert 'data-use-category="environment.noise"' in html
    assert "Environment › Noise" in html
    assert f'<span class="badge confidence-{level}">{word}</span>' in html
    assert 'aria-pressed="false"' in html
    assert "%" not in html  # a word for residents, not a percentage


def test_the_suggestion_speaks_chinese_by_default(tiny_model: Any) -> None:
    html = resident(language="zh-hans").post(URL, NOISE).content.decode()
    assert "环境保护 › 噪声污染" in html
    assert "Noise" not in html


def test_the_category_already_chosen_shows_as_pressed(tiny_model: Any) -> None:
    html = resident().post(URL, {**NOISE, "category": "environment.noise"}).content.decode()
    assert 'data-use-category="environment.noise" aria-pressed="true"' in html


@pytest.mark.parametrize(
    ("probability", "expected"),
    [(0.95, "very likely"), (0.7, "very likely"), (0.55, "likely"), (0.2, "possibly")],
)
def test_confidence_is_said_in_words(probability: float, expected: str) -> None:
    assert confidence_word(probability)[1] == expected


def test_with_no_model_active_nothing_is_shown(city: Any) -> None:
    registry.forget()
    response = resident().post(URL, NOISE)
    assert (response.status_code, response.content.decode().strip()) == (200, "")


def test_an_unreadable_model_file_shows_nothing_rather_than_failing(
    tiny_model: Any, settings: Any
) -> None:
    for file in Path(settings.TRIAGE_MODEL_DIR).iterdir():
        file.unlink()
    registry.forget()
    response = resident().post(URL, NOISE)
    assert (response.status_code, response.content.decode().strip()) == (200, "")


def test_too_little_text_asks_nothing(tiny_model: Any) -> None:
    response = resident().post(URL, {"subject": "ab", "description": ""})
    assert (response.status_code, response.content.decode().strip()) == (200, "")


@pytest.mark.parametrize(
    "data",
    [{"subject": "x" * 201, "description": ""}, {"subject": "noise", "description": "y" * 5001}],
)
def test_an_over_long_text_is_a_400_fragment(tiny_model: Any, data: dict[str, str]) -> None:
    response = resident().post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The text is too long for suggestions." in html
    assert "data-use-category" not in html
    assert "<html" not in html


def test_the_longest_accepted_text_still_gets_suggestions(tiny_model: Any) -> None:
    data = {"subject": "loud music " * 18, "description": "barking dog " * 416}
    assert (len(data["subject"]), len(data["description"])) == (198, 4992)
    response = resident().post(URL, data)
    assert response.status_code == 200
    assert 'data-use-category="environment.noise"' in response.content.decode()


def test_each_address_is_limited_per_minute(tiny_model: Any, settings: Any) -> None:
    settings.REPORT_HINTS_RATE_PER_MINUTE = 3
    client = resident(address="10.0.0.8")
    statuses = [client.post(URL, NOISE).status_code for _ in range(4)]
    refused = client.post(URL, NOISE)
    other = resident(address="10.0.0.9").post(URL, NOISE)
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert "Too many requests; suggestions pause for a minute." in refused.content.decode()
    assert "data-use-category" not in refused.content.decode()
    assert other.status_code == 200


def test_only_posts_are_answered(tiny_model: Any) -> None:
    assert resident().get(URL, NOISE).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(tiny_model: Any) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.7")
    assert client.post(URL, NOISE).status_code == 403


def test_the_report_form_asks_for_hints_from_the_text_only(city: Any) -> None:
    page = resident().get("/report/").content.decode()
    assert 'hx-post="/report/hints/" hx-params="subject,description,category"' in page
    assert "input changed delay:600ms from:#id_subject" in page
    assert "input changed delay:600ms from:#id_description" in page
    assert "/static/web/report.js" in page
    assert "load, " not in page  # a fresh form asks nothing until the resident types


def test_a_refused_report_asks_again_for_the_text_already_typed(city: Any) -> None:
    response = resident().post("/report/", {"kind": "complaint", "subject": "", "lat": "x"})
    assert response.status_code == 400
    assert 'hx-trigger="load, input changed' in response.content.decode()


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_in_a_browser_the_resident_takes_the_suggestion_and_places_the_pin(
    browser: Any,  # noqa: F811
    live_server: Any,
    city: Any,
    tiny_model: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
) -> None:
    # The live server's database is flushed after each test, categories from migrations too.
    for code, zh, en in [
        ("environment.noise", "噪声污染", "Noise"),
        ("urban.roads", "道路", "Roads"),
    ]:
        if not Category.objects.filter(code=code).exists():
            services.create_category(code, name_zh=zh, name_en=en, parent=None, actor=None)
    _errors.clear()
    page = session(browser, locale, viewport, live_server.url)
    page.goto("/report/")
    page.wait_for_selector("#report-map[data-ready]")
    page.evaluate(
        """() => { window.changes = [];
        ["id_lat", "id_lng"].forEach((id) => document.getElementById(id).addEventListener(
          "change", (e) => window.changes.push(e.target.id + "=" + e.target.value)));
        }"""
    )
    sent: list[str] = []
    page.on("request", lambda r: r.url.endswith("/report/hints/") and sent.append(r.post_data))
    page.fill("#id_phone", "13900001111")
    page.locator("#id_subject").press_sequentially("Loud party music at night")
    page.wait_for_selector("[data-testid=category-hints] [data-use-category='environment.noise']")
    assert page.input_value("#id_category") == ""
    assert sent and all("subject=" in body and "13900001111" not in body for body in sent)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#category-hints").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"report-hints-{lang}-{viewport['width']}-1-suggested.png"))
    page.locator("[data-use-category='environment.noise']").click()
    assert page.input_value("#id_category") == "environment.noise"
    button = page.locator("[data-use-category='environment.noise']")
    assert button.get_attribute("aria-pressed") == "true"
    box = page.locator("#report-map").bounding_box()
    page.locator("#report-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    lat, lng = page.input_value("#id_lat"), page.input_value("#id_lng")
    assert page.evaluate("() => window.changes") == [f"id_lat={lat}", f"id_lng={lng}"]
    page.locator("#id_category").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"report-hints-{lang}-{viewport['width']}-2-chosen.png"))
    assert [e for e in _errors if "Content Security Policy" in e] == []
    page.context.close()
