"""Reads for budgets: the organisation's budgets, one budget for a user (404 for another organisation's), the
exchange rates a period needs, a budget's status (actual, forecast and budget per month) and the latest notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.analytics.forecast import (
    FACTOR_WINDOW_DAYS,
    RUN_RATE_DAYS,
    YearForecast,
    daily_costs_expr,
    daily_series_in_nok,
    forecast_year,
)
from marketplace.finops.models import Budget, ExchangeRate, FinopsNotice
from marketplace.finops.permissions import finops_organisation


def budget_list(organisation: Any) -> QuerySet[Budget]:
    return Budget.objects.filter(organisation=organisation).order_by("-year", "name", "pk")


def budget_get_visible_to(user: Any, pk: int) -> Budget:
    """The budget if it belongs to the organisation whose FinOps data the user may see now; 404 otherwise."""
    organisation = finops_organisation(user)
    budget = Budget.objects.filter(pk=pk, organisation=organisation).first() if organisation else None
    if budget is None:
        raise Http404
    return budget


def exchange_rates(first_month: dt.date, last_month: dt.date) -> dict[tuple[str, dt.date], Decimal]:
    rows = ExchangeRate.objects.filter(month__gte=first_month, month__lte=last_month)
    return {(r.currency.upper(), r.month): r.nok_per_unit for r in rows}


def notices_recent(organisation: Any, *, limit: int = 10) -> QuerySet[FinopsNotice]:
    return FinopsNotice.objects.filter(organisation=organisation).order_by("-created_at", "-pk")[:limit]


@dataclass(frozen=True)
class MonthStatus:
    month: dt.date
    budget: Decimal
    actual: Decimal
    forecast: Decimal
    low: Decimal
    high: Decimal
    days_forecast: int

    @property
    def actual_pct(self) -> Decimal | None:
        return (self.actual / self.budget * 100).quantize(Decimal("0.1")) if self.budget else None

    @property
    def forecast_pct(self) -> Decimal | None:
        return (self.forecast / self.budget * 100).quantize(Decimal("0.1")) if self.budget else None


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    as_of: dt.date
    forecast: YearForecast
    months: tuple[MonthStatus, ...]
    missing_rates: tuple[tuple[str, dt.date], ...]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def budget_status(budget: Budget, *, today: dt.date) -> BudgetStatus:
    """Actual up to the last day with data (at most yesterday), forecast after it, for each month of the year."""
    yesterday = today - dt.timedelta(days=1)
    history = dt.timedelta(days=FACTOR_WINDOW_DAYS + RUN_RATE_DAYS)
    year_start, year_end = dt.date(budget.year, 1, 1), dt.date(budget.year, 12, 31)
    start = min(year_start, yesterday - history)
    end = min(year_end, yesterday)
    scope = Scope((budget.organisation_id,), period_from=_month_start(start), period_to=_month_start(end))
    expr = daily_costs_expr(
        scope,
        start=start,
        end=end + dt.timedelta(days=1),
        scope_kind=budget.scope_kind,
        cost_centre=budget.cost_centre,
        tag_key=budget.tag_key,
        tag_value=budget.tag_value,
    )
    rows = execute(expr)
    series = daily_series_in_nok(rows, exchange_rates(_month_start(start), _month_start(end)))
    data_days = [*series.usage, *series.recurring]
    as_of = min(max(data_days), yesterday) if data_days else yesterday
    forecast = forecast_year(series.usage, series.recurring, year=budget.year, as_of=as_of)
    months = tuple(
        MonthStatus(
            month=dt.date(budget.year, m.month, 1),
            budget=budget.month_amount(m.month),
            actual=m.actual,
            forecast=m.forecast,
            low=m.low,
            high=m.high,
            days_forecast=m.days_forecast,
        )
        for m in forecast.months
    )
    return BudgetStatus(budget, as_of, forecast, months, series.missing_rates)
