"""FinOps dashboard journey: a FinOps analyst at Voss herad opens /finops/, reads the totals, switches the cost-over-time
chart from provider to service category, sees the chart drawn (an SVG, no CSP violation: the `page` fixture fails on
one), opens the same numbers as a table and downloads them as CSV. axe-core on the dashboard.

Set-up (through `manage.py shell` on the e2e database): a user with only the finops_analyst role at Voss herad (which the
demo data gives no cost data) and cost rows for it written straight into the store with the FinOps test helper `store_costs` (no ingest)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import DEMO_PASSWORD, assert_no_serious_axe_violations, download, login_as
from tests.e2e.server import E2EServer

ANALYST = "voss.finops"

SET_UP = r"""
import datetime as dt
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.finops.models import BillingPeriodData
from marketplace.finops.tests.helpers import cost_row, store_costs

voss = Organisation.objects.get(orgnr="964338442")  # Voss herad
user, _ = User.objects.get_or_create(username="__ANALYST__", defaults={"first_name": "Frida", "last_name": "Moe"})
user.set_password("__PASSWORD__")
user.save()
Membership.objects.get_or_create(user=user, organisation=voss, role=Role.FINOPS_ANALYST)
if not BillingPeriodData.objects.filter(organisation=voss).exists():
    store_costs(voss, [
        cost_row(dt.date(2026, 1, 5), "1000.00", ServiceName="Virtual Machines", ResourceId="vm-flom-1",
                 ResourceName="flomvarsel", Tags='{"prosjekt": "flom"}'),
        cost_row(dt.date(2026, 1, 9), "234.50", ServiceName="Object Storage", ServiceCategory="Storage",
                 ResourceId="bucket-1", Tags='{"prosjekt": "hydrologi"}'),
        cost_row(dt.date(2026, 2, 2), "500.00", ServiceName="Virtual Machines", ServiceProviderName="Fjellsky",
                 ProviderName="Fjellsky"),
    ], created_by=user)
print("ok")
""".replace("__ANALYST__", ANALYST).replace("__PASSWORD__", DEMO_PASSWORD)


def test_finops_analyst_reads_the_dashboard(page: Page, e2e_server: E2EServer) -> None:
    assert e2e_server.manage("shell", "-c", SET_UP).strip().splitlines()[-1] == "ok"
    login_as(page, ANALYST)
    # The first analysis in the server process imports Ibis/DuckDB/Altair: allow more than the default 10 s.
    page.set_default_timeout(60_000)
    page.goto("/finops/")
    expect(page.get_by_role("heading", level=1)).to_have_text("FinOps – oversikt")

    # Totals for 2026-01..2026-02 (the months with data)
    totals = page.locator("#totals-table")
    expect(totals.get_by_role("row", name=re.compile("Effektiv kostnad"))).to_contain_text("1\u00a0734,50")
    expect(page.get_by_label("Fra måned")).to_have_value("2026-01")

    # The chart is drawn as SVG by vega-embed (under the CSP, with vega-interpreter)
    chart = page.locator('figure[data-vega-spec-id="over_time-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart.locator("svg .mark-rect path")).to_have_count(2)  # Nordsky in January, Fjellsky in February

    # Group by service category: the filters go into the URL and the chart is drawn again
    page.get_by_label("Grupper etter").select_option(label="Tjenestekategori")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"group_by=service_category"))
    chart = page.locator('figure[data-vega-spec-id="over_time-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    expect(chart.locator("svg .mark-rect path")).to_have_count(
        3
    )  # Compute + Storage in January, Compute in February

    # The same numbers as a table
    section = page.locator("section", has=page.get_by_role("heading", name="Kostnad over tid"))
    section.get_by_text("Vis tallene som tabell").click()
    table = section.get_by_role("table", name="Kostnad over tid")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Tjenestekategori")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("2026-01 Storage"))).to_contain_text("234,50")

    # CSV with the same filters
    name, content = download(page, lambda: section.get_by_role("link", name=re.compile("som CSV")).click())
    assert name == "finops-over_time-964338442-2026-01-2026-02.csv"
    assert content.decode("utf-8") == (
        "\ufeffMåned,Tjenestekategori,Effektiv kostnad,Fakturert kostnad\r\n"
        "2026-01,Compute,1000.00,1000.00\r\n"
        "2026-01,Storage,234.50,234.50\r\n"
        "2026-02,Compute,500.00,500.00\r\n"
    )

    assert_no_serious_axe_violations(page)


MPS_SET_UP = r"""
import datetime as dt
from marketplace.accounts.models import Organisation
from marketplace.finops.models import BillingPeriodData
from marketplace.finops.tests.helpers import cost_row, store_costs

# Three more state bodies (NVE has data from the journey above or gets it here), three municipalities, one county.
amounts = {"974761467": "100.00", "961181399": "200.00", "971040238": "300.00", "970205039": "400.00",
           "964338442": "10.00", "939760946": "20.00", "921153082": "30.00", "921693230": "99.99"}
for orgnr, amount in amounts.items():
    organisation = Organisation.objects.get(orgnr=orgnr)
    if not BillingPeriodData.objects.filter(organisation=organisation).exists():
        store_costs(organisation, [cost_row(dt.date(2026, 1, 7), amount)])
print("ok")
"""


def test_mps_staff_see_aggregates_without_small_groups(page: Page, e2e_server: E2EServer) -> None:
    assert e2e_server.manage("shell", "-c", MPS_SET_UP).strip().splitlines()[-1] == "ok"
    login_as(page, "dfo.kategori")
    page.set_default_timeout(60_000)
    page.goto("/finops/mps/")
    expect(page.get_by_role("heading", level=1)).to_have_text("FinOps – samlet for MPS")
    section = page.locator("section", has=page.get_by_role("heading", name="Kostnad per type virksomhet"))
    chart = section.locator('figure[data-vega-spec-id="kinds-spec"]')
    expect(chart).to_have_attribute("data-vega-state", "ready")
    expect(chart.locator("svg .mark-rect path")).to_have_count(1)  # only the state bodies are shown
    section.get_by_text("Vis tallene som tabell").click()
    table = section.get_by_role("table", name="Kostnad per type virksomhet")
    expect(table.get_by_role("row", name=re.compile("Statlig virksomhet"))).to_contain_text("4")
    # one county is a group of one; the municipalities are then the smallest other group: both hidden
    expect(table.get_by_role("row", name=re.compile("Fylkeskommune"))).to_contain_text("Skjult")
    expect(table.get_by_role("row", name=re.compile("^Kommune"))).to_contain_text("Skjult")
    expect(page.locator("main")).not_to_contain_text("99,99")
    assert_no_serious_axe_violations(page)
