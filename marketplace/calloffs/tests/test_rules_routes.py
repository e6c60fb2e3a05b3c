"""route_for: each branch of the framework's objective rule, and NoLawfulRoute."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.calloffs.rules.routes import (
    DESK,
    DIRECT,
    MINI_COMPETITION,
    MechanismRule,
    Need,
    NoLawfulRoute,
    RouteDecision,
    route_for,
)

D = Decimal
ALL = [
    MechanismRule(DIRECT, D("500000")),
    MechanismRule(DESK, D("1300000")),
    MechanismRule(MINI_COMPETITION, None),
]


def need(value, customise=False, special=False):
    return Need(
        estimated_value_amount=D(value), needs_customisation=customise, has_special_requirements=special
    )


@pytest.mark.parametrize(
    ("mechanisms", "n", "count", "expected"),
    [
        (ALL, need("500000"), 3, RouteDecision(DIRECT, "standard_under_limit")),
        (ALL, need("500000.01"), 3, RouteDecision(DESK, "standard_price_list")),
        (ALL, need("1300000"), 3, RouteDecision(DESK, "standard_price_list")),
        (ALL, need("1300000.01"), 3, RouteDecision(MINI_COMPETITION, "above_limit")),
        (
            ALL,
            need("1000", customise=True),
            3,
            RouteDecision(MINI_COMPETITION, "customisation_or_special_requirements"),
        ),
        (
            ALL,
            need("1000", special=True),
            3,
            RouteDecision(MINI_COMPETITION, "customisation_or_special_requirements"),
        ),
        (ALL, need("400000", customise=True), 1, RouteDecision(DIRECT, "single_supplier")),
        (
            [MechanismRule(DIRECT, None)],
            need("99000000", special=True),
            1,
            RouteDecision(DIRECT, "single_supplier"),
        ),
        ([MechanismRule(DIRECT, None)], need("99000000"), 4, RouteDecision(DIRECT, "standard_under_limit")),
        (
            [MechanismRule(DESK, None), MechanismRule(MINI_COMPETITION, None)],
            need("9000000"),
            3,
            RouteDecision(DESK, "standard_price_list"),
        ),
        (
            [MechanismRule(DIRECT, D("1000000")), MechanismRule(MINI_COMPETITION, None)],
            need("1000001"),
            3,
            RouteDecision(MINI_COMPETITION, "above_limit"),
        ),
        (
            [MechanismRule(MINI_COMPETITION, D("5000000"))],
            need("5000000"),
            2,
            RouteDecision(MINI_COMPETITION, "above_limit"),
        ),
    ],
)
def test_route(mechanisms, n, count, expected):
    assert route_for(mechanisms, n, supplier_count=count) == expected


@pytest.mark.parametrize(
    ("mechanisms", "n", "count"),
    [
        ([], need("1"), 3),
        ([MechanismRule(DIRECT, D("500000"))], need("500000.01"), 3),
        ([MechanismRule(DIRECT, D("500000"))], need("1000", customise=True), 3),
        ([MechanismRule(DIRECT, D("500000"))], need("600000"), 1),  # single supplier, but over the limit
        ([MechanismRule(DESK, None)], need("1000", special=True), 3),
        ([MechanismRule(MINI_COMPETITION, D("5000000"))], need("5000000.01"), 3),
    ],
)
def test_no_lawful_route(mechanisms, n, count):
    with pytest.raises(NoLawfulRoute):
        route_for(mechanisms, n, supplier_count=count)
