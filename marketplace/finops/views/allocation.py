"""Edit pages for the showback settings (`finops:cost_centre_edit`, `finops:allocation_rule_edit`,
`finops:shared_rule_edit`). Adding and removing happen on the showback page itself; these pages change one existing
cost centre or rule. Who may: the organisation's finops analysts and org admins (the services' rule); another
organisation's object answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.core import exceptions
from marketplace.finops.forms.report import (
    AllocationRuleForm,
    CostCentreEditForm,
    SharedCostRuleForm,
    shares_text,
)
from marketplace.finops.selectors.allocation import (
    allocation_rule_get_visible_to,
    cost_centre_get_visible_to,
    shared_cost_rule_get_visible_to,
)
from marketplace.finops.services import allocation as services
from marketplace.finops.views.common import finops_organisation_or_403


def _render(request: HttpRequest, form: Any, title: str, subject: str, status: int) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "subject": subject,
        "error_items": form.error_items() if form.is_bound else [],
    }
    return render(request, "finops/allocation_form.html", context, status=status)


def _run(request: HttpRequest, form: Any, save: Any, success: str) -> HttpResponse | None:
    """Validate, call the service; None when the form has to be shown again with its errors."""
    if not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except exceptions.ValidationFailed as exc:
        form.service_errors(exc.errors, exc.message)
        return None
    messages.success(request, success)
    return redirect("finops:showback")


@login_required
@require_http_methods(["GET", "POST"])
def cost_centre_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    finops_organisation_or_403(request, manage=True)
    centre = cost_centre_get_visible_to(request.user, pk)
    title = _("Endre kostnadssted")
    subject = f"{centre.code} {centre.name}"
    if request.method != "POST":
        form = CostCentreEditForm(
            cost_centre=centre, initial={"name": centre.name, "parent": centre.parent_id}
        )
        return _render(request, form, title, subject, 200)
    form = CostCentreEditForm(request.POST, cost_centre=centre)

    def save(data: dict[str, Any]) -> None:
        services.cost_centre_update(
            actor=request.user, cost_centre=centre, name=data["name"], parent=data["parent"]
        )

    done = _run(request, form, save, _("Kostnadsstedet %(code)s er lagret.") % {"code": centre.code})
    return done or _render(request, form, title, subject, 400)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = finops_organisation_or_403(request, manage=True)
    rule = allocation_rule_get_visible_to(request.user, pk)
    title = _("Endre fordelingsregel")
    subject = f"{rule.get_kind_display()}: {rule.key + ' = ' if rule.key else ''}{rule.value}"
    if request.method != "POST":
        initial = {
            "kind": rule.kind,
            "key": rule.key,
            "value": rule.value,
            "cost_centre": rule.cost_centre_id,
            "priority": rule.priority,
        }
        form = AllocationRuleForm(organisation=organisation, initial=initial)
        return _render(request, form, title, subject, 200)
    form = AllocationRuleForm(request.POST, organisation=organisation)

    def save(data: dict[str, Any]) -> None:
        services.allocation_rule_update(actor=request.user, rule=rule, **data)

    done = _run(request, form, save, _("Fordelingsregelen er lagret."))
    return done or _render(request, form, title, subject, 400)


@login_required
@require_http_methods(["GET", "POST"])
def shared_rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = finops_organisation_or_403(request, manage=True)
    rule = shared_cost_rule_get_visible_to(request.user, pk)
    title = _("Endre regel for felleskostnader")
    if request.method != "POST":
        initial = {
            "name": rule.name,
            "kind": rule.kind,
            "key": rule.key,
            "value": rule.value,
            "method": rule.method,
            "targets": [c.pk for c in rule.targets.all()],
            "shares": shares_text(rule),
            "priority": rule.priority,
        }
        form = SharedCostRuleForm(organisation=organisation, initial=initial)
        return _render(request, form, title, rule.name, 200)
    form = SharedCostRuleForm(request.POST, organisation=organisation)

    def save(data: dict[str, Any]) -> None:
        services.shared_cost_rule_update(
            actor=request.user, rule=rule, **{**data, "targets": list(data["targets"])}
        )

    done = _run(request, form, save, _("Regelen for felleskostnader er lagret."))
    return done or _render(request, form, title, rule.name, 400)
