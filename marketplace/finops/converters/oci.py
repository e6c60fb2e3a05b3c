"""Oracle Cloud Infrastructure cost report (`lineItem/...`, `cost/...`, `tags/...` columns) -> FOCUS 1.2.

One FOCUS row per cost-report row. The report carries no charge type, tax or commitment purchase: every row is a
Usage charge, and `lineItem/isCorrection = true` marks a correction of an earlier row (ChargeClass "Correction"). It
has no billing period either: the billing period is the calendar month of the usage interval. The price in the report
is the customer's own (`cost/unitPrice`), so it is the contracted price; there is no list price. The sub-account is
the compartment. Mapping table: docs/finops-converters.md.
"""

from __future__ import annotations

import duckdb

from marketplace.finops.converters._common import (
    Finding,
    Source,
    create_view,
    money,
    select_list,
    service_category_join,
    tags_from_columns,
    unknown_services_finding,
)

FORMAT = "oci"
PROVIDER = "oci"
REQUIRED = (
    "lineItem/intervalUsageStart",
    "lineItem/intervalUsageEnd",
    "product/service",
    "cost/myCost",
    "cost/currencyCode",
    "lineItem/tenantId",
)
TAG_PREFIX = "tags/"


def convert(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, list[Finding]]:
    src = Source(con, relation)
    findings = src.missing(FORMAT, REQUIRED)
    if findings:
        return relation, findings

    tag_columns = [(c[len(TAG_PREFIX) :], c) for c in src.columns if c.startswith(TAG_PREFIX)]
    service = src.text("product/service")
    # OCI writes `2023-11-13T10:00Z` (no seconds) as well as full ISO text; both cast.
    start = src.timestamp("lineItem/intervalUsageStart")
    end = src.timestamp("lineItem/intervalUsageEnd")
    quantity = src.dec("usage/billedQuantity")
    unit = src.text("cost/skuUnitDescription", "cost/billingUnitReadable")
    cost = money(src.dec("cost/myCost"))
    compartment = src.text("product/compartmentId")
    tenant = src.text("lineItem/tenantId")
    region = src.text("product/region")
    focus = [
        ("AvailabilityZone", src.text("product/availabilityDomain")),
        ("BilledCost", cost),
        ("BillingAccountId", tenant),
        ("BillingAccountName", "NULL::VARCHAR"),
        ("BillingAccountType", f"CASE WHEN {tenant} IS NOT NULL THEN 'Tenancy' END"),
        ("BillingCurrency", src.text("cost/currencyCode")),
        ("BillingPeriodEnd", f"date_trunc('month', {start}) + INTERVAL 1 MONTH"),
        ("BillingPeriodStart", f"date_trunc('month', {start})"),
        ("ChargeCategory", "'Usage'"),
        (
            "ChargeClass",
            f"CASE WHEN lower({src.text('lineItem/isCorrection')}) = 'true' THEN 'Correction' END",
        ),
        ("ChargeDescription", src.text("product/Description")),
        ("ChargeFrequency", "'Usage-Based'"),
        ("ChargePeriodEnd", end),
        ("ChargePeriodStart", start),
        ("ConsumedQuantity", money(quantity)),
        ("ConsumedUnit", f"CASE WHEN {quantity} IS NOT NULL THEN {unit} END"),
        ("ContractedCost", cost),
        ("ContractedUnitPrice", money(src.dec("cost/unitPrice"))),
        ("EffectiveCost", cost),
        ("InvoiceIssuerName", "'Oracle'"),
        ("ListCost", cost),
        ("PricingCategory", "'Standard'"),
        ("PricingQuantity", money(quantity)),
        ("PricingUnit", f"CASE WHEN {quantity} IS NOT NULL THEN {unit} END"),
        ("ProviderName", "'Oracle'"),
        ("PublisherName", "'Oracle'"),
        ("RegionId", region),
        ("RegionName", region),
        ("ResourceId", src.text("product/resourceId")),
        ("ServiceCategory", "coalesce(__service_category, 'Other')"),
        ("ServiceName", service),
        ("SkuId", src.text("cost/productSku")),
        ("SubAccountId", compartment),
        ("SubAccountName", src.text("product/compartmentName")),
        ("SubAccountType", f"CASE WHEN {compartment} IS NOT NULL THEN 'Compartment' END"),
        ("Tags", tags_from_columns(src, tag_columns)),
        ("x_SourceRow", '"x_SourceRow"'),
    ]
    sql = f'SELECT {select_list(focus)} FROM "{relation}" {service_category_join(con, PROVIDER, service)}'
    view = create_view(con, f"{relation}_focus", sql)
    findings += unknown_services_finding(con, relation, PROVIDER, FORMAT, service)
    return view, findings
