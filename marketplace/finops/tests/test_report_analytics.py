"""The core analyses on small stored data sets: exact Decimal sums, filters, dimensions, tags and NOK."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics import report
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.report import Filters
from marketplace.finops.models import ExchangeRate
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

D = Decimal


def d10(value: str) -> Decimal:
    return D(value).quantize(D("0.0000000001"))


@pytest.fixture
def org():
    organisation = OrganisationFactory()
    store_costs(
        organisation,
        [
            cost_row(
                dt.date(2026, 8, 3),
                "100",
                Tags=json.dumps({"team": "skatt", "env": "prod"}),
                ResourceId="vm-1",
            ),
            cost_row(
                dt.date(2026, 8, 4),
                "50.25",
                ServiceName="Blob Storage",
                ServiceCategory="Storage",
                ResourceId="st-1",
                Tags=json.dumps({"team": "toll"}),
            ),
            cost_row(
                dt.date(2026, 9, 1),
                "10",
                EffectiveCost=D("7.5"),
                ListCost=D("12"),
                ContractedCost=D("11"),
                ResourceId="vm-1",
                RegionId="eu-north-1",
            ),
            cost_row(
                dt.date(2026, 9, 2),
                "20",
                BillingCurrency="USD",
                ProviderName="Amazon Web Services",
                ServiceProviderName="Amazon Web Services",
                ServiceName="EC2",
                SubAccountId="acct-2",
                Tags="{}",
                ResourceId="i-1",
            ),
            cost_row(dt.date(2026, 9, 3), "0.0000000001", Tags=json.dumps({"env": "test", "flag": True})),
        ],
    )
    return organisation


def test_totals_per_currency_are_exact(org):
    assert report.totals(Scope((org.pk,))) == [
        {
            "currency": "NOK",
            "billed_cost": d10("160.2500000001"),
            "effective_cost": d10("157.7500000001"),
            "list_cost": d10("162.2500000001"),
            "contracted_cost": d10("161.2500000001"),
            "rows": 4,
        },
        {
            "currency": "USD",
            "billed_cost": d10("20"),
            "effective_cost": d10("20"),
            "list_cost": d10("20"),
            "contracted_cost": d10("20"),
            "rows": 1,
        },
    ]


def test_period_scope_limits_the_months(org):
    rows = report.totals(Scope((org.pk,), period_from=dt.date(2026, 9, 1), period_to=dt.date(2026, 9, 1)))
    assert [(r["currency"], r["billed_cost"], r["rows"]) for r in rows] == [
        ("NOK", d10("10.0000000001"), 2),
        ("USD", d10("20"), 1),
    ]


def test_by_provider(org):
    assert report.by_provider(Scope((org.pk,))) == [
        {
            "provider": "Nordsky",
            "currency": "NOK",
            "billed_cost": d10("160.2500000001"),
            "effective_cost": d10("157.7500000001"),
        },
        {
            "provider": "Amazon Web Services",
            "currency": "USD",
            "billed_cost": d10("20"),
            "effective_cost": d10("20"),
        },
    ]


def test_report_sums_totals_and_providers_from_one_read(org):
    built = report.report_build(Scope((org.pk,)), sections=["totals", "by_provider"])
    assert built == {
        "totals": report.totals(Scope((org.pk,))),
        "by_provider": report.by_provider(Scope((org.pk,))),
    }
    assert sum(r["rows"] for r in built["totals"]) == 5


def test_totals_and_providers_of_the_summary_keep_exact_sums_and_order():
    """Sums wider than Python's default 28 digits stay exact; providers: largest effective cost first, ties by
    provider and currency, empty values last; a sum of nothing (NULL) is reported as 0."""
    big, tiny = Decimal("1234567890123456789012345678"), Decimal("0.0000000001")
    summary = [
        {
            "provider": "B",
            "currency": "NOK",
            "billed_cost": big,
            "effective_cost": d10("5"),
            "list_cost": None,
            "contracted_cost": None,
            "rows": 2,
        },
        {
            "provider": "A",
            "currency": "NOK",
            "billed_cost": tiny,
            "effective_cost": d10("5"),
            "list_cost": None,
            "contracted_cost": d10("1"),
            "rows": 1,
        },
        {
            "provider": None,
            "currency": "NOK",
            "billed_cost": None,
            "effective_cost": d10("7"),
            "list_cost": None,
            "contracted_cost": None,
            "rows": 1,
        },
        {
            "provider": "C",
            "currency": "EUR",
            "billed_cost": d10("1"),
            "effective_cost": None,
            "list_cost": None,
            "contracted_cost": None,
            "rows": 3,
        },
    ]
    assert report.totals_of(summary) == [
        {
            "currency": "EUR",
            "billed_cost": d10("1"),
            "effective_cost": report.ZERO,
            "list_cost": report.ZERO,
            "contracted_cost": report.ZERO,
            "rows": 3,
        },
        {
            "currency": "NOK",
            "billed_cost": Decimal("1234567890123456789012345678.0000000001"),
            "effective_cost": d10("17"),
            "list_cost": report.ZERO,
            "contracted_cost": d10("1"),
            "rows": 4,
        },
    ]
    assert [(r["provider"], r["currency"]) for r in report.by_provider_of(summary)] == [
        (None, "NOK"),
        ("A", "NOK"),
        ("B", "NOK"),
        ("C", "EUR"),
    ]


def test_filters_combine(org):
    scope = Scope((org.pk,))
    assert [r["billed_cost"] for r in report.totals(scope, Filters(service_category="Storage"))] == [
        d10("50.25")
    ]
    assert [r["billed_cost"] for r in report.totals(scope, Filters(sub_account="acct-2"))] == [d10("20")]
    assert [r["billed_cost"] for r in report.totals(scope, Filters(region="eu-north-1"))] == [d10("10")]
    assert report.totals(scope, Filters(provider="Nordsky", service="EC2")) == []
    assert [r["billed_cost"] for r in report.totals(scope, Filters(tag_key="env", tag_value="prod"))] == [
        d10("100")
    ]
    assert [r["billed_cost"] for r in report.totals(scope, Filters(tag_key="env"))] == [d10("100.0000000001")]


def test_breakdown_by_tag_key_has_an_untagged_row(org):
    rows = report.by_dimension(Scope((org.pk,)), "tag:team")
    assert [(r["key"], r["currency"], r["effective_cost"]) for r in rows] == [
        ("skatt", "NOK", d10("100")),
        ("toll", "NOK", d10("50.25")),
        (None, "USD", d10("20")),
        (None, "NOK", d10("7.5000000001")),
    ]


def test_boolean_tag_values_read_as_json_text(org):
    rows = report.by_dimension(Scope((org.pk,)), "tag:flag")
    assert [(r["key"], r["effective_cost"]) for r in rows if r["key"]] == [("true", d10("0.0000000001"))]


def test_unknown_dimension_is_refused(org):
    with pytest.raises(ValueError, match="Unknown dimension"):
        report.by_dimension(Scope((org.pk,)), "colour")


def test_top_services_and_resources(org):
    scope = Scope((org.pk,))
    assert [
        (r["service"], r["currency"], r["effective_cost"]) for r in report.top_services(scope, limit=2)
    ] == [
        ("Virtual Machines", "NOK", d10("107.5000000001")),
        ("Blob Storage", "NOK", d10("50.25")),
    ]
    assert [(r["resource_id"], r["effective_cost"]) for r in report.top_resources(scope)] == [
        ("vm-1", d10("107.5")),
        ("st-1", d10("50.25")),
        ("i-1", d10("20")),
    ]


def test_cost_over_time_by_month_and_day_stacked(org):
    scope = Scope((org.pk,))
    assert [(r["period"], r["currency"], r["billed_cost"]) for r in report.by_month(scope)] == [
        ("2026-08", "NOK", d10("150.25")),
        ("2026-09", "NOK", d10("10.0000000001")),
        ("2026-09", "USD", d10("20")),
    ]
    days = report.cost_over_time(scope, grain="day", stack_by="service_category")
    assert [(r["period"], r["stack"], r["effective_cost"]) for r in days] == [
        ("2026-08-03", "Compute", d10("100")),
        ("2026-08-04", "Storage", d10("50.25")),
        ("2026-09-01", "Compute", d10("7.5")),
        ("2026-09-02", "Compute", d10("20")),
        ("2026-09-03", "Compute", d10("0.0000000001")),
    ]


def test_untagged_share(org):
    rows = report.untagged_share(Scope((org.pk,)))
    assert rows == [
        {
            "currency": "NOK",
            "untagged_cost": d10("7.5"),
            "effective_cost": d10("157.7500000001"),
            "share": D("0.047544"),
        },
        {"currency": "USD", "untagged_cost": d10("20"), "effective_cost": d10("20"), "share": D("1.000000")},
    ]
    by_key = report.untagged_share(Scope((org.pk,)), tag_key="team")
    assert [(r["currency"], r["untagged_cost"]) for r in by_key] == [
        ("NOK", d10("7.5000000001")),
        ("USD", d10("20")),
    ]


def test_empty_scope_gives_empty_sections():
    nobody = OrganisationFactory()
    built = report.report_build(Scope((nobody.pk,)))
    assert built["totals"] == []
    assert built["by_provider"] == []
    assert built["untagged_share"] == []
    assert built["nok"]["billed_cost"] == D(0)
    assert built["nok"]["is_complete"] is True
    assert built["commitments"] == {"utilisation": [], "coverage": []}
    assert built["showback"] == {"centres": [], "unallocated": [], "shared": []}


def test_nok_uses_the_monthly_rate_and_lists_missing_ones(org):
    scope = Scope((org.pk,))
    missing = report.nok_totals(scope)
    assert missing["is_complete"] is False
    assert missing["missing_rates"] == [
        {"currency": "USD", "month": "2026-09", "billed_cost": d10("20"), "effective_cost": d10("20")}
    ]
    assert missing["billed_cost"] == d10("160.2500000001")
    ExchangeRate.objects.create(
        currency="USD", month=dt.date(2026, 9, 1), nok_per_unit=D("10.12345678"), source="Norges Bank"
    )
    ExchangeRate.objects.create(
        currency="USD", month=dt.date(2026, 8, 1), nok_per_unit=D("99"), source="Norges Bank"
    )
    converted = report.nok_totals(scope)
    assert converted["is_complete"] is True
    assert converted["missing_rates"] == []
    assert converted["rates"] == [
        {"currency": "USD", "month": "2026-09", "nok_per_unit": D("10.12345678"), "source": "Norges Bank"}
    ]
    assert converted["billed_cost"] == D("160.2500000001") + D("20") * D("10.12345678")
    assert converted["billed_cost"] == D("362.7191356001")


def test_other_organisations_data_is_not_in_the_scope(org):
    other = OrganisationFactory()
    store_costs(other, [cost_row(dt.date(2026, 8, 3), "999")])
    assert [r["rows"] for r in report.totals(Scope((org.pk,)))] == [4, 1]
