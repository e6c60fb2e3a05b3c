"""Language switch nb → en → nb with the button in the header."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import switch_language


def test_language_switch_round_trip_keeps_the_page(page: Page, base_url: str) -> None:
    page.goto("/tilgjengelighet/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgjengelighetserklæring")
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")

    switch_language(page, "en")
    expect(page).to_have_url(f"{base_url}/tilgjengelighet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Services")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Norsk")).to_have_attribute("lang", "nb")

    # The choice sticks (cookie) on the next page.
    page.goto("/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()

    switch_language(page, "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Markedsplassen for skytjenester")
    expect(page.get_by_role("link", name="Hopp til hovedinnhold")).to_be_attached()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["mps_language"] == "nb"


def test_english_browser_gets_bokmaal_until_english_is_chosen(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "nb")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("button", name="Norsk")).to_be_visible()
    finally:
        context.close()
