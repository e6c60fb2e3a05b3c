"""Unit economics: cost per unit of a business metric the organisation uploads (e.g. NOK per case handled).

Cost of a month = Σ EffectiveCost (amortised, so an upfront purchase is spread over the months it covers) of the
billing month, per billing currency; cost per unit = that ÷ the metric's value for the month. Months with cost but no
metric value are shown without a unit cost; months with a metric value and no cost have cost 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marketplace.finops.analytics.backend import Scope, costs, execute


@dataclass(frozen=True)
class UnitCost:
    month: dt.date
    currency: str
    cost: Decimal
    metric_value: Decimal | None
    metric_unit: str
    cost_per_unit: Decimal | None


def monthly_cost_expr(scope: Scope, *, engine: str | None = None) -> Any:
    t = costs(scope, engine=engine)
    return (
        t.group_by(month=t.x_BillingPeriod, currency=t.BillingCurrency)
        .aggregate(cost=t.EffectiveCost.sum())
        .order_by("month", "currency")
    )


def unit_costs(
    organisation: Any, metric_name: str, *, scope: Scope | None = None, engine: str | None = None
) -> list[UnitCost]:
    from marketplace.finops.models import BusinessMetric

    scope = scope or Scope((organisation.pk,))
    metrics = {
        m.month: m
        for m in BusinessMetric.objects.filter(organisation=organisation, name=metric_name)
        if (scope.period_from is None or m.month >= scope.period_from)
        and (scope.period_to is None or m.month <= scope.period_to)
    }
    unit = next((m.unit for m in metrics.values()), "")
    by_month: dict[tuple[dt.date, str], Decimal] = {
        (row["month"], row["currency"]): row["cost"]
        for row in execute(monthly_cost_expr(scope, engine=engine), engine=engine)
    }
    currencies = sorted({currency for _month, currency in by_month}) or ["NOK"]
    for month in metrics:
        if not any(key[0] == month for key in by_month):
            by_month[(month, currencies[0])] = Decimal(0)
    result = []
    for (month, currency), cost in sorted(by_month.items()):
        metric = metrics.get(month)
        result.append(
            UnitCost(
                month=month,
                currency=currency,
                cost=cost,
                metric_value=metric.value if metric else None,
                metric_unit=unit,
                cost_per_unit=cost / metric.value if metric else None,
            )
        )
    return result


def metric_names(organisation: Any) -> list[str]:
    from marketplace.finops.models import BusinessMetric

    return list(
        BusinessMetric.objects.filter(organisation=organisation)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
