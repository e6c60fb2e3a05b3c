"""Privacy journey: NVE's privacy officer (org admin) opens a catalogue service page, starts an assessment from its
panel (prefilled from the catalogue), records a processing and a transfer (a bad country code gives a clear error),
sees the named findings and downloads the PDF report; the seeded office-suite example shows what the EDPS found;
MPS staff see only anonymised statistics. axe-core on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, login_as
from tests.e2e.server import E2EServer


def test_privacy_officer_assesses_a_service_from_its_page(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "nve.admin")
    page.set_default_timeout(60_000)
    page.goto("/tjenester/?q=Videom%C3%B8ter")
    page.locator("main").get_by_role("link", name="Videomøter").first.click()
    panel = page.locator("section.privacy-panel")
    expect(panel.get_by_role("heading", name="Personvern- og overføringsvurdering")).to_be_visible()
    assert_no_serious_axe_violations(page)
    panel.get_by_role("link", name="Start vurdering").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ny personvernvurdering")
    assert_no_serious_axe_violations(page)
    page.locator("main").get_by_role("button", name="Start vurdering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Personvernvurdering: Videomøter"))
    expect(page.locator("#findings")).to_contain_text("Ingen behandlinger er registrert")
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Legg til behandling").click()
    page.get_by_label("Formål", exact=True).fill("Interne møter")
    page.get_by_label("Kategori personopplysninger").fill("Lyd og bilde")
    page.get_by_label("Registrerte").fill("Ansatte")
    page.get_by_label("Behandlingsgrunnlag").select_option("e")
    page.locator("main").get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("cell", name="Interne møter", exact=True)).to_be_visible()

    page.get_by_role("link", name="Legg til overføring").click()
    page.get_by_label("Data", exact=True).fill("Lyd og bilde")
    page.get_by_label("Mottaker", exact=True).fill("Meeting Relay Inc.")
    page.get_by_label("Land (ISO 3166-1)").fill("QQ")
    page.get_by_label("Formål", exact=True).fill("Ruting av møtetrafikk")
    page.locator("main").get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Ukjent landkode")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Land (ISO 3166-1)").fill("US")
    page.locator("main").get_by_role("button", name="Lagre").click()

    findings = page.locator("#findings")
    for rule in ("US_NOT_DPF", "TRANSFER_WITHOUT_TOOL"):
        expect(findings.locator(f'[data-rule="{rule}"]', has_text="Meeting Relay Inc. (US)")).to_be_visible()
    expect(findings.locator('[data-rule="NOT_LIMITED_TO_INSTRUCTIONS"]')).to_contain_text("art. 28(3)(a)")
    assert_no_serious_axe_violations(page)

    # the report opens inline; fetch it with the page's session (a headless browser has no PDF viewer)
    href = page.get_by_role("link", name="Rapport (PDF)").get_attribute("href")
    assert href is not None
    report = page.request.get(href)
    assert report.headers["content-type"] == "application/pdf"
    json_href = page.get_by_role("link", name="Rapport (JSON)", exact=True).get_attribute("href")
    assert json_href is not None
    document = page.request.get(json_href).json()
    assert [t["recipient"] for t in document["transfers"]][-1:] == ["Meeting Relay Inc."]
    assert re.fullmatch(
        r'inline; filename="personvernvurdering-\d+-v1\.pdf"', report.headers["content-disposition"]
    )
    assert report.body().startswith(b"%PDF")

    # change the transfer row in place: a bad country code is refused, then the recipient is DPF-certified
    page.get_by_role("link", name="Endre Meeting Relay Inc. (US)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre rad i overføringskartet")
    expect(page.get_by_label("Mottaker", exact=True)).to_have_value("Meeting Relay Inc.")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Land (ISO 3166-1)").fill("XX")
    page.locator("main").get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Ukjent landkode")
    page.get_by_label("Land (ISO 3166-1)").fill("US")
    page.get_by_label("Mottakeren er DPF-sertifisert").check()
    page.get_by_label("Overføringsgrunnlag").select_option("adequacy")
    page.locator("main").get_by_role("button", name="Lagre").click()
    expect(
        page.get_by_role("cell", name="USA: mottakeren er sertifisert under Data Privacy Framework")
    ).to_be_visible()
    # this recipient's finding goes away (the service's own US sub-processors may still have theirs)
    expect(findings.locator('[data-rule="US_NOT_DPF"]', has_text="Meeting Relay Inc. (US)")).to_have_count(0)

    page.goto("/personvern/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personvernvurderinger")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Kontorpakke i skyen (amerikansk morselskap, datasentre i EU)").click()
    example = page.locator("#findings")
    for rule in (
        "PURPOSE_PER_CATEGORY",
        "PROVIDER_PURPOSE_NO_BASIS",
        "NOT_LIMITED_TO_INSTRUCTIONS",
        "US_NOT_DPF",
    ):
        expect(example.locator(f'[data-rule="{rule}"]').first).to_be_visible()
    assert_no_serious_axe_violations(page)


def test_mps_staff_see_only_anonymised_statistics(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "dfo.kategori")
    page.set_default_timeout(60_000)
    page.goto("/personvern/")
    expect(page).to_have_url(re.compile(r"/personvern/statistikk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Personvernvurderinger – statistikk")
    expect(page.locator("main")).not_to_contain_text("NVE")
    assert_no_serious_axe_violations(page)
