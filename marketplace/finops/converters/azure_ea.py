"""Azure usage details (EA and MCA cost details export, actual cost) -> FOCUS 1.2.

One FOCUS row per usage-details row. EA and MCA spell a few columns differently (BillingCurrencyCode vs
BillingCurrency, SubscriptionGuid vs SubscriptionId); the first present spelling is used. The EA `Tags` value is a
JSON object without its braces (`"a": "1","b": "2"`) and gets them back. Dates are M/D/YYYY (EA) or ISO; the charge
period is the usage day, the billing period runs to the day after BillingPeriodEndDate (FOCUS ends are exclusive).
Mapping table: docs/finops-converters.md.
"""

from __future__ import annotations

import duckdb

from marketplace.finops.converters._common import (
    WARNING,
    Finding,
    Source,
    count_finding,
    create_view,
    focus_columns,
    money,
    product,
    select_list,
    service_category_join,
    unknown_services_finding,
)

FORMAT = "azure-ea"
PROVIDER = "azure"
REQUIRED: tuple[str | tuple[str, ...], ...] = (
    "Date",
    ("CostInBillingCurrency", "Cost"),
    ("BillingCurrencyCode", "BillingCurrency"),
    "MeterCategory",
    ("SubscriptionId", "SubscriptionGuid"),
    ("BillingAccountId", "EnrollmentNumber"),
)


def _day(text_expr: str) -> str:
    """A TIMESTAMP (midnight UTC) from an EA date (M/D/YYYY) or an ISO date/time."""
    return f"coalesce(try_strptime({text_expr}, '%m/%d/%Y'), TRY_CAST({text_expr} AS TIMESTAMP))"


def _fixed_tags(text_expr: str) -> str:
    """EA writes the tag object without its braces; MCA writes a full object. Either way a JSON object text."""
    return (
        f"(CASE WHEN {text_expr} IS NULL THEN NULL WHEN left({text_expr}, 1) = '{{' THEN {text_expr} "
        f"ELSE '{{' || {text_expr} || '}}' END)"
    )


def convert(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, list[Finding]]:
    src = Source(con, relation)
    findings = src.missing(FORMAT, REQUIRED)
    if findings:
        return relation, findings

    meter_category = src.text("MeterCategory")
    tags = _fixed_tags(src.text("Tags"))
    base = select_list(
        [
            ("ct", src.text("ChargeType")),
            ("pm", f"lower(replace({src.text('PricingModel')}, ' ', ''))"),
            ("freq", src.text("Frequency")),
            ("cost", src.dec("CostInBillingCurrency", "Cost")),
            ("qty", src.dec("Quantity")),
            ("effective_price", src.dec("EffectivePrice")),
            ("payg_price", src.dec("PayGPrice")),
            ("unit_price", src.dec("UnitPrice")),
            ("benefit_id", f"coalesce({src.text('benefitId')}, {src.text('ReservationId')})"),
            ("benefit_name", f"coalesce({src.text('benefitName')}, {src.text('ReservationName')})"),
            ("unit", src.text("UnitOfMeasure")),
            ("day", _day(src.text("Date"))),
            ("period_start", _day(src.text("BillingPeriodStartDate"))),
            ("period_end", _day(src.text("BillingPeriodEndDate"))),
            ("fixed_tags", tags),
        ]
    )
    rows = """
    SELECT *,
      CASE WHEN ct IS NULL OR ct IN ('Usage', 'UnusedReservation', 'UnusedSavingsPlan') THEN 'Usage'
           WHEN ct IN ('Purchase', 'Refund') THEN 'Purchase'
           WHEN ct = 'Tax' THEN 'Tax'
           WHEN ct = 'Credit' THEN 'Credit'
           ELSE 'Adjustment' END AS category,
      CASE WHEN ct = 'UnusedReservation' OR pm = 'reservation' THEN 'ri'
           WHEN ct = 'UnusedSavingsPlan' OR pm IN ('savingsplan', 'savingsplans') THEN 'sp' END AS cd_kind
    FROM base
    """
    mapped = f"""
    SELECT *,
      CASE WHEN cd_kind IS NOT NULL THEN benefit_id END AS cd_id,
      CASE WHEN category = 'Usage' AND cd_kind IS NOT NULL AND benefit_id IS NOT NULL THEN
             CASE WHEN ct LIKE 'Unused%' THEN 'Unused' ELSE 'Used' END END AS cd_status,
      CASE WHEN category = 'Usage' THEN
             CASE WHEN cd_kind IS NOT NULL AND benefit_id IS NOT NULL THEN 'Committed'
                  WHEN pm = 'spot' THEN 'Dynamic' ELSE 'Standard' END
           WHEN category = 'Purchase' THEN 'Standard' END AS pricing_category,
      CASE WHEN freq = 'UsageBased' AND category <> 'Purchase' THEN 'Usage-Based'
           WHEN freq = 'Recurring' THEN 'Recurring'
           WHEN freq IS NULL AND category = 'Usage' THEN 'Usage-Based'
           ELSE 'One-Time' END AS frequency,
      CASE WHEN category IN ('Usage', 'Purchase') THEN qty END AS pricing_quantity,
      CASE WHEN category = 'Usage' THEN payg_price END AS list_rate,
      CASE WHEN category IN ('Usage', 'Purchase') THEN unit_price END AS contracted_rate,
      CASE WHEN ct LIKE 'Unused%' THEN 0 ELSE cost END AS billed,
      CASE WHEN category = 'Purchase' AND cd_kind IS NOT NULL THEN 0
           WHEN ct LIKE 'Unused%' OR (category = 'Usage' AND cd_kind IS NOT NULL AND cost = 0)
             THEN coalesce(nullif(cost, 0), {product("effective_price", "qty")}, 0)
           ELSE cost END AS effective
    FROM rows
    """
    costed = f"""
    SELECT *,
      CASE WHEN category = 'Usage' AND cd_status IS DISTINCT FROM 'Unused' THEN qty END AS consumed_quantity,
      CASE WHEN list_rate IS NOT NULL AND pricing_quantity IS NOT NULL THEN {product("list_rate", "pricing_quantity")}
           WHEN ct LIKE 'Unused%' THEN effective ELSE billed END AS list_cost,
      CASE WHEN contracted_rate IS NOT NULL AND pricing_quantity IS NOT NULL
             THEN {product("contracted_rate", "pricing_quantity")}
           WHEN ct LIKE 'Unused%' THEN effective ELSE billed END AS contracted_cost
    FROM mapped
    """
    account = src.text("BillingAccountId", "EnrollmentNumber")
    subscription = src.text("SubscriptionId", "SubscriptionGuid")
    location = src.text("ResourceLocation")
    # Columns straight from the source, computed once in the first CTE (see focus_columns).
    passthrough = [
        ("AvailabilityZone", src.text("AvailabilityZone")),
        ("BillingAccountId", account),
        ("BillingAccountName", src.text("BillingAccountName")),
        ("BillingAccountType", f"CASE WHEN {account} IS NOT NULL THEN 'Billing Account' END"),
        ("BillingCurrency", src.text("BillingCurrencyCode", "BillingCurrency")),
        ("ChargeDescription", src.text("ProductName")),
        ("InvoiceId", src.text("InvoiceId")),
        ("PublisherName", f"coalesce({src.text('PublisherName')}, 'Microsoft')"),
        ("RegionId", f"lower(replace({location}, ' ', ''))"),
        ("RegionName", location),
        ("ResourceId", src.text("ResourceId", "InstanceId")),
        ("ResourceName", src.text("ResourceName")),
        ("ServiceName", meter_category),
        ("SkuId", src.text("ProductId", "MeterId")),
        ("SkuMeter", src.text("MeterName")),
        ("SubAccountId", subscription),
        ("SubAccountName", src.text("SubscriptionName")),
        ("SubAccountType", f"CASE WHEN {subscription} IS NOT NULL THEN 'Subscription' END"),
        ("x_SourceRow", '"x_SourceRow"'),
    ]
    computed = [
        ("BilledCost", money("billed")),
        (
            "BillingPeriodEnd",
            "coalesce(period_end + INTERVAL 1 DAY, date_trunc('month', day) + INTERVAL 1 MONTH)",
        ),
        ("BillingPeriodStart", "coalesce(period_start, date_trunc('month', day))"),
        ("ChargeCategory", "category"),
        ("ChargeClass", "CASE WHEN ct = 'Refund' THEN 'Correction' END"),
        ("ChargeFrequency", "frequency"),
        ("ChargePeriodEnd", "day + INTERVAL 1 DAY"),
        ("ChargePeriodStart", "day"),
        (
            "CommitmentDiscountCategory",
            "CASE WHEN cd_id IS NOT NULL THEN CASE cd_kind WHEN 'sp' THEN 'Spend' ELSE 'Usage' END END",
        ),
        ("CommitmentDiscountId", "cd_id"),
        ("CommitmentDiscountName", "CASE WHEN cd_id IS NOT NULL THEN benefit_name END"),
        ("CommitmentDiscountStatus", "cd_status"),
        (
            "CommitmentDiscountType",
            "CASE WHEN cd_id IS NOT NULL THEN CASE cd_kind WHEN 'sp' THEN 'Savings Plan' ELSE 'Reservation' END END",
        ),
        ("ConsumedQuantity", money("consumed_quantity")),
        ("ConsumedUnit", "CASE WHEN consumed_quantity IS NOT NULL THEN unit END"),
        ("ContractedCost", money("contracted_cost")),
        ("ContractedUnitPrice", money("contracted_rate")),
        ("EffectiveCost", money("effective")),
        ("InvoiceIssuerName", "'Microsoft'"),
        ("ListCost", money("list_cost")),
        ("ListUnitPrice", money("list_rate")),
        ("PricingCategory", "pricing_category"),
        ("PricingQuantity", money("pricing_quantity")),
        ("PricingUnit", "CASE WHEN pricing_quantity IS NOT NULL THEN unit END"),
        ("ProviderName", "'Microsoft'"),
        ("ServiceCategory", "coalesce(__service_category, 'Other')"),
        ("Tags", "CASE WHEN json_valid(fixed_tags) THEN nullif(CAST(json(fixed_tags) AS VARCHAR), '{}') END"),
    ]
    source_columns, focus = focus_columns(passthrough, computed)
    services = service_category_join(con, PROVIDER, meter_category)
    sql = f"""
    WITH base AS (SELECT {source_columns}, __service_category, {base} FROM "{relation}" {services}),
    rows AS ({rows}),
    mapped AS ({mapped}),
    costed AS ({costed})
    SELECT {focus} FROM costed
    """
    view = create_view(con, f"{relation}_focus", sql)
    findings += unknown_services_finding(con, relation, PROVIDER, FORMAT, meter_category)
    findings += count_finding(
        con,
        relation,
        f"{tags} IS NOT NULL AND NOT json_valid({tags})",
        rule_id=f"{FORMAT}-tags-unreadable",
        severity=WARNING,
        column="Tags",
        message="{rows} rows have a Tags value that is not a JSON object even with braces added; "
        "their Tags are left empty.",
    )
    return view, findings
