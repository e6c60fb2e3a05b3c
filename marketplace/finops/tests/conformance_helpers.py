"""Build small FOCUS files for the conformance tests: one valid FOCUS 1.2 row with every column, changed per test."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb

from marketplace.finops.focus.check import CheckResult, check_relation
from marketplace.finops.reader import open_sources

FIXTURES = Path(__file__).parent / "fixtures" / "focus"
SPEC_EXAMPLES = FIXTURES / "spec-examples"

VALID_ROW: dict[str, str] = {
    "AvailabilityZone": "eu-north-1a",
    "BilledCost": "12.50",
    "BillingAccountId": "acct-1",
    "BillingAccountName": "NVE",
    "BillingAccountType": "Billing Profile",
    "BillingCurrency": "NOK",
    "BillingPeriodEnd": "2026-10-01T00:00:00Z",
    "BillingPeriodStart": "2026-09-01T00:00:00Z",
    "CapacityReservationId": "",
    "CapacityReservationStatus": "",
    "ChargeCategory": "Usage",
    "ChargeClass": "",
    "ChargeDescription": "VM hours",
    "ChargeFrequency": "Usage-Based",
    "ChargePeriodEnd": "2026-09-02T00:00:00Z",
    "ChargePeriodStart": "2026-09-01T00:00:00Z",
    "CommitmentDiscountCategory": "",
    "CommitmentDiscountId": "",
    "CommitmentDiscountName": "",
    "CommitmentDiscountQuantity": "",
    "CommitmentDiscountStatus": "",
    "CommitmentDiscountType": "",
    "CommitmentDiscountUnit": "",
    "ConsumedQuantity": "5",
    "ConsumedUnit": "Hours",
    "ContractedCost": "12.50",
    "ContractedUnitPrice": "2.50",
    "EffectiveCost": "12.50",
    "InvoiceId": "inv-1",
    "InvoiceIssuerName": "Sky AS",
    "ListCost": "15",
    "ListUnitPrice": "3",
    "PricingCategory": "Standard",
    "PricingCurrency": "",
    "PricingCurrencyContractedUnitPrice": "",
    "PricingCurrencyEffectiveCost": "",
    "PricingCurrencyListUnitPrice": "",
    "PricingQuantity": "5",
    "PricingUnit": "Hours",
    "ProviderName": "Sky",
    "PublisherName": "Sky",
    "RegionId": "eu-north-1",
    "RegionName": "Stockholm",
    "ResourceId": "vm-1",
    "ResourceName": "web",
    "ResourceType": "Virtual Machine",
    "ServiceCategory": "Compute",
    "ServiceName": "Virtual Machines",
    "ServiceSubcategory": "Virtual Machines",
    "SkuId": "sku-1",
    "SkuMeter": "Compute Hours",
    "SkuPriceDetails": '{"vCPU": 2}',
    "SkuPriceId": "sp-1",
    "SubAccountId": "sub-1",
    "SubAccountName": "Project 1",
    "SubAccountType": "Project",
    "Tags": '{"team": "drift"}',
}


def row(**changes: str) -> dict[str, str]:
    return {**VALID_ROW, **changes}


def write_csv(
    path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = (), extra: tuple[str, ...] = ()
) -> Path:
    header = [c for c in rows[0] if c not in drop] + [c for c in extra if c not in rows[0]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def check_file(
    path: Path | list[Path],
    version: str | None = None,
    *,
    direct: bool = False,
    number_csv_rows: bool = True,
    threads: int | None = None,
) -> tuple[CheckResult, list[dict[str, Any]]]:
    """Check the file(s) and return the result and the stored rows (as dicts, in source order)."""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    open_sources(con, path if isinstance(path, list) else [path], number_csv_rows=number_csv_rows)
    result = check_relation(con, "source", version=version, direct=direct)
    cursor = con.execute(f"{result.select_sql} ORDER BY x_SourceRow")
    names = [d[0] for d in cursor.description]
    stored = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return result, stored


def check_rows(
    tmp_path: Path,
    rows: list[dict[str, str]],
    *,
    drop: tuple[str, ...] = (),
    version: str | None = None,
) -> tuple[CheckResult, list[dict[str, Any]]]:
    return check_file(write_csv(tmp_path / "focus.csv", rows, drop=drop), version=version)


def brief(result: CheckResult) -> list[tuple[str, str, str, int]]:
    """The findings as (rule_id, severity, column, rows), in the order the checker gives them."""
    return [(f.rule_id, f.severity, f.column, f.rows) for f in result.findings]
