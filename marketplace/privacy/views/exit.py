"""Exit and lock-in: the organisation's overview, the exit plan of a service in use and its exit-cost estimates
(with the CMA lock-in flags and their sources). Writes go through marketplace.privacy.services.exit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.core.exceptions import ApplicationError
from marketplace.privacy import baseline
from marketplace.privacy.forms.exit import ExitEstimateForm, ExitPlanForm
from marketplace.privacy.models import ExitCostEstimate, VolumeSource
from marketplace.privacy.permissions import can_work_on_privacy
from marketplace.privacy.selectors import exit as selectors
from marketplace.privacy.selectors.usage import service_in_use_get_manageable, service_in_use_get_visible_to
from marketplace.privacy.services.exit import exit_estimate_create, exit_plan_save
from marketplace.privacy.views.terms_common import organisation_or_403


def flag_details(estimate: ExitCostEstimate | None) -> list[dict[str, Any]]:
    """The estimate's CMA flags with title, explanation and source (data/terms_baseline.json)."""
    if estimate is None:
        return []
    known = {flag["key"]: flag for flag in baseline.cma_flags()}
    return [known[key] for key in estimate.flags if key in known]


@login_required
@require_GET
def exit_overview(request: HttpRequest) -> HttpResponse:
    organisation = organisation_or_403(request)
    return render(
        request,
        "privacy/exit/overview.html",
        {
            "organisation": organisation,
            "rows": selectors.exit_overview_rows(organisation),
            "can_manage": can_work_on_privacy(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exit_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_or_403(request, manage=True)
    siu = service_in_use_get_manageable(request.user, pk)
    plan = selectors.exit_plan_of(siu)
    status = 200
    if request.method == "POST":
        form = ExitPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                exit_plan_save(
                    actor=request.user,
                    service_in_use=siu,
                    data_to_export=data["data_to_export"],
                    formats=data["formats"],
                    time_needed_days=data["time_needed_days"],
                    owner_name=data["owner_name"],
                    steps=form.step_lines(),
                    notes=data["notes"],
                )
            except ApplicationError as error:
                form.service_errors(error.errors, error.message)
            else:
                messages.success(request, _("Exit-planen er lagret."))
                return redirect("privacy:usage_detail", pk=siu.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        if plan is not None:
            initial = {
                "data_to_export": plan.data_to_export,
                "formats": plan.formats,
                "time_needed_days": plan.time_needed_days,
                "owner_name": plan.owner_name,
                "steps": "\n".join(step.description for step in plan.steps.all()),
                "notes": plan.notes,
            }
        elif siu.service is not None:
            initial = {"formats": siu.service.export_formats}
        form = ExitPlanForm(initial=initial)
    return render(
        request,
        "privacy/exit/plan_form.html",
        {
            "siu": siu,
            "form": form,
            "error_items": form.error_items(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exit_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_or_403(request)
    siu = service_in_use_get_visible_to(request.user, pk)
    can_manage = can_work_on_privacy(request.user, siu.organisation)
    status = 200
    if request.method == "POST":
        siu = service_in_use_get_manageable(request.user, pk)
        form = ExitEstimateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                exit_estimate_create(
                    actor=request.user,
                    service_in_use=siu,
                    volume_gb=data["volume_gb"],
                    use_finops_volume=data["volume_source"] == VolumeSource.FINOPS,
                    egress_price_per_gb=data["egress_price_per_gb"],
                    migration_hours=data["migration_hours"],
                    hourly_rate=data["hourly_rate"],
                    has_technical_barriers=data["has_technical_barriers"],
                    has_committed_spend=data["has_committed_spend"],
                    has_licence_restrictions=data["has_licence_restrictions"],
                )
            except ApplicationError as error:
                form.service_errors(error.errors, error.message)
            else:
                messages.success(request, _("Exit-kostnaden er beregnet."))
                return redirect("privacy:exit_estimate", pk=siu.pk)
        status = 400
    else:
        form = ExitEstimateForm()
    estimates = list(selectors.exit_estimates_of(siu)[:10])
    latest = estimates[0] if estimates else None
    return render(
        request,
        "privacy/exit/estimate.html",
        {
            "siu": siu,
            "form": form if can_manage else None,
            "error_items": form.error_items(),
            "catalogue_price": selectors.egress_price_for(siu.service),
            "supplier_name": selectors.supplier_name_of(siu),
            "latest": latest,
            "flags": flag_details(latest),
            "estimates": estimates,
        },
        status=status,
    )
