"""AWS Cost and Usage Report (legacy CUR, `lineItem/...` column names) -> FOCUS 1.2.

One FOCUS row per CUR line item, plus one derived row per reservation / Savings Plan recurring fee with an unused
amount (FOCUS keeps the purchase and its unused part apart: the fee is a Purchase with EffectiveCost 0, the unused
part a Usage row with CommitmentDiscountStatus "Unused"; the derived row has the fee's x_SourceRow). Amortisation
follows finopsfoundation/focus_converters: covered usage gets `reservation/EffectiveCost` or
`savingsPlan/SavingsPlanEffectiveCost`, the negation lines 0. Mapping table: docs/finops-converters.md.
"""

from __future__ import annotations

import re

import duckdb

from marketplace.finops.converters._common import (
    Finding,
    Source,
    create_view,
    focus_columns,
    money,
    product,
    quote_literal,
    select_list,
    service_category_join,
    tags_from_columns,
    unknown_services_finding,
)

FORMAT = "aws-cur"
PROVIDER = "aws"
REQUIRED = (
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/UnblendedCost",
    "lineItem/CurrencyCode",
    "lineItem/ProductCode",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
)

USAGE_TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation")
COMMITTED_USAGE_TYPES = ("DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation")
PURCHASE_TYPES = ("RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "Fee")
RECURRING_TYPES = ("RIFee", "SavingsPlanRecurringFee")
CREDIT_TYPES = (
    "Credit",
    "Refund",
    "BundledDiscount",
    "Discount",
    "EdpDiscount",
    "PrivateRateDiscount",
    "RiVolumeDiscount",
    "DistributorDiscount",
    "SppDiscount",
)
SAVINGS_PLAN_TYPES = (
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
)
DEFAULT_ISSUER = "Amazon Web Services, Inc."
TAG_PREFIX = "resourceTags/"
SNAKE_TAG_PREFIX = "resource_tags_"


def athena_name(name: str) -> str:
    """The snake_case spelling of a CUR column in the Athena/Parquet delivery of the legacy CUR:
    `lineItem/UsageStartDate` -> `line_item_usage_start_date`, `savingsPlan/SavingsPlanARN` ->
    `savings_plan_savings_plan_a_r_n`, `resourceTags/user:Name` -> `resource_tags_user_name`."""
    snake = re.sub(r"([A-Z])", r"_\1", name.replace("/", "_").replace(":", "_")).lower()
    return re.sub(r"_+", "_", snake).strip("_")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(quote_literal(v) for v in values) + ")"


def _tag_key(column: str) -> str:
    """`resourceTags/user:CostCenter` -> `CostCenter`; AWS-generated tags keep their `aws:` prefix. The snake_case
    delivery has lost the key's case: `resource_tags_user_cost_center` -> `cost_center`."""
    if column.startswith(TAG_PREFIX):
        key = column[len(TAG_PREFIX) :]
        return key[len("user:") :] if key.startswith("user:") else key
    key = column[len(SNAKE_TAG_PREFIX) :]
    if key.startswith("user_"):
        return key[len("user_") :]
    return "aws:" + key[len("aws_") :] if key.startswith("aws_") else key


def convert(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, list[Finding]]:
    src = Source(con, relation, alias=athena_name)
    findings = src.missing(FORMAT, REQUIRED)
    if findings:
        return relation, findings

    tag_columns = [(_tag_key(c), c) for c in src.columns if c.startswith((TAG_PREFIX, SNAKE_TAG_PREFIX))]
    product_code = src.text("lineItem/ProductCode")
    base = select_list(
        [
            ("t", src.text("lineItem/LineItemType")),
            ("unblended", src.dec("lineItem/UnblendedCost")),
            ("usage_amount", src.dec("lineItem/UsageAmount")),
            ("rate", src.dec("lineItem/UnblendedRate")),
            ("od_rate", src.dec("pricing/publicOnDemandRate")),
            ("od_cost", src.dec("pricing/publicOnDemandCost")),
            ("ri_arn", src.text("reservation/ReservationARN")),
            ("sp_arn", src.text("savingsPlan/SavingsPlanARN")),
            ("ri_effective", src.dec("reservation/EffectiveCost")),
            ("sp_effective", src.dec("savingsPlan/SavingsPlanEffectiveCost")),
            (
                "ri_unused",
                f"coalesce({src.dec('reservation/UnusedAmortizedUpfrontFeeForBillingPeriod')}, 0)"
                f" + coalesce({src.dec('reservation/UnusedRecurringFee')}, 0)",
            ),
            ("ri_unused_quantity", src.dec("reservation/UnusedQuantity")),
            (
                "sp_unused",
                f"{src.dec('savingsPlan/TotalCommitmentToDate')} - {src.dec('savingsPlan/UsedCommitment')}",
            ),
            ("unit", src.text("pricing/unit")),
            ("term", src.text("pricing/term")),
            ("usage_type", src.text("lineItem/UsageType")),
            ("currency", src.text("lineItem/CurrencyCode")),
            ("description", src.text("lineItem/LineItemDescription")),
        ]
    )
    rows = f"""
    SELECT *,
      CASE WHEN t IN {_in(USAGE_TYPES)} THEN 'Usage'
           WHEN t IN {_in(PURCHASE_TYPES)} THEN 'Purchase'
           WHEN t = 'Tax' THEN 'Tax'
           WHEN t IN {_in(CREDIT_TYPES)} THEN 'Credit'
           ELSE 'Adjustment' END AS category,
      CASE WHEN t IN {_in(SAVINGS_PLAN_TYPES)} AND sp_arn IS NOT NULL THEN 'sp'
           WHEN (t IN ('DiscountedUsage', 'RIFee') OR t = 'Fee') AND ri_arn IS NOT NULL THEN 'ri' END AS cd_kind
    FROM base
    """
    mapped = f"""
    SELECT *,
      CASE WHEN category = 'Usage' THEN 'Usage-Based' WHEN t IN {_in(RECURRING_TYPES)} THEN 'Recurring'
           ELSE 'One-Time' END AS frequency,
      CASE cd_kind WHEN 'sp' THEN sp_arn WHEN 'ri' THEN ri_arn END AS cd_id,
      CASE WHEN t IN {_in(COMMITTED_USAGE_TYPES)} AND cd_kind IS NOT NULL THEN 'Used' END AS cd_status,
      CASE WHEN category = 'Usage' THEN
             CASE WHEN t IN {_in(COMMITTED_USAGE_TYPES)} AND cd_kind IS NOT NULL THEN 'Committed'
                  WHEN term = 'Spot' OR usage_type LIKE '%SpotUsage%' THEN 'Dynamic'
                  ELSE 'Standard' END
           WHEN category = 'Purchase' THEN 'Standard' END AS pricing_category,
      CASE WHEN t = 'SavingsPlanNegation' THEN 0::DECIMAL(28,10)
           WHEN category IN ('Usage', 'Purchase') THEN usage_amount END AS pricing_quantity,
      CASE WHEN category = 'Usage' THEN od_rate END AS list_rate,
      CASE WHEN t = 'DiscountedUsage' THEN od_rate WHEN category IN ('Usage', 'Purchase') THEN rate END
        AS contracted_rate,
      unblended AS billed,
      CASE WHEN t = 'DiscountedUsage' THEN coalesce(ri_effective, unblended)
           WHEN t = 'SavingsPlanCoveredUsage' THEN coalesce(sp_effective, unblended)
           WHEN t = 'SavingsPlanNegation' THEN 0
           WHEN category = 'Purchase' AND cd_kind IS NOT NULL THEN 0
           ELSE unblended END AS effective,
      CASE t WHEN 'RIFee' THEN ri_unused WHEN 'SavingsPlanRecurringFee' THEN sp_unused END AS unused_amount
    FROM rows
    """
    costed = """
    SELECT *,
      CASE WHEN category = 'Usage' THEN pricing_quantity END AS consumed_quantity,
      CASE WHEN t = 'SavingsPlanNegation' THEN 0
           WHEN list_rate IS NOT NULL AND pricing_quantity IS NOT NULL THEN {list_product}
           WHEN category = 'Usage' THEN coalesce(od_cost, billed) ELSE billed END AS list_cost,
      CASE WHEN contracted_rate IS NOT NULL AND pricing_quantity IS NOT NULL THEN {contracted_product}
           ELSE billed END AS contracted_cost
    FROM mapped
    """.format(
        list_product=product("list_rate", "pricing_quantity"),
        contracted_product=product("contracted_rate", "pricing_quantity"),
    )
    unused = """
    SELECT * REPLACE (
      'Usage' AS category, 'Usage-Based' AS frequency, 'Unused' AS cd_status, 'Committed' AS pricing_category,
      CASE cd_kind WHEN 'ri' THEN coalesce(ri_unused_quantity, 0) ELSE unused_amount END AS pricing_quantity,
      CASE cd_kind WHEN 'ri' THEN unit ELSE currency END AS unit,
      NULL AS consumed_quantity, NULL AS list_rate, NULL AS contracted_rate,
      0 AS billed, unused_amount AS effective, unused_amount AS list_cost, unused_amount AS contracted_cost)
    FROM costed WHERE t IN ('RIFee', 'SavingsPlanRecurringFee') AND cd_kind IS NOT NULL AND unused_amount > 0
    """
    payer = src.text("bill/PayerAccountId")
    usage_account = src.text("lineItem/UsageAccountId")
    # Columns straight from the source, computed once in the first CTE (see focus_columns).
    passthrough = [
        ("AvailabilityZone", src.text("lineItem/AvailabilityZone")),
        ("BillingAccountId", payer),
        ("BillingAccountName", src.text("bill/PayerAccountName")),
        ("BillingAccountType", f"CASE WHEN {payer} IS NOT NULL THEN 'Payer Account' END"),
        ("BillingPeriodEnd", src.timestamp("bill/BillingPeriodEndDate")),
        ("BillingPeriodStart", src.timestamp("bill/BillingPeriodStartDate")),
        ("ChargePeriodEnd", src.timestamp("lineItem/UsageEndDate")),
        ("ChargePeriodStart", src.timestamp("lineItem/UsageStartDate")),
        ("InvoiceId", src.text("bill/InvoiceId")),
        (
            "InvoiceIssuerName",
            f"coalesce({src.text('bill/InvoicingEntity')}, {quote_literal(DEFAULT_ISSUER)})",
        ),
        ("PublisherName", f"coalesce({src.text('lineItem/LegalEntity')}, {quote_literal(DEFAULT_ISSUER)})"),
        ("RegionId", src.text("product/regionCode", "product/region")),
        ("RegionName", src.text("product/location")),
        ("ResourceId", src.text("lineItem/ResourceId")),
        ("ResourceName", src.text("resourceTags/user:Name")),
        ("ServiceName", f"coalesce({src.text('product/ProductName')}, {product_code})"),
        ("SkuId", src.text("product/sku")),
        ("SkuPriceId", src.text("pricing/RateCode", "pricing/RateId")),
        ("SubAccountId", usage_account),
        ("SubAccountName", src.text("lineItem/UsageAccountName")),
        ("SubAccountType", f"CASE WHEN {usage_account} IS NOT NULL THEN 'Linked Account' END"),
        ("Tags", tags_from_columns(src, tag_columns)),
        ("x_SourceRow", '"x_SourceRow"'),
    ]
    computed = [
        ("BilledCost", money("billed")),
        ("BillingCurrency", "currency"),
        ("ChargeCategory", "category"),
        ("ChargeClass", "NULL::VARCHAR"),
        ("ChargeDescription", "description"),
        ("ChargeFrequency", "frequency"),
        ("CommitmentDiscountCategory", "CASE cd_kind WHEN 'sp' THEN 'Spend' WHEN 'ri' THEN 'Usage' END"),
        ("CommitmentDiscountId", "cd_id"),
        ("CommitmentDiscountStatus", "CASE WHEN category = 'Usage' THEN cd_status END"),
        (
            "CommitmentDiscountType",
            "CASE cd_kind WHEN 'sp' THEN 'Savings Plan' WHEN 'ri' THEN 'Reserved Instance' END",
        ),
        ("ConsumedQuantity", money("consumed_quantity")),
        ("ConsumedUnit", "CASE WHEN consumed_quantity IS NOT NULL THEN unit END"),
        ("ContractedCost", money("contracted_cost")),
        ("ContractedUnitPrice", money("contracted_rate")),
        ("EffectiveCost", money("effective")),
        ("ListCost", money("list_cost")),
        ("ListUnitPrice", money("list_rate")),
        ("PricingCategory", "pricing_category"),
        ("PricingQuantity", money("pricing_quantity")),
        ("PricingUnit", "CASE WHEN pricing_quantity IS NOT NULL THEN unit END"),
        ("ProviderName", "'AWS'"),
        ("ServiceCategory", "coalesce(__service_category, 'Other')"),
    ]
    source_columns, focus = focus_columns(passthrough, computed)
    services = service_category_join(con, PROVIDER, product_code)
    sql = f"""
    WITH base AS (SELECT {source_columns}, __service_category, {base} FROM "{relation}" {services}),
    rows AS ({rows}),
    mapped AS ({mapped}),
    costed AS ({costed}),
    all_rows AS (SELECT * FROM costed UNION ALL BY NAME {unused})
    SELECT {focus} FROM all_rows
    """
    view = create_view(con, f"{relation}_focus", sql)
    findings += unknown_services_finding(con, relation, PROVIDER, FORMAT, product_code)
    return view, findings
