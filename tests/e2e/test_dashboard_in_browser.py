"""The dashboard in headless Chromium on a real server with the demo data: it renders, its
numbers are the API's, the console stays clean, keyboard users reach everything, and axe-core
finds no accessibility violations."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from tests.conftest import LERNSPUR

pytestmark = pytest.mark.server

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def demo(live_server, tmp_path_factory):
    """`lernspur demo seed` against the live server's database (small scale)."""
    workdir = tmp_path_factory.mktemp("demo")
    out = subprocess.run(
        [LERNSPUR, "demo", "seed", "--scale", "0.2", "--json"],
        env=live_server.env,
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    managers = {m["programme"]: m for m in json.loads(out.stdout)["managers"]}
    # A database seeded before (by another module) would print no logins: fail, never skip.
    assert managers, f"`lernspur demo seed` printed no manager logins: {out.stdout[:500]}"
    return managers


def _signed_in_page(browser, live_server, manager, lang="de"):
    page = browser.new_page(locale="de-DE" if lang == "de" else "en-GB")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # An init script (injected by the browser, not by the page) is not subject to the page's
    # Content-Security-Policy, which rightly forbids inline scripts.
    page.add_init_script(path=str(AXE))
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.fill("#email", manager["email"])
    page.fill("#password", manager.get("new_password") or manager["password"])
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if "/password" in page.url:
        manager["new_password"] = "ein-gutes-passwort-1"
        page.fill("#password", manager["new_password"])
        page.fill("#password2", manager["new_password"])
        with page.expect_navigation():
            page.click("main button[type=submit]")
    return page, errors


def _api(live_server, manager, path):
    response = requests.get(
        f"{live_server.url}/api/v1/programmes/{manager['programme']}/{path}",
        headers={"Authorization": f"Bearer {manager['token']}"},
        timeout=10,
    )
    assert response.status_code == 200
    return response.json()


def _value(text):
    return None if text == "" else float(text)


def _axe_violations(page):
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', "
        "'best-practice']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"
    )


def test_voucher_programme_dashboard_matches_the_api_and_passes_axe(browser, live_server, demo):
    manager = demo["kommunalcampus-vouchers"]
    page, errors = _signed_in_page(browser, live_server, manager)
    assert page.url.endswith("/programmes/kommunalcampus-vouchers")
    assert (
        page.locator("h1").inner_text()
        == "Vernetzung und Kompetenzentwicklung im öffentlichen Dienst"
    )
    assert page.locator("#targets-h").inner_text() == "Ziele"
    report = _api(live_server, manager, "report")
    shown = page.locator("[data-figure=participants]").get_attribute("data-value")
    assert _value(shown) == report["participants"]
    redeemed = page.locator("[data-figure=vouchers-redeemed]").get_attribute("data-value")
    assert _value(redeemed) == report["vouchers"]["redeemed"]
    for row in report["organisations"]:
        cell = page.locator(f"#org-table tr[data-org={row['id']}] [data-field=participants]")
        assert _value(cell.get_attribute("data-value")) == row["participants"]
    for target in report["targets"]:
        gauge = page.locator(f"li.gauge[data-target='{target['name']}']")
        assert _value(gauge.get_attribute("data-actual")) == target["actual"]
    for area, share in report["competency_coverage"].items():
        cell = page.locator(f"#heat-map td[data-area={area}]")
        assert _value(cell.get_attribute("data-value")) == share
    assert _axe_violations(page) == []
    assert errors == []
    page.close()


def test_cost_sharing_dashboard_in_english_matches_the_api(browser, live_server, demo):
    manager = demo["nachwuchs-steinfurt"]
    page, errors = _signed_in_page(browser, live_server, manager, lang="en")
    page.goto(f"{live_server.url}/programmes/nachwuchs-steinfurt?lang=en")
    assert page.locator("#costs-h").inner_text() == "Cost shares"
    report = _api(live_server, manager, "report")
    for row in report["organisations"]:
        cell = page.locator(f"#cost-table tr[data-org={row['id']}] [data-field=cost_share_eur]")
        assert _value(cell.get_attribute("data-value")) == row["cost_share_eur"]
    assert _axe_violations(page) == []
    assert errors == []
    page.close()


def test_keyboard_reaches_the_sections_and_the_tables_behind_the_charts(browser, live_server, demo):
    manager = demo["zukunft-bewegen"]
    page, errors = _signed_in_page(browser, live_server, manager)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # Tab on until the table behind the participation chart opens from the keyboard.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    page.keyboard.press("Enter")
    assert page.locator("#over-time details").get_attribute("open") is not None
    assert page.locator("#over-time details table tbody tr").count() == 27  # 2012-10..2014-12
    assert _axe_violations(page) == []
    assert errors == []
    page.close()
