"""A user acting for two organisations switches in the header — with JavaScript (auto-submit) and without."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import choose_organisation, login_as

NVE = "Norges vassdrags- og energidirektorat (NVE)"
VOSS = "Voss herad"


def test_switch_organisation_with_javascript(page: Page, base_url: str) -> None:
    login_as(page, "radgiver", next_path="/konto/profil/")
    select = page.get_by_label("Virksomhet du handler for")
    expect(select.locator("option:checked")).to_have_text(NVE)
    expect(page.locator("dl.facts")).to_contain_text(
        "Norges vassdrags- og energidirektorat (NVE) (970 205 039)"
    )

    choose_organisation(page, VOSS)

    expect(page).to_have_url(f"{base_url}/konto/profil/")
    expect(select.locator("option:checked")).to_have_text(VOSS)
    expect(page.locator("dl.facts")).to_contain_text("Voss herad (964 338 442)")
    page.reload()
    expect(page.get_by_label("Virksomhet du handler for").locator("option:checked")).to_have_text(VOSS)


def test_switch_organisation_and_language_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, locale="nb-NO", java_script_enabled=False)
    try:
        page = context.new_page()
        login_as(page, "radgiver", next_path="/konto/profil/")
        page.get_by_label("Virksomhet du handler for").select_option(label=VOSS)
        page.get_by_role("button", name="Bytt").click()
        expect(page.get_by_role("status")).to_contain_text(f"Du handler nå for {VOSS}.")
        expect(page.locator("dl.facts")).to_contain_text("Voss herad (964 338 442)")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    finally:
        context.close()
