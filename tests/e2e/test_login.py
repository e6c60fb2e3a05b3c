"""Log-in with a demo user, a wrong password, log-out."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import LOGIN_PATH, DemoUsers, login_as, logout

NVE = "970205039"


def test_demo_buyer_logs_in_and_out(page: Page, demo_users: DemoUsers, base_url: str) -> None:
    user = demo_users.get("nve.innkjoper")
    assert user["orgnr"] == NVE
    assert "buyer" in user["roles"]

    login_as(page, user["username"], user["password"])

    header = page.locator("header")
    expect(header).to_contain_text("Ingrid Haugen")
    expect(header).to_contain_text("Norges vassdrags- og energidirektorat (NVE)")
    expect(header.get_by_role("link", name="Kortlister")).to_be_visible()

    logout(page)
    expect(page.locator("header")).not_to_contain_text("Ingrid Haugen")
    expect(page.locator("header").get_by_role("link", name="Kortlister")).to_have_count(0)
    page.goto("/konto/profil/")
    expect(page).to_have_url(
        f"{page.context.pages[0].url.split('/konto/')[0]}{LOGIN_PATH}?next=/konto/profil/"
    )


def test_wrong_password_shows_norwegian_error(page: Page, demo_users: DemoUsers) -> None:
    page.goto(LOGIN_PATH)
    page.get_by_label("Brukernavn").fill("nve.godkjenner")
    page.get_by_label("Passord", exact=True).fill("feil-passord-123")
    page.locator("main").get_by_role("button", name="Logg inn").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Innloggingen mislyktes")
    expect(summary.get_by_role("listitem")).to_have_text(
        "Feil brukernavn eller passord. Prøv igjen, og sjekk at du skiller mellom store og små bokstaver."
    )
    expect(page.get_by_label("Brukernavn")).to_have_value("nve.godkjenner")
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)

    # The right password still works afterwards (one failure is far from the lock-out limit).
    login_as(page, "nve.godkjenner", demo_users.get("nve.godkjenner")["password"])
    expect(page.locator("header")).to_contain_text("Lars Berg")
