"""FinOps settings that were CLI-only: licence prices (on the licences page), SKU mappings for price compliance (on
the price-compliance page) and exchange rates (MPS staff).

Who may change what is the services' rule: licence prices by the organisation's finops analysts and org admins
(`licence_price_set`), SKU mappings and exchange rates by MPS staff only (`sku_mapping_create`; rates are shared by
every organisation). There is no delete service for licence prices or SKU mappings, so the pages offer none; setting a
product's price again replaces it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.finops.forms.settings import LicencePriceForm, RatesForm, SkuMappingForm
from marketplace.finops.models import ExchangeRate, LicencePrice, SkuMapping
from marketplace.finops.permissions import can_view_finops_aggregates
from marketplace.finops.services.optimise import licence_price_set, sku_mapping_create
from marketplace.finops.services.rates import RatesError, finops_rates_load
from marketplace.finops.views.common import finops_organisation_or_403

# --- shared with the licences and price-compliance pages --------------------------------------------------------


def licence_prices_context(organisation: Any) -> dict[str, Any]:
    """The organisation's licence prices and an empty form, for the licences page."""
    prices = LicencePrice.objects.filter(organisation=organisation).select_related(
        "price_line__price_list__contract"
    )
    return {"licence_prices": list(prices), "price_form": LicencePriceForm()}


def sku_mappings_context(user: Any) -> dict[str, Any]:
    """For MPS staff (who manage them): every SKU mapping, for the price-compliance page. Others get none: an
    organisation's page names only the contracts its own data was checked against."""
    if not can_view_finops_aggregates(user):
        return {"sku_mappings": [], "can_manage_sku_mappings": False}
    mappings = SkuMapping.objects.select_related("contract").order_by(
        "contract__reference", "provider_name", "sku_id", "service_name", "pk"
    )
    return {"sku_mappings": list(mappings), "can_manage_sku_mappings": True}


# --- licence prices -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def licence_price_view(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request, manage=True)
    form = LicencePriceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                licence_price_set(
                    actor=request.user,
                    organisation=organisation,
                    product=data["product"],
                    price_line=data["price_line"],
                    monthly_amount=data["monthly_amount"],
                    focus_service_name=data["focus_service_name"],
                    focus_sku_id=data["focus_sku_id"],
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Prisen for %(product)s er lagret.") % {"product": data["product"]}
                )
                return redirect("finops:licences")
        status = 400
    context = {"organisation": organisation, "form": form, "error_items": form.error_items()}
    return render(request, "finops/licence_price_form.html", context, status=status)


# --- SKU mappings -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sku_mapping_view(request: HttpRequest) -> HttpResponse:
    """MPS staff only, as `sku_mapping_create`: the list and the form."""
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte kan koble SKU-er til prislister."))
    form = SkuMappingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                sku_mapping_create(
                    actor=request.user,
                    contract=data["contract"],
                    price_sku=data["price_sku"].strip(),
                    provider_name=data["provider_name"].strip(),
                    sku_id=data["sku_id"].strip(),
                    service_name=data["service_name"].strip(),
                    charge_description_contains=data["charge_description_contains"].strip(),
                    pricing_unit=data["pricing_unit"].strip(),
                    unit_factor=data["unit_factor"],
                    tolerance_percent=data["tolerance_percent"],
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("SKU-koblingen er lagret."))
                return redirect("finops:prices")
        status = 400
    context = {
        **sku_mappings_context(request.user),
        "form": form,
        "error_items": form.error_items() if form.is_bound else [],
    }
    return render(request, "finops/sku_mappings.html", context, status=status)


# --- exchange rates -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rates_view(request: HttpRequest) -> HttpResponse:
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte kan se og endre valutakurser."))
    form = RatesForm(request.POST or None, request.FILES or None)
    rate_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = finops_rates_load(lines=form.cleaned_data["lines"], user=request.user)
            except RatesError as exc:
                rate_errors = [issue.text() for issue in exc.issues]
            else:
                messages.success(
                    request,
                    _("Valutakursene er lagret: %(created)s nye, %(updated)s endret.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("finops:rates")
        status = 400
    context = {
        "form": form,
        "error_items": form.error_items() if form.is_bound else [],
        "rate_errors": rate_errors,
        "rates": ExchangeRate.objects.order_by("currency", "-month")[:500],
    }
    return render(request, "finops/rates.html", context, status=status)
