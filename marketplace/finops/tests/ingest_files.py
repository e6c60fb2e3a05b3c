"""Small FOCUS files made for the ingest tests (CSV, CSV.gz, Parquet)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import duckdb

HEADER = [
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "ServiceName",
    "ServiceCategory",
    "SubAccountId",
    "RegionId",
    "Tags",
]


def usage(day: str, cost: str, **overrides: Any) -> dict[str, str]:
    """One daily usage row on `day` (YYYY-MM-DD) costing `cost` in every cost column."""
    year, month, _ = day.split("-")
    next_year, next_month = (int(year), int(month) + 1) if month != "12" else (int(year) + 1, 1)
    day_no = int(day[-2:])
    row = {
        "BillingAccountId": "ba-nve-1",
        "BillingAccountName": "NVE sky",
        "BillingCurrency": "NOK",
        "BillingPeriodStart": f"{year}-{month}-01T00:00:00Z",
        "BillingPeriodEnd": f"{next_year}-{next_month:02d}-01T00:00:00Z",
        "ChargePeriodStart": f"{day}T00:00:00Z",
        "ChargePeriodEnd": f"{year}-{month}-{day_no + 1:02d}T00:00:00Z",
        "ChargeCategory": "Usage",
        "ChargeClass": "",
        "ChargeDescription": "Virtuell maskin, 2 vCPU",
        "PricingCategory": "Standard",
        "PricingQuantity": "24",
        "PricingUnit": "Hours",
        "BilledCost": cost,
        "EffectiveCost": cost,
        "ListCost": cost,
        "ContractedCost": cost,
        "ProviderName": "Nordsky",
        "PublisherName": "Nordsky",
        "InvoiceIssuerName": "Nordsky",
        "ServiceName": "Virtuelle maskiner",
        "ServiceCategory": "Compute",
        "SubAccountId": "sa-1",
        "RegionId": "norway-east",
        "Tags": '{"avdeling": "IT"}',
    }
    row.update(overrides)
    return row


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    path.write_text(csv_text(rows, header), encoding="utf-8")
    return path


def write_csv_gz(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_bytes(gzip.compress(csv_text(rows).encode("utf-8")))
    return path


def write_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    """The rows as Parquet with FOCUS types (DECIMAL money and quantities, TIMESTAMP times): a clean typed source,
    which the import stores straight from the file (the checker's direct path)."""
    csv_path = path.with_suffix(".src.csv")
    write_csv(csv_path, rows)
    con = duckdb.connect()
    types = {
        **dict.fromkeys(HEADER, "VARCHAR"),
        **dict.fromkeys(
            ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity"), "DECIMAL(28,10)"
        ),
        **dict.fromkeys(
            ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"), "TIMESTAMP"
        ),
    }
    select = ", ".join(f'CAST("{n}" AS {t}) AS "{n}"' for n, t in types.items())
    con.execute(
        f"COPY (SELECT {select} FROM read_csv('{csv_path}', all_varchar = true)) TO '{path}' (FORMAT parquet)"
    )
    con.close()
    csv_path.unlink()
    return path
