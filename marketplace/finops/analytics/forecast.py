"""Daily cost of a budget's rows and the forecast to month-end and year-end.

The daily series is an Ibis expression (`daily_costs_expr`), so it runs on DuckDB and PySpark alike; the forecast
itself (`forecast_year`) is pure Python on that small series, all in Decimal.

Method (reference finops.md §5.5):

- Weekday factors from the last 56 days up to `as_of`: mean cost of each weekday ÷ mean cost of all days (all 1 when
  there are fewer than 14 days, or the mean is 0).
- Run-rate ("level"): Σ cost of the last 14 days ÷ Σ of their weekday factors — the weekday-adjusted daily mean.
- Each day after `as_of` is forecast as level × its weekday factor.
- Known recurring charges (`ChargeFrequency = Recurring`) are kept out of the run-rate; the month before `as_of`'s
  month tells what they amount to per month: the rest of that amount is added to the current month (what has not
  been charged yet) and the whole amount to each later month.
- Interval (80 %): back-test each of the last 56 days with the run-rate of the 14 days before it; the 10th and 90th
  percentile of those daily errors, times √(days forecast), are added to the forecast (at least 7 errors needed,
  otherwise low = high = forecast). The low end never goes below the cost already incurred.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from marketplace.finops.analytics.backend import Scope, costs

ZERO = Decimal(0)
CENT = Decimal("0.01")
FACTOR_WINDOW_DAYS = 56
RUN_RATE_DAYS = 14
MIN_ERRORS = 7
INTERVAL_QUANTILES = (Decimal("0.1"), Decimal("0.9"))

# Tag keys that carry a cost-centre code (matched case-insensitively) until allocation rules define cost centres.
COST_CENTRE_TAG_KEYS = ("costcenter", "cost-center", "cost_center", "costcentre", "kostnadssted")


# --- rows of a budget ---------------------------------------------------------------------------------------------


def _json_string_regex(text: str) -> str:
    """A regex for `text` as it appears between the quotes of a JSON string."""
    return re.escape(json.dumps(text, ensure_ascii=False)[1:-1])


def tag_pattern(key: str, value: str, *, case_insensitive_key: bool = False) -> str:
    """A regex (RE2 and Java alike) matching `"key": "value"` in a Tags JSON object."""
    key_regex = _json_string_regex(key)
    if case_insensitive_key:
        key_regex = f"(?i:{key_regex})"
    return rf'"{key_regex}"\s*:\s*"{_json_string_regex(value)}"'


def cost_centre_pattern(code: str) -> str:
    keys = "|".join(_json_string_regex(k) for k in COST_CENTRE_TAG_KEYS)
    return rf'"(?i:{keys})"\s*:\s*"{_json_string_regex(code)}"'


def budget_rows(
    table: ir.Table, *, scope_kind: str, cost_centre: str = "", tag_key: str = "", tag_value: str = ""
) -> ir.Table:
    """The rows a budget counts: all (organisation), those tagged with the cost centre, or with the tag."""
    if scope_kind == "cost_centre":
        return table.filter(table.Tags.re_search(cost_centre_pattern(cost_centre)).fill_null(False))
    if scope_kind == "tag":
        return table.filter(table.Tags.re_search(tag_pattern(tag_key, tag_value)).fill_null(False))
    return table


def daily_costs_expr(
    scope: Scope,
    *,
    start: dt.date,
    end: dt.date,
    scope_kind: str = "organisation",
    cost_centre: str = "",
    tag_key: str = "",
    tag_value: str = "",
) -> ir.Table:
    """EffectiveCost per charge day [start, end), billing currency and recurring or not."""
    t = costs(scope)
    t = t.filter(
        (t.ChargePeriodStart >= ibis.timestamp(dt.datetime.combine(start, dt.time())))
        & (t.ChargePeriodStart < ibis.timestamp(dt.datetime.combine(end, dt.time())))
    )
    t = budget_rows(t, scope_kind=scope_kind, cost_centre=cost_centre, tag_key=tag_key, tag_value=tag_value)
    return (
        t.group_by(
            day=t.ChargePeriodStart.date(),
            currency=t.BillingCurrency,
            recurring=(t.ChargeFrequency == "Recurring").fill_null(False),
        )
        .aggregate(cost=t.EffectiveCost.sum())
        .order_by("day", "currency", "recurring")
    )


# --- currency -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailySeries:
    usage: dict[dt.date, Decimal]
    recurring: dict[dt.date, Decimal]
    missing_rates: tuple[tuple[str, dt.date], ...]  # (currency, month) without an exchange rate: left out


def daily_series_in_nok(
    rows: Iterable[Mapping[str, Any]], rates: Mapping[tuple[str, dt.date], Decimal]
) -> DailySeries:
    """Convert `daily_costs_expr` rows to NOK with monthly rates ((currency, first of month) -> NOK per unit).
    Rows in a currency without a rate for their month are left out and named in `missing_rates` (never taken
    as 0 silently)."""
    usage: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    recurring: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    missing: set[tuple[str, dt.date]] = set()
    for row in rows:
        day: dt.date = row["day"]
        currency = (row["currency"] or "NOK").upper()
        cost = row["cost"] if row["cost"] is not None else ZERO
        if currency != "NOK":
            rate = rates.get((currency, day.replace(day=1)))
            if rate is None:
                missing.add((currency, day.replace(day=1)))
                continue
            cost = cost * rate
        target = recurring if row["recurring"] else usage
        target[day] += cost
    return DailySeries(dict(usage), dict(recurring), tuple(sorted(missing)))


# --- forecast -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthForecast:
    month: int
    actual: Decimal  # cost on days up to as_of
    forecast: Decimal  # actual + forecast of the days after as_of
    low: Decimal
    high: Decimal
    days_forecast: int


@dataclass(frozen=True)
class YearForecast:
    year: int
    as_of: dt.date
    level: Decimal  # weekday-adjusted daily run-rate (usage only)
    weekday_factors: tuple[Decimal, ...]  # Monday first
    recurring_monthly: Decimal
    error_quantiles: tuple[Decimal, Decimal] | None
    months: tuple[MonthForecast, ...]
    actual: Decimal
    forecast: Decimal
    low: Decimal
    high: Decimal

    def month(self, number: int) -> MonthForecast:
        return self.months[number - 1]


def quantile(values: list[Decimal], q: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (numpy's default), in Decimal."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def weekday_factors(usage: Mapping[dt.date, Decimal], *, as_of: dt.date, first: dt.date) -> list[Decimal]:
    window = _days(max(first, as_of - dt.timedelta(days=FACTOR_WINDOW_DAYS - 1)), as_of)
    if len(window) < RUN_RATE_DAYS:
        return [Decimal(1)] * 7
    total = sum((usage.get(d, ZERO) for d in window), ZERO)
    if total == 0:
        return [Decimal(1)] * 7
    mean_all = total / len(window)
    factors = []
    for weekday in range(7):
        days = [d for d in window if d.weekday() == weekday]
        factors.append(
            sum((usage.get(d, ZERO) for d in days), ZERO) / len(days) / mean_all if days else Decimal(1)
        )
    return factors


def run_rate(
    usage: Mapping[dt.date, Decimal], factors: list[Decimal], *, until: dt.date, first: dt.date
) -> Decimal:
    """Σ cost ÷ Σ weekday factor over the RUN_RATE_DAYS days ending `until` (0 without data)."""
    days = _days(max(first, until - dt.timedelta(days=RUN_RATE_DAYS - 1)), until) if until >= first else []
    weight = sum((factors[d.weekday()] for d in days), ZERO)
    if not days or weight == 0:
        return ZERO
    return sum((usage.get(d, ZERO) for d in days), ZERO) / weight


def backtest_errors(
    usage: Mapping[dt.date, Decimal], factors: list[Decimal], *, as_of: dt.date, first: dt.date
) -> list[Decimal]:
    """actual − forecast for each of the last 56 days that has 14 days of history before it."""
    start = max(first + dt.timedelta(days=RUN_RATE_DAYS), as_of - dt.timedelta(days=FACTOR_WINDOW_DAYS - 1))
    errors = []
    for day in _days(start, as_of) if start <= as_of else []:
        predicted = (
            run_rate(usage, factors, until=day - dt.timedelta(days=1), first=first) * factors[day.weekday()]
        )
        errors.append(usage.get(day, ZERO) - predicted)
    return errors


def _previous_month(day: dt.date) -> tuple[dt.date, dt.date]:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def forecast_year(
    usage: Mapping[dt.date, Decimal], recurring: Mapping[dt.date, Decimal], *, year: int, as_of: dt.date
) -> YearForecast:
    """Actual up to `as_of` and forecast after it, per month of `year` and for the year (see module docstring)."""
    data_days = [d for d in (*usage, *recurring) if d <= as_of]
    first = min(data_days) if data_days else as_of + dt.timedelta(days=1)
    factors = weekday_factors(usage, as_of=as_of, first=first)
    level = run_rate(usage, factors, until=as_of, first=first)
    errors = backtest_errors(usage, factors, as_of=as_of, first=first)
    quantiles = (
        (quantile(errors, INTERVAL_QUANTILES[0]), quantile(errors, INTERVAL_QUANTILES[1]))
        if len(errors) >= MIN_ERRORS
        else None
    )
    prev_first, prev_last = _previous_month(as_of)
    recurring_monthly = sum((v for d, v in recurring.items() if prev_first <= d <= prev_last), ZERO)

    def interval(actual: Decimal, point: Decimal, days: int) -> tuple[Decimal, Decimal]:
        if quantiles is None or days == 0:
            return point, point
        root = Decimal(days).sqrt()
        return max(point + quantiles[0] * root, actual), max(point + quantiles[1] * root, actual)

    months = []
    for number in range(1, 13):
        month_days = _days(
            dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])
        )
        past = [d for d in month_days if d <= as_of]
        ahead = [d for d in month_days if d > as_of]
        actual = sum((usage.get(d, ZERO) + recurring.get(d, ZERO) for d in past), ZERO)
        predicted = sum((level * factors[d.weekday()] for d in ahead), ZERO)
        if ahead:
            charged = sum((recurring.get(d, ZERO) for d in past), ZERO)
            predicted += max(recurring_monthly - charged, ZERO)
        point = actual + predicted
        low, high = interval(actual, point, len(ahead))
        months.append(
            MonthForecast(
                month=number,
                actual=actual.quantize(CENT),
                forecast=point.quantize(CENT),
                low=low.quantize(CENT),
                high=high.quantize(CENT),
                days_forecast=len(ahead),
            )
        )
    year_actual = sum((m.actual for m in months), ZERO)
    year_point = sum((m.forecast for m in months), ZERO)
    year_low, year_high = interval(year_actual, year_point, sum(m.days_forecast for m in months))
    return YearForecast(
        year=year,
        as_of=as_of,
        level=level.quantize(CENT),
        weekday_factors=tuple(f.quantize(Decimal("0.0001")) for f in factors),
        recurring_monthly=recurring_monthly.quantize(CENT),
        error_quantiles=(quantiles[0].quantize(CENT), quantiles[1].quantize(CENT)) if quantiles else None,
        months=tuple(months),
        actual=year_actual.quantize(CENT),
        forecast=year_point.quantize(CENT),
        low=year_low.quantize(CENT),
        high=year_high.quantize(CENT),
    )
