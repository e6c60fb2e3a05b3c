"""CyberX journey: NVE's org admin (also security officer) opens /cyberx/ from the main menu, reads the latest Cyber
Risk Score from the demo scans, sees the trend drawn (an SVG under the CSP), opens a deduction's check in the scan
detail, downloads the trend as CSV and reads the public methodology page; a buyer sees a supplier's score on its
catalogue page; MPS staff see every organisation's latest score. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, download, login_as
from tests.e2e.server import E2EServer


def test_security_officer_reads_the_score_and_a_deduction(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "nve.admin")
    page.set_default_timeout(60_000)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Sikkerhet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CyberX – Cyber Risk Score")
    expect(page.locator("#cyber-score")).to_have_text(re.compile(r"^\d{1,3}$"))

    chart = page.locator('figure[data-vega-spec-id="trend-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    assert_no_serious_axe_violations(page)

    section = page.locator("section", has=page.get_by_role("heading", name="Utvikling over tid"))
    name, content = download(page, lambda: section.get_by_role("link", name=re.compile("som CSV")).click())
    assert name == "cyberx-trend-970205039.csv"
    lines = content.decode("utf-8").lstrip("\ufeff").split("\r\n")
    assert lines[0] == "Dato,Poengsum,Karakter,Skanning"
    assert len([line for line in lines[1:] if line]) == 3

    first = page.locator(".cyber-deductions > li").first
    expect(first.get_by_text("Slik retter du det:")).to_be_visible()
    first.get_by_role("link", name=re.compile("og observasjon")).click()
    expect(page).to_have_url(re.compile(r"/cyberx/skanninger/\d+/#kontroll-\d+"))
    expect(page.get_by_role("heading", name="www.nve.no")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Metode").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slik regner vi Cyber Risk Score")
    expect(page.locator("#grades-table")).to_contain_text("90–100")
    assert_no_serious_axe_violations(page)


def test_buyer_sees_a_suppliers_score_and_staff_see_all(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "nve.innkjoper")
    page.set_default_timeout(60_000)
    page.goto("/leverandorer/")
    page.get_by_role("link", name="Nordsky AS").first.click()
    panel = page.locator("section.cyber-panel")
    expect(panel.locator("#cyber-panel-score")).to_have_text(re.compile(r"^\d{1,3}$"))
    expect(panel.get_by_role("link", name="Slik regner vi")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.context.clear_cookies()
    login_as(page, "dfo.kategori")
    page.goto("/cyberx/")
    expect(page).to_have_url(re.compile(r"/cyberx/mps/$"))
    table = page.locator("#organisations-table")
    expect(table.get_by_role("row", name=re.compile("Voss herad"))).to_be_visible()
    assert_no_serious_axe_violations(page)
