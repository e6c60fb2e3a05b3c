"""Notice market analysis: anyone opens /innsikt/kunngjoringer/, reads the headline and the charts (drawn under the
CSP), downloads the year table as CSV, filters the list to municipalities, opens a notice and reads why it is about
cloud; an MPS category manager opens the upload page. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, download, login_as
from tests.e2e.server import E2EServer


def test_anyone_reads_the_market_analysis_and_a_notice(page: Page, e2e_server: E2EServer) -> None:
    page.set_default_timeout(60_000)
    page.goto("/innsikt/kunngjoringer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunngjøringer i offentlig sektor")
    expect(page.locator("#notices-headline")).to_contain_text(
        re.compile(r"kunngjøringer i offentlig sektor siden 2017")
    )
    chart = page.locator('figure[data-vega-spec-id="aar-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    assert_no_serious_axe_violations(page)

    section = page.locator("section", has=page.get_by_role("heading", name="Kunngjøringer og verdi per år"))
    name, content = download(page, lambda: section.get_by_role("link", name=re.compile("som CSV")).click())
    assert name == "kunngjoringer-aar.csv"
    lines = content.decode("utf-8").lstrip("\ufeff").split("\r\n")
    assert lines[0] == "År,Kunngjøringer,Konkurranser,Tildelinger,Verdi (NOK)"
    assert [line.split(",")[0] for line in lines[1:] if line] == [str(year) for year in range(2017, 2027)]

    page.get_by_role("link", name="Alle kunngjøringer").first.click()
    page.get_by_label("Oppdragsgivertype").select_option(label="Kommune")
    page.get_by_role("button", name="Vis kunngjøringer").click()
    expect(page.locator("#notice-count")).to_contain_text("kunngjøring")
    assert_no_serious_axe_violations(page)
    page.locator("#notice-table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Gjelder den sky?")).to_be_visible()
    expect(page.locator("#relevance-reasons li").first).to_contain_text("CPV-koden")
    assert_no_serious_axe_violations(page)


def test_staff_open_the_upload_page(page: Page, e2e_server: E2EServer) -> None:
    page.set_default_timeout(60_000)
    login_as(page, "dfo.kategori")
    page.goto("/innsikt/kunngjoringer/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer kunngjøringer")
    expect(page.get_by_label("Kunngjøringer (eForms XML)")).to_be_visible()
    assert_no_serious_axe_violations(page)
