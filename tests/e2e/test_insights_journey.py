"""Insights journey: anyone opens the public statistics from the main menu (a chart drawn under the CSP, its table,
no organisation named), switches the grouping, downloads a table as CSV, reads the six goals and the programme
board (Gantt SVG + table); MPS staff change a programme's status and see the change in the history and on the
board, and open the fuller statistics. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, download, login_as
from tests.e2e.server import E2EServer


def test_public_statistics_goals_and_programme_board(page: Page, e2e_server: E2EServer) -> None:
    page.set_default_timeout(60_000)
    page.goto("/")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Innsikt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistikk for avrop")
    chart = page.locator('figure[data-vega-spec-id="calloffs-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Etter avropsform").click()
    expect(page).to_have_url(re.compile(r"/innsikt/\?by=mechanism$"))
    expect(page.locator("#calloffs-table")).to_contain_text("Minikonkurranse")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Leverandørkonsentrasjon per rammeavtale")
    )
    name, content = download(page, lambda: section.get_by_role("link", name=re.compile("som CSV")).click())
    assert name == "innsikt-concentration.csv"
    lines = content.decode("utf-8").lstrip("\ufeff").split("\r\n")
    assert lines[0] == "Rammeavtale,Tildelinger,Leverandører,HHI,Vurdering"
    assert "Leverandør" not in "".join(lines[1:])  # no supplier shares on the public page

    page.get_by_role("link", name="Mål", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fremdrift mot MPS' seks mål")
    expect(page.get_by_role("heading", level=2)).to_have_count(6)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Programmer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programtavle")
    expect(page.locator(".insights-timeline svg")).to_have_count(1)
    expect(page.locator("#timeline-table")).to_contain_text("Fase 3 kapabiliteter (SOC/CERT)")
    expect(page.get_by_role("link", name="Endre CyberX")).to_have_count(0)
    assert_no_serious_axe_violations(page)


def test_staff_change_a_programme_and_read_full_statistics(page: Page, e2e_server: E2EServer) -> None:
    page.set_default_timeout(60_000)
    login_as(page, "dfo.kategori", next_path="/innsikt/programmer/")
    page.get_by_role("link", name="Endre Digital").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre Digital")
    page.get_by_label("Status").select_option("on_plan")
    page.get_by_label("Neste steg").fill("Plan for 2030 vedtatt\nLansering av innsiktssidene")
    page.get_by_role("button", name="Lagre programmet").click()
    expect(page.get_by_text("Programmet er lagret.")).to_be_visible()
    expect(page.locator("#history-table")).to_contain_text("behind → on_plan")
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Programtavlen").click()
    card = page.locator("section", has=page.get_by_role("heading", name="Digital", exact=True))
    expect(card).to_contain_text("I rute")
    expect(card).to_contain_text("Lansering av innsiktssidene")

    page.get_by_role("link", name="Full statistikk (MPS)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Full statistikk for MPS")
    expect(page.locator("#shares-table")).to_contain_text("%")
    page.get_by_role("link", name="Etter virksomhet").click()
    expect(page.locator("#calloffs-table tbody tr")).not_to_have_count(0)
    assert_no_serious_axe_violations(page)
