"""Shortlists of the buyer organisation: list and create, detail, add from a service page, notes, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.catalogue import exports, permissions, selectors
from marketplace.catalogue.forms import ExportForm, NoteForm, ShortlistAddForm, ShortlistCreateForm
from marketplace.catalogue.models import ExportFormat, ShortlistSnapshot
from marketplace.catalogue.services import shortlists as shortlist_services
from marketplace.core import exceptions

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
}


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_list(request: HttpRequest) -> HttpResponse:
    _deny_unless(permissions.can_list_shortlists(request.user))
    form = ShortlistCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _deny_unless(permissions.can_create_shortlist(request.user))
        if form.is_valid():
            try:
                shortlist = shortlist_services.shortlist_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except exceptions.ApplicationError as exc:
                form.add_error("name", exc.message)
            else:
                messages.success(request, _("Kortlisten «%(name)s» er opprettet.") % {"name": shortlist.name})
                return redirect("catalogue:shortlist_detail", pk=shortlist.pk)
        status = 400
    context = {
        "shortlists": selectors.shortlist_list_for(request.user),
        "form": form,
        "can_create": permissions.can_create_shortlist(request.user),
        "error_items": form.error_items() if form.is_bound else [],
    }
    return render(request, "catalogue/shortlist_list.html", context, status=status)


@login_required
@require_GET
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_visible_to(request.user, pk)
    items = [
        {"item": item, "note_form": NoteForm(initial={"note": item.note}, prefix=f"item{item.pk}")}
        for item in selectors.shortlist_items(shortlist)
    ]
    context = {
        "shortlist": shortlist,
        "items": items,
        "snapshots": shortlist.snapshots.select_related("created_by").order_by("-created_at", "-pk"),
        "can_edit": permissions.can_edit_shortlist(request.user, shortlist),
    }
    return render(request, "catalogue/shortlist_detail.html", context)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def shortlist_add(request: HttpRequest) -> HttpResponse:
    form = ShortlistAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg en tjeneste å legge på kortlisten."))
        return redirect(_safe_next(request) or "catalogue:shortlist_list")
    service = selectors.service_list_published().filter(pk=form.cleaned_data["service"]).first()
    if service is None:
        raise Http404
    shortlist = None
    if form.cleaned_data.get("shortlist"):
        shortlist = selectors.shortlist_get_visible_to(request.user, form.cleaned_data["shortlist"])
    try:
        item, created = shortlist_services.shortlist_item_add(
            actor=request.user, service=service, shortlist=shortlist, note=form.cleaned_data.get("note") or ""
        )
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.NotFound as exc:
        raise Http404 from exc
    names = {"service": service.name, "shortlist": item.shortlist.name}
    if created:
        message = _("«%(service)s» er lagt på kortlisten «%(shortlist)s».") % names
    else:
        message = _("«%(service)s» står allerede på kortlisten «%(shortlist)s».") % names
    if getattr(request, "htmx", False):
        # Enhanced: replace the button with the outcome, no page reload.
        return render(
            request, "catalogue/_shortlist_add_result.html", {"message": message, "shortlist": item.shortlist}
        )
    if created:
        messages.success(request, message)
    else:
        messages.info(request, message)
    next_url = _safe_next(request)
    if next_url:
        return redirect(next_url)
    return redirect("catalogue:shortlist_detail", pk=item.shortlist.pk)


@login_required
@require_POST
def shortlist_item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_visible_to(request.user, pk)
    _deny_unless(permissions.can_edit_shortlist(request.user, shortlist))
    item = selectors.shortlist_item_get(shortlist, item_pk)
    name = item.service.name
    shortlist_services.shortlist_item_remove(actor=request.user, item=item)
    messages.success(request, _("«%(name)s» er fjernet fra kortlisten.") % {"name": name})
    return redirect("catalogue:shortlist_detail", pk=shortlist.pk)


@login_required
@require_POST
def shortlist_item_note(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_visible_to(request.user, pk)
    _deny_unless(permissions.can_edit_shortlist(request.user, shortlist))
    item = selectors.shortlist_item_get(shortlist, item_pk)
    form = NoteForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("catalogue:shortlist_detail", pk=shortlist.pk)
    shortlist_services.shortlist_item_note_set(actor=request.user, item=item, note=form.cleaned_data["note"])
    messages.success(request, _("Merknaden er lagret."))
    return redirect("catalogue:shortlist_detail", pk=shortlist.pk)


def _download(snapshot: ShortlistSnapshot) -> HttpResponse:
    body = exports.csv_bytes(snapshot) if snapshot.format == ExportFormat.CSV else exports.ods_bytes(snapshot)
    response = HttpResponse(body, content_type=CONTENT_TYPES[ExportFormat(snapshot.format)])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(snapshot)}"'
    response["X-Content-Hash"] = snapshot.content_hash
    return response


@login_required
@require_POST
def shortlist_export(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_visible_to(request.user, pk)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg CSV eller ODS."))
        return redirect("catalogue:shortlist_detail", pk=shortlist.pk)
    try:
        snapshot = shortlist_services.shortlist_export(
            actor=request.user, shortlist=shortlist, format=form.cleaned_data["format"]
        )
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    return _download(snapshot)


@login_required
@require_GET
def shortlist_snapshot_download(request: HttpRequest, pk: int, snapshot_pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_visible_to(request.user, pk)
    return _download(selectors.shortlist_snapshot_get(shortlist, snapshot_pk))
