"""Test set-up: put cost rows straight into the store (Parquet + BillingPeriodData), skipping ingest on purpose.
Tests of ingest itself go through the ingest service."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.schema import STORAGE_COLUMNS
from marketplace.finops.storage import absolute, period_relpath

# Defaults for a plain usage row; tests override what they care about.
ROW_DEFAULTS: dict[str, Any] = {
    "BillingAccountId": "ba-1",
    "BillingAccountName": "Konto",
    "BillingCurrency": "NOK",
    "ChargeCategory": "Usage",
    "ChargeFrequency": "Usage-Based",
    "PricingCategory": "Standard",
    "ProviderName": "Nordsky",
    "PublisherName": "Nordsky",
    "ServiceProviderName": "Nordsky",
    "HostProviderName": "Nordsky",
    "InvoiceIssuerName": "Nordsky",
    "ServiceCategory": "Compute",
    "ServiceName": "Virtual Machines",
    "SubAccountId": "sa-1",
    "SubAccountName": "Prosjekt 1",
    "RegionId": "norway-east",
    "RegionName": "Norway East",
    "PricingUnit": "Hours",
    "ConsumedUnit": "Hours",
}


def month_start(day: dt.date | dt.datetime) -> dt.date:
    return dt.date(day.year, day.month, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cost_row(charge_start: dt.datetime | dt.date, cost: str | Decimal, **overrides: Any) -> dict[str, Any]:
    """One daily usage row: every cost column = `cost` unless overridden; periods derived from the day."""
    if isinstance(charge_start, dt.date) and not isinstance(charge_start, dt.datetime):
        charge_start = dt.datetime(charge_start.year, charge_start.month, charge_start.day)
    period = month_start(charge_start)
    amount = Decimal(str(cost))
    row = dict(ROW_DEFAULTS)
    row.update(
        {
            "ChargePeriodStart": charge_start,
            "ChargePeriodEnd": charge_start + dt.timedelta(days=1),
            "BillingPeriodStart": dt.datetime.combine(period, dt.time()),
            "BillingPeriodEnd": dt.datetime.combine(next_month(period), dt.time()),
            "BilledCost": amount,
            "EffectiveCost": amount,
            "ListCost": amount,
            "ContractedCost": amount,
            "PricingQuantity": Decimal("1"),
            "ConsumedQuantity": Decimal("1"),
        }
    )
    row.update(overrides)
    return row


def store_costs(organisation: Any, rows: list[dict[str, Any]], *, created_by: Any = None) -> FocusImport:
    """Write the rows as the organisation's current data (one file per billing period) and return the import."""
    focus_import = FocusImport.objects.create(
        organisation=organisation,
        created_by=created_by,
        source_format="focus",
        source_names=["test"],
        focus_version="1.2",
        status=ImportStatus.DONE,
        rows_loaded=len(rows),
    )
    by_period: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for number, row in enumerate(rows, start=1):
        period = month_start(row["BillingPeriodStart"])
        full = {name: row.get(name) for name, _kind in STORAGE_COLUMNS}
        full.update(
            x_Organisation=organisation.orgnr,
            x_BillingPeriod=period,
            x_ImportId=focus_import.pk,
            x_SourceRow=number,
        )
        by_period[period].append(full)
    con = duckdb.connect()
    for period, period_rows in by_period.items():
        relpath = period_relpath(organisation.orgnr, period, focus_import.pk)
        target = absolute(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        columns = ", ".join(f'CAST(r."{name}" AS {kind}) AS "{name}"' for name, kind in STORAGE_COLUMNS)
        values = [[r[name] for name, _kind in STORAGE_COLUMNS] for r in period_rows]
        names = [name for name, _kind in STORAGE_COLUMNS]
        table = pa.Table.from_pylist([dict(zip(names, v, strict=True)) for v in values])
        con.register("rows_in", table)
        con.execute(f"COPY (SELECT {columns} FROM rows_in r) TO '{target}' (FORMAT parquet)")
        con.unregister("rows_in")
        BillingPeriodData.objects.filter(
            organisation=organisation, billing_period=period, is_current=True
        ).update(is_current=False)
        BillingPeriodData.objects.create(
            organisation=organisation,
            focus_import=focus_import,
            billing_period=period,
            path=relpath,
            rows=len(period_rows),
        )
    return focus_import
