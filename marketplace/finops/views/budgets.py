"""Budget pages: the list (with the latest notices), create and edit, the month table (budget, actual, forecast),
delete; and the anomaly list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core import exceptions
from marketplace.core.deadlines import OSLO
from marketplace.finops.forms.budgets import BudgetForm
from marketplace.finops.models import Budget
from marketplace.finops.selectors.budgets import (
    budget_get_visible_to,
    budget_list,
    budget_status,
    notices_recent,
)
from marketplace.finops.services import budgets as services
from marketplace.finops.views.common import finops_organisation_or_403


def _budget_or_404(request: HttpRequest, pk: int) -> Budget:
    finops_organisation_or_403(request)
    return budget_get_visible_to(request.user, pk)


def oslo_today() -> dt.date:
    return timezone.now().astimezone(OSLO).date()


def _apply_errors(form: BudgetForm, exc: exceptions.ApplicationError) -> None:
    if not exc.errors:
        form.add_error(None, exc.message)
    for error in exc.errors:
        name = error.get("field", "")
        form.add_error(name if name in form.fields else None, error.get("message") or exc.message)


@login_required
@require_GET
def budget_list_view(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    today = oslo_today()
    rows = []
    for budget in budget_list(organisation):
        status = budget_status(budget, today=today)
        rows.append({"budget": budget, "status": status})
    context = {"rows": rows, "notices": notices_recent(organisation)}
    return render(request, "finops/budgets/list.html", context)


@login_required
@require_GET
def budget_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget_or_404(request, pk)
    status = budget_status(budget, today=oslo_today())
    context = {
        "budget": budget,
        "status": status,
        "alerts": budget.alerts.order_by("-sent_at", "-pk"),
        "total_budget": budget.amount,
    }
    return render(request, "finops/budgets/detail.html", context)


def _save(request: HttpRequest, budget: Budget | None) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid():
            try:
                data = form.to_input()
                if budget is None:
                    budget = services.budget_create(actor=request.user, organisation=organisation, data=data)
                    messages.success(request, _("Budsjettet er opprettet."))
                else:
                    budget = services.budget_update(actor=request.user, budget=budget, data=data)
                    messages.success(request, _("Budsjettet er lagret."))
                return redirect("finops:budget_detail", budget.pk)
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                _apply_errors(form, exc)
        status = 422
    else:
        initial = BudgetForm.initial_for(budget) if budget else {"year": oslo_today().year}
        form = BudgetForm(initial=initial)
        status = 200
    context = {"form": form, "budget": budget, "error_items": form.error_items()}
    return render(request, "finops/budgets/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def budget_create_view(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _budget_or_404(request, pk))


@login_required
@require_POST
def budget_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget_or_404(request, pk)
    try:
        services.budget_delete(actor=request.user, budget=budget)
    except exceptions.PermissionDenied:
        raise PermissionDenied from None
    messages.success(request, _("Budsjettet er slettet."))
    return redirect("finops:budgets")
