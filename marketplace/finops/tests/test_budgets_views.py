"""Budget and anomaly pages: happy paths, the permission matrix on every page (denied POSTs change nothing) and
form validation with Norwegian messages and nothing stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.finops.models import Budget, FinopsNotice
from marketplace.finops.services.budgets import BudgetInput, budget_create
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db
D = Decimal
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(buyer_org, other_buyer_org, mps_org, make_member):
    return {
        "analyst": (make_member(buyer_org, Role.FINOPS_ANALYST), buyer_org),
        "admin": (make_member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "buyer": (make_member(buyer_org, Role.BUYER), buyer_org),
        "other": (make_member(other_buyer_org, Role.FINOPS_ANALYST), other_buyer_org),
        "staff": (make_member(mps_org, Role.CATEGORY_MANAGER), mps_org),
    }


@pytest.fixture
def as_(login, people):
    def client(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        return login(user, org)

    return client


@pytest.fixture
def budget(buyer_org):
    actor = acting(buyer_org, Role.FINOPS_ANALYST)
    return budget_create(
        actor=actor,
        organisation=buyer_org,
        data=BudgetInput(
            name="Skydrift", year=2026, amount=D("120000"), phasing=[D(5)] * 9 + [D(40), D(5), D(10)]
        ),
    )


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Lagring",
        "scope_kind": "tag",
        "cost_centre": "",
        "tag_key": "env",
        "tag_value": "prod",
        "year": "2026",
        "amount": "60000",
        "owner_emails": "eier@example.no\nleder@example.no",
    }
    data.update({f"month_{n}": "8,33" if n <= 8 else "8,34" for n in range(1, 13)})
    data.update(overrides)
    return data


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- permission matrix ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("buyer", 403),
        ("staff", 403),
        ("other", 200),
        ("analyst", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("name", ["finops:budgets", "finops:budget_create", "finops:anomalies"])
def test_organisation_pages(as_, budget, who, expected, name):
    response = as_(who).get(reverse(name))
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    if who == "other":
        assert "Skydrift" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("buyer", 403),
        ("staff", 403),
        ("other", 404),
        ("analyst", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("name", ["finops:budget_detail", "finops:budget_edit"])
def test_budget_pages(as_, budget, who, expected, name):
    response = as_(who).get(reverse(name, args=[budget.pk]))
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("buyer", 403), ("staff", 403), ("other", 404)]
)
def test_denied_edit_and_delete_change_nothing(as_, budget, who, expected):
    client = as_(who)
    responses = [
        client.post(reverse("finops:budget_edit", args=[budget.pk]), form_data(amount="1")),
        client.post(reverse("finops:budget_delete", args=[budget.pk])),
    ]
    for response in responses:
        if expected == "login":
            assert is_login_redirect(response)
        else:
            assert response.status_code == expected
    budget.refresh_from_db()
    assert (budget.name, budget.amount) == ("Skydrift", D("120000.00"))


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "login"), ("buyer", 403), ("staff", 403)])
def test_denied_create_stores_nothing(as_, who, expected):
    response = as_(who).post(reverse("finops:budget_create"), form_data())
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    assert not Budget.objects.exists()


# --- happy paths ------------------------------------------------------------------------------------------------------


def test_create_edit_and_delete_through_the_pages(as_, buyer_org):
    client = as_("analyst")
    response = client.post(reverse("finops:budget_create"), form_data())
    budget = Budget.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:budget_detail", args=[budget.pk])
    assert (budget.organisation, budget.scope_kind, budget.tag_key, budget.tag_value, budget.amount) == (
        buyer_org,
        "tag",
        "env",
        "prod",
        D("60000.00"),
    )
    assert budget.phasing == ["8.33"] * 8 + ["8.34"] * 4
    assert budget.owner_emails == ["eier@example.no", "leder@example.no"]

    edit = client.get(reverse("finops:budget_edit", args=[budget.pk])).content.decode()
    assert 'value="8,34"' in edit
    assert "leder@example.no" in edit

    response = client.post(reverse("finops:budget_edit", args=[budget.pk]), form_data(amount="70000,50"))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.amount == D("70000.50")

    response = client.post(reverse("finops:budget_delete", args=[budget.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:budgets")
    assert not Budget.objects.exists()


def test_detail_shows_budget_actual_and_forecast_per_month(as_, buyer_org, budget):
    day = dt.date(2026, 9, 1)
    store_costs(buyer_org, [cost_row(day + dt.timedelta(days=n), "190") for n in range(81)])  # to 20 November
    page = as_("analyst").get(reverse("finops:budget_detail", args=[budget.pk])).content.decode()
    # November: budget 6000, actual 20 × 190 = 3800, forecast 30 × 190 = 5700 (95 %).
    row = page.split('data-month="2026-11"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="numeric">')[1:]]
    assert [c.strip() for c in cells] == [
        "6\u00a0000,00",
        "3\u00a0800,00",
        "5\u00a0700,00",
        "5\u00a0700,00–5\u00a0700,00",
        "95,0 %",
    ]
    assert "Faktiske kostnader til og med 20.11.2026" in page


def test_list_shows_notices_and_missing_rates(as_, buyer_org, budget):
    FinopsNotice.objects.create(
        organisation=buyer_org,
        budget=budget,
        subject="Budsjettvarsel: Skydrift",
        body="Tekst",
        created_at=NOW,
    )
    store_costs(buyer_org, [cost_row(dt.date(2026, 11, 2), "10", BillingCurrency="SEK")])
    page = as_("analyst").get(reverse("finops:budgets")).content.decode()
    assert "Budsjettvarsel: Skydrift" in page
    assert "valutakurs mangler" in page
    detail = as_("analyst").get(reverse("finops:budget_detail", args=[budget.pk])).content.decode()
    assert "SEK 11.2026" in detail


def test_anomaly_page_ranks_and_explains(as_, buyer_org):
    start = dt.date(2026, 8, 1)
    rows = [cost_row(start + dt.timedelta(days=n), "5000") for n in range(110)]
    rows[105] = cost_row(start + dt.timedelta(days=105), "9000")  # 14 November
    store_costs(buyer_org, rows)
    client = as_("analyst")
    page = client.get(reverse("finops:anomalies")).content.decode()
    assert "forventet 5\u00a0000,00 NOK, faktisk 9\u00a0000,00 NOK (+80 %)" in page
    assert "14.11.2026" in page
    assert "<td>Økning</td>" in page
    page = client.get(
        reverse("finops:anomalies"), {"days": "30", "nok_threshold": "5000", "pct_threshold": "30"}
    )
    assert "Ingen avvik i perioden." in page.content.decode()


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"month_1": "10"}, "Månedsfordelingen må summere til 100 % (nå 101,67 %)."),
        ({"month_2": "tre"}, "Andelene må være tall."),
        ({"amount": "-5"}, "Beløpet kan ikke være negativt."),
        ({"year": "1999"}, "Året må være mellom 2000 og 2100."),
        ({"year": "2101"}, "Året må være mellom 2000 og 2100."),
        ({"scope_kind": "cost_centre"}, "Oppgi kostnadssted."),
        ({"owner_emails": "ikke en adresse"}, "Ugyldig e-postadresse: ikke"),
    ],
)
def test_bad_form_input_shows_norwegian_message_and_stores_nothing(as_, overrides, message):
    response = as_("analyst").post(reverse("finops:budget_create"), form_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Budget.objects.exists()


def test_bad_edit_keeps_the_budget(as_, budget):
    response = as_("analyst").post(reverse("finops:budget_edit", args=[budget.pk]), form_data(amount="-1"))
    assert response.status_code == 422
    budget.refresh_from_db()
    assert (budget.name, budget.amount) == ("Skydrift", D("120000.00"))
