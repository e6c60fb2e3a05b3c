"""Commitment utilisation, amortisation and coverage on the FOCUS spec's own example scenarios (exact amounts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.commitments import coverage, utilisation
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.spec_examples import store_example

pytestmark = pytest.mark.django_db

D = Decimal
CDI = "<my-commitment-discount-id>"
SCEN = "commitment_discount_scenarios/commitment_discount_"
FLEX = "commitment_discount_flexibility/"


def _of(*files: str) -> Scope:
    org = OrganisationFactory()
    store_example(org, *files)
    return Scope((org.pk,))


def _one(scope: Scope) -> dict:
    rows = utilisation(scope)
    assert len(rows) == 1
    assert rows[0]["commitment_discount_id"] == CDI
    assert rows[0]["currency"] == "USD"
    return rows[0]


@pytest.mark.parametrize(
    ("scenario", "purchased"),
    [
        ("purchase_scenario_1.csv", "8760.00"),  # all upfront, one year
        ("purchase_scenario_2.csv", "3.00"),  # no upfront, three recurring hours
        ("purchase_scenario_3.csv", "4381.50"),  # partial upfront + recurring
    ],
)
def test_purchase_scenarios_bill_the_purchase_and_amortise_nothing_yet(scenario, purchased):
    row = _one(_of(SCEN + scenario))
    assert row["purchased_cost"] == D(purchased)
    assert row["amortised_cost"] == D(0)
    assert row["used_cost"] == D(0)
    assert row["unused_cost"] == D(0)
    assert row["utilisation"] is None
    assert row["unamortised_cost"] == D(purchased)


@pytest.mark.parametrize(
    ("scenario", "used", "unused", "utilisation_"),
    [
        ("usage_scenario_1.csv", "1.00", "0", "1.000000"),  # fully used hour
        ("usage_scenario_2.csv", "0", "1.00", "0.000000"),  # nothing ran
        ("usage_scenario_3.csv", "0.75", "0.25", "0.750000"),  # partly used
        ("usage_scenario_4.csv", "1.00", "0", "1.000000"),  # used + on-demand overflow (not the commitment's)
    ],
)
def test_usage_scenarios_split_used_and_unused(scenario, used, unused, utilisation_):
    row = _one(_of(SCEN + scenario))
    assert row["used_cost"] == D(used)
    assert row["unused_cost"] == D(unused)
    assert row["amortised_cost"] == D(used) + D(unused)
    assert row["utilisation"] == D(utilisation_)
    assert row["purchased_cost"] == D(0)


@pytest.mark.parametrize(
    ("example", "purchased", "used", "unused", "utilisation_", "savings"),
    [
        (
            "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
            "1.50",
            "1.50",
            "0",
            "1.000000",
            "1.50",
        ),
        (
            "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
            "0.50",
            "0.50",
            "0",
            "1.000000",
            "2.50",
        ),
        (
            "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
            "2.00",
            "2.00",
            "0",
            "1.000000",
            "2.00",
        ),
        (
            "zero_percent_utilization_without_commitment_discount_flexibility.csv",
            "1.50",
            "0",
            "1.50",
            "0.000000",
            "0",
        ),
    ],
)
def test_flexibility_examples_amortise_the_purchase_exactly(
    example, purchased, used, unused, utilisation_, savings
):
    row = _one(_of(FLEX + example))
    assert row["purchased_cost"] == D(purchased)
    assert row["used_cost"] == D(used)
    assert row["unused_cost"] == D(unused)
    assert row["utilisation"] == D(utilisation_)
    # FOCUS: Σ EffectiveCost(Usage) of a commitment = Σ BilledCost(Purchase)
    assert row["amortised_cost"] == row["purchased_cost"]
    assert row["unamortised_cost"] == D(0)
    assert row["savings_cost"] == D(savings)
    assert row["category"] == "Usage"


def test_coverage_full_and_none():
    full = coverage(_of(FLEX + "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv"))
    assert full == [
        {"currency": "USD", "covered_cost": D("3.00"), "eligible_cost": D("3.00"), "coverage": D("1.000000")}
    ]
    none = coverage(_of(FLEX + "zero_percent_utilization_without_commitment_discount_flexibility.csv"))
    # the Unused row covers nothing; the on-demand medium VM (list 2.00) was eligible
    assert none == [
        {"currency": "USD", "covered_cost": D(0), "eligible_cost": D("2.00"), "coverage": D("0.000000")}
    ]


def test_purchase_and_usage_of_one_commitment_together_reconcile():
    row = _one(_of(SCEN + "purchase_scenario_2.csv", SCEN + "usage_scenario_3.csv"))
    assert row["purchased_cost"] == D("3.00")
    assert row["amortised_cost"] == D("1.00")
    assert row["unamortised_cost"] == D("2.00")
    assert row["utilisation"] == D("0.750000")


def test_coverage_counts_only_services_with_commitments():
    org = OrganisationFactory()
    day = dt.date(2026, 9, 1)
    store_costs(
        org,
        [
            cost_row(
                day,
                "0",
                EffectiveCost=D("6"),
                ContractedCost=D("10"),
                ListCost=D("12"),
                PricingCategory="Committed",
                CommitmentDiscountId="ri-1",
                CommitmentDiscountStatus="Used",
            ),
            cost_row(day, "30", PricingCategory="Standard"),  # same service (Virtual Machines), on demand
            cost_row(day, "5", PricingCategory="Dynamic"),  # spot: not eligible
            cost_row(
                day, "500", ServiceName="Blob Storage", ServiceCategory="Storage"
            ),  # no commitment for storage
        ],
    )
    assert coverage(Scope((org.pk,))) == [
        {"currency": "NOK", "covered_cost": D("10"), "eligible_cost": D("40"), "coverage": D("0.250000")}
    ]
    [row] = utilisation(Scope((org.pk,)))
    assert row["savings_cost"] == D("4")


def test_no_commitments_no_rows():
    org = OrganisationFactory()
    store_costs(org, [cost_row(dt.date(2026, 9, 1), "1")])
    assert utilisation(Scope((org.pk,))) == []
    assert coverage(Scope((org.pk,))) == []
