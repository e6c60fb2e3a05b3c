"""The core cost questions: totals, by provider, over time, top services and resources, breakdown by any dimension
(including a tag key), untagged share, and NOK conversion.

Every function takes a `Scope` (whose data, which billing periods) and optional `Filters`, builds an Ibis expression on
`backend.costs(scope)` and returns a list of dicts with Decimal money, ordered deterministically so DuckDB and
PySpark give identical lists. `engine` is passed through to the backend ("duckdb", "pyspark"; None = the setting).

Money columns are summed as DECIMAL (28,10 in, 38,10 out): never float. Rows whose cost is NULL count as nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Context, Decimal, localcontext
from typing import Any

import ibis
import ibis.expr.types as ir

from marketplace.finops.analytics import backend
from marketplace.finops.analytics.backend import Scope

Rows = list[dict[str, Any]]
ZERO = Decimal("0.0000000000")
SHARE_PLACES = Decimal("0.000001")
EXACT = Context(prec=80)

# Dimension name (URL/CLI) -> how to get it from a cost row. `tag:<key>` is any tag key.
DIMENSIONS: dict[str, Callable[[ir.Table], ir.Value]] = {
    "provider": lambda t: ibis.coalesce(t.ServiceProviderName, t.ProviderName),
    "service_category": lambda t: t.ServiceCategory,
    "service": lambda t: t.ServiceName,
    "sub_account": lambda t: t.SubAccountId,
    "region": lambda t: t.RegionId,
    "charge_category": lambda t: t.ChargeCategory,
    "resource": lambda t: t.ResourceId,
    "billing_account": lambda t: t.BillingAccountId,
}
TAG_PREFIX = "tag:"


@dataclass(frozen=True)
class Filters:
    """Optional row filters; None means no filter. `tag_value` needs `tag_key`."""

    provider: str | None = None
    service_category: str | None = None
    service: str | None = None
    sub_account: str | None = None
    region: str | None = None
    tag_key: str | None = None
    tag_value: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


def tag_value(table: ir.Table, key: str) -> ir.StringValue:
    """The value of tag `key` from the Tags JSON text (NULL when the row has no such tag). Booleans/numbers come
    back as their JSON text ("true", "12")."""
    value = table.Tags.cast("json")[key]
    return value.cast("string").re_replace(r'^"(.*)"$', r"\1")


def apply_filters(table: ir.Table, filters: Filters | None) -> ir.Table:
    if filters is None or filters.is_empty():
        return table
    preds: list[ir.BooleanValue] = []
    simple = {
        "provider": filters.provider,
        "service_category": filters.service_category,
        "service": filters.service,
        "sub_account": filters.sub_account,
        "region": filters.region,
    }
    for name, wanted in simple.items():
        if wanted:
            preds.append(DIMENSIONS[name](table) == wanted)
    if filters.tag_key:
        found = tag_value(table, filters.tag_key)
        preds.append(found == filters.tag_value if filters.tag_value else found.notnull())
    return table.filter(preds)


def scoped(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> ir.Table:
    return apply_filters(backend.costs(scope, engine=engine), filters)


def _dimension(table: ir.Table, dimension: str) -> ir.Value:
    if dimension.startswith(TAG_PREFIX):
        key = dimension[len(TAG_PREFIX) :]
        if not key:
            raise ValueError("Empty tag key")
        return tag_value(table, key)
    try:
        return DIMENSIONS[dimension](table)
    except KeyError:
        raise ValueError(f"Unknown dimension {dimension!r}") from None


def _money(table: ir.Table, *columns: str) -> dict[str, ir.Value]:
    names = {
        "BilledCost": "billed_cost",
        "EffectiveCost": "effective_cost",
        "ListCost": "list_cost",
        "ContractedCost": "contracted_cost",
    }
    return {names[c]: table[c].sum() for c in columns}


def _clean(rows: Rows) -> Rows:
    """Sums of nothing come back NULL; report them as 0 with the stored scale."""
    for row in rows:
        for key, value in row.items():
            if key.endswith("_cost") and value is None:
                row[key] = ZERO
    return rows


def _run(expr: ir.Table, engine: str | None) -> Rows:
    return _clean(backend.execute(expr, engine=engine))


def provider_currency(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    """One read of the data: per (provider, currency) the four cost sums (NULL when there is nothing to sum) and
    the number of rows. `totals` and `by_provider` are sums of it, so a report that asks for both reads the money
    columns once (decoding them is most of the time: 0.73 s for 10 M rows, against 1.21 s for the two queries)."""
    t = scoped(scope, filters, engine=engine)
    expr = t.group_by(provider=DIMENSIONS["provider"](t), currency=t.BillingCurrency).aggregate(
        **_money(t, "BilledCost", "EffectiveCost", "ListCost", "ContractedCost"), rows=t.count()
    )
    return backend.execute(expr, engine=engine)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    with exact():
        return sum(present[1:], present[0])


def totals_of(summary: Rows) -> Rows:
    """Per billing currency: billed, effective, list and contracted cost and the number of rows (from
    `provider_currency`), by currency."""
    by_currency: dict[Any, list[dict[str, Any]]] = {}
    for row in summary:
        by_currency.setdefault(row["currency"], []).append(row)
    rows = [
        {
            "currency": currency,
            **{
                key: _sum([r[key] for r in group])
                for key in ("billed_cost", "effective_cost", "list_cost", "contracted_cost")
            },
            "rows": sum(int(r["rows"]) for r in group),
        }
        for currency, group in by_currency.items()
    ]
    return _clean(sorted(rows, key=lambda r: (r["currency"] is None, r["currency"] or "")))


def by_provider_of(summary: Rows) -> Rows:
    """Billed and effective cost per provider and currency (from `provider_currency`), largest effective cost
    first, then by provider and currency (empty values last)."""
    rows = [
        {
            "provider": r["provider"],
            "currency": r["currency"],
            "billed_cost": r["billed_cost"],
            "effective_cost": r["effective_cost"],
        }
        for r in summary
    ]
    rows.sort(
        key=lambda r: (
            r["effective_cost"] is None,
            -(r["effective_cost"] or 0),
            r["provider"] is None,
            r["provider"] or "",
            r["currency"] is None,
            r["currency"] or "",
        )
    )
    return _clean(rows)


def totals(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    """Per billing currency: billed, effective, list and contracted cost and the number of rows."""
    return totals_of(provider_currency(scope, filters, engine=engine))


def by_provider(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    return by_provider_of(provider_currency(scope, filters, engine=engine))


def by_dimension(
    scope: Scope,
    dimension: str,
    filters: Filters | None = None,
    *,
    engine: str | None = None,
    key: str = "key",
    limit: int | None = None,
) -> Rows:
    """Billed and effective cost per value of `dimension` (a name in DIMENSIONS or `tag:<key>`) and currency,
    largest effective cost first. Rows without a value are the NULL key (e.g. untagged for a tag key)."""
    t = scoped(scope, filters, engine=engine)
    expr = (
        t.group_by(**{key: _dimension(t, dimension), "currency": t.BillingCurrency})
        .aggregate(**_money(t, "BilledCost", "EffectiveCost"))
        .order_by([ibis.desc("effective_cost"), ibis.asc(key), ibis.asc("currency")])
    )
    if limit is not None:
        expr = expr.limit(limit)
    return _run(expr, engine)


def top_services(
    scope: Scope, filters: Filters | None = None, *, engine: str | None = None, limit: int = 10
) -> Rows:
    return by_dimension(scope, "service", filters, engine=engine, key="service", limit=limit)


def top_resources(
    scope: Scope, filters: Filters | None = None, *, engine: str | None = None, limit: int = 10
) -> Rows:
    """The most expensive resources (rows without a ResourceId are left out)."""
    t = scoped(scope, filters, engine=engine)
    t = t.filter(t.ResourceId.notnull())
    expr = (
        t.group_by(
            resource_id=t.ResourceId,
            resource_name=t.ResourceName,
            service=t.ServiceName,
            currency=t.BillingCurrency,
        )
        .aggregate(**_money(t, "BilledCost", "EffectiveCost"))
        .order_by(
            [
                ibis.desc("effective_cost"),
                ibis.asc("resource_id"),
                ibis.asc("resource_name"),
                ibis.asc("service"),
                ibis.asc("currency"),
            ]
        )
        .limit(limit)
    )
    return _run(expr, engine)


def cost_over_time(
    scope: Scope,
    filters: Filters | None = None,
    *,
    engine: str | None = None,
    grain: str = "month",
    stack_by: str | None = None,
) -> Rows:
    """Cost per billing month (`grain="month"`, key `period` = "YYYY-MM") or per charge day (`grain="day"`, key
    `period` = "YYYY-MM-DD"), optionally stacked by a dimension (key `stack`)."""
    t = scoped(scope, filters, engine=engine)
    if grain == "month":
        period = t.x_BillingPeriod
    elif grain == "day":
        period = t.ChargePeriodStart.date()
    else:
        raise ValueError(f"Unknown grain {grain!r} (month or day)")
    groups: dict[str, ir.Value] = {"period": period}
    if stack_by:
        groups["stack"] = _dimension(t, stack_by)
    groups["currency"] = t.BillingCurrency
    expr = t.group_by(**groups).aggregate(**_money(t, "BilledCost", "EffectiveCost")).order_by(list(groups))
    rows = _run(expr, engine)
    for row in rows:
        day = row["period"]
        if isinstance(day, dt.datetime):
            day = day.date()
        row["period"] = f"{day:%Y-%m}" if grain == "month" else day.isoformat()
    return rows


def by_month(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    return cost_over_time(scope, filters, engine=engine, grain="month")


def untagged_share(
    scope: Scope, filters: Filters | None = None, *, engine: str | None = None, tag_key: str | None = None
) -> Rows:
    """Per currency: effective cost of rows without tags (or without `tag_key` when given), the total, and the
    share (untagged / total, 6 decimals; None when the total is 0)."""
    t = scoped(scope, filters, engine=engine)
    if tag_key:
        untagged = tag_value(t, tag_key).isnull()
    else:
        stripped = t.Tags.strip()
        untagged = t.Tags.isnull() | (stripped == "") | (stripped == "{}") | (stripped == "null")
    expr = (
        t.group_by(currency=t.BillingCurrency)
        .aggregate(
            untagged_cost=t.EffectiveCost.sum(where=untagged),
            effective_cost=t.EffectiveCost.sum(),
        )
        .order_by("currency")
    )
    rows = _run(expr, engine)
    for row in rows:
        row["share"] = ratio(row["untagged_cost"], row["effective_cost"])
    return rows


def ratio(part: Decimal, whole: Decimal, places: Decimal = SHARE_PLACES) -> Decimal | None:
    if not whole:
        return None
    with exact():
        return (part / whole).quantize(places)


def exact() -> Any:
    """A Decimal context wide enough for DECIMAL(38,10) sums and their products with rates (Python's default
    precision of 28 digits would round them). Use as `with exact(): ...`."""
    return localcontext(EXACT)


# --- NOK ---------------------------------------------------------------------------------------------------------


def _by_currency_month(scope: Scope, filters: Filters | None, engine: str | None) -> Rows:
    t = scoped(scope, filters, engine=engine)
    expr = (
        t.group_by(currency=t.BillingCurrency, month=t.x_BillingPeriod)
        .aggregate(**_money(t, "BilledCost", "EffectiveCost", "ListCost", "ContractedCost"))
        .order_by(["currency", "month"])
    )
    rows = _run(expr, engine)
    for row in rows:
        if isinstance(row["month"], dt.datetime):
            row["month"] = row["month"].date()
    return rows


def exchange_rates(pairs: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], Any]:
    """The ExchangeRate rows for (currency, first-of-month) pairs (read-only lookup in the app DB)."""
    from marketplace.finops.models import ExchangeRate

    if not pairs:
        return {}
    currencies = {c for c, _m in pairs}
    months = {m for _c, m in pairs}
    found = ExchangeRate.objects.filter(currency__in=currencies, month__in=months)
    return {(r.currency, r.month): r for r in found}


NOK_COLUMNS = ("billed_cost", "effective_cost", "list_cost", "contracted_cost")


def nok_totals(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> dict[str, Any]:
    """The totals in NOK: each (currency, billing month) converted with that month's ExchangeRate (NOK as is).
    Amounts without a rate are left out of the sums and listed in `missing_rates` (`is_complete` False) — never
    counted as 0 silently. Products are exact (no rounding)."""
    rows = _by_currency_month(scope, filters, engine)
    needed = {(r["currency"], r["month"]) for r in rows if r["currency"] != "NOK"}
    rates = exchange_rates(needed)
    sums = dict.fromkeys(NOK_COLUMNS, ZERO)
    used: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    with exact():
        for row in rows:
            currency, month = row["currency"], row["month"]
            if currency == "NOK":
                factor = Decimal(1)
            elif (currency, month) in rates:
                rate = rates[(currency, month)]
                factor = rate.nok_per_unit
                used.append(
                    {
                        "currency": currency,
                        "month": f"{month:%Y-%m}",
                        "nok_per_unit": rate.nok_per_unit,
                        "source": rate.source,
                    }
                )
            else:
                missing.append(
                    {
                        "currency": currency,
                        "month": f"{month:%Y-%m}" if month else None,
                        "billed_cost": row["billed_cost"],
                        "effective_cost": row["effective_cost"],
                    }
                )
                continue
            for column in NOK_COLUMNS:
                sums[column] += row[column] * factor
    return {"currency": "NOK", **sums, "rates": used, "missing_rates": missing, "is_complete": not missing}


# --- the whole report --------------------------------------------------------------------------------------------

Section = Callable[..., Any]

# Section name -> function(scope, filters, *, engine). Other areas add theirs here (one line each).
SECTIONS: dict[str, Section] = {
    "totals": totals,
    "by_provider": by_provider,
    "nok": nok_totals,
    "by_service_category": lambda s, f, *, engine: by_dimension(
        s, "service_category", f, engine=engine, key="service_category"
    ),
    "by_month": by_month,
    "by_region": lambda s, f, *, engine: by_dimension(s, "region", f, engine=engine, key="region"),
    "by_sub_account": lambda s, f, *, engine: by_dimension(
        s, "sub_account", f, engine=engine, key="sub_account"
    ),
    "top_services": top_services,
    "top_resources": top_resources,
    "untagged_share": untagged_share,
}


def _register_defaults() -> None:
    from marketplace.finops.analytics.allocation import showback
    from marketplace.finops.analytics.commitments import commitments

    SECTIONS.setdefault("commitments", commitments)
    SECTIONS.setdefault("showback", showback)


def report_build(
    scope: Scope,
    engine: str | None = None,
    *,
    filters: Filters | None = None,
    sections: list[str] | None = None,
) -> dict[str, Any]:
    """Every section (or the named ones) for the scope: {section name: rows or dict}."""
    _register_defaults()
    names = sections if sections is not None else list(SECTIONS)
    shared: dict[str, Any] = {}
    if "totals" in names and "by_provider" in names:
        summary = provider_currency(scope, filters, engine=engine)
        shared = {"totals": totals_of(summary), "by_provider": by_provider_of(summary)}
    return {
        name: shared[name] if name in shared else SECTIONS[name](scope, filters, engine=engine)
        for name in names
    }


def optimisation_sections(scope: Scope, *, engine: str | None = None) -> dict[str, Any]:
    """The analyses with their own result types, for the report's JSON (`mps finops report`, the API): carbon,
    price compliance, workload. Whole scope: the report filters do not apply to them."""
    from dataclasses import asdict

    from marketplace.finops.analytics.carbon import carbon_estimate
    from marketplace.finops.analytics.prices import price_check
    from marketplace.finops.analytics.workload import workload_findings

    return {
        "carbon": asdict(carbon_estimate(scope, engine=engine)),
        "price_compliance": asdict(price_check(scope, engine=engine)),
        "workload": [asdict(finding) for finding in workload_findings(scope, engine=engine)],
    }
