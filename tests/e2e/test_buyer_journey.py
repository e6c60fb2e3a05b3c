"""The journeys issue 2 asks for, against the seeded demo data.

A buyer at NVE searches, narrows down with facets (htmx, no full reload), opens a service, compares three,
puts one on the shortlist and exports it as CSV and ODS; the same search and filtering without JavaScript;
a DFØ category manager approves a submitted listing, which then shows in search with version 1; a supplier's
listing editor sees the dashboard. axe-core runs on every page of the journey.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.helpers import (
    DemoUsers,
    assert_no_serious_axe_violations,
    download,
    htmx_settle,
    login_as,
    watch_for_problems,
)

NVE = "970205039"
SEARCH_WORD = "lagring"
SUBMITTED = "Dataplattform for maskinlæring"  # Nordsky's demo listing waiting for approval


def total(page: Page) -> int:
    """The number of hits in the results heading ("12 tjenester (viser 1–12)")."""
    text = page.locator("#results-heading").inner_text()
    match = re.match(r"(\d+) tjenester?\b", text)
    assert match, text
    return int(match.group(1))


def facet_count(option: Locator) -> int:
    """The count a facet option shows beside its label, e.g. "Kun Norge (9 tjenester)" -> 9."""
    label = option.locator("xpath=following-sibling::label[1]").text_content() or ""
    match = re.search(r"\((\d+)\s+tjenester?\s*\)", label)
    assert match, label
    return int(match.group(1))


def result_names(page: Page) -> list[str]:
    return page.locator("#search-region .result-card h3").all_inner_texts()


def tick_facet(page: Page, name: str, value: str) -> int:
    """Tick a facet checkbox, wait for htmx to swap the results and push the URL; return the new total."""
    option = page.locator(f"#f-{name}-{value}")
    expected = facet_count(option)
    option.check()
    expect(page).to_have_url(re.compile(rf"[?&]{name}={value}(&|$)"))
    htmx_settle(page)
    expect(page.locator(f"#f-{name}-{value}")).to_be_checked()
    expect(page.locator("#results-heading")).to_contain_text(f"{expected} tjenest")
    return expected


def test_buyer_searches_filters_compares_shortlists_and_exports(page: Page, demo_users: DemoUsers) -> None:
    buyer = demo_users.get("nve.innkjoper")
    assert (buyer["orgnr"], "buyer" in buyer["roles"]) == (NVE, True)
    login_as(page, buyer["username"], buyer["password"], next_path="/tjenester/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finn tjenester")
    everything = total(page)
    assert everything > 100  # about 150 published demo services

    # From here on the page must never reload: htmx swaps the results region only.
    page.evaluate("() => { window.journeyMarker = 'samme side'; }")

    search = page.get_by_label("Søk i tjenester")
    search.fill(SEARCH_WORD)
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/tjenester/\?(.*&)?q={SEARCH_WORD}(&|$)"))
    htmx_settle(page)
    matches = total(page)
    assert 0 < matches < everything
    names = result_names(page)
    assert len(names) == min(matches, 20)
    assert any(SEARCH_WORD in name.lower() for name in names), names
    # the words typed into the page (sorted by name until then) rank the matches: best match first
    expect(page.get_by_label("Sorter etter")).to_have_value("relevance")

    in_norway = tick_facet(page, "location", "norway")
    assert 0 < in_norway < matches
    norway_url = page.url
    iso = tick_facet(page, "certification", "iso27001")
    assert 0 < iso <= in_norway
    # Back and forward move between the filter states htmx pushed, still without a reload.
    page.go_back()
    expect(page).to_have_url(norway_url)
    expect(page.locator("#f-certification-iso27001")).not_to_be_checked()
    assert total(page) == in_norway
    page.go_forward()
    expect(page.locator("#f-certification-iso27001")).to_be_checked()
    assert total(page) == iso
    assert page.evaluate("() => window.journeyMarker") == "samme side"
    assert re.search(r"q=lagring.*location=norway.*certification=iso27001", page.url), page.url
    # Every hit really keeps its data in Norway and holds ISO/IEC 27001.
    cards = page.locator("#search-region .result-card")
    expect(cards).to_have_count(min(iso, 20))
    for index in range(cards.count()):
        card = cards.nth(index)
        expect(card.locator("dd").nth(3)).to_contain_text("Norge")
        expect(card.locator(".ds-tag", has_text=re.compile(r"^ISO/IEC 27001"))).to_have_count(1)
    assert_no_serious_axe_violations(page)
    search_url = page.url
    # Several suppliers offer a service of the same name: a card is a service name and its supplier.
    picked = [
        (cards.nth(i).locator("h3").inner_text(), cards.nth(i).locator("dd").first.inner_text())
        for i in range(3)
    ]
    names = [name for name, _supplier in picked]

    # Open a service: its page shows the compliance facts.
    cards.first.get_by_role("link", name=names[0], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(names[0])
    facts = page.locator("main")
    expect(facts.locator("dl.facts").first).to_contain_text(picked[0][1])
    expect(facts.get_by_role("heading", name="Skytjeneste etter NIST SP 800-145")).to_be_visible()
    expect(
        facts.locator("dt", has_text="Datalokasjon").locator("xpath=following-sibling::dd[1]")
    ).to_have_text("Kun Norge")
    expect(facts.get_by_role("cell", name="ISO/IEC 27001", exact=True)).to_be_visible()
    expect(facts.get_by_role("heading", name="Tjenestenivå, support og exit")).to_be_visible()
    expect(facts.locator("dt", has_text="Tilgjengelighet (SLA)")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # Back to the filtered results; pick three services to compare.
    page.go_back()
    expect(page).to_have_url(search_url)
    expect(page.locator("#f-certification-iso27001")).to_be_checked()
    for name, supplier in picked:
        page.get_by_label(f"Sammenlign {name} ({supplier})", exact=True).check()
    page.get_by_role("button", name="Sammenlign valgte").click()
    expect(page).to_have_url(re.compile(r"/tjenester/sammenlign/\?id=\d+&id=\d+&id=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sammenlign tjenester")
    table = page.locator("table.compare-table")
    expect(table.locator("thead th")).to_have_text(["Egenskap", *names])
    expect(
        table.locator("tbody tr", has=page.locator("th", has_text=re.compile("^Leverandør"))).locator("td")
    ).to_have_text([supplier for _name, supplier in picked])
    # Rows where the three differ are highlighted and say so; rows that agree are not.
    different = table.locator("tbody tr.is-different")
    assert different.count() >= 1
    expect(different.first.locator("th")).to_contain_text("(Ulik)")
    same = table.locator("tbody tr:not(.is-different)")
    expect(same.filter(has_text="Datalokasjon").locator("td")).to_have_text(["Kun Norge"] * 3)
    assert_no_serious_axe_violations(page)

    # Put the second service on the shortlist from its page (htmx replaces the button with the outcome).
    table.locator("thead th").nth(2).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(names[1])
    page.get_by_role("button", name=f"Legg på kortliste {names[1]}").click()
    outcome = page.get_by_role("status").filter(has_text="kortlisten")
    expect(outcome).to_contain_text(f"«{names[1]}» er lagt på kortlisten «Min kortliste».")
    outcome.get_by_role("link", name="Gå til kortlisten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min kortliste")
    expect(page.locator("tbody th[scope=row]").first).to_have_text(names[1])
    assert_no_serious_axe_violations(page)

    # Export: CSV with the hash line, header row and the service; ODS as a real OpenDocument zip.
    name, body = download(page, lambda: page.get_by_role("button", name="Eksporter som CSV").click())
    assert re.fullmatch(r"kortliste-\d+-\d{8}-\d{6}\.csv", name), name
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Kortliste", "Min kortliste"]
    assert rows[1] == ["Virksomhet", f"{NVE} Norges vassdrags- og energidirektorat (NVE)"]
    assert rows[3][0] == "Innholds-hash (SHA-256)"
    assert re.fullmatch(r"[0-9a-f]{64}", rows[3][1]), rows[3]
    assert rows[5][:3] == ["Tjeneste-ID", "Tjeneste", "Leverandør"]
    assert [row[1] for row in rows[6:]] == [names[1]]
    csv_hash = rows[3][1]

    page.goto(page.url)  # the snapshot list shows the export
    expect(page.locator("code.hash")).to_have_text([csv_hash])
    name, body = download(
        page, lambda: page.get_by_role("button", name="Eksporter som ODS (regneark)").click()
    )
    assert re.fullmatch(r"kortliste-\d+-\d{8}-\d{6}\.ods", name), name
    with zipfile.ZipFile(io.BytesIO(body)) as ods:
        assert ods.namelist()[0] == "mimetype"
        assert ods.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = ods.read("content.xml").decode()
    assert names[1] in content
    assert csv_hash in content  # same content, same hash
    assert page.evaluate("() => document.querySelectorAll('.htmx-request').length") == 0


def test_search_and_filters_work_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, locale="nb-NO", java_script_enabled=False)
    try:
        page = context.new_page()
        problems = watch_for_problems(page)
        page.goto("/tjenester/")
        everything = total(page)
        page.get_by_label("Søk i tjenester").fill(SEARCH_WORD)
        page.get_by_role("button", name="Søk", exact=True).click()  # a plain GET form submit
        expect(page).to_have_url(re.compile(rf"/tjenester/\?q={SEARCH_WORD}&"))
        matches = total(page)
        assert 0 < matches < everything

        option = page.locator("#f-location-norway")
        expected = facet_count(option)
        option.check()
        page.get_by_role("button", name="Bruk filtre").click()
        expect(page).to_have_url(re.compile(r"[?&]location=norway(&|$)"))
        expect(page.locator("#f-location-norway")).to_be_checked()
        assert total(page) == expected < matches
        assert page.get_by_label("Søk i tjenester").input_value() == SEARCH_WORD

        page.get_by_role("link", name="Nullstill alle filtre").click()
        expect(page).to_have_url(re.compile(r"/tjenester/$"))
        assert total(page) == everything
        assert problems == []
    finally:
        context.close()


def test_category_manager_approves_a_listing_that_then_shows_in_search(page: Page) -> None:
    page.goto(f"/tjenester/?q={SUBMITTED.split()[0]}")
    assert total(page) == 0

    login_as(page, "dfo.kategori", next_path="/tjenester/godkjenning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkjenning av tjenester")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=SUBMITTED, exact=True))
    expect(row).to_contain_text("Ny tjeneste")
    assert_no_serious_axe_violations(page)
    row.get_by_role("link", name=SUBMITTED, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBMITTED)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Godkjenn og publiser").click()
    expect(page.get_by_role("status").first).to_contain_text(SUBMITTED)
    expect(page.get_by_role("link", name=SUBMITTED, exact=True)).to_have_count(0)

    # Publishing refreshes the search index: the service is found straight away.
    page.goto(f"/tjenester/?q={SUBMITTED.split()[0]}")
    assert total(page) == 1
    page.get_by_role("link", name=SUBMITTED, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBMITTED)
    page.get_by_role("link", name=f"Versjoner av {SUBMITTED}").click()
    expect(page.get_by_role("link", name=re.compile(r"^Versjon \d+$"))).to_have_text(["Versjon 1"])
    assert_no_serious_axe_violations(page)


def test_supplier_editor_sees_the_listings_dashboard(page: Page) -> None:
    login_as(page, "nordsky.redaktor", next_path="/tjenester/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine tjenester")
    main = page.locator("main")
    expect(main).to_contain_text("Nordsky AS har")
    returned = page.get_by_role("row").filter(has_text="Administrert MongoDB")
    expect(returned).to_contain_text("Returnert med begrunnelse:")
    expect(page.get_by_role("row").filter(has_text="Administrert Redis")).to_contain_text("Utkast")
    assert_no_serious_axe_violations(page)
