"""MPS aggregate pages and API for budgets, anomalies and licences: MPS staff only (permission matrix), exact figures
over three organisations, small groups hidden, CSV, and no organisation named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.models import Budget, LicenceAssignment, LicencePrice
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.UTC)  # Oslo: 2 October 2026
BASE = "/api/v1/finops/mps"
PAGES = ["finops:mps_budgets", "finops:mps_anomalies", "finops:mps_licences"]
ENDPOINTS = ["budgets", "anomalies", "licences"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(buyer_org, other_buyer_org, supplier_org, mps_org, make_member):
    return {
        "analyst": (make_member(buyer_org, Role.FINOPS_ANALYST), buyer_org),
        "admin": (make_member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "other": (make_member(other_buyer_org, Role.FINOPS_ANALYST), other_buyer_org),
        "supplier": (make_member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org),
        "staff": (make_member(mps_org, Role.CATEGORY_MANAGER), mps_org),
        "mps_admin": (make_member(mps_org, Role.MPS_ADMIN), mps_org),
    }


@pytest.fixture
def page(people, login):
    def _as(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        return login(user, org)

    return _as


@pytest.fixture
def api(people):
    def _as(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        _token, secret = api_token_create(actor=None, user=user, organisation=org)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return _as


@pytest.fixture
def orgs(buyer_org, other_buyer_org):
    return [buyer_org, other_buyer_org, OrganisationFactory(name="Ålesund kommune")]


def _september(org, daily: str) -> None:
    store_costs(org, [cost_row(dt.date(2026, 9, day), daily) for day in range(1, 31)])


@pytest.fixture
def budgets(orgs):
    """September budget 999.60 NOK (12 000 a year, even phasing) for each; September cost 900, 1 200 and 300."""
    for org, daily in zip(orgs, ["30", "40", "10"], strict=True):
        _september(org, daily)
        Budget.objects.create(organisation=org, name="Drift", year=2026, amount=Decimal(12000))
    return orgs


@pytest.fixture
def anomalies(orgs):
    """100 NOK a day from June; on 30 September a spike to 1 500 in every organisation (delta 1 400)."""
    for org in orgs:
        start = dt.date(2026, 6, 1)
        rows = []
        for n in range((dt.date(2026, 10, 2) - start).days):
            day = start + dt.timedelta(days=n)
            rows.append(cost_row(day, "1500" if day == dt.date(2026, 9, 30) else "100"))
        store_costs(org, rows)
    return orgs


def _seat(org, user: str, last_active: dt.date | None) -> None:
    LicenceAssignment.objects.create(
        organisation=org,
        product="Microsoft 365 E3",
        user_identifier=user,
        assigned_on=dt.date(2025, 1, 1),
        last_active_on=last_active,
        import_batch="b1",
        imported_at=NOW,
    )


@pytest.fixture
def licences(orgs):
    """Microsoft 365 E3 at 360 NOK a month: 2 + 1 + 0 unused seats of 3 + 2 + 1; one more product in one
    organisation only (hidden, and so is the other)."""
    active, idle = dt.date(2026, 9, 30), dt.date(2026, 1, 1)
    for org, seats in zip(orgs, [[idle, idle, active], [None, active], [active]], strict=True):
        for n, last in enumerate(seats):
            _seat(org, f"bruker{n}@{org.orgnr}.no", last)
        LicencePrice.objects.create(organisation=org, product="Microsoft 365 E3", monthly_amount=Decimal(360))
    return orgs


# --- permissions ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("supplier", 403),
        ("other", 403),
        ("analyst", 403),
        ("admin", 403),
        ("staff", 200),
        ("mps_admin", 200),
    ],
)
def test_page_matrix(page, name, who, status):
    response = page(who).get(reverse(name))
    assert response.status_code == status


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("supplier", 403), ("other", 403), ("analyst", 403), ("admin", 403), ("staff", 200)],
)
def test_api_matrix(api, endpoint, who, status):
    response = api(who).get(f"{BASE}/{endpoint}")
    assert response.status_code == status
    if status != 200:
        assert set(response.json()) == {"detail", "errors"}


def test_api_bad_input_is_422(api):
    client = api("staff")
    for path, query in [
        ("budgets", {"month": "2026-13"}),
        ("anomalies", {"days": 0}),
        ("licences", {"unused_days": "x"}),
    ]:
        response = client.get(f"{BASE}/{path}", query)
        assert response.status_code == 422, path
        assert set(response.json()) == {"detail", "errors"}


# --- budgets --------------------------------------------------------------------------------------------------------


def test_budget_counts(api, page, budgets):
    body = api("staff").get(f"{BASE}/budgets", {"month": "2026-09"}).json()
    assert body == {
        "month": "2026-09",
        "minimum_group_size": 3,
        "is_suppressed": False,
        "organisations": 3,
        "budgets": 3,
        "actual_80": 2,
        "actual_100": 1,
        "forecast_80": 2,
        "forecast_100": 1,
    }
    response = page("staff").get(reverse("finops:mps_budgets"), {"month": "2026-09"})
    body = response.content.decode()
    assert 'data-total="organisations">3<' in body
    for org in budgets:
        assert org.name not in body
    csv_text = (
        page("staff")
        .get(reverse("finops:mps_budgets"), {"month": "2026-09", "format": "csv", "table": "budgets"})
        .content.decode("utf-8-sig")
    )
    assert csv_text.splitlines() == [
        "Grunnlag,Grense,Antall virksomheter",
        "Faktisk kostnad,80 %,2",
        "Faktisk kostnad,100 %,1",
        "Prognose,80 %,2",
        "Prognose,100 %,1",
    ]


def test_budget_counts_hidden_with_two_organisations(api, budgets):
    Budget.objects.filter(organisation=budgets[2]).delete()
    body = api("staff").get(f"{BASE}/budgets", {"month": "2026-09"}).json()
    assert body["is_suppressed"] is True
    assert (body["organisations"], body["actual_100"], body["forecast_80"]) == (None, None, None)


def test_bad_month_on_the_page_is_a_norwegian_message(page, budgets):
    response = page("staff").get(reverse("finops:mps_budgets"), {"month": "sept"})
    assert response.status_code == 200
    assert "Skriv måneden som ÅÅÅÅ-MM" in response.content.decode()


# --- anomalies ------------------------------------------------------------------------------------------------------


def test_anomalies_by_category_and_provider(api, page, anomalies):
    body = api("staff").get(f"{BASE}/anomalies", {"days": 10}).json()
    assert (body["since"], body["until"], body["days"]) == ("2026-09-22", "2026-10-01", 10)
    group = {
        "organisations": 3,
        "anomalies": 3,
        "increase": "4200.00",
        "decrease": "0",
        "impact": "4200.00",
        "is_suppressed": False,
    }
    assert body["by_category"] == [{"group": "Compute", **group}]
    assert body["by_provider"] == [{"group": "Nordsky", **group}]
    response = page("staff").get(reverse("finops:mps_anomalies"), {"days": 10})
    text = response.content.decode()
    assert "Avvik per tjenestekategori" in text
    for org in anomalies:
        assert org.name not in text


def test_anomalies_of_two_organisations_are_hidden(api, anomalies):
    from marketplace.finops.models import BillingPeriodData

    BillingPeriodData.objects.filter(organisation=anomalies[2]).update(is_current=False)
    body = api("staff").get(f"{BASE}/anomalies", {"days": 10}).json()
    assert body["by_category"] == [
        {
            "group": "Compute",
            "organisations": None,
            "anomalies": None,
            "increase": None,
            "decrease": None,
            "impact": None,
            "is_suppressed": True,
        }
    ]


# --- licences -------------------------------------------------------------------------------------------------------


def test_licences_by_product(api, page, licences):
    body = api("staff").get(f"{BASE}/licences").json()
    assert (body["as_of"], body["unused_days"]) == ("2026-10-02", 90)
    assert body["by_product"] == [
        {
            "group": "Microsoft 365 E3",
            "organisations": 3,
            "seats": 6,
            "unused": 3,
            "unused_yearly_cost": "12960.00",
            "priced_organisations": 3,
            "is_suppressed": False,
        }
    ]
    csv_text = (
        page("staff")
        .get(reverse("finops:mps_licences"), {"format": "csv", "table": "products"})
        .content.decode("utf-8-sig")
    )
    assert csv_text.splitlines()[1].startswith("Microsoft 365 E3,3,6,3,12960.00,3,")


def test_a_product_of_one_organisation_is_hidden_and_one_more(api, licences):
    LicenceAssignment.objects.create(
        organisation=licences[0],
        product="Zoom Workplace",
        user_identifier="a@b.no",
        assigned_on=dt.date(2025, 1, 1),
        import_batch="b2",
        imported_at=NOW,
    )
    body = api("staff").get(f"{BASE}/licences").json()
    assert [(r["group"], r["is_suppressed"], r["unused_yearly_cost"]) for r in body["by_product"]] == [
        ("Microsoft 365 E3", True, None),
        ("Zoom Workplace", True, None),
    ]


def test_openapi_documents_the_mps_aggregate_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for endpoint in ENDPOINTS:
        assert f"{BASE}/{endpoint}" in schema["paths"]
    assert {"MpsBudgetsOut", "MpsAnomaliesOut", "MpsLicencesOut"} <= set(schema["components"]["schemas"])
