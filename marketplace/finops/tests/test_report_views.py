"""Showback and commitments pages: permission matrix, filters in the URL, CSV export, and the rule forms (denied or
bad POSTs change nothing)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule
from marketplace.finops.services import allocation as services
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

PAGES = ["finops:showback", "finops:commitments"]


@pytest.fixture
def data(buyer_org):
    admin = acting(buyer_org, Role.ORG_ADMIN)
    it = services.cost_centre_create(actor=admin, organisation=buyer_org, code="IT", name="IT-avdelingen")
    services.allocation_rule_create(
        actor=admin, organisation=buyer_org, kind="tag", key="team", value="it", cost_centre=it
    )
    store_costs(
        buyer_org,
        [
            cost_row(dt.date(2026, 8, 1), "40", Tags=json.dumps({"team": "it"})),
            cost_row(dt.date(2026, 9, 1), "60", Tags=json.dumps({"team": "it"})),
            cost_row(dt.date(2026, 9, 2), "5"),
            cost_row(
                dt.date(2026, 9, 3),
                "0",
                EffectiveCost=Decimal("3"),
                PricingCategory="Committed",
                CommitmentDiscountId="ri-1",
                CommitmentDiscountName="Reservasjon VM",
                CommitmentDiscountStatus="Used",
                ContractedCost=Decimal("5"),
            ),
            cost_row(
                dt.date(2026, 9, 3),
                "0",
                EffectiveCost=Decimal("1"),
                PricingCategory="Committed",
                CommitmentDiscountId="ri-1",
                CommitmentDiscountName="Reservasjon VM",
                CommitmentDiscountStatus="Unused",
            ),
        ],
    )
    return it


@pytest.fixture
def client_as(login, make_member, buyer_org, other_buyer_org, mps_org):
    def _as(who: str) -> Client:
        if who == "anonymous":
            return Client()
        org, role = {
            "analyst": (buyer_org, Role.FINOPS_ANALYST),
            "admin": (buyer_org, Role.ORG_ADMIN),
            "buyer": (buyer_org, Role.BUYER),
            "other_analyst": (other_buyer_org, Role.FINOPS_ANALYST),
            "mps": (mps_org, Role.MPS_ADMIN),
        }[who]
        return login(make_member(org, role), org)

    return _as


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("buyer", 403), ("mps", 403), ("analyst", 200), ("admin", 200)]
)
def test_permission_matrix(client_as, data, page, who, status):
    response = client_as(who).get(reverse(page))
    assert response.status_code == status
    if status == 302:
        assert (
            "/login" in response["Location"]
            or "logg-inn" in response["Location"]
            or "next=" in response["Location"]
        )


@pytest.mark.parametrize("page", PAGES)
def test_other_organisation_sees_only_its_own_data(client_as, data, page):
    response = client_as("other_analyst").get(reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert "IT-avdelingen" not in body
    assert "Reservasjon VM" not in body


def test_showback_table_and_csv(client_as, data):
    client = client_as("analyst")
    response = client.get(reverse("finops:showback"))
    body = response.content.decode()
    assert "IT-avdelingen" in body
    assert "data-unallocated" in body
    csv_text = client.get(
        reverse("finops:showback"), {"period_from": "2026-09", "format": "csv"}
    ).content.decode()
    assert csv_text.splitlines() == [
        "cost_centre,name,parent,currency,direct_cost,shared_cost,total_cost,tree_cost",
        "IT,IT-avdelingen,,NOK,60.0000000000,0.0000000000,60.0000000000,60.0000000000",
        ",Ufordelt,,NOK,9.0000000000,,9.0000000000,",
    ]


def test_showback_bad_filter_is_a_norwegian_message(client_as, data):
    response = client_as("analyst").get(reverse("finops:showback"), {"period_from": "sept"})
    assert response.status_code == 200
    assert "Skriv måneden som ÅÅÅÅ-MM" in response.content.decode()


def test_commitments_page_and_csv(client_as, data):
    client = client_as("analyst")
    body = client.get(reverse("finops:commitments")).content.decode()
    assert "Reservasjon VM" in body
    assert "75,0 %" in body or "75.0 %" in body
    csv_lines = (
        client.get(reverse("finops:commitments"), {"format": "csv", "service": "Virtual Machines"})
        .content.decode()
        .splitlines()
    )
    assert csv_lines[0].startswith("commitment_discount_id,name,type")
    assert (
        csv_lines[1]
        == "ri-1,Reservasjon VM,,,NOK,0.0000000000,4.0000000000,3.0000000000,1.0000000000,0.750000,2.0000000000"
    )
    assert len(csv_lines) == 2


def test_add_and_remove_rule(client_as, data):
    client = client_as("analyst")
    url = reverse("finops:showback")
    response = client.post(
        url,
        {
            "action": "add_rule",
            "rule-kind": "sub_account",
            "rule-value": "sa-1",
            "rule-cost_centre": data.pk,
            "rule-priority": 5,
        },
    )
    assert response.status_code == 302
    rule = AllocationRule.objects.get(value="sa-1")
    assert (rule.kind, rule.priority, rule.cost_centre_id) == ("sub_account", 5, data.pk)
    response = client.post(url, {"action": "delete_rule", "pk": rule.pk})
    assert response.status_code == 302
    assert not AllocationRule.objects.filter(pk=rule.pk).exists()


def test_add_shared_rule_with_fixed_percentages(client_as, data):
    client = client_as("admin")
    response = client.post(
        reverse("finops:showback"),
        {
            "action": "add_shared",
            "shared-name": "Nettverk",
            "shared-kind": "service",
            "shared-value": "Network",
            "shared-method": "fixed",
            "shared-shares": "IT=100",
            "shared-priority": 1,
        },
    )
    assert response.status_code == 302
    rule = SharedCostRule.objects.get(name="Nettverk")
    assert [(s.cost_centre.code, s.percent) for s in rule.shares.all()] == [("IT", Decimal("100.0000"))]


def test_bad_rule_is_refused_with_a_message_and_nothing_stored(client_as, data):
    before = AllocationRule.objects.count()
    response = client_as("analyst").post(
        reverse("finops:showback"),
        {
            "action": "add_rule",
            "rule-kind": "tag",
            "rule-key": "",
            "rule-value": "x",
            "rule-cost_centre": data.pk,
            "rule-priority": 1,
        },
    )
    assert response.status_code == 400
    assert "Oppgi taggnøkkelen." in response.content.decode()
    assert AllocationRule.objects.count() == before


@pytest.mark.parametrize("who", ["anonymous", "buyer", "other_analyst"])
def test_denied_posts_change_nothing(client_as, data, who):
    rule = AllocationRule.objects.get()
    response = client_as(who).post(reverse("finops:showback"), {"action": "delete_rule", "pk": rule.pk})
    assert response.status_code in {302, 403, 404}
    if who == "other_analyst":
        assert response.status_code == 404
    response = client_as(who).post(
        reverse("finops:showback"), {"action": "add_centre", "centre-code": "X", "centre-name": "X"}
    )
    assert AllocationRule.objects.filter(pk=rule.pk).exists()
    assert not CostCentre.objects.filter(code="X", organisation=data.organisation).exists()


def test_amounts_group_their_thousands(client_as, buyer_org):
    """Money on the showback and commitment pages reads "12 345,68", as on the overview's tables."""
    store_costs(
        buyer_org,
        [
            cost_row(dt.date(2026, 9, 1), "12345.678"),
            cost_row(
                dt.date(2026, 9, 2),
                "0",
                EffectiveCost=Decimal("23456.5"),
                PricingCategory="Committed",
                CommitmentDiscountId="ri-2",
                CommitmentDiscountName="Reservasjon DB",
                CommitmentDiscountStatus="Used",
                ContractedCost=Decimal("30000"),
            ),
        ],
    )
    client = client_as("analyst")
    showback = client.get(reverse("finops:showback"), {"period_from": "2026-09"}).content.decode()
    assert '<td class="numeric">35\xa0802,18</td>' in showback  # unallocated: 12,345.678 + 23,456.5
    commitments = client.get(reverse("finops:commitments"), {"period_from": "2026-09"}).content.decode()
    assert "23\xa0456,50" in commitments
