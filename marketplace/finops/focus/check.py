"""The conformance checker.

Contract (used by ingest and by `mps finops check`):

    check_relation(con, relation, version=None) -> CheckResult

`relation` names a DuckDB view or table holding the source rows, as read (all VARCHAR from CSV, typed from
Parquet), FOCUS column names, plus an `x_SourceRow` BIGINT column. The result carries the FOCUS version checked
against, the findings, `fatal` (the file cannot be used at all: say why in an ERROR finding), and `select_sql`: a
SELECT over the relation that yields every `schema.FOCUS_COLUMNS` column with its stored type (normalised), then
`x_SourceRow` and `x_RejectReason` (NULL for a usable row, else the rule id(s) that reject it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from marketplace.finops.focus.findings import ERROR, Finding
from marketplace.finops.schema import FOCUS_COLUMNS

VERSIONS = ("1.0", "1.1", "1.2", "1.3")

# Mandatory in every version 1.0-1.3 (ProviderName/PublisherName are replaced by ServiceProviderName in 1.3).
_MANDATORY_ALL = (
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "EffectiveCost",
    "ServiceName",
)


@dataclass
class CheckResult:
    focus_version: str
    findings: list[Finding] = field(default_factory=list)
    fatal: bool = False
    select_sql: str = ""


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f'DESCRIBE "{relation}"').fetchall()]


def detect_version(columns: list[str]) -> str:
    present = set(columns)
    if "ServiceProviderName" in present:
        return "1.3"
    if present & {"BillingAccountType", "InvoiceId", "PricingCurrency", "SubAccountType"}:
        return "1.2"
    if present & {"ServiceSubcategory", "SkuMeter", "SkuPriceDetails", "CommitmentDiscountQuantity"}:
        return "1.1"
    return "1.0"


def check_relation(
    con: duckdb.DuckDBPyConnection, relation: str, *, version: str | None = None
) -> CheckResult:
    columns = columns_of(con, relation)
    result = CheckResult(focus_version=version or detect_version(columns))
    present = set(columns)
    for name in _MANDATORY_ALL:
        if name not in present:
            result.findings.append(
                Finding(f"{name}-presence", ERROR, name, 0, f"Mandatory column {name} is missing.")
            )
            result.fatal = True
    parts = []
    for name, kind in FOCUS_COLUMNS:
        parts.append(
            f'TRY_CAST("{name}" AS {kind}) AS "{name}"' if name in present else f'NULL::{kind} AS "{name}"'
        )
    reject = "CASE WHEN TRY_CAST(\"BilledCost\" AS DECIMAL(28,10)) IS NULL THEN 'BilledCost-type' END"
    result.select_sql = (
        f'SELECT {", ".join(parts)}, "x_SourceRow", {reject if not result.fatal else "NULL"} AS "x_RejectReason" '
        f'FROM "{relation}"'
    )
    return result
