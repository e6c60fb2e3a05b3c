"""What the checker says about the FOCUS specification's own 26 example files (tests/fixtures/focus/spec-examples,
CC BY 4.0). They are scenario illustrations with partial column sets, so:

- the commitment-discount files lack most Mandatory columns (BillingCurrency, ServiceName, ...): fatal, nothing is
  imported; the checker still reports what else it sees (a ChargePeriodEnd of hour 30 in purchase scenarios 2 and 3,
  the SkuPriceid column name, an Unused row with a ConsumedQuantity, a ListCost priced in normalised hours);
- the SaaS files are complete but written like a spreadsheet export ($10,100.00, 4/1/25): every row is usable after
  normalisation, with a WARNING per quirk;
- the virtual-currency files have no ServiceCategory: fatal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.finops.tests.conformance_helpers import SPEC_EXAMPLES, brief, check_file

DATES = [
    "BillingPeriodEnd-format",
    "BillingPeriodStart-format",
    "ChargePeriodEnd-format",
    "ChargePeriodStart-format",
]
SAAS_SIMPLE = [
    "BilledCost-format",
    *DATES[:4],
    "ContractedCost-format",
    "ContractedUnitPrice-format",
    "EffectiveCost-format",
    "ListCost-format",
    "ListUnitPrice-format",
    "ServiceSubcategory-nullability",
]
SAAS_SPEND = [*DATES, "ServiceCategory-allowed", "ServiceSubcategory-allowed"]
SAAS_SPEND_B = [
    *DATES,
    "ServiceCategory-allowed",
    "ServiceCategory-nullability",
    "ServiceName-nullability",
    "ServiceSubcategory-allowed",
    "ServiceSubcategory-nullability",
]

# file, version, rows, rows rejected, Mandatory columns missing, other rule ids found (sorted)
EXPECTED = [
    ("commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv", "1.1", 3, 3, 12, ["ColumnName-naming", "Dataset-nullliteral", "ListCost-relationship"]),
    ("commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv", "1.1", 3, 3, 12, ["ColumnName-naming", "Dataset-nullliteral"]),
    ("commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv", "1.1", 2, 2, 12, ["ColumnName-naming", "Dataset-nullliteral"]),
    ("commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv", "1.1", 3, 3, 12, ["ColumnName-naming", "ConsumedQuantity-nullability", "Dataset-nullliteral"]),
    ("commitment_discount_scenarios/commitment_discount_purchase_scenario_1.csv", "1.1", 1, 1, 14, []),
    ("commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv", "1.1", 3, 3, 14, ["ChargePeriodEnd-type"]),
    ("commitment_discount_scenarios/commitment_discount_purchase_scenario_3.csv", "1.1", 4, 4, 14, ["ChargePeriodEnd-type"]),
    ("commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv", "1.1", 1, 1, 14, []),
    ("commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv", "1.1", 1, 1, 14, ["Dataset-nullliteral"]),
    ("commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv", "1.1", 2, 2, 14, ["Dataset-nullliteral"]),
    ("commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv", "1.1", 2, 2, 14, ["Dataset-nullliteral"]),
    ("saas_examples/simple_agreements/simple_saas_agreements_a1.csv", "1.1", 1, 0, 0, SAAS_SIMPLE),
    ("saas_examples/simple_agreements/simple_saas_agreements_a2.csv", "1.1", 1, 0, 0, SAAS_SIMPLE),
    ("saas_examples/simple_agreements/simple_saas_agreements_a3.csv", "1.1", 1, 0, 0, SAAS_SIMPLE),
    ("saas_examples/simple_agreements/simple_saas_agreements_b.csv", "1.1", 1, 0, 0, SAAS_SIMPLE),
    ("saas_examples/simple_agreements/simple_saas_agreements_c.csv", "1.1", 3, 0, 0, SAAS_SIMPLE),
    ("saas_examples/spend_agreements/saas_spend_agreements_a1.csv", "1.1", 4, 0, 0, SAAS_SPEND),
    ("saas_examples/spend_agreements/saas_spend_agreements_a2.csv", "1.1", 13, 0, 0, SAAS_SPEND),
    ("saas_examples/spend_agreements/saas_spend_agreements_b1.csv", "1.1", 5, 0, 0, SAAS_SPEND_B),
    ("saas_examples/spend_agreements/saas_spend_agreements_b2.csv", "1.1", 14, 0, 0, SAAS_SPEND_B),
    ("saas_examples/virtual_currency_pricing_model_a1.csv", "1.2", 1, 1, 1, DATES),
    ("saas_examples/virtual_currency_pricing_model_a2.csv", "1.2", 3, 3, 1, DATES),
    ("saas_examples/virtual_currency_pricing_model_b1.csv", "1.2", 1, 1, 1, [*DATES[:4], "EffectiveCost-format"]),
    ("saas_examples/virtual_currency_pricing_model_b2.csv", "1.2", 3, 3, 1, DATES),
    ("saas_examples/virtual_currency_pricing_model_b3.csv", "1.2", 3, 3, 1, DATES),
    ("saas_examples/virtual_currency_pricing_model_c.csv", "1.2", 2, 2, 1, DATES),
]  # fmt: skip


def test_every_spec_example_is_listed():
    on_disk = sorted(str(p.relative_to(SPEC_EXAMPLES)) for p in SPEC_EXAMPLES.rglob("*.csv"))
    assert on_disk == sorted(e[0] for e in EXPECTED)
    assert len(on_disk) == 26


@pytest.mark.parametrize(
    ("name", "version", "rows", "rejected", "missing", "others"), EXPECTED, ids=lambda v: str(v)
)
def test_spec_example(name, version, rows, rejected, missing, others):
    result, _ = check_file(SPEC_EXAMPLES / name)
    assert (result.focus_version, result.rows, result.rows_rejected) == (version, rows, rejected)
    assert result.fatal == bool(missing)
    assert (
        len([f for f in result.findings if f.rule_id.endswith("-presence") and f.severity == "error"])
        == missing
    )
    assert sorted(f.rule_id for f in result.findings if not f.rule_id.endswith("-presence")) == sorted(others)


def test_virtual_currency_example_misses_service_category():
    result, _ = check_file(SPEC_EXAMPLES / "saas_examples" / "virtual_currency_pricing_model_a1.csv")
    assert [f for f in brief(result) if f[1] == "error"] == [
        ("ServiceCategory-presence", "error", "ServiceCategory", 0)
    ]


def test_simple_saas_example_is_normalised_exactly():
    result, rows = check_file(
        SPEC_EXAMPLES / "saas_examples" / "simple_agreements" / "simple_saas_agreements_c.csv"
    )
    assert result.rows_rejected == 0
    assert [(r["BilledCost"], r["ListUnitPrice"], r["PricingQuantity"]) for r in rows] == [
        (Decimal("10100.00"), Decimal("20.00"), Decimal("505")),
        (Decimal("13000.00"), Decimal("20.00"), Decimal("650")),
        (Decimal("12700.00"), Decimal("20.00"), Decimal("635")),
    ]
    assert [(r["BillingPeriodStart"], r["BillingPeriodEnd"]) for r in rows] == [
        (dt.datetime(2025, 4, 1), dt.datetime(2025, 5, 1)),
        (dt.datetime(2025, 5, 1), dt.datetime(2025, 6, 1)),
        (dt.datetime(2025, 6, 1), dt.datetime(2025, 7, 1)),
    ]
    assert "slash dates read as month/day/year" in result.findings[1].message
    assert {r["x_RejectReason"] for r in rows} == {None}


def test_purchase_scenario_with_hour_30_rejects_that_row_as_well():
    result, rows = check_file(
        SPEC_EXAMPLES / "commitment_discount_scenarios" / "commitment_discount_purchase_scenario_2.csv"
    )
    assert ("ChargePeriodEnd-type", "error", "ChargePeriodEnd", 1) in brief(result)
    assert rows[2]["ChargePeriodEnd"] is None
    assert rows[2]["BilledCost"] == Decimal("1.00")


def test_flexibility_example_names_the_misspelt_column_and_the_normalised_hour_price():
    result, rows = check_file(
        SPEC_EXAMPLES
        / "commitment_discount_flexibility"
        / "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv"
    )
    assert ("ColumnName-naming", "warning", "SkuPriceId", 0) in brief(result)
    assert ("ListCost-relationship", "warning", "ListCost", 1) in brief(result)
    assert [r["SkuPriceId"] for r in rows] == [
        "VM_SMALL_COMMITTED_PURCHASE_NO_UPFRONT",
        "VM_LARGE_COMMITTED_HOUR",
        "VM_LARGE_ON_DEMAND_HOUR",
    ]
    assert [r["ConsumedQuantity"] for r in rows] == [None, Decimal("1.00"), Decimal("1.00")]
