"""The questions the FinOps dashboard asks: totals, cost over time, top services and resources, tag breakdown, and
MPS aggregates across organisations (with small groups suppressed).

Every function builds an Ibis expression on `backend.costs(scope)` and runs it with `backend.execute`, so it runs on
DuckDB and PySpark alike. Money comes back as Decimal; amounts are in one billing currency (`currency=`), never
summed across currencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from marketplace.finops.analytics.backend import Scope, costs, execute

GroupBy = Literal["provider", "service_category"]
Grain = Literal["month", "day"]
GROUP_BYS: tuple[str, ...] = ("provider", "service_category")
GRAINS: tuple[str, ...] = ("month", "day")
TOTAL_COLUMNS = {
    "billed_cost": "BilledCost",
    "effective_cost": "EffectiveCost",
    "list_cost": "ListCost",
    "contracted_cost": "ContractedCost",
}
# Fewer organisations than this in a group and MPS sees no amount for it.
MINIMUM_GROUP_SIZE = 3
ZERO = Decimal("0")


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _in_currency(scope: Scope, currency: str) -> ir.Table:
    table = costs(scope)
    return table.filter(table.BillingCurrency == currency)


def _provider(table: ir.Table) -> ir.Value:
    """FOCUS 1.3's ServiceProviderName, falling back to 1.2's ProviderName."""
    return table.ServiceProviderName.coalesce(table.ProviderName)


def _group_column(table: ir.Table, group_by: str) -> ir.Value:
    if group_by == "provider":
        return _provider(table)
    if group_by == "service_category":
        return table.ServiceCategory
    raise ValueError(f"group_by must be one of {GROUP_BYS}, not {group_by!r}")


def currencies(scope: Scope) -> list[str]:
    """The billing currencies present, the one with the most rows first (ties by code)."""
    table = costs(scope)
    table = table.filter(table.BillingCurrency.notnull())
    expr = (
        table.group_by(currency=table.BillingCurrency)
        .aggregate(rows=table.count())
        .order_by([ibis.desc("rows"), "currency"])
    )
    return [row["currency"] for row in execute(expr)]


def cost_totals(scope: Scope, *, currency: str) -> dict[str, Decimal]:
    """Billed, effective, list and contracted cost summed over the scope (zeros when there is no data)."""
    table = _in_currency(scope, currency)
    expr = table.aggregate(**{name: table[column].sum() for name, column in TOTAL_COLUMNS.items()})
    rows = execute(expr)
    row = rows[0] if rows else {}
    return {name: _money(row.get(name)) for name in TOTAL_COLUMNS}


def cost_over_time(
    scope: Scope, *, currency: str, group_by: str = "provider", grain: str = "month"
) -> list[dict[str, Any]]:
    """Effective and billed cost per period (billing month, or charge day) and group (provider or service
    category), ordered by period then group."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    table = _in_currency(scope, currency)
    period = table.x_BillingPeriod if grain == "month" else table.ChargePeriodStart.date()
    expr = (
        table.group_by(period=period, group=_group_column(table, group_by))
        .aggregate(effective_cost=table.EffectiveCost.sum(), billed_cost=table.BilledCost.sum())
        .order_by(["period", ibis.asc("group", nulls_first=False)])
    )
    return [
        {
            "period": row["period"],
            "group": row["group"],
            "effective_cost": _money(row["effective_cost"]),
            "billed_cost": _money(row["billed_cost"]),
        }
        for row in execute(expr)
    ]


def top_services(scope: Scope, *, currency: str, limit: int = 10) -> list[dict[str, Any]]:
    """The services with the highest effective cost (ties by name)."""
    table = _in_currency(scope, currency)
    expr = (
        table.group_by(
            service_name=table.ServiceName,
            service_category=table.ServiceCategory,
            provider=_provider(table),
        )
        .aggregate(effective_cost=table.EffectiveCost.sum(), billed_cost=table.BilledCost.sum())
        .order_by(
            [
                ibis.desc("effective_cost"),
                ibis.asc("service_name", nulls_first=False),
                ibis.asc("provider", nulls_first=False),
            ]
        )
        .limit(limit)
    )
    return [
        {**row, "effective_cost": _money(row["effective_cost"]), "billed_cost": _money(row["billed_cost"])}
        for row in execute(expr)
    ]


def top_resources(scope: Scope, *, currency: str, limit: int = 10) -> list[dict[str, Any]]:
    """The resources (rows with a ResourceId) with the highest effective cost (ties by id)."""
    table = _in_currency(scope, currency)
    table = table.filter(table.ResourceId.notnull())
    expr = (
        table.group_by(resource_id=table.ResourceId)
        .aggregate(
            resource_name=table.ResourceName.max(),
            service_name=table.ServiceName.max(),
            effective_cost=table.EffectiveCost.sum(),
            billed_cost=table.BilledCost.sum(),
        )
        .order_by([ibis.desc("effective_cost"), "resource_id"])
        .limit(limit)
    )
    return [
        {**row, "effective_cost": _money(row["effective_cost"]), "billed_cost": _money(row["billed_cost"])}
        for row in execute(expr)
    ]


def _tags(table: ir.Table) -> ir.Value:
    return table.Tags.cast("json")


def tag_keys(scope: Scope) -> list[str]:
    """The tag keys present in the scope, sorted."""
    table = costs(scope)
    table = table.filter(table.Tags.notnull())
    keys = table.select(key=_tags(table).map.keys().unnest())
    expr = keys.filter(keys.key.notnull()).distinct().order_by("key")
    return [row["key"] for row in execute(expr)]


def tag_breakdown(scope: Scope, *, currency: str, key: str) -> list[dict[str, Any]]:
    """Effective cost per value of tag `key`, highest first. `tag_value` is None for rows without the tag and ""
    for rows where the key has no value (FOCUS writes `true` for those)."""
    table = _in_currency(scope, currency)
    tag = _tags(table)[key]
    value = ibis.cases(
        (tag.isnull(), ibis.null("string")),
        (tag.str.notnull(), tag.str),
        else_=ibis.literal(""),
    )
    expr = (
        table.group_by(tag_value=value)
        .aggregate(effective_cost=table.EffectiveCost.sum(), billed_cost=table.BilledCost.sum())
        .order_by([ibis.desc("effective_cost"), ibis.asc("tag_value", nulls_first=False)])
    )
    return [
        {**row, "effective_cost": _money(row["effective_cost"]), "billed_cost": _money(row["billed_cost"])}
        for row in execute(expr)
    ]


def previous_scope(scope: Scope) -> Scope | None:
    """The same number of billing months just before the scope (None when the scope has no start or end)."""
    if scope.period_from is None or scope.period_to is None:
        return None
    months = month_count(scope.period_from, scope.period_to)
    return Scope(
        scope.organisation_ids,
        period_from=add_months(scope.period_from, -months),
        period_to=add_months(scope.period_from, -1),
    )


def month_count(first: dt.date, last: dt.date) -> int:
    """How many months from the month of `first` to the month of `last`, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# --- MPS: aggregates across organisations ------------------------------------------------------------------------


def _organisation_kinds(kinds: Mapping[str, str]) -> ir.Table:
    return ibis.memtable(
        {"orgnr": list(kinds.keys()), "kind": list(kinds.values())},
        schema={"orgnr": "string", "kind": "string"},
    )


def mps_cost_by_kind(scope: Scope, *, currency: str, kinds: Mapping[str, str]) -> list[dict[str, Any]]:
    """Cost per organisation kind (`kinds` maps orgnr → kind; unknown orgnr count as kind None), with the number of
    organisations in each group; groups of fewer than MINIMUM_GROUP_SIZE organisations are suppressed."""
    table = _in_currency(scope, currency)
    kind_table = _organisation_kinds(kinds)
    joined = table.left_join(kind_table, table.x_Organisation == kind_table.orgnr)
    expr = joined.group_by(group=joined.kind).aggregate(
        organisations=joined.x_Organisation.nunique(),
        effective_cost=joined.EffectiveCost.sum(),
        billed_cost=joined.BilledCost.sum(),
    )
    return suppress_small_groups(execute(expr))


def mps_cost_by_provider(scope: Scope, *, currency: str) -> list[dict[str, Any]]:
    """Cost per provider across organisations, with the number of organisations using each; groups of fewer than
    MINIMUM_GROUP_SIZE organisations are suppressed."""
    table = _in_currency(scope, currency)
    expr = table.group_by(group=_provider(table)).aggregate(
        organisations=table.x_Organisation.nunique(),
        effective_cost=table.EffectiveCost.sum(),
        billed_cost=table.BilledCost.sum(),
    )
    return suppress_small_groups(execute(expr))


def mps_cost_total(scope: Scope, *, currency: str) -> dict[str, Any]:
    """The total across all organisations (suppressed, like a group, when fewer than MINIMUM_GROUP_SIZE)."""
    table = _in_currency(scope, currency)
    expr = table.aggregate(
        organisations=table.x_Organisation.nunique(),
        effective_cost=table.EffectiveCost.sum(),
        billed_cost=table.BilledCost.sum(),
    )
    rows = execute(expr)
    row = {"group": None, **(rows[0] if rows else {"organisations": 0})}
    return suppress_small_groups([row], secondary=False)[0]


def suppress_small_groups(
    rows: Iterable[dict[str, Any]], *, minimum: int = MINIMUM_GROUP_SIZE, secondary: bool = True
) -> list[dict[str, Any]]:
    """Hide the amounts of groups with fewer than `minimum` organisations (`is_suppressed`, amounts None).

    Secondary suppression: when exactly one group is hidden, the smallest remaining group is hidden too, so the
    hidden amount cannot be worked out from a total minus the others. Rows come back largest shown amount first,
    suppressed groups last (ordered by group name, so their order says nothing about their size)."""
    result = []
    for row in rows:
        organisations = int(row.get("organisations") or 0)
        is_suppressed = organisations < minimum
        result.append(
            {
                "group": row.get("group"),
                "organisations": organisations,
                "effective_cost": None if is_suppressed else _money(row.get("effective_cost")),
                "billed_cost": None if is_suppressed else _money(row.get("billed_cost")),
                "is_suppressed": is_suppressed,
                "_effective": _money(row.get("effective_cost")),
            }
        )
    hidden = [row for row in result if row["is_suppressed"]]
    shown = [row for row in result if not row["is_suppressed"]]
    if secondary and len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda row: (row["organisations"], row["_effective"], str(row["group"])))
        smallest.update(effective_cost=None, billed_cost=None, is_suppressed=True)
    for row in result:
        del row["_effective"]
        if row["is_suppressed"]:
            row["organisations"] = None  # the exact count of a small group is not shown either
    shown = sorted(
        (row for row in result if not row["is_suppressed"]),
        key=lambda row: (-_money(row["effective_cost"]), str(row["group"] or "")),
    )
    hidden = sorted((row for row in result if row["is_suppressed"]), key=lambda row: str(row["group"] or ""))
    return shown + hidden
