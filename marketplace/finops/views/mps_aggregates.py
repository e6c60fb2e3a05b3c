"""MPS aggregate pages next to /finops/mps/: budgets (how many organisations have reached 80 % / 100 %), anomalies
(count and impact by service category and provider) and SaaS licences (unused seats and their yearly cost by
product). MPS staff only; no organisation is named and small groups are hidden (analytics.mps_aggregates). Each
table also as CSV (`?format=csv&table=…`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from marketplace.core.forms import AccessibleForm
from marketplace.finops.analytics.dashboard import MINIMUM_GROUP_SIZE
from marketplace.finops.permissions import can_view_finops_aggregates
from marketplace.finops.selectors.mps import (
    mps_anomaly_summary,
    mps_budget_summary,
    mps_licence_summary,
)
from marketplace.finops.views.budgets import oslo_today
from marketplace.finops.views.charts import ChartTable, Column, csv_response, csv_url, horizontal_bars
from marketplace.finops.views.dashboard import MonthField, month_label


def _require_staff(request: HttpRequest) -> None:
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte ser samlede kostnadstall."))


def _hidden() -> str:
    return _("Skjult (færre enn %(n)s virksomheter)") % {"n": MINIMUM_GROUP_SIZE}


def _notes(rows: list[dict[str, Any]]) -> list[str]:
    if not any(row["is_suppressed"] for row in rows):
        return []
    return [
        _(
            "Grupper med færre enn %(n)s virksomheter vises ikke, og heller ikke én gruppe til når bare én er skjult."
        )
        % {"n": MINIMUM_GROUP_SIZE}
    ]


def _yes_no(value: Any) -> str:
    return _("Ja") if value else _("Nei")


def _page(
    request: HttpRequest, template: str, charts: dict[str, ChartTable], context: dict[str, Any], stem: str
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in charts:
            raise Http404(_("Ukjent tabell."))
        return csv_response(charts[name], f"{stem}-{name}.csv")
    for name, chart in charts.items():
        chart.csv_url = csv_url(request, name)
    context.update({"charts": list(charts.values()), "minimum": MINIMUM_GROUP_SIZE})
    return render(request, template, context)


# --- budgets --------------------------------------------------------------------------------------------------------


class BudgetMonthForm(AccessibleForm):
    month = MonthField(label=gettext_lazy("Måned"), required=False)


@login_required
@require_GET
def mps_budgets(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    today = oslo_today()
    form = BudgetMonthForm(request.GET or None)
    month = (form.cleaned_data.get("month") if form.is_bound and form.is_valid() else None) or today.replace(
        day=1
    )
    if not form.is_bound:
        form.initial = {"month": month_label(month)}
    summary = mps_budget_summary(month=month, today=today)
    rows = [
        {
            "basis": basis_label,
            "threshold": f"{threshold} %",
            "organisations": summary[f"{basis}_{threshold}"],
        }
        for basis, basis_label in (("actual", _("Faktisk kostnad")), ("forecast", _("Prognose")))
        for threshold in (80, 100)
    ]
    chart = ChartTable(
        name="budgets",
        title=_("Virksomheter som har nådd budsjettgrensen"),
        description=_(
            "Antall virksomheter med minst ett budsjett som har nådd 80 %% eller 100 %% i %(month)s."
        )
        % {"month": summary["month"]},
        columns=[
            Column("basis", _("Grunnlag")),
            Column("threshold", _("Grense")),
            Column("organisations", _("Antall virksomheter"), empty=_hidden()),
        ],
        rows=rows if not summary["is_suppressed"] else [],
        empty_message=_("Færre enn %(n)s virksomheter har budsjett for måneden, så tallene vises ikke.")
        % {"n": MINIMUM_GROUP_SIZE},
    )
    context = {
        "form": form,
        "error_items": form.error_items() if form.is_bound else [],
        "summary": summary,
    }
    return _page(
        request,
        "finops/mps_budgets.html",
        {"budgets": chart},
        context,
        f"finops-mps-budsjett-{summary['month']}",
    )


# --- anomalies ------------------------------------------------------------------------------------------------------


class AnomalyDaysForm(AccessibleForm):
    days = forms.IntegerField(
        label=gettext_lazy("Antall dager bakover"), min_value=1, max_value=90, required=False
    )


def _anomaly_table(name: str, title: str, group_title: str, rows: list[dict[str, Any]]) -> ChartTable:
    shown = [row for row in rows if not row["is_suppressed"]]
    description = _("Avvik og hva de utgjør i NOK (faktisk minus forventet) per %(group)s.") % {
        "group": group_title.lower()
    }
    return ChartTable(
        name=name,
        title=title,
        description=description,
        columns=[
            Column("group", group_title),
            Column("organisations", _("Antall virksomheter"), empty=_hidden()),
            Column("anomalies", _("Antall avvik"), empty=_hidden()),
            Column("increase", _("Økning (NOK)"), is_money=True, empty=_hidden()),
            Column("decrease", _("Nedgang (NOK)"), is_money=True, empty=_hidden()),
            Column("impact", _("Netto (NOK)"), is_money=True, empty=_hidden()),
            Column("is_suppressed", _("Skjult"), display=_yes_no),
        ],
        rows=rows,
        spec=horizontal_bars(
            shown,
            category_field="group",
            category_title=group_title,
            amount_field="impact",
            amount_title=_("Netto (NOK)"),
            description=description,
        )
        if shown
        else None,
        empty_message=_("Ingen avvik i perioden."),
        notes=_notes(rows),
    )


@login_required
@require_GET
def mps_anomalies(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = AnomalyDaysForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_bound and form.is_valid() else None) or 30
    if not form.is_bound:
        form.initial = {"days": days}
    summary = mps_anomaly_summary(today=oslo_today(), days=days)
    charts = {
        "categories": _anomaly_table(
            "categories", _("Avvik per tjenestekategori"), _("Tjenestekategori"), summary["by_category"]
        ),
        "providers": _anomaly_table(
            "providers", _("Avvik per leverandør"), _("Leverandør"), summary["by_provider"]
        ),
    }
    context = {"form": form, "error_items": form.error_items() if form.is_bound else [], "summary": summary}
    return _page(request, "finops/mps_anomalies.html", charts, context, f"finops-mps-avvik-{days}d")


# --- licences -------------------------------------------------------------------------------------------------------


class LicenceDaysForm(AccessibleForm):
    unused_days = forms.IntegerField(
        label=gettext_lazy("Ubrukt etter antall dager uten aktivitet"),
        min_value=1,
        max_value=730,
        required=False,
    )


@login_required
@require_GET
def mps_licences(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = LicenceDaysForm(request.GET or None)
    unused_days = (form.cleaned_data.get("unused_days") if form.is_bound and form.is_valid() else None) or 90
    if not form.is_bound:
        form.initial = {"unused_days": unused_days}
    summary = mps_licence_summary(today=oslo_today(), unused_days=unused_days)
    rows = summary["by_product"]
    shown = [row for row in rows if not row["is_suppressed"]]
    description = _("Ubrukte lisenser og hva de koster per år, per produkt, summert over virksomhetene.")
    chart = ChartTable(
        name="products",
        title=_("Ubrukte lisenser per produkt"),
        description=description,
        columns=[
            Column("group", _("Produkt")),
            Column("organisations", _("Antall virksomheter"), empty=_hidden()),
            Column("seats", _("Lisenser"), empty=_hidden()),
            Column("unused", _("Ubrukte"), empty=_hidden()),
            Column("unused_yearly_cost", _("Ubrukte per år (NOK)"), is_money=True, empty=_hidden()),
            Column("priced_organisations", _("Virksomheter med pris i NOK"), empty=_hidden()),
            Column("is_suppressed", _("Skjult"), display=_yes_no),
        ],
        rows=rows,
        spec=horizontal_bars(
            shown,
            category_field="group",
            category_title=_("Produkt"),
            amount_field="unused_yearly_cost",
            amount_title=_("Ubrukte per år (NOK)"),
            description=description,
        )
        if shown
        else None,
        empty_message=_("Ingen virksomheter har importert lisenser."),
        notes=_notes(rows),
    )
    context = {"form": form, "error_items": form.error_items() if form.is_bound else [], "summary": summary}
    return _page(request, "finops/mps_licences.html", {"products": chart}, context, "finops-mps-lisenser")
