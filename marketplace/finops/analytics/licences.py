"""SaaS licences: unused and under-used seats and what they cost a year.

Definitions (parameters in brackets, defaults in the signature):
- unused: never active (no last_active_on) or last active more than `unused_days` (90) days before `today`;
- under-used: active within `unused_days` but not within the last `underused_days` (30) days — the seat is used
  less than once a month. Our assignment data has only the last activity date, so this is the heuristic the data
  allows; a per-day activity log would allow "active on fewer than N days" instead;
- seat price per month, first source set on the product's LicencePrice:
  1. a contract price line with unit user_month (NOK);
  2. a manual monthly price (NOK);
  3. FOCUS rows: Usage/Purchase rows with PricingQuantity > 0 whose SkuId (or ServiceName) is the one given; of
     the most recent charge period, BilledCost ÷ PricingQuantity is the price of one seat for the charge period,
     divided by its length in months (whole months when the period starts and ends on the same day of the month,
     otherwise days × 12 / 365). Amounts are in the rows' billing currency;
- yearly cost = seats × seat price per month × 12 (computed as price for the period × 12 / months, so a 12-month
  upfront licence costs exactly its price a year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ibis

from marketplace.finops.analytics.backend import Scope, costs, execute

UNUSED, UNDERUSED, ACTIVE = "unused", "underused", "active"


@dataclass(frozen=True)
class SeatPrice:
    """What one seat costs: `amount` for `months` months, in `currency`; source: price_line, manual or focus."""

    amount: Decimal
    months: Decimal
    currency: str
    source: str

    @property
    def yearly(self) -> Decimal:
        return self.amount * Decimal(12) / self.months

    @property
    def monthly(self) -> Decimal:
        return self.amount / self.months


@dataclass
class ProductSummary:
    product: str
    seats: int = 0
    unused: int = 0
    underused: int = 0
    price: SeatPrice | None = None
    seat_states: dict[str, str] = field(default_factory=dict)

    def _cost(self, count: int) -> Decimal | None:
        return None if self.price is None else self.price.yearly * count

    @property
    def yearly_cost(self) -> Decimal | None:
        return self._cost(self.seats)

    @property
    def unused_yearly_cost(self) -> Decimal | None:
        return self._cost(self.unused)

    @property
    def underused_yearly_cost(self) -> Decimal | None:
        return self._cost(self.underused)


def seat_state(
    last_active_on: dt.date | None, today: dt.date, *, unused_days: int = 90, underused_days: int = 30
) -> str:
    if last_active_on is None or (today - last_active_on).days > unused_days:
        return UNUSED
    if (today - last_active_on).days > underused_days:
        return UNDERUSED
    return ACTIVE


def months_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    if start.day == end.day and start.time() == end.time():
        months = (end.year - start.year) * 12 + end.month - start.month
        if months > 0:
            return Decimal(months)
    seconds = Decimal(int((end - start).total_seconds()))
    return seconds / Decimal(86400) * Decimal(12) / Decimal(365)


def focus_seat_price_expr(
    scope: Scope, *, sku_id: str = "", service_name: str = "", engine: str | None = None
) -> Any:
    """Ibis: seats and billed cost per charge period of the product's SaaS rows, most recent first."""
    t = costs(scope, engine=engine)
    match = t.SkuId == sku_id if sku_id else t.ServiceName == service_name
    rows = t.filter(match, t.ChargeCategory.isin(["Usage", "Purchase"]), t.PricingQuantity > 0)
    return (
        rows.group_by("ChargePeriodStart", "ChargePeriodEnd", "BillingCurrency")
        .aggregate(billed=rows.BilledCost.sum(), seats=rows.PricingQuantity.sum())
        .order_by(ibis.desc("ChargePeriodStart"), ibis.desc("ChargePeriodEnd"), "BillingCurrency")
        .limit(1)
    )


def focus_seat_price(
    scope: Scope, *, sku_id: str = "", service_name: str = "", engine: str | None = None
) -> SeatPrice | None:
    rows = execute(
        focus_seat_price_expr(scope, sku_id=sku_id, service_name=service_name, engine=engine), engine=engine
    )
    if not rows:
        return None
    row = rows[0]
    return SeatPrice(
        amount=row["billed"] / row["seats"],
        months=months_between(row["ChargePeriodStart"], row["ChargePeriodEnd"]),
        currency=row["BillingCurrency"],
        source="focus",
    )


def seat_price(price: Any, scope: Scope, *, engine: str | None = None) -> SeatPrice | None:
    """The seat price of a LicencePrice (see the module text for the order of sources)."""
    if price is None:
        return None
    if price.price_line_id is not None:
        return SeatPrice(price.price_line.unit_price_amount, Decimal(1), "NOK", "price_line")
    if price.monthly_amount is not None:
        return SeatPrice(price.monthly_amount, Decimal(1), "NOK", "manual")
    if price.focus_sku_id or price.focus_service_name:
        return focus_seat_price(
            scope, sku_id=price.focus_sku_id, service_name=price.focus_service_name, engine=engine
        )
    return None


def licence_summary(
    organisation: Any,
    *,
    today: dt.date,
    unused_days: int = 90,
    underused_days: int = 30,
    scope: Scope | None = None,
    engine: str | None = None,
) -> list[ProductSummary]:
    """Seats per product with unused / under-used counts and yearly costs, for one organisation."""
    from marketplace.finops.models import LicenceAssignment, LicencePrice

    scope = scope or Scope((organisation.pk,))
    products: dict[str, ProductSummary] = {}
    assignments = LicenceAssignment.objects.filter(organisation=organisation).order_by(
        "product", "user_identifier"
    )
    for seat in assignments:
        summary = products.setdefault(seat.product, ProductSummary(seat.product))
        state = seat_state(seat.last_active_on, today, unused_days=unused_days, underused_days=underused_days)
        summary.seats += 1
        summary.unused += state == UNUSED
        summary.underused += state == UNDERUSED
        summary.seat_states[seat.user_identifier] = state
    prices = LicencePrice.objects.filter(
        organisation=organisation, product__in=list(products)
    ).select_related("price_line")
    for price in prices:
        products[price.product].price = seat_price(price, scope, engine=engine)
    return [products[name] for name in sorted(products)]
