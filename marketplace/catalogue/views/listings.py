"""Supplier listing pages (dashboard, create, edit, submit, withdraw), the approval queue and version history."""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.accounts.permissions import active_organisation, has_role
from marketplace.catalogue import permissions, rules, selectors
from marketplace.catalogue.facts import facts_proposed, service_facts
from marketplace.catalogue.forms import (
    FORMSETS,
    ContractChoiceForm,
    ReturnForm,
    ServiceForm,
    formset_error_items,
    formset_rows,
)
from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.catalogue.services import listings as listing_services
from marketplace.catalogue.views.display import changes_display, facts_display
from marketplace.core import exceptions


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _formsets(data: Any, initial: dict[str, Any] | None) -> dict[str, Any]:
    return {
        name: formset_class(data, prefix=prefix, initial=(initial or {}).get(name) or None)
        for name, (formset_class, prefix, _label) in FORMSETS.items()
    }


class _RelationRows(TypedDict):
    data_locations: list[dict[str, Any]]
    certifications: list[dict[str, Any]]
    sub_processors: list[dict[str, Any]]


def _relation_rows(formsets: dict[str, Any]) -> _RelationRows:
    """The repeated rows (data locations, certifications, sub-processors) as the listing services take them."""
    return _RelationRows(
        data_locations=formset_rows(formsets["data_locations"]),
        certifications=formset_rows(formsets["certifications"]),
        sub_processors=formset_rows(formsets["sub_processors"]),
    )


def _formset_blocks(formsets: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": name, "prefix": FORMSETS[name][1], "label": FORMSETS[name][2], "formset": formset}
        for name, formset in formsets.items()
    ]


def _apply_service_errors(form: ServiceForm, error: exceptions.ApplicationError) -> list[tuple[str, str]]:
    """Put a service's field errors on the form; return the ones that belong to a formset block."""
    extra: list[tuple[str, str]] = []
    anchors = {name: f"{prefix}-blokk" for name, (_cls, prefix, _label) in FORMSETS.items()}
    for item in error.errors or [{"field": "", "message": error.message}]:
        field, message = item.get("field", ""), item.get("message", error.message)
        if field in form.fields:
            form.add_error(field, message)
        elif field in anchors:
            extra.append((anchors[field], message))
        else:
            form.add_error(None, message)
    return extra


def _initial_from_facts(facts: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    relations = {name: facts.get(name) or [] for name in FORMSETS}
    scalars = {k: v for k, v in facts.items() if k not in FORMSETS}
    return scalars, relations


def _edit_page(
    request: HttpRequest,
    *,
    form: ServiceForm,
    formsets: dict[str, Any],
    service: Service | None,
    contract_form: ContractChoiceForm | None = None,
    extra_errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors: list[tuple[str, str]] = []
    if contract_form is not None and contract_form.is_bound:
        errors.extend(contract_form.error_items())
    if form.is_bound:
        errors.extend(form.error_items())
        for name, formset in formsets.items():
            errors.extend(formset_error_items(formset, FORMSETS[name][1]))
    errors.extend(extra_errors or [])
    pending = (
        changes_display(_pending_diff(service))
        if service is not None and service.status == ServiceStatus.PUBLISHED and service.pending_changes
        else []
    )
    context = {
        "pending": pending,
        "form": form,
        "formset_blocks": _formset_blocks(formsets),
        "service": service,
        "contract_form": contract_form,
        "error_items": errors,
        "today": timezone.localdate(),
    }
    return render(request, "catalogue/listing_form.html", context, status=status)


@login_required
@require_GET
def service_mine(request: HttpRequest) -> HttpResponse:
    _deny_unless(permissions.can_list_services_of_supplier(request.user))
    organisation = active_organisation(request.user)
    assert organisation is not None
    today = timezone.localdate()
    services = list(selectors.service_list_for_supplier(organisation))
    groups = []
    for status in ServiceStatus:
        rows = [
            {
                "service": s,
                "certifications": selectors.certification_flags(s, today),
                "has_expired": any(
                    rules.certification_status(c.valid_until, today) == rules.CERT_EXPIRED
                    for c in s.certifications.all()
                ),
                "has_expiring": any(
                    rules.certification_status(c.valid_until, today) == rules.CERT_EXPIRING
                    for c in s.certifications.all()
                ),
            }
            for s in services
            if s.status == status
        ]
        groups.append({"status": status, "label": status.label, "rows": rows})
    can_edit = has_role(request.user, *permissions.LISTING_EDIT_ROLES)
    return render(
        request,
        "catalogue/listing_mine.html",
        {"groups": groups, "can_edit": can_edit, "organisation": organisation, "total": len(services)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    organisation = active_organisation(request.user)
    _deny_unless(
        permissions.can_list_services_of_supplier(request.user)
        and has_role(request.user, *permissions.LISTING_EDIT_ROLES)
    )
    assert organisation is not None
    contracts = selectors.contract_list_open_for_supplier(organisation, timezone.localdate())
    contract_form = ContractChoiceForm(request.POST or None, contracts=contracts)
    contract = None
    if contract_form.is_bound and contract_form.is_valid():
        contract = contract_form.cleaned_data["contract"]
    elif not contract_form.is_bound and contracts.count() == 1:
        contract = contracts.first()
    form_contract = contract or (contracts.first() if contracts.exists() else None)
    if form_contract is None:
        messages.warning(request, _("Virksomheten har ingen gyldige kontrakter å liste tjenester under."))
        return redirect("catalogue:service_mine")
    if request.method == "POST":
        form = ServiceForm(request.POST, contract=form_contract)
        formsets = _formsets(request.POST, None)
        valid = contract_form.is_valid() & form.is_valid() & all(fs.is_valid() for fs in formsets.values())
        if valid and contract is not None:
            try:
                service = listing_services.service_create(
                    actor=request.user,
                    contract=contract,
                    data=form.cleaned_data,
                    **_relation_rows(formsets),
                )
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied from exc
            except exceptions.ApplicationError as exc:
                extra = _apply_service_errors(form, exc)
                return _edit_page(
                    request,
                    form=form,
                    formsets=formsets,
                    service=None,
                    contract_form=contract_form,
                    extra_errors=extra,
                    status=400,
                )
            messages.success(request, _("Utkastet «%(name)s» er lagret.") % {"name": service.name})
            return redirect("catalogue:service_edit", pk=service.pk)
        return _edit_page(
            request, form=form, formsets=formsets, service=None, contract_form=contract_form, status=400
        )
    form = ServiceForm(contract=form_contract)
    return _edit_page(
        request, form=form, formsets=_formsets(None, None), service=None, contract_form=contract_form
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_listing_visible_to(request.user, pk)
    _deny_unless(permissions.can_edit_service(request.user, service))
    if not rules.transition_allowed(service.status, rules.EDIT):
        messages.warning(
            request,
            _("«%(name)s» har status «%(status)s» og kan ikke endres nå.")
            % {"name": service.name, "status": service.get_status_display()},
        )
        return redirect("catalogue:service_mine")
    contract = service.contract
    if request.method == "POST":
        form = ServiceForm(request.POST, instance=Service(contract=contract), contract=contract)
        formsets = _formsets(request.POST, None)
        if form.is_valid() & all(fs.is_valid() for fs in formsets.values()):
            try:
                service = listing_services.service_update(
                    actor=request.user,
                    service=service,
                    data=form.cleaned_data,
                    **_relation_rows(formsets),
                )
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied from exc
            except exceptions.ApplicationError as exc:
                extra = _apply_service_errors(form, exc)
                return _edit_page(
                    request, form=form, formsets=formsets, service=service, extra_errors=extra, status=400
                )
            if service.status == ServiceStatus.PUBLISHED and service.pending_changes:
                messages.success(
                    request,
                    _(
                        "Endringene er sendt til godkjenning. Den publiserte versjonen gjelder til de er godkjent."
                    ),
                )
            elif service.status == ServiceStatus.PUBLISHED:
                messages.info(request, _("Ingen endringer å sende til godkjenning."))
            else:
                messages.success(request, _("Utkastet er lagret."))
            return redirect("catalogue:service_edit", pk=service.pk)
        return _edit_page(request, form=form, formsets=formsets, service=service, status=400)
    facts = service_facts(service)
    facts.update(service.pending_changes or {})
    scalars, relations = _initial_from_facts(facts)
    form = ServiceForm(initial=scalars, contract=contract)
    return _edit_page(request, form=form, formsets=_formsets(None, relations), service=service)


def _service_action(request: HttpRequest, pk: int, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    service = selectors.service_get_listing_visible_to(request.user, pk)
    try:
        action(actor=request.user, service=service, **kwargs)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.ApplicationError as exc:
        messages.error(request, exc.message)
        for item in exc.errors:
            messages.error(request, item["message"])
        return redirect(_next_url(request, service))
    messages.success(request, success % {"name": service.name})
    return redirect(_next_url(request, service))


def _next_url(request: HttpRequest, service: Service) -> str:
    if permissions.is_category_manager(request.user) and not permissions.can_edit_service(
        request.user, service
    ):
        return reverse("catalogue:approval_queue")
    return reverse("catalogue:service_mine")


@login_required
@require_POST
def service_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_action(
        request, pk, listing_services.service_submit, _("«%(name)s» er sendt til godkjenning.")
    )


@login_required
@require_POST
def service_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_action(
        request,
        pk,
        listing_services.service_withdraw,
        _("«%(name)s» er trukket tilbake."),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    _deny_unless(permissions.is_category_manager(request.user))
    today = timezone.localdate()
    rows = []
    for service in selectors.service_list_awaiting_approval():
        rows.append(
            {
                "service": service,
                "is_change": service.status == ServiceStatus.PUBLISHED,
                "has_expired": any(
                    rules.certification_status(c.valid_until, today) == rules.CERT_EXPIRED
                    for c in service.certifications.all()
                ),
            }
        )
    expiring = [
        {"service": s, "status": rules.certification_status(s.first_expiry_on, today)}  # type: ignore[attr-defined]
        for s in selectors.service_list_certificates_expiring(today, include_expired=True)[:100]
    ]
    return render(request, "catalogue/approval_queue.html", {"rows": rows, "expiring": expiring})


def _pending_diff(service: Service) -> list[dict[str, Any]]:
    current = service_facts(service)
    if service.status == ServiceStatus.PUBLISHED:
        proposed = facts_proposed(current, {}, {})
        proposed.update(service.pending_changes or {})
        return rules.facts_diff(current, proposed)
    last = service.versions.order_by("-number").first()
    return rules.facts_diff(last.snapshot if last else {}, current)


@login_required
@require_GET
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _deny_unless(permissions.is_category_manager(request.user))
    service = selectors.service_get_listing_visible_to(request.user, pk)
    return _approval_page(request, service, ReturnForm())


def _approval_page(
    request: HttpRequest, service: Service, return_form: ReturnForm, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "service": service,
        "changes": changes_display(_pending_diff(service)),
        "awaiting": rules.is_awaiting_approval(service.status, bool(service.pending_changes)),
        "return_form": return_form,
        "error_items": return_form.error_items() if return_form.is_bound else [],
        "certifications": selectors.certification_flags(service, today),
    }
    return render(request, "catalogue/approval_detail.html", context, status=status)


@login_required
@require_POST
def service_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _deny_unless(permissions.is_category_manager(request.user))
    return _service_action(
        request, pk, listing_services.service_approve, _("«%(name)s» er godkjent og publisert.")
    )


@login_required
@require_POST
def service_return(request: HttpRequest, pk: int) -> HttpResponse:
    _deny_unless(permissions.is_category_manager(request.user))
    service = selectors.service_get_listing_visible_to(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _approval_page(request, service, form, status=400)
    return _service_action(
        request,
        pk,
        listing_services.service_return,
        _("«%(name)s» er returnert til leverandøren."),
        reason=form.cleaned_data["reason"],
    )


@require_GET
def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_versions_visible_to(request.user, pk)
    versions = [
        {"version": v, "changes": changes_display(v.changes)} for v in selectors.service_version_list(service)
    ]
    return render(request, "catalogue/version_list.html", {"service": service, "versions": versions})


@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    service = selectors.service_get_versions_visible_to(request.user, pk)
    version = selectors.service_version_get(service, number)
    return render(
        request,
        "catalogue/version_detail.html",
        {
            "service": service,
            "version": version,
            "changes": changes_display(version.changes),
            "facts": facts_display(version.snapshot),
            "description": version.snapshot.get("description", ""),
        },
    )
