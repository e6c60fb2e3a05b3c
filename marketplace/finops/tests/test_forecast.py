"""The budget forecast: weekday-adjusted run-rate, known recurring charges, the back-test interval (exact values on
constructed series), currency conversion, and the Ibis daily series with cost-centre and tag filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.analytics.forecast import (
    daily_costs_expr,
    daily_series_in_nok,
    forecast_year,
    quantile,
    tag_pattern,
)
from marketplace.finops.tests.helpers import cost_row, store_costs

D = Decimal


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_constant_series_forecasts_the_rest_of_month_and_year():
    usage = {d: D(100) for d in days(dt.date(2026, 1, 1), dt.date(2026, 3, 10))}
    f = forecast_year(usage, {}, year=2026, as_of=dt.date(2026, 3, 10))
    assert f.level == D("100.00")
    assert f.weekday_factors == (D("1.0000"),) * 7
    assert f.error_quantiles == (D("0.00"), D("0.00"))
    march = f.month(3)
    assert (march.actual, march.forecast, march.low, march.high, march.days_forecast) == (
        D("1000.00"),
        D("3100.00"),
        D("3100.00"),
        D("3100.00"),
        21,
    )
    assert (f.month(1).actual, f.month(1).forecast, f.month(1).days_forecast) == (
        D("3100.00"),
        D("3100.00"),
        0,
    )
    assert (f.month(4).actual, f.month(4).forecast) == (D("0.00"), D("3000.00"))
    assert (f.actual, f.forecast, f.low, f.high) == (
        D("6900.00"),
        D("36500.00"),
        D("36500.00"),
        D("36500.00"),
    )


def test_weekday_pattern_is_kept_in_the_forecast():
    # Eight full weeks ending Sunday 15 March: weekdays 100, weekends 30 (mean 80, factors 1.25 and 0.375).
    usage = {
        d: D(100) if d.weekday() < 5 else D(30) for d in days(dt.date(2026, 1, 19), dt.date(2026, 3, 15))
    }
    f = forecast_year(usage, {}, year=2026, as_of=dt.date(2026, 3, 15))
    assert f.weekday_factors == (D("1.2500"),) * 5 + (D("0.3750"),) * 2
    assert f.level == D("80.00")
    # March 1–15: 10 weekdays + 5 weekend days; March 16–31: 12 weekdays + 4 weekend days.
    assert (f.month(3).actual, f.month(3).forecast) == (D("1150.00"), D("2470.00"))
    # April: 22 weekdays, 8 weekend days.
    assert f.month(4).forecast == D("2440.00")
    # Jan 19–31: 10 + 3; Feb: 20 + 8; Apr–Dec: 197 + 78.
    assert (f.month(1).actual, f.month(2).actual) == (D("1090.00"), D("2240.00"))
    assert f.forecast == D("27840.00")
    assert f.error_quantiles == (D("0.00"), D("0.00"))


def test_recurring_charges_stay_out_of_the_run_rate_and_are_added_per_month():
    usage = {d: D(100) for d in days(dt.date(2026, 1, 1), dt.date(2026, 3, 10))}
    recurring = {dt.date(2026, 1, 1): D(500), dt.date(2026, 2, 1): D(500)}
    f = forecast_year(usage, recurring, year=2026, as_of=dt.date(2026, 3, 10))
    assert f.level == D("100.00")
    assert f.recurring_monthly == D("500.00")
    assert (f.month(1).actual, f.month(2).actual) == (D("3600.00"), D("3300.00"))
    # March's charge has not come yet: it is expected on top of the run-rate.
    assert (f.month(3).actual, f.month(3).forecast) == (D("1000.00"), D("3600.00"))
    assert f.month(4).forecast == D("3500.00")

    recurring[dt.date(2026, 3, 1)] = D(500)
    f = forecast_year(usage, recurring, year=2026, as_of=dt.date(2026, 3, 10))
    assert (f.month(3).actual, f.month(3).forecast) == (D("1500.00"), D("3600.00"))


def test_interval_comes_from_backtest_errors_times_root_of_days_ahead():
    # Alternating weeks of 100 and 120 a day from Monday 5 October: any 14 days hold 7 of each, so the run-rate is
    # always 110 and the back-test errors are exactly −10 and +10 (28 of each over the last 56 days).
    start = dt.date(2026, 10, 5)
    usage = {
        d: D(100) if ((d - start).days // 7) % 2 == 0 else D(120) for d in days(start, dt.date(2026, 12, 15))
    }
    f = forecast_year(usage, {}, year=2026, as_of=dt.date(2026, 12, 15))
    assert f.level == D("110.00")
    assert f.weekday_factors == (D("1.0000"),) * 7
    assert f.error_quantiles == (D("-10.00"), D("10.00"))
    december = f.month(12)
    # Dec 1–6: 100, Dec 7–13: 120, Dec 14–15: 100 → 1640; 16 days ahead × 110 = 1760; √16 × 10 = 40.
    assert (december.actual, december.forecast, december.low, december.high) == (
        D("1640.00"),
        D("3400.00"),
        D("3360.00"),
        D("3440.00"),
    )
    assert (f.high - f.forecast, f.forecast - f.low) == (D("40.00"), D("40.00"))


def test_interval_needs_seven_backtest_days():
    usage = {d: D(d.day) for d in days(dt.date(2026, 3, 1), dt.date(2026, 3, 18))}
    f = forecast_year(usage, {}, year=2026, as_of=dt.date(2026, 3, 18))
    assert f.error_quantiles is None  # only 4 days have 14 days before them
    assert f.month(3).low == f.month(3).forecast == f.month(3).high


def test_low_end_never_goes_below_cost_already_incurred():
    start = dt.date(2026, 10, 5)
    usage = {
        d: D(0) if ((d - start).days // 7) % 2 == 0 else D(1000) for d in days(start, dt.date(2026, 12, 29))
    }
    f = forecast_year(usage, {}, year=2026, as_of=dt.date(2026, 12, 29))
    december = f.month(12)
    assert december.low >= december.actual
    assert december.actual == D("14000.00")  # Dec 7–13 and 21–27 at 1000


def test_no_data_forecasts_zero():
    f = forecast_year({}, {}, year=2026, as_of=dt.date(2026, 5, 1))
    assert (f.actual, f.forecast, f.low, f.high, f.level) == (D("0.00"),) * 5


def test_quantile_interpolates_linearly():
    values = [D(1), D(2), D(3), D(4), D(10)]
    assert quantile(values, D("0.5")) == D(3)
    assert quantile(values, D("0.9")) == D("7.6")
    assert quantile(values, D("0.1")) == D("1.4")


def test_other_currencies_convert_with_the_month_rate_and_missing_rates_are_named():
    rows = [
        {"day": dt.date(2026, 3, 1), "currency": "NOK", "recurring": False, "cost": D("10")},
        {"day": dt.date(2026, 3, 1), "currency": "EUR", "recurring": False, "cost": D("2")},
        {"day": dt.date(2026, 3, 2), "currency": "USD", "recurring": True, "cost": D("5")},
        {"day": dt.date(2026, 4, 2), "currency": "EUR", "recurring": False, "cost": D("1")},
    ]
    series = daily_series_in_nok(
        rows, {("EUR", dt.date(2026, 3, 1)): D("11.5"), ("USD", dt.date(2026, 3, 1)): D("10")}
    )
    assert series.usage == {dt.date(2026, 3, 1): D("33.0")}
    assert series.recurring == {dt.date(2026, 3, 2): D("50")}
    assert series.missing_rates == (("EUR", dt.date(2026, 4, 1)),)


def test_tag_pattern_escapes_and_allows_spaces():
    import re

    pattern = tag_pattern("team.name", "a+b")
    assert re.search(pattern, '{"team.name" : "a+b", "x": "y"}')
    assert not re.search(pattern, '{"teamXname": "a+b"}')
    assert not re.search(pattern, '{"team.name": "a+bc"}')


@pytest.mark.django_db
def test_daily_series_counts_only_the_budget_rows():
    org = OrganisationFactory()
    day = dt.date(2026, 3, 2)
    store_costs(
        org,
        [
            cost_row(day, "10", Tags='{"CostCenter": "4410", "env": "prod"}'),
            cost_row(day, "20", Tags='{"kostnadssted":"4410"}'),
            cost_row(day, "40", Tags='{"CostCenter": "4420", "env": "test"}'),
            cost_row(day, "80", Tags=None),
            cost_row(day, "160", Tags='{"env": "prod"}', ChargeFrequency="Recurring"),
            cost_row(dt.date(2026, 3, 3), "320", Tags='{"env": "prod"}'),
        ],
    )
    scope = Scope((org.pk,))

    def totals(**kind):
        rows = execute(daily_costs_expr(scope, start=day, end=day + dt.timedelta(days=1), **kind))
        return sorted((r["recurring"], r["cost"]) for r in rows)

    assert totals() == [(False, D("150.0000000000")), (True, D("160.0000000000"))]
    assert totals(scope_kind="cost_centre", cost_centre="4410") == [(False, D("30.0000000000"))]
    assert totals(scope_kind="tag", tag_key="env", tag_value="prod") == [
        (False, D("10.0000000000")),
        (True, D("160.0000000000")),
    ]
    assert totals(scope_kind="tag", tag_key="env", tag_value="pro") == []
