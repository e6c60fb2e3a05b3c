"""Cost anomalies: days where a (sub-account, service) cost far more or less than usual.

The daily series is an Ibis expression (`daily_usage_expr`: EffectiveCost of Usage charges per day, sub-account,
service and currency; Purchase, Tax, Credit, Adjustment and Correction rows are left out, so one-off purchases are
not taken for anomalies). The robust statistics run vectorised in pandas/numpy on that small series
(`detect_anomalies`), so the same code serves DuckDB and PySpark.

Method (reference finops.md §5.2–5.3):

- Missing days of a series after its first cost count as 0; days before it are no data.
- Baseline = median of the same weekday over the previous 8 weeks (at least 4 of them with data): weekly
  seasonality, so "Mondays are high" is the baseline, not an anomaly.
- Scale = 1.4826 × the median absolute residual (actual − baseline) over the previous 28 days (at least 14);
  score = (actual − baseline) / scale (a robust z-score; infinite when the history is perfectly flat).
- Flag when |score| > 3.5 and |Δ| ≥ the NOK threshold and |Δ| / baseline ≥ the percentage threshold.
- A series whose first cost comes after 28 days of data for the organisation, with at least the NOK threshold, is
  a new cost ("new") on that day; its first 4 weeks are not scored otherwise.
- A series back after weeks without cost (baseline 0) is also a new cost; a series that drops to 0 is a removed
  cost, flagged on its first day without cost only.
- Results are ranked by |Δ| (impact).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.finops.analytics.backend import Scope, costs

SCORE_THRESHOLD = 3.5
NOK_THRESHOLD = Decimal(1000)
PCT_THRESHOLD = Decimal("0.30")
SEASON_WEEKS = 8
MIN_WEEKS = 4
SCALE_DAYS = 28
MIN_SCALE_DAYS = 14
MAD_TO_SIGMA = 1.4826
CENT = Decimal("0.01")

SPIKE = "spike"
DROP = "drop"
NEW = "new"
REMOVED = "removed"
KIND_LABELS = {
    SPIKE: gettext_lazy("Økning"),
    DROP: gettext_lazy("Nedgang"),
    NEW: gettext_lazy("Ny kostnad"),
    REMOVED: gettext_lazy("Borte"),
}


def daily_usage_expr(scope: Scope, *, start: dt.date, end: dt.date) -> ir.Table:
    """Usage EffectiveCost per charge day [start, end), SubAccountId, ServiceName and BillingCurrency."""
    t = costs(scope)
    t = t.filter(
        (t.ChargeCategory == "Usage")
        & (t.ChargeClass.isnull() | (t.ChargeClass != "Correction"))
        & (t.ChargePeriodStart >= ibis.timestamp(dt.datetime.combine(start, dt.time())))
        & (t.ChargePeriodStart < ibis.timestamp(dt.datetime.combine(end, dt.time())))
    )
    return (
        t.group_by(
            day=t.ChargePeriodStart.date(),
            sub_account=t.SubAccountId.fill_null(""),
            service=t.ServiceName.fill_null(""),
            currency=t.BillingCurrency,
        )
        .aggregate(cost=t.EffectiveCost.sum())
        .order_by("day", "sub_account", "service", "currency")
    )


@dataclass(frozen=True)
class Anomaly:
    day: dt.date
    sub_account: str
    service: str
    expected: Decimal
    actual: Decimal
    delta: Decimal
    delta_pct: Decimal | None  # None for a new cost (nothing expected)
    score: float | None  # None for a new cost
    kind: str

    @property
    def score_text(self) -> str:
        if self.score is None:
            return "–"
        if math.isinf(self.score):
            return "∞" if self.score > 0 else "−∞"
        return f"{self.score:.1f}".replace(".", ",").replace("-", "−")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def explanation(self) -> str:
        values = {"expected": _nok(self.expected), "actual": _nok(self.actual)}
        if self.delta_pct is None:
            return _("forventet %(expected)s NOK, faktisk %(actual)s NOK (ny kostnad)") % values
        values["pct"] = f"{self.delta_pct:+.0f}".replace("-", "−")
        return _("forventet %(expected)s NOK, faktisk %(actual)s NOK (%(pct)s %%)") % values


def _nok(amount: Decimal) -> str:
    """Norwegian number format: 12 345,50 (non-breaking space between thousands)."""
    text = f"{amount:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def series_frame(
    rows: Iterable[Mapping[str, Any]], rates: Mapping[tuple[str, dt.date], Decimal]
) -> tuple[pd.DataFrame, list[tuple[str, dt.date]]]:
    """Daily NOK cost per (sub_account, service) as a day × series frame of Decimals; missing rates are named."""
    records = []
    missing: set[tuple[str, dt.date]] = set()
    for row in rows:
        currency = (row["currency"] or "NOK").upper()
        cost = row["cost"] if row["cost"] is not None else Decimal(0)
        if currency != "NOK":
            month = row["day"].replace(day=1)
            rate = rates.get((currency, month))
            if rate is None:
                missing.add((currency, month))
                continue
            cost = cost * rate
        records.append((row["day"], row["sub_account"], row["service"], cost))
    frame = pd.DataFrame.from_records(records, columns=["day", "sub_account", "service", "cost"])
    return frame, sorted(missing)


def detect_anomalies(
    frame: pd.DataFrame,
    *,
    since: dt.date | None = None,
    nok_threshold: Decimal = NOK_THRESHOLD,
    pct_threshold: Decimal = PCT_THRESHOLD,
    score_threshold: float = SCORE_THRESHOLD,
) -> list[Anomaly]:
    """The anomalies in a frame of (day, sub_account, service, cost NOK) rows, on days ≥ `since`, largest first."""
    if frame.empty:
        return []
    exact = frame.groupby(["day", "sub_account", "service"])["cost"].agg(lambda s: sum(s, Decimal(0)))
    first_day, last_day = min(exact.index.get_level_values(0)), max(exact.index.get_level_values(0))
    days = pd.Index(
        [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)], name="day"
    )
    wide_exact = exact.unstack(["sub_account", "service"]).reindex(days)
    wide = wide_exact.apply(lambda col: col.map(lambda v: float(v) if isinstance(v, Decimal) else np.nan))
    values = wide.to_numpy(dtype=float)
    n_days = len(days)
    # Before its first cost a series has no data; after it a missing day is a day without cost.
    has_cost = ~np.isnan(values)
    started = np.maximum.accumulate(has_cost, axis=0)
    values = np.where(started, np.nan_to_num(values, nan=0.0), np.nan)

    lags = np.full((SEASON_WEEKS, n_days, values.shape[1]), np.nan)
    for k in range(1, SEASON_WEEKS + 1):
        if 7 * k >= n_days:  # a series shorter than k weeks has no lag k (a negative slice end would wrap)
            break
        lags[k - 1, 7 * k :, :] = values[: n_days - 7 * k, :]
    counts = np.sum(~np.isnan(lags), axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN slices, masked out below
        baseline = np.where(counts >= MIN_WEEKS, np.nanmedian(lags, axis=0), np.nan)
    residual = values - baseline
    scale = (
        pd.DataFrame(np.abs(residual))
        .shift(1)
        .rolling(SCALE_DAYS, min_periods=MIN_SCALE_DAYS)
        .median()
        .to_numpy()
        * MAD_TO_SIGMA
    )
    with np.errstate(all="ignore"):
        score = np.where(
            scale > 0, residual / scale, np.where(residual == 0, 0.0, np.sign(residual) * np.inf)
        )
        pct = np.abs(residual) / baseline
    nok = float(nok_threshold)
    flagged = (
        ~np.isnan(residual)
        & (np.abs(score) > score_threshold)
        & (np.abs(residual) >= nok)
        & ((baseline == 0) | (pct >= float(pct_threshold)))
    )
    # A cost that has gone (0 after cost): only its first day, not every day it stays away.
    zero = values == 0
    was_zero = np.vstack([np.zeros((1, values.shape[1]), bool), zero[:-1]])
    flagged &= ~(zero & was_zero)
    # Likewise a cost that comes back (baseline 0): only its first day back.
    flagged &= ~((baseline == 0) & ~was_zero)
    # New costs: the first day of a series that starts at least SCALE_DAYS days after the data starts.
    first_cost = has_cost & ~np.vstack([np.zeros((1, values.shape[1]), bool), started[:-1]])
    new = first_cost & (np.arange(n_days)[:, None] >= SCALE_DAYS) & (np.nan_to_num(values) >= nok)

    since_index = 0 if since is None else max(0, (since - first_day).days)
    results: list[Anomaly] = []
    columns = list(wide.columns)
    for kind_mask, is_new in ((flagged, False), (new, True)):
        rows, cols = np.nonzero(kind_mask)
        for r, c in zip(rows, cols, strict=True):
            if r < since_index:
                continue
            actual = wide_exact.iat[r, c]
            actual = actual if isinstance(actual, Decimal) else Decimal(0)
            sub_account, service = columns[c]
            if is_new:
                results.append(
                    Anomaly(days[r], sub_account, service, Decimal(0), actual, actual, None, None, NEW)
                )
                continue
            expected = Decimal(repr(float(baseline[r, c]))).quantize(CENT)
            delta = actual - expected
            results.append(
                Anomaly(
                    day=days[r],
                    sub_account=sub_account,
                    service=service,
                    expected=expected,
                    actual=actual.quantize(CENT),
                    delta=delta.quantize(CENT),
                    delta_pct=(delta / expected * 100).quantize(Decimal("0.1")) if expected else None,
                    score=_score(float(score[r, c])),
                    kind=(NEW if not expected else SPIKE) if delta > 0 else (REMOVED if not actual else DROP),
                )
            )
    results.sort(key=lambda a: (-abs(a.delta), a.day, a.sub_account, a.service))
    return results


def _score(value: float) -> float:
    return value if math.isinf(value) else round(value, 2)
