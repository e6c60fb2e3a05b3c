"""FOCUS conformance check: how long `check_relation` takes on a large CSV.

    .venv/bin/python benchmarks/finops_check.py --rows 1000000 [--threads 2] [--keep PATH]

Writes a deterministic synthetic FOCUS 1.2 CSV (every column; 1 % of the rows carry a decimal-comma cost, 1 % a
date-time without T/Z, 1 % a lower-case ChargeCategory, 1 % Tags that are not JSON, 2 % Tax rows) to a temporary
folder, then prints: the time and CPU time to read every column once (the floor), to check (open + check_relation:
one counting pass), and to run the returned select_sql into Parquet (what ingest does next), plus peak RSS. Not
part of the test run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.finops.focus.check import check_relation
from marketplace.finops.reader import open_sources

T = TypeVar("T")
COST = "printf('%.4f', (i % 1000) * 0.0123)"


def generate(path: Path, rows: int) -> None:
    duckdb.connect().execute(
        f"""
        COPY (SELECT
          CASE WHEN i % 7 = 0 THEN 'eu-north-1a' END AS AvailabilityZone,
          CASE WHEN i % 100 = 1 THEN '1 234,50' ELSE {COST} END AS BilledCost,
          'acct-' || (i % 5) AS BillingAccountId, 'Account ' || (i % 5) AS BillingAccountName,
          'Enterprise' AS BillingAccountType, 'NOK' AS BillingCurrency,
          '2026-10-01T00:00:00Z' AS BillingPeriodEnd,
          CASE WHEN i % 100 = 2 THEN '2026-09-01 00:00:00' ELSE '2026-09-01T00:00:00Z' END AS BillingPeriodStart,
          NULL AS CapacityReservationId, NULL AS CapacityReservationStatus,
          CASE WHEN i % 100 = 3 THEN 'usage' WHEN i % 50 = 0 THEN 'Tax' ELSE 'Usage' END AS ChargeCategory,
          NULL AS ChargeClass, 'Compute hours' AS ChargeDescription,
          CASE WHEN i % 50 = 0 THEN 'One-Time' ELSE 'Usage-Based' END AS ChargeFrequency,
          strftime(TIMESTAMP '2026-09-01' + INTERVAL (i % 720 + 1) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd,
          strftime(TIMESTAMP '2026-09-01' + INTERVAL (i % 720) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
          NULL AS CommitmentDiscountCategory, NULL AS CommitmentDiscountId, NULL AS CommitmentDiscountName,
          NULL AS CommitmentDiscountQuantity, NULL AS CommitmentDiscountStatus, NULL AS CommitmentDiscountType,
          NULL AS CommitmentDiscountUnit,
          CASE WHEN i % 50 <> 0 THEN '1' END AS ConsumedQuantity, CASE WHEN i % 50 <> 0 THEN 'Hours' END AS ConsumedUnit,
          {COST} AS ContractedCost, CASE WHEN i % 50 <> 0 THEN {COST} END AS ContractedUnitPrice,
          {COST} AS EffectiveCost, 'inv-' || (i % 3) AS InvoiceId, 'Provider AS' AS InvoiceIssuerName,
          {COST} AS ListCost, CASE WHEN i % 50 <> 0 THEN {COST} END AS ListUnitPrice,
          CASE WHEN i % 50 <> 0 THEN 'Standard' END AS PricingCategory,
          NULL AS PricingCurrency, NULL AS PricingCurrencyContractedUnitPrice, NULL AS PricingCurrencyEffectiveCost,
          NULL AS PricingCurrencyListUnitPrice,
          CASE WHEN i % 50 <> 0 THEN '1' END AS PricingQuantity, CASE WHEN i % 50 <> 0 THEN 'Hours' END AS PricingUnit,
          'Cloud' AS ProviderName, 'Cloud' AS PublisherName, 'eu-north-1' AS RegionId, 'Stockholm' AS RegionName,
          'res-' || (i % 10000) AS ResourceId, 'vm' || (i % 10000) AS ResourceName, 'VM' AS ResourceType,
          'Compute' AS ServiceCategory, 'Virtual Machines ' || (i % 3) AS ServiceName,
          'Virtual Machines' AS ServiceSubcategory, 'sku-' || (i % 50) AS SkuId, 'Hours' AS SkuMeter,
          '{{"vcpu": 2}}' AS SkuPriceDetails, 'sp-' || (i % 50) AS SkuPriceId,
          'sub-' || (i % 20) AS SubAccountId, 'Sub ' || (i % 20) AS SubAccountName, 'Project' AS SubAccountType,
          CASE WHEN i % 100 = 4 THEN 'not json' ELSE '{{"team": "t' || (i % 9) || '"}}' END AS Tags
        FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')
        """
    )


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, fn: Callable[[], T]) -> T:
    wall, used = time.perf_counter(), cpu()
    out = fn()
    print(f"{label:34} {time.perf_counter() - wall:7.2f} s wall {cpu() - used:7.2f} s CPU")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--keep", type=Path, help="write (or reuse) the CSV here instead of a temporary folder"
    )
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "focus.csv"
    if not path.exists():
        timed(f"generate {args.rows:,} rows", lambda: generate(path, args.rows))
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB)")

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    open_sources(con, [path])
    names = [r[0] for r in con.execute("DESCRIBE source").fetchall()]
    every = ", ".join(f'count("{n}")' for n in names)
    timed("read every column once", lambda: con.execute(f"SELECT {every} FROM source").fetchall())
    result = timed("check (open + check_relation)", lambda: check_relation(con, "source"))
    out = Path(folder.name) / "checked.parquet"
    timed(
        "select_sql -> Parquet",
        lambda: con.execute(f"COPY ({result.select_sql}) TO '{out}' (FORMAT parquet)"),
    )
    print(f"rows {result.rows:,}, rejected {result.rows_rejected:,}, findings:")
    for f in result.findings:
        print(f"  {f.severity:7} {f.rule_id:32} {f.rows:>9,}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    folder.cleanup()


if __name__ == "__main__":
    main()
