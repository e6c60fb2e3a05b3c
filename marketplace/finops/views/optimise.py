"""Pages of the optimisation analyses: licences, carbon, price compliance, unit costs and workload.

Each page shows the active organisation's data to its finops analysts and org admins (403 for anyone else signed in,
log-in for anonymous users); filters live in the URL and `?format=csv` returns the page's table as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalogue.models import PriceUnit
from marketplace.core.forms import AccessibleForm
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.carbon import carbon_estimate
from marketplace.finops.analytics.licences import licence_summary
from marketplace.finops.analytics.prices import overbilling_by_contract, price_check
from marketplace.finops.analytics.unit_costs import metric_names, unit_costs
from marketplace.finops.analytics.workload import HEURISTICS, workload_findings
from marketplace.finops.models import LicenceAssignment
from marketplace.finops.permissions import can_view_finops_aggregates, finops_organisation
from marketplace.finops.services.optimise import (
    MAX_IMPORT_BYTES,
    ImportRejected,
    business_metrics_import,
    licences_import,
)
from marketplace.finops.views.common import finops_organisation_or_403
from marketplace.finops.views.settings import licence_prices_context, sku_mappings_context

KIND_LABELS = {
    "cost_no_usage": gettext_lazy("Kostnad uten bruk"),
    "idle": gettext_lazy("Ubrukt (flatt lavt forbruk)"),
    "unattached_storage": gettext_lazy("Frakoblet lagring"),
}
CARBON_KIND_LABELS = {
    "compute": gettext_lazy("Databehandling"),
    "storage": gettext_lazy("Lagring"),
    "network": gettext_lazy("Nettverk"),
    "memory": gettext_lazy("Minne"),
}
STATE_LABELS = {
    "unused": gettext_lazy("Ubrukt"),
    "underused": gettext_lazy("Lite brukt"),
    "active": gettext_lazy("I bruk"),
}

PRICE_UNIT_LABELS: dict[str, Any] = dict(PriceUnit.choices)  # lazy labels, shown in the active language


class PeriodForm(AccessibleForm):
    period_from = forms.DateField(
        label=gettext_lazy("Fra måned"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    period_to = forms.DateField(
        label=gettext_lazy("Til måned"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}),
    )


class LicenceFilterForm(AccessibleForm):
    as_of = forms.DateField(
        label=gettext_lazy("Vurdert per dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unused_days = forms.IntegerField(
        label=gettext_lazy("Ubrukt etter (dager)"), required=False, min_value=1, max_value=3650
    )
    underused_days = forms.IntegerField(
        label=gettext_lazy("Lite brukt etter (dager)"), required=False, min_value=1, max_value=3650
    )


class WorkloadFilterForm(PeriodForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type funn"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *KIND_LABELS.items()],
    )


class UploadForm(AccessibleForm):
    file = forms.FileField(label=gettext_lazy("CSV-fil"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Filen må være en CSV-fil (.csv)."))
        if upload.content_type not in (
            "text/csv",
            "text/plain",
            "application/vnd.ms-excel",
            "application/octet-stream",
        ):
            raise forms.ValidationError(_("Filen må være en CSV-fil (.csv)."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Filen er for stor (maks 20 MB)."))
        return upload


def finops_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and acting for an organisation as finops analyst or org admin; passes the organisation on."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, finops_organisation_or_403(request), *args, **kwargs)

    return wrapper


def _scope(organisation: Any, form: PeriodForm) -> Scope:
    data = form.cleaned_data if form.is_valid() else {}
    return Scope((organisation.pk,), period_from=data.get("period_from"), period_to=data.get("period_to"))


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def _cell(value: Any) -> Any:
    """Plain CSV text: no None, decimals without exponent or trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _upload(
    request: HttpRequest, organisation: Any, service: Callable[..., dict[str, Any]], done: str
) -> Any:
    """Run an import from the POSTed form: a redirect on success, else (form, errors) to render with 400."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, []
    try:
        service(actor=request.user, organisation=organisation, content=form.cleaned_data["file"].read())
    except ImportRejected as exc:
        form.add_error("file", exc.message)
        return form, exc.errors
    messages.success(request, done)
    return None


def _state_links(request: HttpRequest, wanted: str) -> list[dict[str, Any]]:
    """Links to the seat list by state that keep the other filters in the URL."""
    links = []
    for key, label in [("", gettext_lazy("Alle")), *STATE_LABELS.items()]:
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("state", None)
        if key:
            query["state"] = key
        links.append({"query": query.urlencode(), "label": label, "is_current": key == wanted})
    return links


@finops_page
def licences(request: HttpRequest, organisation: Any) -> HttpResponse:
    upload_form, upload_errors, status = UploadForm(), [], 200
    if request.method == "POST":
        outcome = _upload(request, organisation, licences_import, _("Lisensene er importert."))
        if outcome is None:
            return redirect("finops:licences")
        upload_form, upload_errors = outcome
        status = 400
    filters = LicenceFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    as_of = data.get("as_of") or timezone.localdate()
    unused_days, underused_days = data.get("unused_days") or 90, data.get("underused_days") or 30
    products = licence_summary(
        organisation, today=as_of, unused_days=unused_days, underused_days=underused_days
    )
    seats = LicenceAssignment.objects.filter(organisation=organisation).order_by("product", "user_identifier")
    by_product = {p.product: p for p in products}
    seat_rows: list[dict[str, Any]] = []
    for seat in seats:
        product = by_product[seat.product]
        state = product.seat_states[seat.user_identifier]
        price = product.price
        seat_rows.append(
            {
                "seat": seat,
                "state": state,
                "state_label": STATE_LABELS[state],
                "yearly_cost": price.yearly if price else None,
                "currency": price.currency if price else "",
            }
        )
    wanted_state = request.GET.get("state", "")
    if wanted_state in STATE_LABELS:
        seat_rows = [row for row in seat_rows if row["state"] == wanted_state]
    if _wants_csv(request):
        return csv_response(
            "lisenser.csv",
            ["product", "user", "last_active_on", "state", "yearly_cost", "currency"],
            (
                [
                    r["seat"].product,
                    r["seat"].user_identifier,
                    r["seat"].last_active_on,
                    r["state"],
                    r["yearly_cost"],
                    r["currency"],
                ]
                for r in seat_rows
            ),
        )
    context = {
        "organisation": organisation,
        "filters": filters,
        "products": products,
        "seat_rows": seat_rows,
        "as_of": as_of,
        "unused_days": unused_days,
        "underused_days": underused_days,
        "upload_form": upload_form,
        "upload_errors": upload_errors,
        "state_links": _state_links(request, wanted_state),
        **licence_prices_context(organisation),
    }
    return render(request, "finops/licences.html", context, status=status)


@finops_page
def carbon(request: HttpRequest, organisation: Any) -> HttpResponse:
    filters = PeriodForm(request.GET or None)
    estimate = carbon_estimate(_scope(organisation, filters))
    if _wants_csv(request):
        return csv_response(
            "klima.csv",
            [
                "provider",
                "region",
                "service_category",
                "kind",
                "quantity",
                "quantity_unit",
                "kwh",
                "kg_co2e",
                "grid_t_co2e_per_kwh",
                "default_provider",
                "default_region",
            ],
            (
                [
                    line.provider,
                    line.region,
                    line.service_category,
                    line.kind,
                    line.quantity,
                    line.quantity_unit,
                    line.kwh,
                    line.kg_co2e,
                    line.grid_t_per_kwh,
                    line.is_default_provider,
                    line.is_default_region,
                ]
                for line in estimate.lines
            ),
        )
    lines = [{"line": line, "kind_label": CARBON_KIND_LABELS[line.kind]} for line in estimate.lines]
    context = {"organisation": organisation, "filters": filters, "estimate": estimate, "lines": lines}
    return render(request, "finops/carbon.html", context)


@login_required
def prices(request: HttpRequest) -> HttpResponse:
    """An organisation's deviations for its finops people; for MPS staff the same check over every organisation's
    data, shown only per contract and SKU (no organisation's rows)."""
    organisation = finops_organisation(request.user)
    if organisation is None and not can_view_finops_aggregates(request.user):
        raise PermissionDenied
    filters = PeriodForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    scope = Scope(
        (organisation.pk,) if organisation is not None else None,
        period_from=data.get("period_from"),
        period_to=data.get("period_to"),
    )
    check = price_check(scope)
    if _wants_csv(request):
        return csv_response(
            "priskontroll.csv",
            [
                "contract",
                "price_sku",
                "sku_id",
                "billing_period",
                "price_list_version",
                "unit",
                "quantity",
                "billed_unit_price",
                "contract_unit_price",
                "billed_amount",
                "overbilling_amount",
            ],
            (
                [
                    d.contract_reference,
                    d.price_sku,
                    d.sku_id,
                    f"{d.billing_period:%Y-%m}",
                    d.price_list_version,
                    d.unit,
                    d.quantity,
                    round(d.billed_unit_price, 6),
                    d.contract_unit_price,
                    d.billed_amount,
                    d.overbilling_amount,
                ]
                for d in check.deviations
            ),
        )
    context = {
        "organisation": organisation,
        "filters": filters,
        "check": check,
        # each deviation with its price-line unit as the catalogue names it ("GiB-måned (lagring)", not gib_month)
        "deviations": [(d, PRICE_UNIT_LABELS.get(d.unit, d.unit)) for d in check.deviations],
        "is_aggregate": organisation is None,
        "by_contract": overbilling_by_contract(check),
        **sku_mappings_context(request.user),
    }
    return render(request, "finops/prices.html", context)


@finops_page
def unit_costs_page(request: HttpRequest, organisation: Any) -> HttpResponse:
    upload_form, upload_errors, status = UploadForm(), [], 200
    if request.method == "POST":
        outcome = _upload(
            request, organisation, business_metrics_import, _("Forretningsmålene er importert.")
        )
        if outcome is None:
            return redirect("finops:unit_costs")
        upload_form, upload_errors = outcome
        status = 400
    filters = PeriodForm(request.GET or None)
    names = metric_names(organisation)
    metric = request.GET.get("metric", "")
    if metric not in names:
        metric = names[0] if names else ""
    rows = unit_costs(organisation, metric, scope=_scope(organisation, filters)) if metric else []
    if _wants_csv(request):
        return csv_response(
            "enhetskostnader.csv",
            ["month", "currency", "cost", "metric", "metric_value", "metric_unit", "cost_per_unit"],
            (
                [
                    f"{r.month:%Y-%m}",
                    r.currency,
                    r.cost,
                    metric,
                    r.metric_value,
                    r.metric_unit,
                    round(r.cost_per_unit, 4) if r.cost_per_unit is not None else None,
                ]
                for r in rows
            ),
        )
    context = {
        "organisation": organisation,
        "filters": filters,
        "names": names,
        "metric": metric,
        "metric_hidden": [("metric", metric)] if metric else [],
        "rows": rows,
        "upload_form": upload_form,
        "upload_errors": upload_errors,
    }
    return render(request, "finops/unit_costs.html", context, status=status)


@finops_page
def workload(request: HttpRequest, organisation: Any) -> HttpResponse:
    filters = WorkloadFilterForm(request.GET or None)
    kind = filters.cleaned_data.get("kind", "") if filters.is_valid() else ""
    findings = [f for f in workload_findings(_scope(organisation, filters)) if not kind or f.kind == kind]
    if _wants_csv(request):
        return csv_response(
            "ressurser.csv",
            [
                "kind",
                "resource_id",
                "resource_name",
                "sub_account_id",
                "service_name",
                "cost",
                "currency",
                "heuristic",
            ],
            (
                [
                    f.kind,
                    f.resource_id,
                    f.resource_name,
                    f.sub_account_id,
                    f.service_name,
                    f.cost,
                    f.currency,
                    f.heuristic,
                ]
                for f in findings
            ),
        )
    total: dict[str, Decimal] = {}
    for finding in findings:
        total[finding.currency] = total.get(finding.currency, Decimal(0)) + finding.cost
    context = {
        "organisation": organisation,
        "filters": filters,
        "findings": [{"finding": f, "label": KIND_LABELS[f.kind]} for f in findings],
        "totals": sorted(total.items()),
        "heuristics": [
            (KIND_LABELS[k], str(HEURISTICS[k]) % {"max": 1, "days": 7} if k == "idle" else HEURISTICS[k])
            for k in KIND_LABELS
        ],
    }
    return render(request, "finops/workload.html", context)
