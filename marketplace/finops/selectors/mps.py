"""Reads for the MPS aggregate pages and API: budgets, anomalies and SaaS licences across organisations. They gather
each organisation's figures (the same computations as the organisation's own pages) and hand them to
analytics.mps_aggregates, which counts, sums and hides small groups. Nothing here names an organisation; callers
check `can_view_finops_aggregates` first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace.accounts.models import Organisation
from marketplace.finops.analytics.anomalies import (
    NOK_THRESHOLD,
    PCT_THRESHOLD,
    daily_usage_expr,
    detect_anomalies,
    series_frame,
)
from marketplace.finops.analytics.backend import Scope, costs, execute
from marketplace.finops.analytics.licences import licence_summary
from marketplace.finops.analytics.mps_aggregates import (
    AnomalyFact,
    BudgetMonth,
    LicenceFact,
    anomaly_groups,
    budget_counts,
    licence_groups,
)
from marketplace.finops.models import BillingPeriodData, Budget, LicenceAssignment
from marketplace.finops.selectors.budgets import budget_status, exchange_rates

ANOMALY_HISTORY_DAYS = 120  # as the organisation's anomaly page
UNKNOWN = "(ukjent)"


def mps_budget_summary(*, month: dt.date, today: dt.date) -> dict[str, Any]:
    """Organisations whose budgets for `month` have reached 80 % / 100 % (actual so far and forecast)."""
    per_organisation: dict[int, list[BudgetMonth]] = {}
    budgets = Budget.objects.filter(year=month.year).select_related("organisation").order_by("pk")
    for budget in budgets:
        status = budget_status(budget, today=today)
        figures = status.months[month.month - 1]
        per_organisation.setdefault(budget.organisation_id, []).append(
            BudgetMonth(budget=figures.budget, actual=figures.actual, forecast=figures.forecast)
        )
    return {"month": f"{month:%Y-%m}", **budget_counts(per_organisation)}


def _organisations_with_data(period_from: dt.date, period_to: dt.date) -> list[Organisation]:
    ids = (
        BillingPeriodData.objects.filter(
            is_current=True, billing_period__gte=period_from, billing_period__lte=period_to
        )
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("pk"))


def _service_groups(scope: Scope) -> dict[str, tuple[str, str]]:
    """ServiceName → (ServiceCategory, provider) in the organisation's data (the first by name when a service has
    several)."""
    t = costs(scope)
    expr = (
        t.group_by(
            service=t.ServiceName.fill_null(""),
            category=t.ServiceCategory.fill_null(UNKNOWN),
            provider=t.ServiceProviderName.coalesce(t.ProviderName).fill_null(UNKNOWN),
        )
        .aggregate(rows=t.count())
        .order_by("service", "category", "provider")
    )
    groups: dict[str, tuple[str, str]] = {}
    for row in execute(expr):
        groups.setdefault(row["service"], (row["category"] or UNKNOWN, row["provider"] or UNKNOWN))
    return groups


def mps_anomaly_summary(
    *,
    today: dt.date,
    days: int = 30,
    nok_threshold: Decimal = NOK_THRESHOLD,
    pct_threshold: Decimal = PCT_THRESHOLD,
) -> dict[str, Any]:
    """The anomalies of the last `days` days (up to yesterday) of every organisation with cost data, counted and
    summed by service category and by provider."""
    end = today
    since = end - dt.timedelta(days=days)
    start = end - dt.timedelta(days=ANOMALY_HISTORY_DAYS + days)
    period_from, period_to = start.replace(day=1), end.replace(day=1)
    rates = exchange_rates(period_from, period_to)
    per_organisation: dict[int, list[AnomalyFact]] = {}
    for organisation in _organisations_with_data(period_from, period_to):
        scope = Scope((organisation.pk,), period_from=period_from, period_to=period_to)
        frame, _missing = series_frame(execute(daily_usage_expr(scope, start=start, end=end)), rates)
        anomalies = detect_anomalies(
            frame, since=since, nok_threshold=nok_threshold, pct_threshold=pct_threshold
        )
        if not anomalies:
            continue
        groups = _service_groups(scope)
        per_organisation[organisation.pk] = [
            AnomalyFact(*groups.get(a.service, (UNKNOWN, UNKNOWN)), delta=a.delta) for a in anomalies
        ]
    return {
        "since": since,
        "until": end - dt.timedelta(days=1),
        "days": days,
        "by_category": anomaly_groups(per_organisation, "category"),
        "by_provider": anomaly_groups(per_organisation, "provider"),
    }


def mps_licence_summary(*, today: dt.date, unused_days: int = 90) -> dict[str, Any]:
    """Seats, unused seats (no activity for `unused_days` days) and their yearly cost per product."""
    per_organisation: dict[int, list[LicenceFact]] = {}
    ids = LicenceAssignment.objects.values_list("organisation_id", flat=True).distinct()
    for organisation in Organisation.objects.filter(pk__in=list(ids)).order_by("pk"):
        per_organisation[organisation.pk] = [
            LicenceFact(
                product=p.product,
                seats=p.seats,
                unused=p.unused,
                unused_yearly_cost=p.unused_yearly_cost,
                currency=p.price.currency if p.price else "NOK",
            )
            for p in licence_summary(organisation, today=today, unused_days=unused_days)
        ]
    return {"as_of": today, "unused_days": unused_days, "by_product": licence_groups(per_organisation)}
