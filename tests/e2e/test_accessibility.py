"""axe-core (WCAG 2.0/2.1 A + AA) on the public pages, keyboard use of the skip link, narrow screens."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, login_as, switch_language

PUBLIC_PAGES = [
    ("/", "Markedsplassen for skytjenester"),
    ("/konto/logg-inn/", "Logg inn"),
    ("/tilgjengelighet/", "Tilgjengelighetserklæring"),
    ("/leverandorer/", "Leverandørregister"),
]


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES)
def test_public_page_has_no_serious_axe_violations(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_serious_axe_violations(page)


def test_logged_in_pages_in_english_have_no_serious_axe_violations(page: Page) -> None:
    login_as(page, "radgiver")  # acts for two organisations: the header shows the organisation switch
    expect(page.get_by_label("Virksomhet du handler for")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.goto("/konto/profil/")
    assert_no_serious_axe_violations(page)
    switch_language(page, "en")
    assert_no_serious_axe_violations(page)


def test_login_error_has_no_serious_axe_violations(page: Page) -> None:
    page.goto("/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill("ukjent")
    page.get_by_label("Passord", exact=True).fill("feil-passord-123")
    page.locator("main").get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_serious_axe_violations(page)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnhold")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator("main#hovedinnhold")).to_be_focused()
    # The next Tab goes to the first control in main (the search field), not back to the header.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Søk i tjenester")).to_be_focused()


def test_nav_marks_the_current_section(page: Page) -> None:
    page.goto("/leverandorer/")
    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav.get_by_role("link", name="Leverandører")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Tjenester")).not_to_have_attribute("aria-current", "page")
    page.goto("/tjenester/rammeavtaler/")
    expect(nav.get_by_role("link", name="Rammeavtaler")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)


def test_header_fits_a_narrow_screen(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, "radgiver")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    expect(page.get_by_role("button", name="Logg ut")).to_be_in_viewport()
    assert_no_serious_axe_violations(page)


def test_axe_helper_reports_serious_findings_readably(page: Page) -> None:
    """The scan really runs under our CSP: a missing alt text and an unlabelled field are caught."""
    page.goto("/tilgjengelighet/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const img = document.createElement('img');
            img.src = '/static/core/none.png';
            main.append(img);
            const input = document.createElement('input');
            input.id = 'unlabelled';
            main.append(input);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_serious_axe_violations(page)
    report = str(failure.value)
    assert "serious/critical violation(s) on http://127.0.0.1:" in report
    assert "- [critical] image-alt: Images must have alternative text" in report
    assert "#unlabelled" in report
    # Excluding the offending elements makes the page pass again.
    assert_no_serious_axe_violations(page, exclude=["main > img", "#unlabelled"])


NARROW_PAGES = [
    ("nve.admin", "/finops/fordeling/"),
    ("nve.admin", "/finops/klima/"),
    ("nve.admin", "/avrop/"),
    ("nve.admin", "/cyberx/"),
    ("nve.innkjoper", "/tjenester/"),
    ("nve.innkjoper", "/leverandorer/"),
    ("dfo.kategori", "/innsikt/programmer/"),
    ("dfo.kategori", "/innsikt/mal/"),
    ("nve.admin", "/cyberx/sarbarheter/CVE-2021-42321/"),
    ("nordsky.admin", "/tjenester/ny/"),
    ("dfo.kategori", "/finops/mps/avvik/"),  # chart tables (core/_chart.html) wider than the screen
]


@pytest.mark.parametrize(("username", "path"), NARROW_PAGES)
def test_data_pages_reflow_on_a_320_px_screen(page: Page, username: str, path: str) -> None:
    """WCAG 1.4.10: at 320 CSS px the page does not scroll sideways; a wide table scrolls in its own box, which
    is then a named region the keyboard reaches (WCAG 2.1.1; axe: scrollable-region-focusable)."""
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, username, next_path=path)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"{path} scrolls sideways by {overflow} px"
    scrolling = 0
    for box in page.locator(".table-scroll, .insights-timeline").all():
        if box.evaluate("el => el.scrollWidth > el.clientWidth + 1"):
            scrolling += 1
            assert box.get_attribute("tabindex") == "0", path
            assert box.get_attribute("role") == "region", path
            assert box.get_attribute("aria-label") or box.get_attribute("aria-labelledby"), path
    if path == "/finops/mps/avvik/":
        assert scrolling, "the chart tables should be wider than 320 px here, or this case tests nothing"
    assert_no_serious_axe_violations(page)
