from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.exceptions import ApplicationError
from marketplace.suppliers import selectors, services
from marketplace.suppliers.forms import MoUForm, ResellerEndForm, ResellerForm, SupplierFilterForm
from marketplace.suppliers.permissions import can_create_mou, can_manage_resellers

PAGE_SIZE = 50


@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    form = SupplierFilterForm(request.GET or None)
    framework = None
    if form.is_bound and form.is_valid():
        framework = form.cleaned_data["rammeavtale"]
    suppliers = selectors.supplier_list(framework_id=framework.pk if framework else None)
    page = Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("side"))
    rows = [{"supplier": s, "frameworks": selectors.supplier_frameworks(s)} for s in page.object_list]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "suppliers/supplier_list.html",
        {"form": form, "framework": framework, "page": page, "rows": rows},
        status=status,
    )


def _detail_context(request: HttpRequest, supplier: Any, **forms: Any) -> dict[str, Any]:
    today = services.today_local()
    context = {
        "supplier": supplier,
        "frameworks": selectors.supplier_contracts_by_framework(supplier),
        "services": selectors.supplier_services_published(supplier),
        "resellers": selectors.reseller_list_for_supplier(supplier, today=today),
        "resold": selectors.reseller_list_for_partner(supplier, today=today),
        "mous": selectors.mou_list_for_supplier(supplier),
        "today": today,
        "can_manage_resellers": can_manage_resellers(request.user),
        "can_create_mou": can_create_mou(request.user),
    }
    if context["can_manage_resellers"]:
        context["reseller_form"] = forms.get("reseller_form") or ResellerForm(supplier=supplier)
        context["end_form"] = forms.get("end_form") or ResellerEndForm(initial={"valid_to": today})
        context["end_form_for"] = forms.get("end_form_for")
    if context["can_create_mou"]:
        context["mou_form"] = forms.get("mou_form") or MoUForm()
    return context


@require_GET
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_get(pk)
    return render(request, "suppliers/supplier_detail.html", _detail_context(request, supplier))


def _invalid(request: HttpRequest, supplier: Any, **forms: Any) -> HttpResponse:
    return render(
        request, "suppliers/supplier_detail.html", _detail_context(request, supplier, **forms), status=400
    )


def _form_error_from(form: Any, exc: ApplicationError) -> None:
    if exc.errors:
        for error in exc.errors:
            field = error.get("field")
            form.add_error(field if field in form.fields else None, error.get("message", exc.message))
    else:
        form.add_error(None, exc.message)


@login_required
@require_POST
def reseller_create(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_get(pk)
    if not can_manage_resellers(request.user):
        raise PermissionDenied
    form = ResellerForm(request.POST, supplier=supplier)
    if not form.is_valid():
        return _invalid(request, supplier, reseller_form=form)
    try:
        reseller = services.reseller_create(actor=request.user, supplier=supplier, **form.cleaned_data)
    except ApplicationError as exc:
        _form_error_from(form, exc)
        return _invalid(request, supplier, reseller_form=form)
    messages.success(
        request, _("%(partner)s er registrert som forhandler.") % {"partner": reseller.partner.name}
    )
    return redirect("suppliers:supplier_detail", pk=supplier.pk)


@login_required
@require_POST
def reseller_end(request: HttpRequest, pk: int, reseller_pk: int) -> HttpResponse:
    supplier = selectors.supplier_get(pk)
    if not can_manage_resellers(request.user):
        raise PermissionDenied
    reseller = selectors.reseller_get(supplier, reseller_pk)
    form = ResellerEndForm(request.POST)
    if not form.is_valid():
        return _invalid(request, supplier, end_form=form, end_form_for=reseller.pk)
    try:
        services.reseller_end(actor=request.user, reseller=reseller, valid_to=form.cleaned_data["valid_to"])
    except ApplicationError as exc:
        _form_error_from(form, exc)
        return _invalid(request, supplier, end_form=form, end_form_for=reseller.pk)
    messages.success(
        request,
        _("Forhandleravtalen med %(partner)s gjelder til og med %(date)s.")
        % {"partner": reseller.partner.name, "date": form.cleaned_data["valid_to"].strftime("%d.%m.%Y")},
    )
    return redirect("suppliers:supplier_detail", pk=supplier.pk)


@login_required
@require_POST
def mou_create(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_get(pk)
    if not can_create_mou(request.user):
        raise PermissionDenied
    form = MoUForm(request.POST)
    if not form.is_valid():
        return _invalid(request, supplier, mou_form=form)
    try:
        mou = services.mou_create(actor=request.user, supplier=supplier, **form.cleaned_data)
    except ApplicationError as exc:
        _form_error_from(form, exc)
        return _invalid(request, supplier, mou_form=form)
    messages.success(request, _("MoU-en «%(title)s» er registrert.") % {"title": mou.title})
    return redirect("suppliers:supplier_detail", pk=supplier.pk)
