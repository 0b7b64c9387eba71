"""The pages in a real browser (headless Chromium): rendered, accessible basics, no errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.server


def test_home_page_renders_in_chromium_without_console_errors(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/?lang=de")
    assert page.locator("h1").inner_text() == "Lernnachweise für Weiterbildungsprogramme"
    assert page.get_attribute("html", "lang") == "de"
    with page.expect_navigation():
        page.click("a[hreflang=en]")
    assert page.locator("h1").inner_text() == "Learning records for continuing-education programmes"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert errors == []
    page.close()
