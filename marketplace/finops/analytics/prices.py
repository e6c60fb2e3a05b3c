"""Price compliance ("right prices"): billed unit prices against the framework contract's price list.

For cost rows of a supplier with a framework contract and a `SkuMapping` (see its docstring for how rows match):
- billed amount = ContractedUnitPrice × PricingQuantity when ContractedUnitPrice is given (the price the provider
  says it applied), else BilledCost; in NOK through `ExchangeRate` for the billing month (NOK = 1);
- quantity in price-line units = PricingQuantity × unit_factor;
- contract price = the price line `price_sku` of the contract's price list valid at ChargePeriodStart (the highest
  version among the lists whose valid_from is on or before that date);
- a row deviates when billed amount > contract price × (1 + tolerance) × quantity (i.e. billed unit price above the
  tolerance), and its over-billing is billed amount − contract price × quantity (NOK).
Deviating rows are listed per contract, SKU, billing month and contract price; rows of a mapped provider that no
mapping covers are counted separately (unmapped), as are mapped rows with no price valid at their date (unpriced) and
rows in a currency without an exchange rate.

Only Usage and Purchase rows with PricingQuantity > 0 and no ChargeClass (corrections are left out) are checked.
Arithmetic stays in multiplications (a decimal division is a float on DuckDB); the per-group unit prices shown are
divided in Python with Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.datatypes as dtypes

from marketplace.finops.analytics.backend import Scope, costs, execute

MONEY = dtypes.Decimal(38, 10)
PRICE = dtypes.Decimal(38, 16)
FAR_FUTURE = dt.datetime(9999, 12, 31)  # noqa: DTZ001 (stored times are naive UTC)
ROW_KEY = ("x_Organisation", "x_ImportId", "x_SourceRow")


@dataclass(frozen=True)
class MappingInput:
    """One SKU mapping with the price intervals of its price SKU (plain data, built from the DB by the caller)."""

    mapping_id: int
    contract_reference: str
    provider_name: str
    sku_id: str
    service_name: str
    charge_description_contains: str
    pricing_unit: str
    price_sku: str
    unit_factor: Decimal
    tolerance_percent: Decimal
    # (valid_from, valid_to exclusive or None, price list version, unit price per price-line unit, price-line unit)
    prices: tuple[tuple[dt.date, dt.date | None, int, Decimal, str], ...]


@dataclass(frozen=True)
class Deviation:
    contract_reference: str
    price_sku: str
    sku_id: str
    billing_period: dt.date
    price_list_version: int
    unit: str
    quantity: Decimal  # in price-line units
    billed_unit_price: Decimal  # NOK per price-line unit
    contract_unit_price: Decimal
    billed_amount: Decimal  # NOK
    overbilling_amount: Decimal  # NOK
    rows: int


@dataclass(frozen=True)
class Unmapped:
    provider_name: str
    sku_id: str
    service_name: str
    rows: int
    billed_cost: Decimal
    currency: str


@dataclass(frozen=True)
class PriceCheck:
    deviations: list[Deviation]
    total_overbilling_amount: Decimal
    checked_rows: int
    unmapped: list[Unmapped]
    unmapped_rows: int
    unpriced_rows: int
    no_rate_rows: int


def price_intervals(
    price_lists: list[tuple[int, dt.date, dict[str, tuple[Decimal, str]]]], price_sku: str
) -> tuple[tuple[dt.date, dt.date | None, int, Decimal, str], ...]:
    """The price of `price_sku` over time from a contract's price lists [(version, valid_from, {sku: (price, unit)})]:
    at each date the list in force is the highest version whose valid_from is on or before it. Intervals where the
    list in force has no line for the SKU are left out (unpriced)."""
    starts = sorted({valid_from for _version, valid_from, _lines in price_lists})
    result: list[tuple[dt.date, dt.date | None, int, Decimal, str]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        in_force = max(
            ((version, lines) for version, valid_from, lines in price_lists if valid_from <= start),
            key=lambda item: item[0],
        )
        version, lines = in_force
        if price_sku in lines:
            price, unit = lines[price_sku]
            result.append((start, end, version, price, unit))
    return tuple(result)


def mapping_inputs() -> list[MappingInput]:
    """Every SKU mapping with its price intervals, from the app DB."""
    from marketplace.finops.models import SkuMapping

    result = []
    mappings = SkuMapping.objects.select_related("contract").prefetch_related("contract__price_lists__lines")
    for mapping in mappings.order_by("pk"):
        lists = [
            (
                price_list.version,
                price_list.valid_from,
                {line.sku: (line.unit_price_amount, line.unit) for line in price_list.lines.all()},
            )
            for price_list in mapping.contract.price_lists.all()
        ]
        result.append(
            MappingInput(
                mapping_id=mapping.pk,
                contract_reference=mapping.contract.reference,
                provider_name=mapping.provider_name,
                sku_id=mapping.sku_id,
                service_name=mapping.service_name,
                charge_description_contains=mapping.charge_description_contains,
                pricing_unit=mapping.pricing_unit,
                price_sku=mapping.price_sku,
                unit_factor=mapping.unit_factor,
                tolerance_percent=mapping.tolerance_percent,
                prices=price_intervals(lists, mapping.price_sku),
            )
        )
    return result


def exchange_rates() -> list[tuple[str, dt.date, Decimal]]:
    from marketplace.finops.models import ExchangeRate

    return list(ExchangeRate.objects.values_list("currency", "month", "nok_per_unit"))


def _mapping_table(mappings: list[MappingInput]) -> Any:
    rows = [
        {
            "m_id": m.mapping_id,
            "m_provider": m.provider_name,
            "m_sku_id": m.sku_id,
            "m_service": m.service_name,
            "m_desc": m.charge_description_contains,
            "m_unit": m.pricing_unit,
            "m_precedence": 0 if m.sku_id else 1,
        }
        for m in mappings
    ]
    schema = ibis.schema(
        {
            "m_id": "int64",
            "m_provider": "string",
            "m_sku_id": "string",
            "m_service": "string",
            "m_desc": "string",
            "m_unit": "string",
            "m_precedence": "int64",
        }
    )
    return ibis.memtable(rows, schema=schema)


def _price_table(mappings: list[MappingInput]) -> Any:
    rows = []
    for m in mappings:
        limit_factor = Decimal(1) + m.tolerance_percent / Decimal(100)
        for valid_from, valid_to, version, price, _unit in m.prices:
            rows.append(
                {
                    "p_id": m.mapping_id,
                    "p_from": dt.datetime.combine(valid_from, dt.time()),
                    "p_to": dt.datetime.combine(valid_to, dt.time()) if valid_to else FAR_FUTURE,
                    "p_version": version,
                    # per FOCUS PricingUnit: price-line price × factor
                    "p_contract": price * m.unit_factor,
                    "p_limit": price * limit_factor * m.unit_factor,
                }
            )
    schema = ibis.schema(
        {
            "p_id": "int64",
            "p_from": "timestamp",
            "p_to": "timestamp",
            "p_version": "int64",
            "p_contract": PRICE,
            "p_limit": PRICE,
        }
    )
    return ibis.memtable(rows, schema=schema)


def _rate_table(rates: list[tuple[str, dt.date, Decimal]]) -> Any:
    schema = ibis.schema({"r_currency": "string", "r_month": "date", "r_rate": dtypes.Decimal(18, 8)})
    return ibis.memtable(
        [{"r_currency": c, "r_month": month, "r_rate": rate} for c, month, rate in rates], schema=schema
    )


def price_check(
    scope: Scope,
    *,
    mappings: list[MappingInput] | None = None,
    rates: list[tuple[str, dt.date, Decimal]] | None = None,
    engine: str | None = None,
) -> PriceCheck:
    """Deviations from the framework price list in the scope (see the module text for the rules)."""
    mappings = mapping_inputs() if mappings is None else mappings
    rates = exchange_rates() if rates is None else rates
    if not mappings:
        return PriceCheck([], Decimal(0), 0, [], 0, 0, 0)
    by_id = {m.mapping_id: m for m in mappings}
    providers = sorted({m.provider_name for m in mappings})

    t = costs(scope, engine=engine)
    rows = t.filter(
        t.ChargeCategory.isin(["Usage", "Purchase"]),
        t.ChargeClass.isnull(),
        t.PricingQuantity > 0,
        t.ProviderName.isin(providers) | t.InvoiceIssuerName.isin(providers),
    )
    m = _mapping_table(mappings)
    predicate = (
        ((rows.ProviderName == m.m_provider) | (rows.InvoiceIssuerName == m.m_provider))
        & ((m.m_unit == "") | (rows.PricingUnit == m.m_unit))
        & (
            ((m.m_sku_id != "") & (rows.SkuId == m.m_sku_id))
            | (
                (m.m_sku_id == "")
                & (rows.ServiceName == m.m_service)
                & ((m.m_desc == "") | ibis.coalesce(rows.ChargeDescription, "").contains(m.m_desc))
            )
        )
    )
    matched = rows.join(m, predicate)
    order = ibis.row_number().over(group_by=list(ROW_KEY), order_by=[matched.m_precedence, matched.m_id])
    matched = matched.mutate(zrank=order).filter(lambda x: x.zrank == 0).drop("zrank")

    keys = matched.select(*ROW_KEY).mutate(zmatched=ibis.literal(1))
    unmapped_rows = rows.join(keys, list(ROW_KEY), how="left").filter(lambda x: x.zmatched.isnull())
    unmapped_expr = (
        unmapped_rows.group_by(
            provider=ibis.coalesce(unmapped_rows.ProviderName, ""),
            sku_id=ibis.coalesce(unmapped_rows.SkuId, ""),
            service_name=ibis.coalesce(unmapped_rows.ServiceName, ""),
            currency=unmapped_rows.BillingCurrency,
        )
        .aggregate(rows=unmapped_rows.count(), billed_cost=unmapped_rows.BilledCost.sum())
        .order_by("provider", "sku_id", "service_name", "currency")
    )

    p = _price_table(mappings)
    priced = matched.join(
        p,
        (matched.m_id == p.p_id)
        & (matched.ChargePeriodStart >= p.p_from)
        & (matched.ChargePeriodStart < p.p_to),
        how="left",
    )
    r = _rate_table(rates)
    priced = priced.join(
        r, (priced.BillingCurrency == r.r_currency) & (priced.x_BillingPeriod == r.r_month), how="left"
    )
    rate = ibis.ifelse(
        priced.BillingCurrency == "NOK", ibis.literal(Decimal(1), type=dtypes.Decimal(18, 8)), priced.r_rate
    )
    amount = ibis.coalesce(
        (priced.ContractedUnitPrice * priced.PricingQuantity).cast(MONEY), priced.BilledCost
    )
    priced = priced.mutate(
        zrate=rate,
        zamount=(amount * rate).cast(MONEY),
        zcontract_amount=(priced.p_contract * priced.PricingQuantity).cast(MONEY),
        zlimit_amount=(priced.p_limit * priced.PricingQuantity).cast(MONEY),
    )
    status = priced.mutate(
        zstate=ibis.cases(
            (priced.p_id.isnull(), "unpriced"),
            (priced.zrate.isnull(), "no_rate"),
            (priced.zamount > priced.zlimit_amount, "deviation"),
            else_="ok",
        )
    )
    counts_expr = status.group_by("zstate").aggregate(n=status.count())
    dev = status.filter(status.zstate == "deviation")
    deviations_expr = (
        dev.group_by(
            "m_id", "p_version", "p_contract", sku_id=ibis.coalesce(dev.SkuId, ""), period=dev.x_BillingPeriod
        )
        .aggregate(
            quantity=dev.PricingQuantity.sum(),
            amount=dev.zamount.sum(),
            over=(dev.zamount - dev.zcontract_amount).sum(),
            rows=dev.count(),
        )
        .order_by("m_id", "sku_id", "period", "p_version")
    )

    counts = {row["zstate"]: int(row["n"]) for row in execute(counts_expr, engine=engine)}
    deviations = []
    for row in execute(deviations_expr, engine=engine):
        mapping = by_id[int(row["m_id"])]
        interval = next(i for i in mapping.prices if i[2] == row["p_version"])
        quantity = row["quantity"] * mapping.unit_factor
        deviations.append(
            Deviation(
                contract_reference=mapping.contract_reference,
                price_sku=mapping.price_sku,
                sku_id=row["sku_id"],
                billing_period=row["period"],
                price_list_version=int(row["p_version"]),
                unit=interval[4],
                quantity=quantity,
                billed_unit_price=row["amount"] / quantity,
                contract_unit_price=interval[3],
                billed_amount=row["amount"],
                overbilling_amount=row["over"],
                rows=int(row["rows"]),
            )
        )
    unmapped = [
        Unmapped(
            provider_name=row["provider"],
            sku_id=row["sku_id"],
            service_name=row["service_name"],
            rows=int(row["rows"]),
            billed_cost=row["billed_cost"],
            currency=row["currency"],
        )
        for row in execute(unmapped_expr, engine=engine)
    ]
    return PriceCheck(
        deviations=deviations,
        total_overbilling_amount=sum((d.overbilling_amount for d in deviations), Decimal(0)),
        checked_rows=sum(counts.values()),
        unmapped=unmapped,
        unmapped_rows=sum(u.rows for u in unmapped),
        unpriced_rows=counts.get("unpriced", 0),
        no_rate_rows=counts.get("no_rate", 0),
    )


def overbilling_by_contract(check: PriceCheck) -> list[dict[str, Any]]:
    """Total over-billing per contract (for summaries)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deviation in check.deviations:
        totals[deviation.contract_reference] += deviation.overbilling_amount
    return [{"contract": ref, "overbilling_amount": amount} for ref, amount in sorted(totals.items())]
