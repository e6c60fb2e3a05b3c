"""Desk evaluation from a shortlist, in the browser, against the seeded demo data.

A buyer at NVE saves a shortlist with a Nordsky compute service, starts a call-off from it on CIPS lot 1 (standard
need above the direct-award limit, so the framework's rule gives the desk route), fills the basket in price-list
units (adding a row without JavaScript's help), sets a requirement read from the catalogue, runs the evaluation and
reads the ranking, the per-line calculation and the inputs hash; the downloaded inputs hash to it. axe-core runs on
every page of the journey.
"""

from __future__ import annotations

import hashlib
import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import DemoUsers, assert_no_serious_axe_violations, download, htmx_settle, login_as

SHORTLIST = "Beregning for flomvarsling"
CIPS = "Skyinfrastruktur og plattformtjenester (CIPS)"
LOT = f"{CIPS} – 1: IaaS og PaaS i offentlig sky"
SERVICE = "Virtuelle maskiner"


def test_buyer_runs_a_desk_evaluation_from_a_shortlist(page: Page, demo_users: DemoUsers) -> None:
    buyer = demo_users.get("nve.innkjoper")
    login_as(page, buyer["username"], buyer["password"], next_path="/tjenester/kortlister/")

    # A new shortlist, then Nordsky's virtual machines on it from the service page.
    page.get_by_label("Navn på kortlisten").fill(SHORTLIST)
    page.get_by_role("button", name="Opprett kortliste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SHORTLIST)
    shortlist_url = page.url
    page.goto(f"/tjenester/?q={SERVICE.replace(' ', '+')}")
    card = page.locator(".result-card", has_text="Nordsky AS").filter(
        has=page.get_by_role("link", name=SERVICE, exact=True)
    )
    card.first.get_by_role("link", name=SERVICE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    page.get_by_label("Kortliste", exact=True).select_option(label=SHORTLIST)
    page.get_by_role("button", name=f"Legg på kortliste {SERVICE}").click()
    expect(page.get_by_role("status").filter(has_text="kortlisten")).to_contain_text(
        f"«{SERVICE}» er lagt på kortlisten «{SHORTLIST}»."
    )
    htmx_settle(page)

    # Start the call-off from the shortlist; the framework's rule gives the desk route.
    page.goto(shortlist_url)
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Start avrop fra kortlisten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start avrop")
    expect(page.get_by_label("Kortliste som utgangspunkt")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_label("Rammeavtale", exact=True).select_option(label=CIPS)
    page.get_by_label("Delkontrakt").select_option(label=LOT)
    page.get_by_label("Tittel").fill("Beregningskapasitet for flomvarsling")
    page.get_by_label("Beskriv behovet").fill(
        "Beregning, lagring og trafikk for hydrologiske modeller i ett år."
    )
    page.get_by_label("Anslått verdi (NOK ekskl. mva.)").fill("6000000")
    page.get_by_label("Kontraktsperiode fra").fill("2027-01-01")
    page.get_by_label("Kontraktsperiode til").fill("2027-12-31")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Opprett avrop").click()
    expect(page.get_by_role("heading", level=2, name="Avropsform: Skrivebordskonkurranse")).to_be_visible()
    calloff_url = page.url
    panel = page.locator("section.desk-panel")
    expect(panel.get_by_role("heading", name="Skrivebordskonkurranse")).to_be_visible()
    expect(panel).to_contain_text("Handlekurven er tom.")
    assert_no_serious_axe_violations(page)

    # The basket: three rows to start with, a fourth added, one bad quantity corrected.
    panel.get_by_role("link", name="Rediger handlekurv").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handlekurv")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Enhet, linje 1").select_option(label="vCPU-time")
    page.get_by_label("Mengde, linje 1").fill("350 400")
    page.get_by_label("Beskrivelse, linje 1").fill("40 vCPU × 730 t × 12 mnd")
    page.get_by_label("Enhet, linje 2").select_option(label="GiB-måned (lagring)")
    page.get_by_label("Mengde, linje 2").fill("20480")
    page.get_by_label("Beskrivelse, linje 2").fill("20 TB-måned lagring")
    page.get_by_label("Enhet, linje 3").select_option(label="GB utgående trafikk")
    page.get_by_label("Mengde, linje 3").fill("0")
    page.get_by_role("button", name="Legg til rad").click()
    expect(page.get_by_label("Mengde, linje 4")).to_be_visible()
    expect(page.get_by_label("Mengde, linje 1")).to_have_value("350 400")
    page.get_by_label("Enhet, linje 4").select_option(label="million forespørsler")
    page.get_by_label("Mengde, linje 4").fill("12")
    page.get_by_role("button", name="Lagre handlekurven").click()
    summary = page.locator("#feiloppsummering")
    expect(summary).to_contain_text("Linje 3, Mengde: Mengden må være større enn null.")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Mengde, linje 3").fill("60000")
    page.get_by_role("button", name="Lagre handlekurven").click()
    expect(page.get_by_role("status")).to_contain_text("Handlekurven er lagret.")

    # A requirement the catalogue facts answer: data in the EEA.
    page.get_by_role("link", name="Velg krav").click()
    requirement = page.get_by_role("group", name="Data lagres i EØS")
    requirement.get_by_label("Absolutt krav", exact=False).check()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Lagre kravene").click()
    expect(page.get_by_role("status")).to_contain_text("Kravene er lagret.")

    # Run it from the call-off page's panel and read the calculation.
    page.goto(calloff_url)
    page.locator("section.desk-panel").get_by_role("button", name="Beregn", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Beregningen er gjort og lagret med grunnlag-hash")
    expect(page.get_by_role("heading", level=2, name="Beregning", exact=True)).to_be_visible()
    ranking = page.get_by_role("table", name="Rangering")
    rows = ranking.locator("tbody tr")
    assert rows.count() >= 1
    expect(rows.first.locator("td").first).to_have_text("1")
    expect(rows.first.locator("td").nth(2)).to_have_text("10,00")  # the lowest total gets full price points
    winner = rows.first.locator("th").inner_text().strip()
    detail = page.locator("section.desk-supplier").first
    expect(detail.get_by_role("heading")).to_contain_text(f"1. {winner}")
    expect(detail.locator("tbody tr")).to_have_count(4)
    expect(detail.locator("tbody tr").first).to_contain_text("350 400")
    expect(detail.locator("tfoot")).to_contain_text("Totalpris (avrundet til hele øre)")
    expect(page.get_by_role("table", name="Utelukkede leverandører")).to_contain_text(
        "Atlanterhavet Sky Norge AS"
    )
    inputs_hash = page.locator("dl.facts code.hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", inputs_hash), inputs_hash
    assert_no_serious_axe_violations(page)

    # Anyone can check the frozen inputs: the downloaded JSON hashes to the shown hash.
    name, body = download(page, lambda: page.get_by_role("link", name="Last ned grunnlaget (JSON)").click())
    assert name.endswith(".json"), name
    assert hashlib.sha256(body).hexdigest() == inputs_hash
    name, body = download(page, lambda: page.get_by_role("link", name="Last ned beregningen (CSV)").click())
    assert name.endswith(".csv"), name
    assert inputs_hash in body.decode("utf-8-sig")

    # Back on the call-off page the panel names the winner; the basket can no longer change.
    page.goto(calloff_url)
    panel = page.locator("section.desk-panel")
    expect(panel).to_contain_text(f"Rangert først: {winner}.")
    expect(panel.get_by_role("link", name="Rediger handlekurv")).to_have_count(0)
    expect(panel.get_by_role("button", name="Beregn på nytt")).to_be_visible()
    assert_no_serious_axe_violations(page)
