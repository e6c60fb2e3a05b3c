"""FinOps aggregates across organisations for MPS staff: totals by organisation kind and by provider. No row-level or
per-organisation amounts, and no amount for a group of fewer than three organisations (analytics.dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.forms import AccessibleForm
from marketplace.finops.analytics import dashboard as analysis
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.models import BillingPeriodData
from marketplace.finops.permissions import can_view_finops_aggregates
from marketplace.finops.views.charts import (
    ChartTable,
    Column,
    csv_response,
    csv_url,
    horizontal_bars,
)
from marketplace.finops.views.dashboard import DEFAULT_MONTHS, MonthField, month_label


class MpsFilterForm(AccessibleForm):
    period_from = MonthField(label=gettext_lazy("Fra måned"), required=False)
    period_to = MonthField(label=gettext_lazy("Til og med måned"), required=False)
    currency = forms.ChoiceField(label=gettext_lazy("Valuta"), choices=[], required=False)

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(code, code) for code in currencies]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("Til-måneden kan ikke være før fra-måneden."))
        return cleaned


def all_periods() -> list[dt.date]:
    return sorted(
        BillingPeriodData.objects.filter(is_current=True).values_list("billing_period", flat=True).distinct()
    )


def kind_label(kind: str | None) -> str:
    if kind in OrganisationKind.values:
        return str(OrganisationKind(kind).label)
    return _("(ukjent type)")


def _group_table(
    name: str, title: str, description: str, group_title: str, rows: list[dict[str, Any]]
) -> ChartTable:
    hidden = _("Skjult (færre enn %(n)s virksomheter)") % {"n": analysis.MINIMUM_GROUP_SIZE}
    shown_rows = [row for row in rows if not row["is_suppressed"]]
    spec = (
        horizontal_bars(
            shown_rows,
            category_field="label",
            category_title=group_title,
            amount_field="effective_cost",
            amount_title=_("Effektiv kostnad"),
            description=description,
        )
        if shown_rows
        else None
    )
    return ChartTable(
        name=name,
        title=title,
        description=description,
        columns=[
            Column("label", group_title),
            Column("organisations", _("Antall virksomheter"), empty=hidden),
            Column("effective_cost", _("Effektiv kostnad"), is_money=True, empty=hidden),
            Column("billed_cost", _("Fakturert kostnad"), is_money=True, empty=hidden),
            Column("is_suppressed", _("Skjult"), display=lambda value: _("Ja") if value else _("Nei")),
        ],
        rows=rows,
        spec=spec,
        empty_message=_("Ingen kostnader i perioden."),
        notes=[
            _(
                "Grupper med færre enn %(n)s virksomheter vises ikke, og heller ikke én gruppe til når bare én er skjult."
            )
            % {"n": analysis.MINIMUM_GROUP_SIZE}
        ]
        if any(row["is_suppressed"] for row in rows)
        else [],
    )


@login_required
@require_GET
def mps(request: HttpRequest) -> HttpResponse:
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte ser samlede kostnadstall."))
    periods = all_periods()
    context: dict[str, Any] = {"is_empty": not periods}
    if not periods:
        if request.GET.get("format") == "csv":
            raise Http404(_("Ingen kostnadsdata er importert."))
        return render(request, "finops/mps.html", context)
    scope_all = Scope(None)
    currencies = analysis.currencies(scope_all) or ["NOK"]
    form = MpsFilterForm(request.GET or None, currencies=currencies)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    default_to = periods[-1]
    default_from = max(periods[0], analysis.add_months(default_to, -(DEFAULT_MONTHS - 1)))
    period_from = cleaned.get("period_from") or default_from
    period_to = cleaned.get("period_to") or default_to
    if period_from > period_to:
        period_from, period_to = default_from, default_to
    currency = cleaned.get("currency") or ("NOK" if "NOK" in currencies else currencies[0])
    if not form.is_bound:
        form.initial = {
            "period_from": month_label(period_from),
            "period_to": month_label(period_to),
            "currency": currency,
        }
    scope = Scope(None, period_from=period_from, period_to=period_to)

    def kinds_table() -> ChartTable:
        kinds = dict(Organisation.objects.values_list("orgnr", "kind"))
        rows = [
            {**row, "label": kind_label(row["group"])}
            for row in analysis.mps_cost_by_kind(scope, currency=currency, kinds=kinds)
        ]
        return _group_table(
            "kinds",
            _("Kostnad per type virksomhet"),
            _("Effektiv kostnad i %(currency)s per type virksomhet.") % {"currency": currency},
            _("Type virksomhet"),
            rows,
        )

    def providers_table() -> ChartTable:
        rows = [
            {**row, "label": row["group"] or _("(ukjent)")}
            for row in analysis.mps_cost_by_provider(scope, currency=currency)
        ]
        return _group_table(
            "providers",
            _("Kostnad per leverandør"),
            _("Effektiv kostnad i %(currency)s per leverandør, summert over virksomhetene.")
            % {"currency": currency},
            _("Leverandør"),
            rows,
        )

    builders = {"kinds": kinds_table, "providers": providers_table}
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in builders:
            raise Http404(_("Ukjent tabell."))
        chart = builders[name]()
        return csv_response(
            chart, f"finops-mps-{name}-{month_label(period_from)}-{month_label(period_to)}.csv"
        )
    charts = []
    for name, build in builders.items():
        chart = build()
        chart.csv_url = csv_url(request, name)
        charts.append(chart)
    context.update(
        {
            "form": form,
            "error_items": form.error_items() if form.is_bound else [],
            "show_currency": len(currencies) > 1,
            "total": analysis.mps_cost_total(scope, currency=currency),
            "currency": currency,
            "period_from": month_label(period_from),
            "period_to": month_label(period_to),
            "minimum": analysis.MINIMUM_GROUP_SIZE,
            "charts": charts,
        }
    )
    return render(request, "finops/mps.html", context)
