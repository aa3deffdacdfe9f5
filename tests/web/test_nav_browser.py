"""The staff navigation in a real browser (Debian's chromium, headless), on a 360 px phone:
the page does not scroll sideways, the menus open from the keyboard, Escape closes them."""

from __future__ import annotations

from typing import Any

from tests.web.test_browser import browser, log_in, session  # noqa: F401 (fixture)


def test_the_menus_work_from_the_keyboard_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    city: Any,
    people: Any,
) -> None:
    page = session(browser, "en-US", {"width": 360, "height": 740}, live_server.url)
    log_in(page, "supervisor")
    page.goto("/console/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    more = page.locator("details.more")
    summary = more.locator("summary")

    summary.focus()
    page.keyboard.press("Enter")
    assert more.get_attribute("open") is not None
    panel = more.locator(".menu-panel")
    assert panel.is_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.menu-panel') !== null")

    page.keyboard.press("Escape")
    assert more.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"

    summary.click()
    page.locator("details.account > summary").click()  # one menu open at a time
    assert more.get_attribute("open") is None
    assert page.locator("details.account .menu-panel button", has_text="Log out").is_visible()
