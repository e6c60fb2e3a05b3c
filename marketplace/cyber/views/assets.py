"""The organisation's assets: list, add one, import a CSV, find a domain's mail and name servers in DNS,
deactivate. Writes go through `marketplace.cyber.services.assets` (asset_create, assets_import_csv,
assets_discover, asset_deactivate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError
from marketplace.cyber import selectors
from marketplace.cyber.forms import AssetForm, AssetImportForm
from marketplace.cyber.models import AssetKind
from marketplace.cyber.permissions import can_manage_cyber
from marketplace.cyber.services.assets import (
    asset_create,
    assets_discover,
    assets_import_csv,
)
from marketplace.cyber.services.assets import asset_deactivate as deactivate
from marketplace.cyber.views.common import cyber_organisation_or_403


def import_error_text(error: dict[str, str]) -> str:
    """One import error for people: "Linje 3, kolonne kind: …" (line and column when the service names them)."""
    message = str(error.get("message", ""))
    line, column = error.get("line"), error.get("column")
    if line and column:
        return _("Linje %(line)s, kolonne %(column)s: %(message)s") % {
            "line": line,
            "column": column,
            "message": message,
        }
    if line:
        return _("Linje %(line)s: %(message)s") % {"line": line, "message": message}
    return message


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    organisation = cyber_organisation_or_403(request)
    return render(
        request,
        "cyber/assets.html",
        {
            "organisation": organisation,
            "assets": selectors.asset_list(organisation).select_related("discovered_from"),
            "can_manage": can_manage_cyber(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def asset_add(request: HttpRequest) -> HttpResponse:
    organisation = cyber_organisation_or_403(request, manage=True)
    form = AssetForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                asset = asset_create(
                    actor=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                )
            except ApplicationError as error:
                form.service_errors(error.errors, error.message, fields={"name": "name", "kind": "kind"})
            else:
                messages.success(request, _("%(name)s er lagt til.") % {"name": asset.name})
                return redirect("cyber:assets")
        status = 400
    return render(
        request,
        "cyber/asset_form.html",
        {"organisation": organisation, "form": form, "error_items": form.error_items()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def asset_import(request: HttpRequest) -> HttpResponse:
    organisation = cyber_organisation_or_403(request, manage=True)
    bound = request.method == "POST"
    form = AssetImportForm(request.POST if bound else None, request.FILES if bound else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assets = assets_import_csv(
                    actor=request.user, organisation=organisation, file=form.cleaned_data["file"]
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
                for item in error.errors:
                    form.add_error("file", import_error_text(item))
            else:
                count = len(assets)
                text = ngettext(
                    "%(count)s ressurs er importert.", "%(count)s ressurser er importert.", count
                ) % {"count": count}
                skipped = len(assets.already_active)
                if skipped:
                    text += " " + ngettext(
                        "%(count)s var registrert fra før.", "%(count)s var registrert fra før.", skipped
                    ) % {"count": skipped}
                messages.success(request, text)
                return redirect("cyber:assets")
        status = 400
    return render(
        request,
        "cyber/asset_import.html",
        {"organisation": organisation, "form": form, "error_items": form.error_items()},
        status=status,
    )


@login_required
@require_POST
def asset_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    cyber_organisation_or_403(request, manage=True)
    asset = selectors.asset_get_manageable(request.user, pk)
    if asset.is_active:
        deactivate(actor=request.user, asset=asset)
        messages.success(request, _("%(name)s skannes ikke lenger.") % {"name": asset.name})
    return redirect("cyber:assets")


@login_required
@require_POST
def asset_discover(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a domain's MX and NS host names as assets (DNS lookups now, bounded by MPS_CYBER_TIMEOUT)."""
    cyber_organisation_or_403(request, manage=True)
    asset = selectors.asset_get_manageable(request.user, pk)
    if asset.kind != AssetKind.DOMAIN or not asset.is_active:
        messages.error(request, _("Bare aktive domener har e-post- og navnetjenere å finne."))
        return redirect("cyber:assets")
    try:
        added = assets_discover(actor=request.user, asset=asset)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cyber:assets")
    if added:
        messages.success(
            request,
            ngettext(
                "Fant %(count)s ny vert i DNS for %(domain)s: %(names)s.",
                "Fant %(count)s nye verter i DNS for %(domain)s: %(names)s.",
                len(added),
            )
            % {"count": len(added), "domain": asset.name, "names": ", ".join(a.name for a in added)},
        )
    else:
        messages.info(
            request,
            _("Fant ingen nye e-post- eller navnetjenere i DNS for %(domain)s.") % {"domain": asset.name},
        )
    return redirect("cyber:assets")
