"""Terms, exit and lock-in journey: NVE's org admin (also privacy officer) opens the services in use, computes a new
exit-cost estimate for the Atlanterhavet Sky service and reads the CMA flags; the category manager reads the CIPS
framework's balance table; anyone reads the SSA guidance. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, login_as
from tests.e2e.server import E2EServer


def test_privacy_officer_estimates_the_exit_cost(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "nve.admin")
    page.set_default_timeout(60_000)
    page.goto("/personvern/tjenester-i-bruk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjenester i bruk")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Virtuelle maskiner").click()
    expect(page.get_by_role("heading", name="Exit-plan")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Beregn exit-kostnad").click()
    page.get_by_label("Datamengde (GB)").fill("1000")
    page.get_by_label("Migreringsinnsats (timer)").fill("10")
    page.get_by_label("Timepris (NOK)").fill("1000")
    page.get_by_role("button", name="Beregn exit-kostnad").click()
    expect(page.get_by_text("Exit-kostnaden er beregnet.")).to_be_visible()
    # 1000 GB × 0,75 + 10 × 1000 = 10 750 kr
    latest = page.locator("section[aria-labelledby='siste-anslag']")
    expect(latest.get_by_role("row", name=re.compile("^Exit-kostnad"))).to_contain_text("750,00 kr")
    expect(page.get_by_text("Utgangsgebyr (egress)")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Datamengde (GB)").fill("1000")
    page.get_by_label("Migreringsinnsats (timer)").fill("mange")
    page.get_by_label("Timepris (NOK)").fill("1000")
    page.get_by_role("button", name="Beregn exit-kostnad").click()
    expect(page.locator("#feiloppsummering")).to_contain_text("Migreringsinnsats (timer) må være et tall.")
    assert_no_serious_axe_violations(page)


def test_category_manager_reads_the_balance(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "dfo.kategori")
    page.set_default_timeout(60_000)
    page.goto("/personvern/vilkar/")
    page.get_by_role("link", name="2024/1001 Skyinfrastruktur og plattformtjenester (CIPS)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vilkårsbalanse")
    expect(page.get_by_role("table")).to_contain_text("Utgangsgebyr og dataportabilitet")
    assert_no_serious_axe_violations(page)


def test_ssa_guidance(page: Page, e2e_server: E2EServer) -> None:
    page.goto("/personvern/vilkar/standardavtale/")
    page.get_by_label(re.compile("Løsningen skal tilpasses oss")).check()
    page.get_by_role("button", name="Vis anbefaling").click()
    expect(page.get_by_role("heading", name="Anbefalt: SSA-L")).to_be_visible()
    assert_no_serious_axe_violations(page)
