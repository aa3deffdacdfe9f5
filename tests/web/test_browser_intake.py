"""Phone intake, the dispatch queue's keyboard and count-down, and the resident's photos, in a
real browser (Debian's chromium, headless), in both languages and at both sizes.

An operator takes a call from the keyboard alone: the caller's earlier case and a likely
duplicate appear while typing, a map click places the case, Ctrl+Enter saves it and the read-out
page shows the code and secret. A dispatcher moves through the queue with j/k and opens a case
with Enter; deadlines count down with their colour. A resident sees their photo on the track
page. Screenshots land in artifacts/screenshots/ (as the story test's do).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.cases import services
from grassroots.cases.models import Case, Category
from grassroots.triage import services as triage
from grassroots.triage.enums import RoutingLevel
from tests.factories.cases import submit
from tests.web.test_browser import (  # noqa: F401 - `browser` is a fixture
    RUNS,
    SHOTS,
    _errors,
    browser,
    log_in,
    png,
    session,
)


class Shots:
    """Numbered full-page screenshots. The caret is
    left alone: hiding it leaves `style=""` on inputs, which htmx's settle would copy back
    (and the CSP refuses)."""

    def __init__(self, run: str) -> None:
        self.run, self.n = run, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        path = SHOTS / f"{self.run}-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")


LEAK = {
    "subject": "Water leaking from the ceiling",
    "description": "The flat upstairs leaks into the kitchen.",
    "category": "environment.noise",
}


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_phone_intake_queue_and_photos(
    browser: Any,  # noqa: F811
    live_server: Any,
    city: Any,
    people: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.GEO_INDEX_REFRESH_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path
    _errors.clear()
    shot = Shots(f"intake-{lang}-{viewport['width']}")
    base = live_server.url
    # The live server's database is flushed after each test, categories from migrations too.
    noise = Category.objects.filter(code="environment.noise").first() or services.create_category(
        "environment.noise", name_zh="噪音", name_en="Noise", parent=None, actor=None
    )
    triage.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    # The centre of the map is the city's centre (116.5, 39.5): the case sits just beside it.
    earlier = submit(**LEAK, resident_phone="13812345678", lat=39.49, lng=116.49)
    overdue = submit(subject="Overdue pothole", priority="urgent")
    Case.objects.filter(pk=overdue.pk).update(resolve_due=overdue.received_at.replace(year=2020))

    # The operator takes the call from the keyboard.
    operator = session(browser, locale, viewport, base)
    log_in(operator, "dispatcher")
    operator.goto("/console/phone/")
    operator.wait_for_selector("#phone-map[data-ready]")
    assert operator.evaluate("document.activeElement.id") == "id_phone"
    operator.keyboard.type("138 1234 5678")
    operator.wait_for_selector(f"#caller-cases >> text={earlier.tracking_code}")
    assert "138****5678" in operator.inner_text("#caller-cases")
    operator.fill("#id_subject", "Water leaking from ceiling")
    operator.locator("#id_description").focus()
    operator.keyboard.type("Leaks into the kitchen from the flat upstairs.")
    operator.wait_for_selector(f"[data-testid=duplicates] >> text={earlier.tracking_code}")
    box = operator.locator("#phone-map").bounding_box()
    operator.locator("#phone-map").click(
        position={"x": box["width"] / 2 - 10, "y": box["height"] / 2 + 10}
    )
    operator.wait_for_selector("#triage-hints >> text=WC1")  # asked again, with the place
    assert operator.input_value("#id_lat") != ""
    operator.select_option("#id_category", "environment.noise")
    shot(operator, "phone-intake")
    operator.keyboard.press("Control+Enter")
    operator.wait_for_url("**/console/phone/done/")
    code = re.sub(r"\D", "", operator.inner_text("[data-testid=tracking-code]"))
    case = Case.objects.get(tracking_code=code)
    assert (case.channel, case.resident.phone) == ("phone", "13812345678")  # type: ignore[union-attr]
    assert case.place_unit is not None
    assert re.sub(r"\s", "", operator.inner_text("[data-testid=secret]")) == case.secret
    shot(operator, "phone-read-out")

    # The dispatcher's queue: triage's proposal, count-down with colour, j / k / Enter.
    triage.triage_case(case, act=False)
    second = submit(
        subject="Broken lamp on Elm Road", category="environment.noise", lat=39.2, lng=116.2
    )
    triage.triage_case(second, act=False)
    operator.goto("/console/?tab=dispatch")
    operator.wait_for_selector("[data-due] .left")
    assert "due-over" in (operator.get_attribute(f"#row-{overdue.pk} [data-due]", "class") or "")
    assert operator.inner_text(f"#row-{overdue.pk} [data-due] .left") != ""
    assert operator.locator(f"#row-{case.pk} [data-quick=dispatch]").count() == 1
    shot(operator, "dispatch-queue")
    operator.locator(f"#row-{second.pk} [data-quick=dispatch]").click()  # htmx swaps the row
    operator.wait_for_selector(f"#row-{second.pk} .status-dispatched")
    assert operator.locator(f"#row-{second.pk} .msg").count() == 1
    second.refresh_from_db()
    assert second.unit is not None and second.unit.code == "WS1"
    operator.locator("body").press("j")
    first = operator.evaluate("document.activeElement.textContent")
    operator.keyboard.press("j")
    second = operator.evaluate("document.activeElement.textContent")
    operator.keyboard.press("k")
    assert operator.evaluate("document.activeElement.textContent") == first != second
    assert operator.locator("tr.current").count() == 1
    operator.keyboard.press("Enter")
    operator.wait_for_url(re.compile(r".*/console/cases/\d+/$"))
    operator.wait_for_selector(".case-head")
    operator.goto(f"/console/cases/{case.pk}/")
    operator.wait_for_selector("[data-testid=case-triage]")
    operator.wait_for_selector(".facts [data-due] .left")
    shot(operator, "case-triage")
    operator.locator("[data-action=triage-dispatch] button").click()
    operator.wait_for_selector("[data-testid=case-status].status-dispatched")
    case.refresh_from_db()
    assert case.unit is not None and case.unit.code == "WS1"

    # The resident's photo on the track page.
    services.attach_file(
        earlier,
        upload=SimpleUploadedFile("leak.png", png(tmp_path / "leak.png").read_bytes()),
        actor=services.RESIDENT,
    )
    resident = session(browser, locale, viewport, base)
    resident.goto("/track/")
    resident.fill("#id_code", earlier.tracking_code)
    resident.fill("#id_secret", earlier.secret)
    resident.locator("main form button[type=submit]").click()
    resident.wait_for_selector("[data-testid=photos] img")
    # Polled from here: wait_for_function's string would need 'unsafe-eval', which the CSP refuses.
    image = resident.locator("[data-testid=photos] img")
    for _ in range(50):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        resident.wait_for_timeout(100)
    assert image.evaluate("img => img.naturalWidth") == 16
    shot(resident, "track-photo")
    assert [e for e in _errors if "Content Security Policy" in e] == []
