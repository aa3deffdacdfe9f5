"""The whole story in a real browser (Debian's chromium, headless), in both languages.

A resident reports with a map pin and a photo and keeps the tracking code; a dispatcher
dispatches it; the handler accepts and replies; the resident rates the answer; a supervisor
sees the case closed. Screenshots of every page land in artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grassroots.cases.models import Case

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RUNS = [
    pytest.param("zh-hans", "zh-CN", {"width": 360, "height": 740}, id="zh-phone"),
    pytest.param("en", "en-US", {"width": 1280, "height": 800}, id="en-desktop"),
]


def png(path: Path) -> Path:
    """A real 16×12 PNG (a red square), so that the staff page shows an actual photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc0\x30\x30" * 16 for _ in range(12))
    header = struct.pack(">IIBBBBB", 16, 12, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make setup` does it as root, "
            "or `apt-get install -y chromium`). Playwright must not download a browser."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the browser lives; the
    # test's own ORM calls (and the database flush after each test) are still synchronous.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
    if saved is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class Shots:
    """Numbered full-page screenshots for one run."""

    def __init__(self, run: str) -> None:
        self.run, self.n = run, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        page.screenshot(path=str(SHOTS / f"{self.run}-{self.n:02d}-{name}.png"), full_page=True)


def session(browser: Any, locale: str, viewport: dict[str, int], base: str) -> Any:
    context = browser.new_context(locale=locale, viewport=viewport, base_url=base)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and _errors.append(m.text))
    return page


_errors: list[str] = []


def log_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_the_whole_story(
    browser: Any,
    live_server: Any,
    city: Any,
    people: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.GEO_INDEX_REFRESH_SECONDS = 0  # each run builds a new city: look it up afresh
    _errors.clear()
    shot = Shots(f"{lang}-{viewport['width']}")
    base = live_server.url

    # A resident reports with a map pin and a photo.
    resident = session(browser, locale, viewport, base)
    resident.goto("/report/")
    assert resident.locator("html").get_attribute("lang") == lang
    resident.fill("#id_subject", "Broken bench in the park")
    resident.fill("#id_description", "The bench by the pond has a broken slat.")
    resident.wait_for_selector("#report-map[data-ready]")
    box = resident.locator("#report-map").bounding_box()
    # Just west and south of the map's centre: inside the western street's community.
    centre = {"x": box["width"] / 2 - 15, "y": box["height"] / 2 + 15}
    resident.locator("#report-map").click(position=centre)
    assert resident.input_value("#id_lat") != ""
    resident.set_input_files("#id_photo", str(png(tmp_path / "bench.png")))
    resident.fill("#id_phone", "13900001111")
    shot(resident, "report")
    resident.locator("main form button[type=submit]").click()
    resident.wait_for_url("**/report/receipt/")
    code = re.sub(r"\D", "", resident.inner_text("[data-testid=tracking-code]"))
    shot(resident, "receipt")
    case = Case.objects.get(tracking_code=code)
    assert case.attachments.count() == 1
    assert case.place_unit is not None

    # The dispatcher dispatches it from the queue (htmx swaps the panel).
    dispatcher = session(browser, locale, viewport, base)
    log_in(dispatcher, "dispatcher")
    dispatcher.goto("/console/")
    shot(dispatcher, "dispatch-queue")
    dispatcher.click(f"a[href='/console/cases/{case.pk}/']")
    dispatcher.fill("#id_dispatch-unit", "WS1")
    dispatcher.locator("form[data-action=dispatch] button[type=submit]").click()
    dispatcher.wait_for_selector("[data-testid=case-status].status-dispatched")
    shot(dispatcher, "case-dispatched")

    # The handler accepts and replies.
    handler = session(browser, locale, viewport, base)
    log_in(handler, "handler1")
    handler.goto("/console/?tab=mine")
    shot(handler, "handler-inbox")
    handler.click(f"a[href='/console/cases/{case.pk}/']")
    handler.locator("form[data-action=accept] button[type=submit]").click()
    handler.wait_for_selector("[data-testid=case-status].status-accepted")
    handler.fill("#id_reply-reply", "We replaced the slat this morning.")
    handler.locator("form[data-action=reply] button[type=submit]").click()
    handler.wait_for_selector("[data-testid=case-status].status-replied")
    shot(handler, "case-replied")

    # The resident follows the receipt's link and rates the answer.
    resident.goto(f"/track/{code}/")
    assert "We replaced the slat this morning." in resident.inner_text("main")
    resident.check("#id_resolved_0")
    resident.check("#id_satisfaction_0")
    shot(resident, "track-replied")
    resident.locator("form[action$='/rate/'] button[type=submit]").click()
    resident.wait_for_selector("[data-testid=status].badge.status-closed")
    shot(resident, "track-closed")

    # The supervisor finds it closed.
    supervisor = session(browser, locale, viewport, base)
    log_in(supervisor, "supervisor")
    supervisor.goto(f"/console/?tab=all&q={code}")
    shot(supervisor, "supervisor-search")
    supervisor.click(f"a[href='/console/cases/{case.pk}/']")
    supervisor.wait_for_selector("[data-testid=case-status].status-closed")
    shot(supervisor, "supervisor-closed")

    case.refresh_from_db()
    assert (case.status, case.resolved, case.satisfaction) == ("closed", True, "satisfied")
    assert [e for e in _errors if "Content Security Policy" in e] == []
