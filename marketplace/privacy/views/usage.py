"""Services in use: the organisation's list, register one, one service's page (term check, exit plan, newest exit
cost), end one. Writes go through marketplace.privacy.services.usage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.catalogue.models import Service
from marketplace.core.exceptions import ApplicationError
from marketplace.privacy import terms_rules
from marketplace.privacy.forms.usage import ServiceInUseEndForm, ServiceInUseForm
from marketplace.privacy.permissions import can_view_service_terms, can_work_on_privacy
from marketplace.privacy.selectors import exit as exit_selectors
from marketplace.privacy.selectors import terms as terms_selectors
from marketplace.privacy.selectors import usage as selectors
from marketplace.privacy.services.usage import service_in_use_end, service_in_use_register
from marketplace.privacy.views.terms_common import organisation_or_403


@login_required
@require_GET
def usage_list(request: HttpRequest) -> HttpResponse:
    organisation = organisation_or_403(request)
    return render(
        request,
        "privacy/usage/list.html",
        {
            "organisation": organisation,
            "rows": exit_selectors.exit_overview_rows(organisation),
            "can_manage": can_work_on_privacy(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def usage_add(request: HttpRequest) -> HttpResponse:
    organisation = organisation_or_403(request, manage=True)
    initial = {}
    service_id = request.GET.get("tjeneste", "")
    if service_id.isdigit():
        initial["service"] = Service.objects.filter(pk=int(service_id)).first()
    form = ServiceInUseForm(
        request.POST if request.method == "POST" else None, organisation=organisation, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                siu = service_in_use_register(
                    actor=request.user,
                    organisation=organisation,
                    service=data["service"],
                    calloff=data["calloff"],
                    name=data["name"],
                    supplier_name=data["supplier_name"],
                    started_on=data["started_on"],
                )
            except ApplicationError as error:
                form.service_errors(error.errors, error.message)
            else:
                messages.success(
                    request, _("%(name)s er registrert som tjeneste i bruk.") % {"name": siu.display_name}
                )
                return redirect("privacy:usage_detail", pk=siu.pk)
        status = 400
    return render(
        request,
        "privacy/usage/form.html",
        {
            "organisation": organisation,
            "form": form,
            "error_items": form.error_items(),
        },
        status=status,
    )


@login_required
@require_GET
def usage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_or_403(request)
    siu = selectors.service_in_use_get_visible_to(request.user, pk)
    sees_terms = can_view_service_terms(request.user, siu.organisation)
    check = terms_selectors.term_check_of_service(siu) if sees_terms else None
    summary = terms_rules.summarise(item.status for item in check.items.all()) if check else None
    return render(
        request,
        "privacy/usage/detail.html",
        {
            "siu": siu,
            "supplier_name": exit_selectors.supplier_name_of(siu),
            "can_manage": can_work_on_privacy(request.user, siu.organisation),
            "sees_terms": sees_terms,
            "check": check,
            "summary": summary,
            "plan": exit_selectors.exit_plan_of(siu),
            "estimate": exit_selectors.exit_estimate_latest(siu),
            "end_form": ServiceInUseEndForm(),
        },
    )


@login_required
@require_POST
def usage_end(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_or_403(request, manage=True)
    siu = selectors.service_in_use_get_manageable(request.user, pk)
    form = ServiceInUseEndForm(request.POST)
    if form.is_valid():
        try:
            service_in_use_end(actor=request.user, service_in_use=siu, ended_on=form.cleaned_data["ended_on"])
        except ApplicationError as error:
            form.service_errors(error.errors, error.message, fields={"ended_on": "ended_on"})
        else:
            messages.success(request, _("%(name)s er avsluttet.") % {"name": siu.display_name})
            return redirect("privacy:usage_detail", pk=siu.pk)
    return render(
        request,
        "privacy/usage/end.html",
        {
            "siu": siu,
            "form": form,
            "error_items": form.error_items(),
        },
        status=400,
    )
