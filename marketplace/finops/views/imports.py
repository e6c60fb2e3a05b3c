"""Imports of cost data: list, detail with findings, upload (queued for `mps worker`) and the htmx progress fragment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.accounts.permissions import acts_for
from marketplace.finops.forms.imports import UploadForm
from marketplace.finops.models import FocusImport, ImportStatus
from marketplace.finops.permissions import can_manage_finops, can_view_finops
from marketplace.finops.services.uploads import UploadError, finops_upload_queue
from marketplace.finops.views.common import finops_organisation_or_403

RUNNING = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def _import_or_404(request: HttpRequest, pk: int) -> FocusImport:
    """The import of the organisation the user acts for (404 for another organisation's; 403 without the role)."""
    focus_import = FocusImport.objects.select_related("organisation", "created_by").filter(pk=pk).first()
    if focus_import is None or not acts_for(request.user, focus_import.organisation):
        raise Http404
    if not can_view_finops(request.user, focus_import.organisation):
        raise PermissionDenied
    return focus_import


def _percent(focus_import: FocusImport) -> int:
    if focus_import.status == ImportStatus.DONE:
        return 100
    if not focus_import.bytes_total:
        return 0
    return min(100, int(focus_import.bytes_done * 100 / focus_import.bytes_total))


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    imports = FocusImport.objects.filter(organisation=organisation).select_related("created_by")[:200]
    return render(
        request,
        "finops/imports.html",
        {
            "organisation": organisation,
            "imports": imports,
            "can_upload": can_manage_finops(request.user, organisation),
        },
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    focus_import = _import_or_404(request, pk)
    return render(
        request,
        "finops/imports_detail.html",
        {
            "focus_import": focus_import,
            "findings": list(focus_import.findings.all()),
            "periods": list(focus_import.periods.order_by("billing_period")),
            "percent": _percent(focus_import),
            "running": focus_import.status in RUNNING,
        },
    )


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    focus_import = _import_or_404(request, pk)
    return render(
        request,
        "finops/imports_status.html",
        {
            "focus_import": focus_import,
            "percent": _percent(focus_import),
            "running": focus_import.status in RUNNING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request, manage=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                focus_import = finops_upload_queue(
                    organisation=organisation,
                    upload=form.cleaned_data["file"],
                    source_format=form.cleaned_data["source_format"],
                    user=request.user,
                )
            except UploadError:
                form.add_error("file", _("Filen kunne ikke tas imot. Kontroller størrelse og innhold."))
            else:
                messages.success(request, _("Filen er lastet opp og importeres nå."))
                return redirect("finops:import_detail", pk=focus_import.pk)
        status = 400
    return render(
        request,
        "finops/upload.html",
        {"organisation": organisation, "form": form, "error_items": form.error_items()},
        status=status,
    )
