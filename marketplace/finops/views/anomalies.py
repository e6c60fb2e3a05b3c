"""The anomaly page: days where a (sub-account, service) cost far more or less than usual, largest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.finops.analytics.anomalies import (
    NOK_THRESHOLD,
    PCT_THRESHOLD,
    daily_usage_expr,
    detect_anomalies,
    series_frame,
)
from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.forms.budgets import AnomalyFilterForm
from marketplace.finops.selectors.budgets import exchange_rates
from marketplace.finops.views.budgets import oslo_today
from marketplace.finops.views.common import finops_organisation_or_403

ANOMALY_HISTORY_DAYS = 120


@login_required
@require_GET
def anomaly_list_view(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    form = AnomalyFilterForm(request.GET or None)
    days, nok, pct = 30, NOK_THRESHOLD, PCT_THRESHOLD
    if form.is_bound and form.is_valid():
        days = form.cleaned_data["days"] or days
        nok = form.cleaned_data["nok_threshold"] if form.cleaned_data["nok_threshold"] is not None else nok
        if form.cleaned_data["pct_threshold"] is not None:
            pct = form.cleaned_data["pct_threshold"] / Decimal(100)
    anomalies: list[Any] = []
    missing: list[Any] = []
    if not form.is_bound or form.is_valid():
        end = oslo_today()  # exclusive: up to yesterday
        start = end - dt.timedelta(days=ANOMALY_HISTORY_DAYS + days)
        scope = Scope((organisation.pk,), period_from=start.replace(day=1), period_to=end.replace(day=1))
        rows = execute(daily_usage_expr(scope, start=start, end=end))
        frame, missing = series_frame(rows, exchange_rates(start.replace(day=1), end.replace(day=1)))
        anomalies = detect_anomalies(
            frame, since=end - dt.timedelta(days=days), nok_threshold=nok, pct_threshold=pct
        )
    context = {
        "form": form,
        "error_items": form.error_items() if form.is_bound else [],
        "anomalies": anomalies,
        "missing_rates": missing,
        "days": days,
    }
    return render(request, "finops/anomalies.html", context)
