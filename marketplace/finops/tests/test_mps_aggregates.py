"""MPS aggregates of budgets, anomalies and licences (pure): exact counts and sums, and small groups hidden (primary
and secondary suppression)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.finops.analytics.mps_aggregates import (
    AnomalyFact,
    BudgetMonth,
    LicenceFact,
    anomaly_groups,
    budget_counts,
    licence_groups,
    reached,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "budget", "threshold", "expected"),
    [
        ("80", "100", 80, True),
        ("79.99", "100", 80, False),
        ("100", "100", 100, True),
        ("99.99", "100", 100, False),
        ("5", "0", 80, False),
    ],
)
def test_reached(amount, budget, threshold, expected):
    assert reached(D(amount), D(budget), threshold) is expected


def test_budget_counts_count_each_organisation_once():
    per_org = {
        1: [BudgetMonth(D(100), D(85), D(95)), BudgetMonth(D(100), D(120), D(130))],  # 80 and 100 actual
        2: [BudgetMonth(D(100), D(50), D(90))],  # forecast 80 only
        3: [BudgetMonth(D(100), D(10), D(20))],
        4: [],  # no budget for the month: not counted
    }
    assert budget_counts(per_org) == {
        "organisations": 3,
        "budgets": 4,
        "actual_80": 1,
        "actual_100": 1,
        "forecast_80": 2,
        "forecast_100": 1,
        "is_suppressed": False,
    }


def test_budget_counts_hidden_below_three_organisations():
    per_org = {1: [BudgetMonth(D(100), D(120), D(130))], 2: [BudgetMonth(D(100), D(1), D(1))]}
    assert budget_counts(per_org) == {
        "organisations": None,
        "budgets": None,
        "actual_80": None,
        "actual_100": None,
        "forecast_80": None,
        "forecast_100": None,
        "is_suppressed": True,
    }


def _facts(*items):
    return [AnomalyFact(category, provider, D(delta)) for category, provider, delta in items]


def test_anomaly_groups_by_category_with_secondary_suppression():
    per_org = {
        1: _facts(("Compute", "Azure", "500"), ("Storage", "Azure", "-100"), ("Databases", "AWS", "50")),
        2: _facts(("Compute", "AWS", "300"), ("Storage", "AWS", "40"), ("Compute", "AWS", "-20")),
        3: _facts(("Compute", "Azure", "200"), ("Storage", "Azure", "10")),
        4: _facts(("Compute", "Azure", "1000")),
    }
    by_category = anomaly_groups(per_org, "category")
    assert by_category == [
        {
            "group": "Compute",
            "organisations": 4,
            "anomalies": 5,
            "impact": D(1980),
            "increase": D(2000),
            "decrease": D(-20),
            "is_suppressed": False,
        },
        # Databases (1 organisation) is hidden, so the smallest shown group (Storage, 3 organisations) is too
        {
            "group": "Databases",
            "organisations": None,
            "anomalies": None,
            "impact": None,
            "increase": None,
            "decrease": None,
            "is_suppressed": True,
        },
        {
            "group": "Storage",
            "organisations": None,
            "anomalies": None,
            "impact": None,
            "increase": None,
            "decrease": None,
            "is_suppressed": True,
        },
    ]
    # AWS has two organisations (hidden); with one group hidden of two, Azure (three) is hidden too
    by_provider = anomaly_groups(per_org, "provider")
    assert [(r["group"], r["organisations"], r["impact"], r["is_suppressed"]) for r in by_provider] == [
        ("AWS", None, None, True),
        ("Azure", None, None, True),
    ]
    per_org[5] = _facts(("Compute", "AWS", "7"))
    by_provider = anomaly_groups(per_org, "provider")
    assert [(r["group"], r["organisations"], r["anomalies"], r["impact"]) for r in by_provider] == [
        ("Azure", 3, 5, D(1610)),
        ("AWS", 3, 5, D(377)),
    ]


def test_licence_groups_sum_unused_cost_in_nok_only():
    per_org = {
        1: [LicenceFact("Microsoft 365 E3", 100, 10, D("4320.00")), LicenceFact("Zoom", 5, 5, D(600))],
        2: [LicenceFact("Microsoft 365 E3", 50, 5, D("2160.00"))],
        3: [LicenceFact("Microsoft 365 E3", 20, 2, None)],  # no price: counted, not costed
        4: [LicenceFact("Microsoft 365 E3", 10, 1, D(40), currency="EUR")],  # not NOK: not costed
        5: [LicenceFact("Adobe Acrobat", 8, 3, D(900))],
        6: [LicenceFact("Adobe Acrobat", 2, 0, D(0))],
        7: [LicenceFact("Adobe Acrobat", 4, 4, D(1200))],
    }
    assert licence_groups(per_org) == [
        {
            "group": "Microsoft 365 E3",
            "organisations": 4,
            "priced_organisations": 2,
            "seats": 180,
            "unused": 18,
            "unused_yearly_cost": D("6480.00"),
            "is_suppressed": False,
        },
        # Zoom (one organisation) is hidden, and so the smaller shown product
        {
            "group": "Adobe Acrobat",
            "organisations": None,
            "priced_organisations": None,
            "seats": None,
            "unused": None,
            "unused_yearly_cost": None,
            "is_suppressed": True,
        },
        {
            "group": "Zoom",
            "organisations": None,
            "priced_organisations": None,
            "seats": None,
            "unused": None,
            "unused_yearly_cost": None,
            "is_suppressed": True,
        },
    ]


def test_nothing_in_nothing_out():
    assert anomaly_groups({}, "category") == []
    assert licence_groups({}) == []
    assert budget_counts({})["is_suppressed"] is True
