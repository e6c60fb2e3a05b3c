"""Showback (`finops:showback`): cost per cost centre with the shared split and the unallocated rest, the rules, and
forms to add and remove them. CSV of the cost-centre table with `?format=csv`."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.core import exceptions
from marketplace.finops.analytics.allocation import allocate, plan_for
from marketplace.finops.forms.report import (
    AllocationRuleForm,
    CostCentreForm,
    CostFilterForm,
    SharedCostRuleForm,
)
from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule
from marketplace.finops.services import allocation as services
from marketplace.finops.views.common import finops_organisation_or_403


def csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([[format(v, "f") if isinstance(v, Decimal) else v for v in row] for row in rows])
    return response


def _forms(organisation: Any, data: Any = None, which: str = "") -> dict[str, Any]:
    return {
        "centre_form": CostCentreForm(
            data if which == "add_centre" else None, organisation=organisation, prefix="centre"
        ),
        "rule_form": AllocationRuleForm(
            data if which == "add_rule" else None, organisation=organisation, prefix="rule"
        ),
        "shared_form": SharedCostRuleForm(
            data if which == "add_shared" else None, organisation=organisation, prefix="shared"
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def showback(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(organisation, request.POST if action else None, action)
    if action:
        done = _handle(request, organisation, action, forms)
        if done:
            return redirect(request.get_full_path())
    filter_form = CostFilterForm(request.GET or None)
    scope, filters = filter_form.scope_and_filters(organisation)
    plan = plan_for(organisation)
    result = (
        allocate(scope, plan, filters)
        if not filter_form.errors
        else {"centres": [], "unallocated": [], "shared": []}
    )
    centres = {c.pk: c for c in plan.centres}
    if request.GET.get("format") == "csv":
        rows = [
            [
                r["code"],
                r["name"],
                centres[r["parent"]].code if r["parent"] in centres else "",
                r["currency"],
                r["direct_cost"],
                r["shared_cost"],
                r["total_cost"],
                r["tree_cost"],
            ]
            for r in result["centres"]
        ] + [
            ["", _("Ufordelt"), "", r["currency"], r["effective_cost"], "", r["effective_cost"], ""]
            for r in result["unallocated"]
        ]
        return csv_response(
            "kostnadsfordeling.csv",
            [
                "cost_centre",
                "name",
                "parent",
                "currency",
                "direct_cost",
                "shared_cost",
                "total_cost",
                "tree_cost",
            ],
            rows,
        )
    for row in result["centres"]:
        row["parent_code"] = centres[row["parent"]].code if row["parent"] in centres else ""
    for shared in result["shared"]:
        for part in shared["split"]:
            part["code"] = centres[part["cost_centre"]].code if part["cost_centre"] in centres else ""
    context = {
        "organisation": organisation,
        "filter_form": filter_form,
        "result": result,
        "cost_centres": CostCentre.objects.filter(organisation=organisation).select_related("parent"),
        "rules": AllocationRule.objects.filter(organisation=organisation).select_related("cost_centre"),
        "shared_rules": SharedCostRule.objects.filter(organisation=organisation).prefetch_related(
            "targets", "shares__cost_centre"
        ),
        "csv_query": _with_format(request),
        **forms,
    }
    return render(request, "finops/showback.html", context, status=400 if action else 200)


def _with_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _handle(request: HttpRequest, organisation: Any, action: str, forms: dict[str, Any]) -> bool:
    """Run one POST action; True when it succeeded (then the page redirects)."""
    actor = request.user
    try:
        if action == "add_centre":
            form = forms["centre_form"]
            if not form.is_valid():
                return False
            services.cost_centre_create(actor=actor, organisation=organisation, **form.cleaned_data)
            messages.success(request, _("Kostnadsstedet er lagt til."))
        elif action == "add_rule":
            form = forms["rule_form"]
            if not form.is_valid():
                return False
            services.allocation_rule_create(actor=actor, organisation=organisation, **form.cleaned_data)
            messages.success(request, _("Fordelingsregelen er lagt til."))
        elif action == "add_shared":
            form = forms["shared_form"]
            if not form.is_valid():
                return False
            data = dict(form.cleaned_data)
            data["targets"] = list(data["targets"])
            services.shared_cost_rule_create(actor=actor, organisation=organisation, **data)
            messages.success(request, _("Regelen for felleskostnader er lagt til."))
        elif action == "delete_rule":
            rule = get_object_or_404(
                AllocationRule, pk=request.POST.get("pk") or 0, organisation=organisation
            )
            services.allocation_rule_delete(actor=actor, rule=rule)
            messages.success(request, _("Fordelingsregelen er fjernet."))
        elif action == "delete_shared":
            shared = get_object_or_404(
                SharedCostRule, pk=request.POST.get("pk") or 0, organisation=organisation
            )
            services.shared_cost_rule_delete(actor=actor, rule=shared)
            messages.success(request, _("Regelen for felleskostnader er fjernet."))
        elif action == "delete_centre":
            centre = get_object_or_404(CostCentre, pk=request.POST.get("pk") or 0, organisation=organisation)
            services.cost_centre_delete(actor=actor, cost_centre=centre)
            messages.success(request, _("Kostnadsstedet er fjernet."))
        else:
            messages.error(request, _("Ukjent handling."))
            return False
    except exceptions.ValidationFailed as exc:
        form_name = {"add_centre": "centre_form", "add_rule": "rule_form", "add_shared": "shared_form"}.get(
            action
        )
        if form_name:
            forms[form_name].service_errors(exc.errors, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    return True
