"""The FinOps dashboard and the MPS aggregates page: permission matrix, figures, filters in the URL, CSV exports."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("finops:dashboard")
MPS = reverse("finops:mps")
BOM = "\ufeff"


@pytest.fixture
def org():
    organisation = OrganisationFactory(name="Statens testverk")
    store_costs(
        organisation,
        [
            cost_row(dt.date(2025, 12, 3), "40.00", ServiceName="Virtual Machines"),
            cost_row(
                dt.date(2026, 1, 5),
                "100.00",
                ServiceName="Virtual Machines",
                ResourceId="vm-1",
                ResourceName="app",
                Tags='{"env": "prod"}',
            ),
            cost_row(
                dt.date(2026, 1, 6),
                "50.25",
                ServiceName="Object Storage",
                ServiceCategory="Storage",
                ResourceId="=cmd|' /C calc'!A0",
                Tags='{"env": "dev"}',
            ),
            cost_row(
                dt.date(2026, 2, 1),
                "30.00",
                ServiceName="Virtual Machines",
                ServiceProviderName="Fjellsky",
                ProviderName="Fjellsky",
            ),
        ],
    )
    return organisation


@pytest.fixture
def analyst(org):
    return member(org, Role.FINOPS_ANALYST)


def csv_lines(response) -> list[str]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return text[len(BOM) :].split("\r\n")


# --- permission matrix ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    for url in (DASHBOARD, MPS, DASHBOARD + "?format=csv&table=totals"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.BUYER, Role.SECURITY_OFFICER, Role.APPROVER])
def test_same_organisation_without_finops_role_is_refused(client, org, role):
    client.force_login(member(org, role))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(DASHBOARD + "?format=csv&table=totals").status_code == 403
    assert client.get(MPS).status_code == 403


@pytest.mark.parametrize("role", [Role.FINOPS_ANALYST, Role.ORG_ADMIN])
def test_finops_roles_see_their_organisation(client, org, role):
    client.force_login(member(org, role))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["organisation"] == org
    assert response.context["board"].totals().rows[1]["current"] == Decimal("220.25")
    assert client.get(MPS).status_code == 403  # an organisation's analyst does not see aggregates


def test_other_organisation_sees_only_its_own_data(client, org):
    other = OrganisationFactory(name="Andre etat")
    store_costs(other, [cost_row(dt.date(2026, 1, 2), "7.00")])
    client.force_login(member(other, Role.FINOPS_ANALYST))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["organisation"] == other
    assert response.context["board"].totals().rows[1]["current"] == Decimal("7.00")
    lines = csv_lines(client.get(DASHBOARD + "?format=csv&table=services"))
    assert [line.split(",")[0] for line in lines[1:-1]] == ["Virtual Machines"]
    assert "Statens testverk" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.CATEGORY_MANAGER, Role.MPS_ADMIN])
def test_mps_staff_see_aggregates_but_no_organisation_dashboard(client, org, role):
    mps_org = OrganisationFactory(kind=OrganisationKind.MPS)
    client.force_login(member(mps_org, role))
    assert client.get(MPS).status_code == 200
    assert client.get(DASHBOARD).status_code == 403


# --- dashboard ------------------------------------------------------------------------------------------------


def test_empty_state_points_to_import(client):
    organisation = OrganisationFactory()
    client.force_login(member(organisation, Role.FINOPS_ANALYST))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["is_empty"] is True
    assert "Ingen kostnadsdata ennå" in response.content.decode()
    assert client.get(DASHBOARD + "?format=csv&table=totals").status_code == 404


def test_default_period_and_totals_with_previous_period(client, analyst):
    client.force_login(analyst)
    response = client.get(DASHBOARD)
    board = response.context["board"]
    assert (board.period_from, board.period_to) == (dt.date(2025, 12, 1), dt.date(2026, 2, 1))
    # the previous period (2025-09..2025-11) has no data: unknown, not zero, so nothing is compared
    totals = board.totals()
    effective = totals.rows[1]
    assert (
        effective["current"],
        effective["previous"],
        effective["change"],
        effective["change_percent"],
    ) == (Decimal("220.25"), None, None, None)
    assert totals.description.endswith(
        "Det finnes ingen data for månedene før, så det er ingenting å sammenligne med."
    )
    html = response.content.decode()
    assert "ingenting å sammenligne med" in html
    assert "0,00" not in html.split("Totalt i perioden")[1].split("</table>")[0]
    lines = csv_lines(client.get(DASHBOARD, {"format": "csv", "table": "totals"}))
    assert lines[2] == "Effektiv kostnad (amortisert),220.25,,,"


def test_period_filter_and_delta(client, analyst):
    client.force_login(analyst)
    response = client.get(DASHBOARD, {"period_from": "2026-01", "period_to": "2026-02"})
    totals = response.context["board"].totals()
    rows = {row["key"]: row for row in totals.rows}
    # 2026-01..02 = 180.25; previous two months (2025-11..12) = 40.00, of which only 2025-12 has data
    assert totals.description.endswith("Bare 1 av de 2 månedene før har data; sammenligningen gjelder dem.")
    assert (rows["billed_cost"]["current"], rows["billed_cost"]["previous"]) == (
        Decimal("180.25"),
        Decimal("40.00"),
    )
    assert rows["billed_cost"]["change_percent"] == Decimal("350.6")
    lines = csv_lines(
        client.get(
            DASHBOARD, {"period_from": "2026-01", "period_to": "2026-02", "format": "csv", "table": "totals"}
        )
    )
    assert lines == [
        "Kostnadstype,Denne perioden,Forrige periode,Endring,Endring i prosent",
        "Fakturert kostnad,180.25,40.00,140.25,350.6",
        "Effektiv kostnad (amortisert),180.25,40.00,140.25,350.6",
        "Listepris,180.25,40.00,140.25,350.6",
        "Avtalepris,180.25,40.00,140.25,350.6",
        "",
    ]


def test_previous_period_fully_covered_has_no_note(client, analyst):
    client.force_login(analyst)
    response = client.get(DASHBOARD, {"period_from": "2026-02", "period_to": "2026-02"})
    totals = response.context["board"].totals()
    assert totals.description == "Kostnad i NOK for 2026-02–2026-02, sammenlignet med like mange måneder før."
    assert totals.rows[0]["previous"] is not None


def test_bad_period_gives_a_norwegian_message_and_the_default_period(client, analyst):
    client.force_login(analyst)
    response = client.get(DASHBOARD, {"period_from": "2026-13", "period_to": "2026-01"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Skriv måneden som ÅÅÅÅ-MM" in content
    assert response.context["board"].period_from == dt.date(2025, 12, 1)
    response = client.get(DASHBOARD, {"period_from": "2026-02", "period_to": "2026-01"})
    assert "Til-måneden kan ikke være før fra-måneden." in response.content.decode()


def test_cost_over_time_csv_by_provider_and_by_service_category(client, analyst):
    client.force_login(analyst)
    lines = csv_lines(client.get(DASHBOARD, {"format": "csv", "table": "over_time"}))
    assert lines == [
        "Måned,Leverandør,Effektiv kostnad,Fakturert kostnad",
        "2025-12,Nordsky,40.00,40.00",
        "2026-01,Nordsky,150.25,150.25",
        "2026-02,Fjellsky,30.00,30.00",
        "",
    ]
    lines = csv_lines(
        client.get(
            DASHBOARD, {"group_by": "service_category", "grain": "day", "format": "csv", "table": "over_time"}
        )
    )
    assert lines == [
        "Dag,Tjenestekategori,Effektiv kostnad,Fakturert kostnad",
        "2025-12-03,Compute,40.00,40.00",
        "2026-01-05,Compute,100.00,100.00",
        "2026-01-06,Storage,50.25,50.25",
        "2026-02-01,Compute,30.00,30.00",
        "",
    ]


def test_top_services_resources_and_tags_csv(client, analyst):
    client.force_login(analyst)
    assert csv_lines(client.get(DASHBOARD, {"format": "csv", "table": "services"})) == [
        "Tjeneste,Tjenestekategori,Leverandør,Effektiv kostnad,Fakturert kostnad",
        "Virtual Machines,Compute,Nordsky,140.00,140.00",
        "Object Storage,Storage,Nordsky,50.25,50.25",
        "Virtual Machines,Compute,Fjellsky,30.00,30.00",
        "",
    ]
    # a value starting with = is neutralised (no formula injection in spreadsheets)
    assert csv_lines(client.get(DASHBOARD, {"format": "csv", "table": "resources"})) == [
        "Ressurs-ID,Ressursnavn,Tjeneste,Effektiv kostnad,Fakturert kostnad",
        "vm-1,app,Virtual Machines,100.00,100.00",
        "'=cmd|' /C calc'!A0,,Object Storage,50.25,50.25",
        "",
    ]
    assert csv_lines(client.get(DASHBOARD, {"format": "csv", "table": "tags", "tag_key": "env"})) == [
        "env,Effektiv kostnad,Fakturert kostnad",
        "prod,100.00,100.00",
        "(uten denne taggen),70.00,70.00",
        "dev,50.25,50.25",
        "",
    ]
    response = client.get(DASHBOARD, {"format": "csv", "table": "nope"})
    assert response.status_code == 404


def test_csv_download_has_a_file_name(client, analyst, org):
    client.force_login(analyst)
    response = client.get(DASHBOARD, {"format": "csv", "table": "services"})
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="finops-services-{org.orgnr}-2025-12-2026-02.csv"'
    )


def test_page_has_charts_tables_and_csv_links_keeping_the_filters(client, analyst):
    client.force_login(analyst)
    response = client.get(DASHBOARD, {"group_by": "service_category", "period_from": "2026-01"})
    content = response.content.decode()
    assert 'data-vega-spec-id="over_time-spec"' in content
    assert '<script id="over_time-spec" type="application/json">' in content
    assert 'id="resources-table"' in content
    # a table without a chart: the heading names it on screen, its caption (the same words) only for screen readers
    assert '<caption class="visually-hidden">Ressurser med høyest kostnad</caption>' in content
    assert "<caption>Tjenester med høyest kostnad</caption>" in content  # inside the chart's table view
    # a table wider than the page scrolls in its own box (site.js makes a scrolling box a keyboard region; the
    # browser test test_data_pages_reflow_on_a_320_px_screen checks that)
    assert (
        '<div class="table-scroll">\n    <table class="ds-table" data-border data-size="sm" id="resources-table">'
        in content
    )
    assert "Opptil 10 tjenester med høyest effektiv kostnad i perioden." in content
    assert "group_by=service_category&amp;period_from=2026-01&amp;format=csv&amp;table=over_time" in content
    assert "core/charts.js" in content
    assert "<script>" not in content  # no inline script (CSP)
    charts = {chart.name: chart for chart in response.context["charts"]}
    spec = charts["over_time"].spec
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    values = spec["data"]["values"]
    assert [(v["period"], v["group"], v["effective_cost"]) for v in values] == [
        ("2026-01-01", "Compute", "100.00"),
        ("2026-01-01", "Storage", "50.25"),
        ("2026-02-01", "Compute", "30.00"),
    ]
    assert spec["data"]["format"] == {"parse": {"effective_cost": "number"}}
    assert spec["encoding"]["color"]["title"] == "Tjenestekategori"
    # the spec in the page is the same JSON
    start = content.index('<script id="over_time-spec" type="application/json">') + len(
        '<script id="over_time-spec" type="application/json">'
    )
    assert json.loads(content[start : content.index("</script>", start)]) == spec


def test_section_navigation_lists_resolvable_pages(client, analyst):
    client.force_login(analyst)
    content = client.get(DASHBOARD).content.decode()
    assert f'<a class="ds-link" href="{DASHBOARD}" aria-current="page">Oversikt</a>' in content


# --- MPS aggregates -------------------------------------------------------------------------------------------


@pytest.fixture
def mps_user():
    return member(OrganisationFactory(kind=OrganisationKind.MPS), Role.CATEGORY_MANAGER)


def test_mps_page_shows_only_groups_of_three_or_more(client, mps_user):
    for cost in ("10.00", "20.00", "30.00"):
        store_costs(OrganisationFactory(kind=OrganisationKind.STATE), [cost_row(dt.date(2026, 1, 2), cost)])
    for cost in ("1.00", "2.00", "3.00", "4.00"):
        store_costs(OrganisationFactory(kind=OrganisationKind.COUNTY), [cost_row(dt.date(2026, 1, 2), cost)])
    store_costs(
        OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, name="Lillekommune"),
        [cost_row(dt.date(2026, 1, 2), "777.77", ServiceProviderName="Smått AS")],
    )
    client.force_login(mps_user)
    response = client.get(MPS)
    content = response.content.decode()
    assert response.status_code == 200
    assert "777" not in content
    assert "Lillekommune" not in content
    assert csv_lines(client.get(MPS, {"format": "csv", "table": "kinds"})) == [
        "Type virksomhet,Antall virksomheter,Effektiv kostnad,Fakturert kostnad,Skjult",
        # the municipality (1) is hidden, and with it the smaller other group (3 states), not the counties (4)
        "Fylkeskommune,4,10.00,10.00,0",
        "Kommune,,,,1",
        "Statlig virksomhet,,,,1",
        "",
    ]
    assert csv_lines(client.get(MPS, {"format": "csv", "table": "providers"})) == [
        "Leverandør,Antall virksomheter,Effektiv kostnad,Fakturert kostnad,Skjult",
        # Smått AS (1) is hidden; Nordsky is the only other provider, so the total would reveal it: hidden too
        "Nordsky,,,,1",
        "Smått AS,,,,1",
        "",
    ]
    assert response.context["total"]["effective_cost"] == Decimal("847.77")


def test_mps_page_hides_everything_below_three_organisations(client, mps_user):
    store_costs(OrganisationFactory(), [cost_row(dt.date(2026, 1, 2), "12.34")])
    store_costs(OrganisationFactory(), [cost_row(dt.date(2026, 1, 2), "56.78")])
    client.force_login(mps_user)
    response = client.get(MPS)
    content = response.content.decode()
    assert "12,34" not in content
    assert "56,78" not in content
    assert "69,12" not in content
    assert response.context["total"]["is_suppressed"] is True
    assert csv_lines(client.get(MPS, {"format": "csv", "table": "kinds"}))[1] == "Statlig virksomhet,,,,1"


def test_mps_empty_state(client, mps_user):
    client.force_login(mps_user)
    response = client.get(MPS)
    assert response.status_code == 200
    assert "Ingen virksomheter har importert kostnadsdata ennå." in response.content.decode()
