"""The dashboard's questions (analytics.dashboard) on cost rows put in place with store_costs: exact figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics import dashboard as analysis
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

D = Decimal


def _rows() -> list[dict]:
    return [
        cost_row(
            dt.date(2026, 1, 5),
            "100.00",
            ServiceName="Virtual Machines",
            ResourceId="vm-1",
            ResourceName="app",
            Tags='{"env": "prod", "team": "a"}',
        ),
        cost_row(
            dt.date(2026, 1, 6),
            "50.25",
            ServiceName="Object Storage",
            ServiceCategory="Storage",
            ResourceId="bucket-1",
            Tags='{"env": "dev"}',
        ),
        cost_row(
            dt.date(2026, 2, 1),
            "30.00",
            ServiceName="Virtual Machines",
            ResourceId="vm-1",
            ResourceName="app",
            ServiceProviderName="Fjellsky",
            ProviderName="Fjellsky",
            Tags='{"cost-centre": true}',
        ),
        cost_row(
            dt.date(2026, 2, 2),
            "19.75",
            ServiceName="Database",
            ServiceCategory="Databases",
            BilledCost=D("25.00"),
            ListCost=D("40.00"),
            ContractedCost=D("22.00"),
        ),
        cost_row(dt.date(2026, 2, 3), "999", BillingCurrency="EUR", ServiceName="Virtual Machines"),
    ]


@pytest.fixture
def org():
    organisation = OrganisationFactory()
    store_costs(organisation, _rows())
    return organisation


def test_totals_sum_each_cost_column_in_one_currency(org):
    scope = Scope((org.pk,))
    assert analysis.cost_totals(scope, currency="NOK") == {
        "billed_cost": D("205.25"),
        "effective_cost": D("200.00"),
        "list_cost": D("220.25"),
        "contracted_cost": D("202.25"),
    }
    assert analysis.cost_totals(scope, currency="EUR")["effective_cost"] == D("999")
    assert analysis.currencies(scope) == ["NOK", "EUR"]


def test_totals_are_zero_without_data():
    scope = Scope((OrganisationFactory().pk,))
    assert analysis.cost_totals(scope, currency="NOK") == dict.fromkeys(analysis.TOTAL_COLUMNS, D("0"))
    assert analysis.currencies(scope) == []
    assert analysis.tag_keys(scope) == []


def test_period_limits_the_scope(org):
    scope = Scope((org.pk,), period_from=dt.date(2026, 2, 1), period_to=dt.date(2026, 2, 1))
    assert analysis.cost_totals(scope, currency="NOK")["effective_cost"] == D("49.75")


def test_cost_over_time_by_provider_per_month(org):
    rows = analysis.cost_over_time(Scope((org.pk,)), currency="NOK", group_by="provider", grain="month")
    assert rows == [
        {
            "period": dt.date(2026, 1, 1),
            "group": "Nordsky",
            "effective_cost": D("150.25"),
            "billed_cost": D("150.25"),
        },
        {
            "period": dt.date(2026, 2, 1),
            "group": "Fjellsky",
            "effective_cost": D("30.00"),
            "billed_cost": D("30.00"),
        },
        {
            "period": dt.date(2026, 2, 1),
            "group": "Nordsky",
            "effective_cost": D("19.75"),
            "billed_cost": D("25.00"),
        },
    ]


def test_cost_over_time_by_service_category_per_day(org):
    rows = analysis.cost_over_time(Scope((org.pk,)), currency="NOK", group_by="service_category", grain="day")
    assert [(r["period"], r["group"], r["effective_cost"]) for r in rows] == [
        (dt.date(2026, 1, 5), "Compute", D("100.00")),
        (dt.date(2026, 1, 6), "Storage", D("50.25")),
        (dt.date(2026, 2, 1), "Compute", D("30.00")),
        (dt.date(2026, 2, 2), "Databases", D("19.75")),
    ]


def test_cost_over_time_refuses_unknown_grouping(org):
    with pytest.raises(ValueError, match="group_by"):
        analysis.cost_over_time(Scope((org.pk,)), currency="NOK", group_by="region")
    with pytest.raises(ValueError, match="grain"):
        analysis.cost_over_time(Scope((org.pk,)), currency="NOK", grain="week")


def test_top_services_highest_first_with_limit(org):
    rows = analysis.top_services(Scope((org.pk,)), currency="NOK", limit=2)
    assert rows == [
        {
            "service_name": "Virtual Machines",
            "service_category": "Compute",
            "provider": "Nordsky",
            "effective_cost": D("100.00"),
            "billed_cost": D("100.00"),
        },
        {
            "service_name": "Object Storage",
            "service_category": "Storage",
            "provider": "Nordsky",
            "effective_cost": D("50.25"),
            "billed_cost": D("50.25"),
        },
    ]


def test_top_resources_only_rows_with_resource_id(org):
    rows = analysis.top_resources(Scope((org.pk,)), currency="NOK")
    assert [(r["resource_id"], r["resource_name"], r["effective_cost"]) for r in rows] == [
        ("vm-1", "app", D("130.00")),
        ("bucket-1", None, D("50.25")),
    ]


def test_tag_keys_and_breakdown(org):
    scope = Scope((org.pk,))
    assert analysis.tag_keys(scope) == ["cost-centre", "env", "team"]
    assert [
        (r["tag_value"], r["effective_cost"])
        for r in analysis.tag_breakdown(scope, currency="NOK", key="env")
    ] == [
        ("prod", D("100.00")),
        ("dev", D("50.25")),
        (None, D("49.75")),
    ]
    # A key without a value (FOCUS writes true) is "" — not the same as a row without the key (None).
    assert [
        (r["tag_value"], r["effective_cost"])
        for r in analysis.tag_breakdown(scope, currency="NOK", key="cost-centre")
    ] == [(None, D("170.00")), ("", D("30.00"))]


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 1), (dt.date(2025, 10, 1), dt.date(2025, 12, 1))),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 1), (dt.date(2026, 1, 1), dt.date(2026, 1, 1))),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 1), (dt.date(2024, 1, 1), dt.date(2024, 12, 1))),
    ],
)
def test_previous_scope_is_the_same_number_of_months_before(start, end, previous):
    scope = analysis.previous_scope(Scope((1,), period_from=start, period_to=end))
    assert scope is not None
    assert (scope.period_from, scope.period_to) == previous


def test_previous_scope_needs_both_ends():
    assert analysis.previous_scope(Scope((1,), period_from=dt.date(2026, 1, 1))) is None


# --- MPS aggregates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # every group large enough: nothing hidden, largest first
        (
            [
                {"group": "a", "organisations": 3, "effective_cost": D("1"), "billed_cost": D("1")},
                {"group": "b", "organisations": 4, "effective_cost": D("5"), "billed_cost": D("6")},
            ],
            [("b", 4, D("5"), False), ("a", 3, D("1"), False)],
        ),
        # one small group: it and the smallest other group are hidden (no subtraction from a total)
        (
            [
                {"group": "a", "organisations": 2, "effective_cost": D("9"), "billed_cost": D("9")},
                {"group": "b", "organisations": 5, "effective_cost": D("5"), "billed_cost": D("5")},
                {"group": "c", "organisations": 3, "effective_cost": D("7"), "billed_cost": D("7")},
            ],
            [("b", 5, D("5"), False), ("a", None, None, True), ("c", None, None, True)],
        ),
        # two small groups: only they are hidden
        (
            [
                {"group": "x", "organisations": 1, "effective_cost": D("9"), "billed_cost": D("9")},
                {"group": "y", "organisations": 2, "effective_cost": D("1"), "billed_cost": D("1")},
                {"group": "z", "organisations": 3, "effective_cost": D("2"), "billed_cost": D("2")},
            ],
            [("z", 3, D("2"), False), ("x", None, None, True), ("y", None, None, True)],
        ),
        # a lone small group
        (
            [{"group": "a", "organisations": 2, "effective_cost": D("9"), "billed_cost": D("9")}],
            [("a", None, None, True)],
        ),
    ],
)
def test_suppress_small_groups(rows, expected):
    result = analysis.suppress_small_groups(rows)
    assert [
        (r["group"], r["organisations"], r["effective_cost"], r["is_suppressed"]) for r in result
    ] == expected
    assert all((r["billed_cost"] is None) == r["is_suppressed"] for r in result)


def _three_states_two_municipalities():
    states = [OrganisationFactory(kind=OrganisationKind.STATE) for _ in range(3)]
    municipalities = [OrganisationFactory(kind=OrganisationKind.MUNICIPALITY) for _ in range(2)]
    for number, org in enumerate(states, start=1):
        store_costs(org, [cost_row(dt.date(2026, 1, 2), f"{number}0.00")])
    store_costs(municipalities[0], [cost_row(dt.date(2026, 1, 2), "7.00", ServiceProviderName="Fjellsky")])
    store_costs(municipalities[1], [cost_row(dt.date(2026, 1, 2), "8.00")])
    return {org.orgnr: org.kind for org in states + municipalities}


def test_mps_by_kind_hides_the_group_of_two_municipalities_and_the_only_other_group():
    kinds = _three_states_two_municipalities()
    rows = analysis.mps_cost_by_kind(Scope(None), currency="NOK", kinds=kinds)
    # The total (shown) minus the state amount would give the municipalities' amount: both are hidden.
    assert [(r["group"], r["organisations"], r["effective_cost"], r["is_suppressed"]) for r in rows] == [
        ("municipality", None, None, True),
        ("state", None, None, True),
    ]


def test_mps_by_kind_shows_large_groups():
    kinds = _three_states_two_municipalities()
    counties = [OrganisationFactory(kind=OrganisationKind.COUNTY) for _ in range(4)]
    for org in counties:
        store_costs(org, [cost_row(dt.date(2026, 1, 3), "1.50")])
        kinds[org.orgnr] = org.kind
    rows = analysis.mps_cost_by_kind(Scope(None), currency="NOK", kinds=kinds)
    # municipalities (2) hidden; the smallest other group (3 states) hidden with it; counties (4) shown
    assert [(r["group"], r["organisations"], r["effective_cost"], r["is_suppressed"]) for r in rows] == [
        ("county", 4, D("6.00"), False),
        ("municipality", None, None, True),
        ("state", None, None, True),
    ]


def test_mps_by_provider_and_total():
    _three_states_two_municipalities()
    rows = analysis.mps_cost_by_provider(Scope(None), currency="NOK")
    # Fjellsky has one organisation: hidden; then Nordsky is the only other group, so it is hidden too.
    assert [(r["group"], r["effective_cost"], r["is_suppressed"]) for r in rows] == [
        ("Fjellsky", None, True),
        ("Nordsky", None, True),
    ]
    total = analysis.mps_cost_total(Scope(None), currency="NOK")
    assert (total["organisations"], total["effective_cost"], total["billed_cost"]) == (
        5,
        D("75.00"),
        D("75.00"),
    )


def test_mps_total_is_hidden_below_three_organisations():
    for cost in ("1", "2"):
        store_costs(OrganisationFactory(), [cost_row(dt.date(2026, 1, 2), cost)])
    total = analysis.mps_cost_total(Scope(None), currency="NOK")
    assert (total["organisations"], total["effective_cost"], total["is_suppressed"]) == (None, None, True)
