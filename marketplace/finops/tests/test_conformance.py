"""The FOCUS conformance checker, one rule family at a time, on small files made for the test (a valid FOCUS 1.2 row
with every column, changed where the test says): exact findings, exact counts, exact normalised values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from marketplace.finops.focus import spec
from marketplace.finops.focus.check import check_relation, detect_version
from marketplace.finops.schema import FOCUS_COLUMNS
from marketplace.finops.tests.conformance_helpers import (
    VALID_ROW,
    brief,
    check_file,
    check_rows,
    row,
    write_csv,
)

COLUMNS_1_1_AND_LATER = tuple(n for n, c in spec.all_columns().items() if c.since != "1.0")


def test_a_valid_file_has_no_findings_and_every_stored_column(tmp_path):
    result, stored = check_rows(tmp_path, [row(), row(BilledCost="0.0000000001")])
    assert (result.focus_version, result.fatal, result.rows, result.rows_rejected) == ("1.2", False, 2, 0)
    assert result.findings == []
    assert list(stored[0]) == [name for name, _ in FOCUS_COLUMNS] + ["x_SourceRow", "x_RejectReason"]
    assert stored[1]["BilledCost"] == Decimal("0.0000000001")
    assert stored[0]["ChargePeriodStart"] == dt.datetime(2026, 9, 1)
    assert (stored[0]["ServiceProviderName"], stored[0]["HostProviderName"]) == ("Sky", "Sky")


# --- presence -------------------------------------------------------------------------------------------------


def test_missing_mandatory_column_is_fatal_and_rejects_every_row(tmp_path):
    result, stored = check_rows(tmp_path, [row(), row()], drop=("BilledCost", "ServiceName"))
    assert result.fatal
    assert (result.rows, result.rows_rejected) == (2, 2)
    assert brief(result) == [
        ("BilledCost-presence", "error", "BilledCost", 0),
        ("ServiceName-presence", "error", "ServiceName", 0),
    ]
    assert [r["x_RejectReason"] for r in stored] == ["BilledCost-presence,ServiceName-presence"] * 2


def test_missing_recommended_column_is_info(tmp_path):
    result, _ = check_rows(tmp_path, [row()], drop=("AvailabilityZone",))
    assert brief(result) == [("AvailabilityZone-presence", "info", "AvailabilityZone", 0)]
    assert not result.fatal
    assert result.rows_rejected == 0


def test_missing_conditional_column_is_info_only_when_its_feature_is_present(tmp_path):
    result, _ = check_rows(tmp_path, [row()], drop=("CommitmentDiscountStatus",))
    assert brief(result) == [("CommitmentDiscountStatus-presence", "info", "CommitmentDiscountStatus", 0)]
    result, _ = check_rows(tmp_path, [row()], drop=("CapacityReservationId", "CapacityReservationStatus"))
    assert brief(result) == []


# --- naming ---------------------------------------------------------------------------------------------------


def test_custom_column_without_x_prefix_is_a_warning_and_x_columns_are_fine(tmp_path):
    result, stored = check_rows(tmp_path, [row(Id="abc", x_CostCentre="42")])
    assert brief(result) == [("CustomColumn-naming", "warning", "Id", 0)]
    assert "Id" not in stored[0]
    assert "x_CostCentre" not in stored[0]


def test_focus_column_in_the_wrong_case_is_read_as_the_column(tmp_path):
    changed = row()
    changed["SkuPriceid"] = changed.pop("SkuPriceId")
    result, stored = check_rows(tmp_path, [changed])
    assert brief(result) == [("ColumnName-naming", "warning", "SkuPriceId", 0)]
    assert stored[0]["SkuPriceId"] == "sp-1"


# --- types ----------------------------------------------------------------------------------------------------


def test_unparseable_needed_value_rejects_the_row(tmp_path):
    result, stored = check_rows(
        tmp_path,
        [row(BilledCost="abc"), row(ChargePeriodEnd="2023-02-01T30:00:00Z"), row(BilledCost="1,234"), row()],
    )
    assert brief(result) == [
        ("BilledCost-type", "error", "BilledCost", 2),
        ("ChargePeriodEnd-type", "error", "ChargePeriodEnd", 1),
    ]
    assert result.rows_rejected == 3
    assert [r["x_RejectReason"] for r in stored] == [
        "BilledCost-type",
        "ChargePeriodEnd-type",
        "BilledCost-type",
        None,
    ]
    assert result.findings[0].message.endswith("(2 rows, first at row 1)")


def test_unparseable_optional_value_is_nulled_with_a_warning(tmp_path):
    result, stored = check_rows(tmp_path, [row(ListUnitPrice="n/a"), row(ListUnitPrice="")])
    assert brief(result) == [("ListUnitPrice-type", "warning", "ListUnitPrice", 1)]
    assert result.rows_rejected == 0
    assert [r["ListUnitPrice"] for r in stored] == [None, None]


def test_tags_must_be_a_json_object(tmp_path):
    result, stored = check_rows(
        tmp_path, [row(Tags="[1, 2]"), row(Tags="team=drift"), row(Tags='{"a": true}')]
    )
    assert brief(result) == [("Tags-type", "warning", "Tags", 2)]
    assert [r["Tags"] for r in stored] == [None, None, '{"a": true}']
    assert result.rows_rejected == 0


# --- formats --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("1 234,50", Decimal("1234.50")),
        ("1\u00a0234,50", Decimal("1234.50")),
        ("$1,234.50", Decimal("1234.50")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("1,234,567", Decimal("1234567")),
        ("12,5", Decimal("12.5")),
        ("+5", Decimal("5")),
        ("(12.50)", Decimal("-12.50")),
        ("-€ 3,5", Decimal("-3.5")),
        ("kr 100", Decimal("100")),
        (" 7.25 ", Decimal("7.25")),
    ],
)
def test_numeric_quirks_are_normalised_with_a_warning(tmp_path, written, stored):
    result, rows = check_rows(tmp_path, [row(BilledCost=written), row()])
    assert brief(result) == [("BilledCost-format", "warning", "BilledCost", 1)]
    assert rows[0]["BilledCost"] == stored
    assert rows[0]["x_RejectReason"] is None


@pytest.mark.parametrize("written", ["1e3", "-0.5", ".5", "1000"])
def test_plain_and_e_notation_numbers_are_conformant(tmp_path, written):
    result, rows = check_rows(tmp_path, [row(BilledCost=written)])
    assert brief(result) == []
    assert rows[0]["BilledCost"] == Decimal(written)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2026-09-01T00:00:00", dt.datetime(2026, 9, 1)),
        ("2026-09-01 00:00:00", dt.datetime(2026, 9, 1)),
        ("2026-09-01 00:00:00Z", dt.datetime(2026, 9, 1)),
        ("2026-09-01", dt.datetime(2026, 9, 1)),
        ("2026-09-01T02:00:00+02:00", dt.datetime(2026, 9, 1)),
        ("2026-09-01T06:30:00.5Z", dt.datetime(2026, 9, 1, 6, 30, 0, 500000)),
        ("1.9.2026", dt.datetime(2026, 9, 1)),
    ],
)
def test_datetime_quirks_are_normalised_to_utc_with_a_warning(tmp_path, written, stored):
    result, rows = check_rows(tmp_path, [row(ChargePeriodStart=written), row()])
    assert brief(result) == [("ChargePeriodStart-format", "warning", "ChargePeriodStart", 1)]
    assert rows[0]["ChargePeriodStart"] == stored


def test_slash_dates_are_month_first_unless_the_file_shows_day_first(tmp_path):
    _, rows = check_rows(tmp_path, [row(ChargePeriodStart="9/1/26"), row(ChargePeriodStart="9/1/2026")])
    assert [r["ChargePeriodStart"] for r in rows] == [dt.datetime(2026, 9, 1)] * 2
    result, rows = check_rows(
        tmp_path, [row(ChargePeriodStart="1/9/2026"), row(ChargePeriodStart="13/9/2026")]
    )
    assert [r["ChargePeriodStart"] for r in rows] == [dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 13)]
    assert "day/month/year" in result.findings[0].message


def test_slash_dates_in_both_orders_are_not_read(tmp_path):
    result, _rows = check_rows(
        tmp_path, [row(ChargePeriodStart="13/9/2026"), row(ChargePeriodStart="9/13/2026")]
    )
    assert brief(result) == [("ChargePeriodStart-type", "error", "ChargePeriodStart", 2)]
    assert result.rows_rejected == 2


def test_currency_code_in_lower_case_is_upper_cased_and_a_non_code_rejects(tmp_path):
    result, rows = check_rows(tmp_path, [row(BillingCurrency="nok"), row(BillingCurrency="Kroner"), row()])
    assert brief(result) == [
        ("BillingCurrency-format", "warning", "BillingCurrency", 1),
        ("BillingCurrency-allowed", "error", "BillingCurrency", 1),
    ]
    assert [r["BillingCurrency"] for r in rows] == ["NOK", "Kroner", "NOK"]
    assert [r["x_RejectReason"] for r in rows] == [None, "BillingCurrency-allowed", None]


# --- allowed values -------------------------------------------------------------------------------------------


def test_allowed_value_in_the_wrong_case_is_normalised(tmp_path):
    result, rows = check_rows(
        tmp_path, [row(ChargeCategory="usage"), row(ChargeCategory="USAGE "), row(ServiceCategory="compute")]
    )
    assert brief(result) == [
        ("ChargeCategory-allowed", "warning", "ChargeCategory", 2),
        ("ServiceCategory-allowed", "warning", "ServiceCategory", 1),
    ]
    assert [r["ChargeCategory"] for r in rows] == ["Usage", "Usage", "Usage"]
    assert rows[2]["ServiceCategory"] == "Compute"
    assert result.rows_rejected == 0


def test_unknown_charge_category_rejects_other_unknown_values_are_kept(tmp_path):
    result, rows = check_rows(
        tmp_path,
        [row(ChargeCategory="Refund", ConsumedQuantity="", ConsumedUnit=""), row(ServiceCategory="Database")],
    )
    assert brief(result) == [
        ("ChargeCategory-allowed", "error", "ChargeCategory", 1),
        ("ServiceCategory-allowed", "warning", "ServiceCategory", 1),
    ]
    assert [r["x_RejectReason"] for r in rows] == ["ChargeCategory-allowed", None]
    assert rows[1]["ServiceCategory"] == "Database"


def test_x_reject_reason_lists_every_rejecting_rule(tmp_path):
    result, rows = check_rows(tmp_path, [row(BilledCost="abc", ChargeCategory="Refund", ConsumedQuantity="")])
    assert rows[0]["x_RejectReason"] == "BilledCost-type,ChargeCategory-allowed"
    assert result.rows_rejected == 1


# --- nullability ----------------------------------------------------------------------------------------------


def test_null_in_a_needed_column_rejects_other_not_nullable_columns_warn(tmp_path):
    result, rows = check_rows(tmp_path, [row(BilledCost=""), row(ServiceName=""), row(EffectiveCost="null")])
    assert brief(result) == [
        ("BilledCost-nullability", "error", "BilledCost", 1),
        ("EffectiveCost-nullability", "error", "EffectiveCost", 1),
        ("ServiceName-nullability", "warning", "ServiceName", 1),
        ("Dataset-nullliteral", "info", "", 1),
    ]
    assert [r["x_RejectReason"] for r in rows] == [
        "BilledCost-nullability",
        None,
        "EffectiveCost-nullability",
    ]


def test_conditional_nullability_rules(tmp_path):
    tax = row(ChargeCategory="Tax", PricingCategory="Standard", ConsumedQuantity="", ConsumedUnit="")
    tax.update(PricingQuantity="", PricingUnit="", ListUnitPrice="", ContractedUnitPrice="")
    usage_without_category = row(PricingCategory="")
    correction_without_category = row(PricingCategory="", ChargeClass="Correction")
    purchase_with_consumption = row(ChargeCategory="Purchase", ChargeFrequency="One-Time")
    unit_without_quantity = row(PricingQuantity="", ListUnitPrice="", ContractedUnitPrice="")
    tax_with_quantity = dict(tax, PricingCategory="", PricingQuantity="2", PricingUnit="Hours")
    correction_without_quantity = dict(unit_without_quantity, ChargeClass="Correction", PricingUnit="")
    result, _ = check_rows(
        tmp_path,
        [
            tax,
            usage_without_category,
            correction_without_category,
            purchase_with_consumption,
            unit_without_quantity,
            tax_with_quantity,
            correction_without_quantity,
        ],
    )
    assert brief(result) == [
        ("PricingCategory-nullability-1", "warning", "PricingCategory", 1),
        ("PricingCategory-nullability-2", "warning", "PricingCategory", 1),
        ("PricingQuantity-nullability", "warning", "PricingQuantity", 2),
        ("ConsumedQuantity-nullability", "warning", "ConsumedQuantity", 1),
        ("PricingUnit-nullability", "warning", "PricingUnit", 1),
    ]
    assert result.rows_rejected == 0


# --- relationships --------------------------------------------------------------------------------------------


def test_cost_must_equal_unit_price_times_quantity_within_tolerance(tmp_path):
    result, _ = check_rows(
        tmp_path,
        [
            row(ListCost="15.01"),  # off by 0.07 %
            row(ListCost="15.000001"),  # within 1e-6 relative
            row(ContractedCost="12", ListCost="14"),
            row(ContractedCost="12", ChargeClass="Correction"),  # corrections may differ
        ],
    )
    assert brief(result) == [
        ("ListCost-relationship", "warning", "ListCost", 2),
        ("ContractedCost-relationship", "warning", "ContractedCost", 1),
    ]
    assert result.rows_rejected == 0


def test_frequency_period_order_and_subcategory_relationships(tmp_path):
    result, _ = check_rows(
        tmp_path,
        [
            row(ChargeCategory="Purchase", ConsumedQuantity="", ConsumedUnit=""),  # Usage-Based purchase
            row(ChargePeriodEnd="2026-09-01T00:00:00Z"),  # end == start
            row(BillingPeriodStart="2026-10-01T00:00:00Z", BillingPeriodEnd="2026-09-01T00:00:00Z"),
            row(ServiceSubcategory="Relational Databases"),  # a Databases subcategory under Compute
        ],
    )
    assert brief(result) == [
        ("ChargeFrequency-relationship", "warning", "ChargeFrequency", 1),
        ("BillingPeriodEnd-relationship", "warning", "BillingPeriodEnd", 1),
        ("ChargePeriodEnd-relationship", "warning", "ChargePeriodEnd", 1),
        ("ServiceSubcategory-relationship", "warning", "ServiceSubcategory", 1),
    ]
    assert result.rows_rejected == 0


# --- commitment discounts -------------------------------------------------------------------------------------


def _commitment_rows(purchase_billed: str) -> list[dict[str, str]]:
    common = {
        "CommitmentDiscountId": "cd-1",
        "CommitmentDiscountCategory": "Spend",
        "CommitmentDiscountType": "Savings Plan",
        "CommitmentDiscountName": "SP",
    }
    purchase = row(
        ChargeCategory="Purchase", ChargeFrequency="Recurring", BilledCost=purchase_billed, **common
    )
    purchase.update(EffectiveCost="0", ConsumedQuantity="", ConsumedUnit="")
    used = row(
        BilledCost="0", EffectiveCost="0.75", CommitmentDiscountStatus="Used", PricingCategory="Committed"
    )
    used.update(common)
    unused = row(
        BilledCost="0", EffectiveCost="0.25", CommitmentDiscountStatus="Unused", PricingCategory="Committed"
    )
    unused.update(common, ConsumedQuantity="", ConsumedUnit="")
    return [purchase, used, unused, row()]


def test_commitment_usage_adds_up_to_the_purchase(tmp_path):
    result, _ = check_rows(tmp_path, _commitment_rows("1.00"))
    assert brief(result) == []


def test_commitment_usage_that_does_not_add_up_to_the_purchase_is_only_a_note(tmp_path):
    # FOCUS requires the balance over the commitment's whole term; one file may hold part of it
    result, _ = check_rows(tmp_path, _commitment_rows("0.90"))
    assert brief(result) == [("CommitmentDiscountId-commitment", "info", "CommitmentDiscountId", 3)]
    assert "cd-1" in result.findings[0].message
    assert result.rows_rejected == 0


def test_commitment_usage_that_is_not_used_plus_unused_is_a_warning(tmp_path):
    rows = _commitment_rows("1.25")
    # a third Usage row of the commitment, without Used or Unused: Usage 1.25, Used + Unused 1.00
    third = {**rows[1], "EffectiveCost": "0.25", "CommitmentDiscountStatus": ""}
    result, _ = check_rows(tmp_path, [*rows, third])
    assert brief(result) == [
        ("CommitmentDiscountStatus-nullability", "warning", "CommitmentDiscountStatus", 1),
        ("EffectiveCost-commitment", "warning", "EffectiveCost", 3),
    ]
    assert "cd-1" in result.findings[1].message
    assert "(3 rows, first at row 2)" in result.findings[1].message
    assert result.rows_rejected == 0


def test_commitment_usage_used_plus_unused_within_tolerance_is_fine(tmp_path):
    rows = _commitment_rows("1.0000001")
    rows[1]["EffectiveCost"] = "0.7500001"
    result, _ = check_rows(tmp_path, rows)
    assert brief(result) == []


# --- invoices -------------------------------------------------------------------------------------------------


def test_an_invoice_of_two_billing_accounts_is_a_warning(tmp_path):
    result, _ = check_rows(
        tmp_path,
        [
            row(),
            row(BillingAccountId="acct-2"),
            row(InvoiceId="inv-2", BillingAccountId="acct-2"),
            row(InvoiceId=""),
            row(InvoiceId="", BillingAccountId="acct-3"),
        ],
    )
    assert brief(result) == [("InvoiceId-relationship", "warning", "InvoiceId", 2)]
    assert result.findings[0].message == (
        "1 InvoiceId value(s) (inv-1) belong to more than one BillingAccountId (2 rows, first at row 1)"
    )
    assert result.rows_rejected == 0


def test_invoices_of_one_billing_account_each_are_fine(tmp_path):
    result, _ = check_rows(
        tmp_path, [row(), row(), row(InvoiceId="inv-2", BillingAccountId="acct-2"), row(InvoiceId="")]
    )
    assert brief(result) == []


def test_the_invoice_rule_needs_both_columns(tmp_path):
    result, _ = check_rows(
        tmp_path, [row(), row(BillingAccountId="acct-2")], drop=("InvoiceId",), version="1.2"
    )
    assert "InvoiceId-relationship" not in [f.rule_id for f in result.findings]


def test_commitment_status_without_commitment_id(tmp_path):
    result, _ = check_rows(tmp_path, [row(CommitmentDiscountStatus="Used")])
    assert brief(result) == [
        ("CommitmentDiscountStatus-commitment", "warning", "CommitmentDiscountStatus", 1)
    ]


# --- versions -------------------------------------------------------------------------------------------------


def test_version_is_detected_from_the_newest_column():
    one_zero = [c for c in VALID_ROW if c not in COLUMNS_1_1_AND_LATER]
    assert detect_version(one_zero) == "1.0"
    assert detect_version([*one_zero, "ServiceSubcategory"]) == "1.1"
    assert detect_version([*one_zero, "invoiceid"]) == "1.2"
    assert detect_version([*one_zero, "ServiceProviderName"]) == "1.3"


def test_a_focus_1_0_file_is_checked_as_1_0(tmp_path):
    result, rows = check_rows(tmp_path, [row()], drop=COLUMNS_1_1_AND_LATER)
    assert result.focus_version == "1.0"
    assert brief(result) == []
    assert rows[0]["ServiceSubcategory"] is None
    assert rows[0]["ServiceProviderName"] == "Sky"


def test_newer_columns_than_the_asked_version_are_info(tmp_path):
    result, _ = check_rows(tmp_path, [row()], drop=("BillingAccountType",), version="1.1")
    assert result.focus_version == "1.1"
    assert [(f.rule_id, f.severity) for f in result.findings] == [
        ("InvoiceId-version", "info"),
        ("PricingCurrency-version", "info"),
        ("PricingCurrencyContractedUnitPrice-version", "info"),
        ("PricingCurrencyEffectiveCost-version", "info"),
        ("PricingCurrencyListUnitPrice-version", "info"),
        ("SubAccountType-version", "info"),
    ]


def test_a_1_3_file_fills_the_deprecated_provider_columns(tmp_path):
    new = row(ServiceProviderName="Sky", HostProviderName="Host AS")
    del new["ProviderName"], new["PublisherName"]
    result, rows = check_rows(tmp_path, [new])
    assert result.focus_version == "1.3"
    assert brief(result) == [
        ("ProviderName-presence", "info", "ProviderName", 0),
        ("PublisherName-presence", "info", "PublisherName", 0),
    ]
    assert (rows[0]["ProviderName"], rows[0]["PublisherName"]) == ("Sky", "Host AS")
    assert (rows[0]["ServiceProviderName"], rows[0]["HostProviderName"]) == ("Sky", "Host AS")


def test_a_1_2_file_checked_as_1_3_fills_the_new_provider_columns(tmp_path):
    result, rows = check_rows(tmp_path, [row()], version="1.3")
    assert brief(result) == [
        ("HostProviderName-presence", "info", "HostProviderName", 0),
        ("ServiceProviderName-presence", "info", "ServiceProviderName", 0),
    ]
    assert (rows[0]["ServiceProviderName"], rows[0]["HostProviderName"]) == ("Sky", "Sky")


def test_a_1_3_file_without_any_provider_column_is_fatal(tmp_path):
    result, _ = check_rows(tmp_path, [row()], drop=("ProviderName", "PublisherName"), version="1.3")
    assert result.fatal
    assert ("ServiceProviderName-presence", "error", "ServiceProviderName", 0) in brief(result)
    assert ("HostProviderName-presence", "error", "HostProviderName", 0) in brief(result)


def test_unknown_version_is_refused(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE VIEW source AS SELECT 1 AS x_SourceRow")
    with pytest.raises(ValueError, match=r"Unknown FOCUS version '2\.0'"):
        check_relation(con, "source", version="2.0")


# --- typed input (Parquet) ------------------------------------------------------------------------------------


def test_typed_parquet_columns_are_taken_as_typed(tmp_path):
    csv_path = write_csv(tmp_path / "in.csv", [row()])
    parquet = tmp_path / "in.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Oslo'")
    con.execute(
        f"COPY (SELECT * REPLACE (CAST(BilledCost AS DECIMAL(18, 4)) AS BilledCost, "
        f"CAST(ListCost AS DOUBLE) AS ListCost, "
        f"CAST('2026-09-01 02:00:00+02' AS TIMESTAMPTZ) AS ChargePeriodStart) "
        f"FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    result, rows = check_file(parquet)
    assert brief(result) == []
    assert rows[0]["BilledCost"] == Decimal("12.5")
    assert rows[0]["ListCost"] == Decimal("15")
    assert rows[0]["ChargePeriodStart"] == dt.datetime(2026, 9, 1)


def _typed_parquet(tmp_path, rows, replace: str = "") -> object:
    """The rows as Parquet with typed money (DECIMAL) and times (TIMESTAMP); `replace`: more `expr AS "Column"`
    replacements."""
    csv_path = write_csv(tmp_path / "typed.csv", rows)
    parquet = tmp_path / "typed.parquet"
    money = [n for n, c in spec.all_columns().items() if c.type == "Decimal" and n in rows[0]]
    times = [n for n, c in spec.all_columns().items() if c.type == "DateTime" and n in rows[0]]
    parts = [f'CAST(nullif("{n}", \'\') AS DECIMAL(20, 6)) AS "{n}"' for n in money]
    parts += [f'CAST(nullif("{n}", \'\') AS TIMESTAMP) AS "{n}"' for n in times]
    if replace:
        replaced = replace.rsplit(" AS ", 1)[1].strip('"')
        parts = [p for p in parts if not p.endswith(f'AS "{replaced}"')] + [replace]
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE ({', '.join(parts)}) "
        f"FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    con.close()
    return parquet


@pytest.mark.parametrize(
    ("changes", "replace", "direct_view"),
    [
        ({}, "", True),
        ({"BillingCurrency": "nok"}, "", False),
        ({"ChargeCategory": "usage"}, "", False),
        ({"Tags": "[1, 2]"}, "", False),
        ({"ResourceName": "null"}, "", False),
        ({"ChargeCategory": "Refund"}, "", False),
        ({"ListCost": "16"}, "", True),  # a relationship warning changes no value
        ({}, "CAST('2026-09-01 02:00:00+02' AS TIMESTAMPTZ) AS ChargePeriodStart", True),
        ({}, "CAST(ListCost AS DOUBLE) AS ListCost", True),
    ],
)
def test_a_clean_typed_source_is_read_as_is_with_the_same_rows_and_findings(
    tmp_path, changes, replace, direct_view
):
    """`direct=True` (the ingest, for FOCUS sources): a typed source where no rule rejects or changes a value gives
    a view of the source instead of a copy; either way the checked rows and findings are those of the copy."""
    rows = [row(), row(ResourceId="vm-2", **changes), row(ResourceId="vm-3")]
    parquet = _typed_parquet(tmp_path, rows, replace)
    copied, copied_rows = check_file(parquet)
    direct, direct_rows = check_file(parquet, direct=True)
    assert direct_rows == copied_rows
    assert brief(direct) == brief(copied)
    assert (direct.rows, direct.rows_rejected) == (copied.rows, copied.rows_rejected)
    assert copied.table.endswith('_out"')
    assert direct.table.endswith('_raw"') is direct_view


def test_a_text_source_is_always_copied(tmp_path):
    result, _rows = check_file(write_csv(tmp_path / "in.csv", [row()]), direct=True)
    assert result.table.endswith('_out"')


def test_csv_rows_numbered_by_the_checker_match_the_readers_numbers(tmp_path):
    """The ingest reads FOCUS CSV without numbering its rows (a window over the file runs on one thread); the checker
    then numbers them in source order on parallel threads: the same rows, numbers and findings as the reader's."""
    folder = tmp_path / "export"
    folder.mkdir()
    many = [row(ResourceId=f"vm-{i}", BilledCost=str(i)) for i in range(3000)]
    many[1700] = row(ResourceId="vm-bad", ChargeCategory="Refund")
    many[2500] = row(ResourceId="vm-nok", BillingCurrency="nok")
    write_csv(folder / "a.csv", many[:2000])
    write_csv(folder / "b.csv", many[2000:])
    numbered, numbered_rows = check_file(folder)
    ordered, ordered_rows = check_file(folder, number_csv_rows=False, threads=2)
    assert ordered.table.endswith('_rows"')
    assert [r["x_SourceRow"] for r in ordered_rows] == list(range(1, 3001))
    assert [r["ResourceId"] for r in ordered_rows] == [r["ResourceId"] for r in many]
    assert ordered_rows == numbered_rows
    assert brief(ordered) == brief(numbered)
    assert [f.message for f in ordered.findings] == [f.message for f in numbered.findings]
    assert ordered_rows[1700]["x_RejectReason"] == "ChargeCategory-allowed"


def test_a_header_only_file_has_no_rows_and_no_findings(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(",".join(VALID_ROW) + "\n", encoding="utf-8")
    result, rows = check_file(path)
    assert (result.focus_version, result.rows, result.rows_rejected, result.fatal) == ("1.2", 0, 0, False)
    assert (result.findings, rows) == ([], [])


def test_commitment_usage_needs_a_status(tmp_path):
    with_id = {"CommitmentDiscountId": "cd-9", "CommitmentDiscountCategory": "Spend"}
    result, _ = check_rows(
        tmp_path,
        [
            row(**with_id),  # Usage with the commitment but no status: utilisation cannot be computed
            row(**with_id, CommitmentDiscountStatus="Used"),
            row(
                **with_id,
                ChargeCategory="Tax",
                PricingQuantity="",
                PricingUnit="",
                ConsumedQuantity="",
                ConsumedUnit="",
                ListUnitPrice="",
                ContractedUnitPrice="",
                PricingCategory="",
            ),
        ],
    )
    assert ("CommitmentDiscountStatus-nullability", "warning", "CommitmentDiscountStatus", 1) in brief(result)
    assert result.rows_rejected == 0
