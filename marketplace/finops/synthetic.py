"""Deterministic synthetic FOCUS 1.2 cost data (demo data and the benchmark).

`generate(path, rows, seed=..., fmt="parquet"|"csv", start=date, days=365, org="...")` writes exactly `rows` daily
usage rows: a fixed set of line items (provider × service × sub-account × region × resource, chosen by hashing the
item number with the seed) repeated every day from `start`, with weekly seasonality (weekends lower), some usage
covered by a commitment discount (Savings Plan / Reserved capacity: PricingCategory Committed, BilledCost 0,
amortised EffectiveCost), tags with cost-centre keys (`avdeling`, `prosjekt`, `miljo`; about one line item in seven
untagged) and one injected spike (one line item costs ten times its usual on one day: two thirds into the range, or
the day `spike_day` given, counted from `start`).

Providers include Norwegian ones billing in NOK and global ones billing in USD and EUR; regions include
`norway-east`. Generated in DuckDB SQL from `range()` and `hash()`, so the same arguments give the same rows, and a
million rows take about a second. Nothing here touches Django.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from pathlib import Path

import duckdb

__all__ = ["PROVIDERS", "generate"]

# provider, currency, contract discount (contracted / list), regions, services
# service: (ServiceName, ServiceCategory, ServiceSubcategory, PricingUnit, list unit price, ResourceType)
PROVIDERS: list[tuple[str, str, str, list[str], list[tuple[str, str, str, str, str, str]]]] = [
    (
        "Nordsky",
        "NOK",
        "0.85",
        ["norway-east", "norway-west"],
        [
            ("Virtuelle maskiner", "Compute", "Virtual Machines", "Hours", "1.9500", "Virtual Machine"),
            ("Objektlagring", "Storage", "Object", "GB-Month", "0.2100", "Bucket"),
            ("Administrert PostgreSQL", "Databases", "Relational", "Hours", "3.4000", "Database"),
        ],
    ),
    (
        "Fjellskyen",
        "NOK",
        "0.88",
        ["norway-east"],
        [
            ("Kubernetes", "Compute", "Containers", "Hours", "2.7500", "Cluster"),
            ("Blokklagring", "Storage", "Block", "GB-Month", "0.9000", "Volume"),
        ],
    ),
    (
        "Atlanterhavet Sky",
        "NOK",
        "0.9",
        ["norway-west", "norway-north"],
        [("Sikkerhetskopi", "Storage", "Backup", "GB-Month", "0.3500", "Vault")],
    ),
    (
        "Microsoft",
        "NOK",
        "0.92",
        ["norwayeast", "norwaywest", "westeurope"],
        [
            ("Virtual Machines", "Compute", "Virtual Machines", "Hours", "2.1000", "Virtual Machine"),
            ("Azure SQL Database", "Databases", "Relational", "Hours", "4.2000", "SQL Database"),
            (
                "Microsoft Defender for Cloud",
                "Security",
                "Security Posture Management",
                "Hours",
                "0.1500",
                "Plan",
            ),
        ],
    ),
    (
        "Amazon Web Services",
        "USD",
        "0.95",
        ["eu-north-1", "eu-west-1"],
        [
            ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines", "Hours", "0.1920", "Instance"),
            ("Amazon Simple Storage Service", "Storage", "Object", "GB-Month", "0.0230", "Bucket"),
            ("AWS Lambda", "Compute", "Serverless Compute", "Requests", "0.0000002", "Function"),
        ],
    ),
    (
        "Google Cloud",
        "EUR",
        "0.95",
        ["europe-north1", "europe-west4"],
        [
            ("BigQuery", "Analytics", "Data Warehouses", "TiB", "6.2500", "Dataset"),
            ("Compute Engine", "Compute", "Virtual Machines", "Hours", "0.1800", "Instance"),
        ],
    ),
]

DEPARTMENTS = ["IT", "Hydrologi", "Energi", "Administrasjon", "Tilsyn", "Digitalisering"]
PROJECTS = ["Flomvarsling", "Kraftsystem", "Datadeling", "Saksbehandling", "Kartlag", "Analyseplattform"]
SUBACCOUNTS = ["Produksjon", "Test", "Utvikling", "Analyse", "Felles"]


def _values(rows: list[tuple[object, ...]]) -> str:
    def lit(value: object) -> str:
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    return ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def _catalog() -> str:
    rows: list[tuple[object, ...]] = []
    for provider, currency, discount, regions, services in PROVIDERS:
        for name, category, subcategory, unit, price, resource_type in services:
            rows.append(
                (
                    len(rows),
                    provider,
                    currency,
                    discount,
                    "|".join(regions),
                    name,
                    category,
                    subcategory,
                    unit,
                    price,
                    resource_type,
                )
            )
    return (
        f"SELECT * FROM (VALUES {_values(rows)}) AS c(c_id, provider, currency, discount, regions, service, "
        "category, subcategory, unit, price, resource_type)"
    )


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _sql(rows: int, *, seed: int, start: dt.date, days: int, org: str, spike_day: int | None = None) -> str:
    days = max(1, min(days, rows))
    per_day = math.ceil(rows / days)
    n_catalog = sum(len(p[4]) for p in PROVIDERS)
    spike_day = (days * 2) // 3 if spike_day is None else spike_day
    s = int(seed)
    slug = "".join(ch for ch in org.lower() if ch.isalnum())[:12] or "org"
    return f"""
    WITH catalog AS ({_catalog()}),
    item AS (
        SELECT range AS j,
               hash(range, {s}, 'svc') % {n_catalog} AS c_id,
               hash(range, {s}, 'sa') % {len(SUBACCOUNTS)} AS sa,
               hash(range, {s}, 'reg') AS reg_h,
               1 + hash(range, {s}, 'qty') % 200 AS base_qty,
               hash(range, {s}, 'tag') % 7 AS tag_h,
               hash(range, {s}, 'dep') % {len(DEPARTMENTS)} AS dep,
               hash(range, {s}, 'prj') % {len(PROJECTS)} AS prj,
               hash(range, {s}, 'cd') % 6 = 0 AS committed
        FROM range({per_day})
    ),
    line AS (
        SELECT item.*, c.*,
               string_split(c.regions, '|') AS region_list,
               lower(replace(c.provider, ' ', '-')) AS provider_slug
        FROM item JOIN catalog c USING (c_id)
    ),
    li AS (
        SELECT j, base_qty, sa,
               committed AND category = 'Compute' AS covered,
               category, unit, currency, provider,
               region_list[1 + CAST(reg_h % len(region_list) AS INTEGER)] AS region,
               CAST(price AS DECIMAL(18, 10)) AS list_price,
               CAST(CAST(price AS DECIMAL(18, 10)) * CAST(discount AS DECIMAL(6, 4)) AS DECIMAL(18, 10))
                   AS contracted_price,
               '{slug}-' || provider_slug || '-001' AS account_id,
               provider || ' – avtale {org}' AS account_name,
               service || ' – ' || resource_type AS description,
               '{slug}-' || provider_slug || '-sp-1' AS commitment_id,
               'Forpliktelse ' || provider AS commitment_name,
               '/' || provider_slug || '/{slug}/' || lower(replace(resource_type, ' ', '-')) || '-'
                   || CAST(j AS VARCHAR) AS resource_id,
               lower(replace(resource_type, ' ', '-')) || '-' || lpad(CAST(j AS VARCHAR), 5, '0') AS resource_name,
               resource_type, service, subcategory,
               'sku-' || CAST(c_id AS VARCHAR) AS sku_id,
               '{slug}-sa-' || CAST(sa AS VARCHAR) AS sub_account_id,
               {_list(SUBACCOUNTS)}[1 + CAST(sa AS INTEGER)] AS sub_account_name,
               'inv-{slug}-' || provider_slug || '-' AS invoice_prefix,
               CASE WHEN tag_h = 0 THEN '{{}}'
                    ELSE '{{"avdeling": "' || {_list(DEPARTMENTS)}[1 + CAST(dep AS INTEGER)]
                         || '", "prosjekt": "' || {_list(PROJECTS)}[1 + CAST(prj AS INTEGER)]
                         || '", "miljo": "' || CASE WHEN sa IN (1, 2) THEN 'test' ELSE 'prod' END || '"}}'
               END AS tags,
               'sku-' || CAST(c_id AS VARCHAR) || '-' AS sku_price_prefix
        FROM line
    ),
    n AS (
        SELECT range AS i, range // {per_day} AS d, range % {per_day} AS j,
               hash(range, {s}, 'noise') % 2001 AS noise
        FROM range({int(rows)})
    ),
    dated AS (
        SELECT n.i, n.d, n.noise, li.*, DATE '{start.isoformat()}' + CAST(n.d AS INTEGER) AS day
        FROM n JOIN li USING (j)
    ),
    priced AS (
        SELECT *,
               date_trunc('month', day) AS period,
               CAST(
                   base_qty
                   * (CASE WHEN dayofweek(day) IN (0, 6) THEN 0.6 ELSE 1.0 END)
                   * (0.9 + noise / 10000.0)
                   * (CASE WHEN d = {spike_day} AND j = hash({s}, 'spike') % {per_day} THEN 10 ELSE 1 END)
                   AS DECIMAL(18, 4)
               ) AS qty
        FROM dated
    ),
    costed AS (
        SELECT *,
               CAST(qty * list_price AS DECIMAL(28, 10)) AS list_cost,
               CAST(qty * contracted_price AS DECIMAL(28, 10)) AS contracted_cost
        FROM priced
    ),
    final AS (
        SELECT *, CASE WHEN covered THEN CAST(round(contracted_cost * 0.7, 10) AS DECIMAL(28, 10))
                       ELSE contracted_cost END AS effective_cost
        FROM costed
    )
    SELECT
        NULL::VARCHAR AS AvailabilityZone,
        CASE WHEN covered THEN CAST(0 AS DECIMAL(28, 10)) ELSE contracted_cost END AS BilledCost,
        account_id AS BillingAccountId,
        account_name AS BillingAccountName,
        'Billing Account' AS BillingAccountType,
        currency AS BillingCurrency,
        CAST(period + INTERVAL 1 MONTH AS TIMESTAMP) AS BillingPeriodEnd,
        CAST(period AS TIMESTAMP) AS BillingPeriodStart,
        NULL::VARCHAR AS CapacityReservationId,
        NULL::VARCHAR AS CapacityReservationStatus,
        'Usage' AS ChargeCategory,
        NULL::VARCHAR AS ChargeClass,
        description AS ChargeDescription,
        'Usage-Based' AS ChargeFrequency,
        CAST(day + 1 AS TIMESTAMP) AS ChargePeriodEnd,
        CAST(day AS TIMESTAMP) AS ChargePeriodStart,
        CASE WHEN covered THEN 'Spend' END AS CommitmentDiscountCategory,
        CASE WHEN covered THEN commitment_id END AS CommitmentDiscountId,
        CASE WHEN covered THEN commitment_name END AS CommitmentDiscountName,
        CASE WHEN covered THEN effective_cost END AS CommitmentDiscountQuantity,
        CASE WHEN covered THEN 'Used' END AS CommitmentDiscountStatus,
        CASE WHEN covered THEN 'Savings Plan' END AS CommitmentDiscountType,
        CASE WHEN covered THEN currency END AS CommitmentDiscountUnit,
        CAST(qty AS DECIMAL(28, 10)) AS ConsumedQuantity,
        unit AS ConsumedUnit,
        contracted_cost AS ContractedCost,
        CAST(contracted_price AS DECIMAL(28, 10)) AS ContractedUnitPrice,
        effective_cost AS EffectiveCost,
        invoice_prefix || strftime(period, '%Y%m') AS InvoiceId,
        provider AS InvoiceIssuerName,
        list_cost AS ListCost,
        CAST(list_price AS DECIMAL(28, 10)) AS ListUnitPrice,
        CASE WHEN covered THEN 'Committed' ELSE 'Standard' END AS PricingCategory,
        currency AS PricingCurrency,
        CAST(contracted_price AS DECIMAL(28, 10)) AS PricingCurrencyContractedUnitPrice,
        effective_cost AS PricingCurrencyEffectiveCost,
        CAST(list_price AS DECIMAL(28, 10)) AS PricingCurrencyListUnitPrice,
        CAST(qty AS DECIMAL(28, 10)) AS PricingQuantity,
        unit AS PricingUnit,
        provider AS ProviderName,
        provider AS PublisherName,
        region AS RegionId,
        region AS RegionName,
        resource_id AS ResourceId,
        resource_name AS ResourceName,
        resource_type AS ResourceType,
        category AS ServiceCategory,
        service AS ServiceName,
        subcategory AS ServiceSubcategory,
        sku_id AS SkuId,
        unit AS SkuMeter,
        NULL::VARCHAR AS SkuPriceDetails,
        sku_price_prefix || region AS SkuPriceId,
        sub_account_id AS SubAccountId,
        sub_account_name AS SubAccountName,
        'Subscription' AS SubAccountType,
        tags AS Tags
    FROM final
    """


def generate(
    path: str | Path,
    rows: int,
    *,
    seed: int = 1,
    fmt: str = "parquet",
    start: dt.date = dt.date(2025, 10, 1),
    days: int = 365,
    org: str = "970205039",
    spike_day: int | None = None,
) -> Path:
    """Write `rows` synthetic FOCUS 1.2 rows to `path` (Parquet, or CSV with ISO-8601 UTC times); return the path."""
    if fmt not in {"parquet", "csv"}:
        raise ValueError("fmt must be 'parquet' or 'csv'")
    if rows < 1:
        raise ValueError("rows must be at least 1")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    quoted = "'" + str(target).replace("'", "''") + "'"
    spill = tempfile.mkdtemp(prefix="mps-finops-synthetic-")
    # insertion order kept (no ORDER BY, no sort): rows come out in range() order, deterministically
    con = duckdb.connect(
        config={
            "threads": 2,
            "memory_limit": "2GB",
            "temp_directory": spill,
            "preserve_insertion_order": True,
        }
    )
    con.execute("SET enable_progress_bar = false")
    try:
        query = _sql(rows, seed=seed, start=start, days=days, org=org, spike_day=spike_day)
        if fmt == "parquet":
            con.execute(f"COPY ({query}) TO {quoted} (FORMAT parquet, COMPRESSION zstd)")
        else:
            con.execute(
                f"COPY ({query}) TO {quoted} (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')"
            )
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return target
