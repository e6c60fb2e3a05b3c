"""Knowledge area journey: the knowledge base and an article, Skyforum (a question with markup that must not run),
an expert group, a meeting registration and the survey results; axe-core on each page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import DemoUsers, assert_no_serious_axe_violations, login_as


def _this_year() -> int:
    return dt.datetime.now(tz=ZoneInfo("Europe/Oslo")).year


def test_public_knowledge_pages(page: Page) -> None:
    page.goto("/innsikt/kunnskap/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunnskapsbase")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Søk i kunnskapsbasen").fill("fokusområder")
    page.get_by_role("button", name="Søk", exact=True).click()
    page.get_by_role("link", name="FinOps-strategi for offentlig sektor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FinOps-strategi for offentlig sektor")
    assert_no_serious_axe_violations(page)
    for path in (
        "/innsikt/ekspertgrupper/",
        "/innsikt/ekspertgrupper/cips/",
        "/innsikt/moter/",
        "/innsikt/undersokelse/",
    ):
        page.goto(path)
        assert_no_serious_axe_violations(page)
    page.goto(f"/innsikt/undersokelse/{_this_year()}/resultater/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("resultater")
    assert_no_serious_axe_violations(page)


def test_buyer_asks_in_skyforum_and_registers_for_a_meeting(page: Page, demo_users: DemoUsers) -> None:
    login_as(page, "voss.innkjoper")
    page.goto("/innsikt/skyforum/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Tittel", exact=True).fill("Hvordan måler dere skyandelen?")
    page.get_by_label("Spørsmål", exact=True).fill(
        "Vi bruker **budsjettet** som grunnlag. <script>window.hacked=1</script>"
    )
    page.get_by_role("button", name="Publiser spørsmålet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvordan måler dere skyandelen?")
    expect(page.locator("main strong", has_text="budsjettet")).to_be_visible()
    assert page.evaluate("window.hacked === undefined")
    assert_no_serious_axe_violations(page)
    page.goto("/innsikt/moter/")
    page.get_by_role("link", name="Informasjonsmøte: CIPS-konkurransen").click()
    # The demo already has this buyer registered: cancel, then register again.
    page.get_by_role("button", name="Meld meg av").click()
    expect(page.get_by_text("Du er meldt av.")).to_be_visible()
    page.get_by_role("button", name="Meld meg på").click()
    expect(page.get_by_text("Du er påmeldt.").first).to_be_visible()
    assert_no_serious_axe_violations(page)


def test_org_admin_answers_the_survey(page: Page) -> None:
    login_as(page, "nve.admin")
    page.goto(f"/innsikt/undersokelse/{_this_year()}/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Send inn svarene").click()
    expect(page.get_by_text("Svarene er sendt inn.")).to_be_visible()


def test_mps_plans_edits_calls_off_and_deletes_a_meeting(page: Page) -> None:
    login_as(page, "dfo.kategori")
    page.goto("/innsikt/moter/nytt/")
    page.get_by_label("Tittel", exact=True).fill("FinOps-frokost")
    page.get_by_label("Agenda").fill("1. Kostnadsrapporter")
    page.get_by_label("Dato").fill(f"{_this_year() + 1}-03-10")
    page.get_by_label("Starter (norsk tid)").fill("08:00")
    page.get_by_label("Slutter (norsk tid)").fill("09:00")
    page.get_by_label("Sted").fill("Oslo")
    page.get_by_label("Antall plasser").fill("30")
    page.get_by_role("button", name="Opprett møtet").click()
    page.get_by_role("link", name="Endre møtet").click()
    page.get_by_label("Tittel", exact=True).fill("FinOps-frokost i Oslo")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FinOps-frokost i Oslo")
    page.get_by_label("Grunn til avlysning (vises på siden)").fill("For få påmeldte")
    page.get_by_role("button", name="Avlys møtet").click()
    expect(page.get_by_text("Møtet er avlyst: For få påmeldte")).to_be_visible()
    assert_no_serious_axe_violations(page)
    # deleting asks first (a disclosure with the real button inside)
    page.get_by_text("Slett møtet", exact=True).click()
    page.get_by_role("button", name="Ja, slett møtet").click()
    expect(page.get_by_text("Møtet FinOps-frokost i Oslo er slettet.")).to_be_visible()
