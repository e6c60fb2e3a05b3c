"""Threat-intelligence and awareness pages.

- Alerts: the organisation's security officer and org admin (and they change the status); MPS staff see all.
- Software inventory: the organisation's security officer and org admin declare what they run.
- Vulnerability (per CVE): anyone who may see CyberX data; MPS staff also see affected organisations and services.
- Feed imports (KEV, STIX): MPS staff.
- Awareness training: the organisation (its months, chart, CSV import); MPS staff see every organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import is_mps_staff
from marketplace.core import exceptions
from marketplace.cyber.forms.intel import (
    AlertStatusForm,
    AwarenessUploadForm,
    KevUploadForm,
    SoftwareForm,
    StixUploadForm,
)
from marketplace.cyber.intel_rules import CVE_RE
from marketplace.cyber.models import AlertStatus, AwarenessRecord
from marketplace.cyber.permissions import can_manage_cyber, can_manage_threat_intel, can_view_cyber
from marketplace.cyber.selectors import awareness as awareness_selectors
from marketplace.cyber.selectors import intel as selectors
from marketplace.cyber.services import awareness as awareness_services
from marketplace.cyber.services import intel as services


def _denied() -> PermissionDenied:
    return PermissionDenied(
        _("Du må handle for en virksomhet med rollen sikkerhetsansvarlig eller virksomhetsadministrator.")
    )


def _organisation_or_403(request: HttpRequest) -> Organisation:
    organisation = selectors.cyber_organisation(request.user)
    if organisation is None:
        raise _denied()
    return organisation


def _error_messages(exc: exceptions.ApplicationError) -> list[str]:
    return [error.get("message", "") for error in exc.errors[:50] if error.get("message")]


# --- alerts ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    staff = is_mps_staff(request.user)
    organisation = None if staff else _organisation_or_403(request)
    status = request.GET.get("status", "")
    if status not in AlertStatus.values:
        status = ""
    chosen = None
    if staff and request.GET.get("org", "").isdigit():
        chosen = Organisation.objects.filter(pk=int(request.GET["org"])).first()
    visible = selectors.alert_list(request.user, organisation=chosen)
    context = {
        "organisation": organisation,
        "chosen": chosen,
        "is_staff_view": staff,
        "can_manage": organisation is not None and can_manage_cyber(request.user, organisation),
        "alerts": visible.filter(status=status) if status else visible,
        "counts": selectors.alert_counts(visible),
        "status": status,
        "statuses": AlertStatus.choices,
        "alert_organisations": selectors.alert_organisations() if staff else [],
        "today": timezone.localdate(),
    }
    return render(request, "cyber/intel/alerts.html", context)


@login_required
@require_POST
def alert_status(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_visible_to(request.user, pk)
    form = AlertStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ukjent status."))
        return redirect("cyber:alerts")
    try:
        services.alert_set_status(actor=request.user, alert=alert, status=form.cleaned_data["status"])
    except exceptions.PermissionDenied:
        raise PermissionDenied from None
    messages.success(request, _("Varselet er oppdatert."))
    return redirect("cyber:alerts")


# --- software inventory ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def software(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_or_403(request)
    status = 200
    if request.method == "POST":
        if not can_manage_cyber(request.user, organisation):
            raise _denied()
        form = SoftwareForm(request.POST)
        if form.is_valid():
            try:
                item = services.software_declare(
                    actor=request.user,
                    organisation=organisation,
                    hostname=form.cleaned_data["hostname"],
                    product_string=form.cleaned_data["product_string"],
                )
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                result = services.alerts_match(organisation=organisation)
                messages.success(
                    request,
                    _("%(item)s er registrert. Nye varsler: %(n)s.") % {"item": item, "n": result.created},
                )
                return redirect("cyber:software")
        status = 422
    else:
        form = SoftwareForm()
    context = {
        "organisation": organisation,
        "items": selectors.software_list(organisation),
        "form": form,
        "error_items": form.error_items(),
        "can_manage": can_manage_cyber(request.user, organisation),
    }
    return render(request, "cyber/intel/software.html", context, status=status)


@login_required
@require_POST
def software_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.software_get_visible_to(request.user, pk)
    try:
        resolved = services.software_delete(actor=request.user, item=item)
    except exceptions.PermissionDenied:
        raise PermissionDenied from None
    messages.success(
        request, _("%(item)s er fjernet. Løste varsler: %(n)s.") % {"item": item.display_name, "n": resolved}
    )
    return redirect("cyber:software")


# --- vulnerability --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def vulnerability(request: HttpRequest, cve_id: str) -> HttpResponse:
    if not is_mps_staff(request.user):
        _organisation_or_403(request)
    if not CVE_RE.match(cve_id.upper()):
        raise Http404
    context = {
        "vulnerability": selectors.vulnerability_get_visible_to(request.user, cve_id),
        "is_staff_view": is_mps_staff(request.user),
    }
    return render(request, "cyber/intel/vulnerability.html", context)


# --- feed imports (MPS) ---------------------------------------------------------------------------------------------


def _staff_or_403(request: HttpRequest) -> None:
    if not can_manage_threat_intel(request.user):
        raise PermissionDenied(_("Bare MPS har tilgang til denne siden."))


def _imports_page(
    request: HttpRequest,
    *,
    kev_form: KevUploadForm | None = None,
    stix_form: StixUploadForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    kev_form = kev_form or KevUploadForm()
    stix_form = stix_form or StixUploadForm()
    context = {
        "catalogues": selectors.kev_catalogue_list(),
        "bundles": selectors.stix_bundle_list(),
        "kev_form": kev_form,
        "stix_form": stix_form,
        "error_items": kev_form.error_items() + stix_form.error_items(),
        "import_errors": errors or [],
    }
    return render(request, "cyber/intel/imports.html", context, status=status)


@login_required
@require_GET
def intel_imports(request: HttpRequest) -> HttpResponse:
    _staff_or_403(request)
    return _imports_page(request)


def _feed_upload(request: HttpRequest, kind: str) -> HttpResponse:
    _staff_or_403(request)
    kev_form = KevUploadForm(request.POST, request.FILES) if kind == "kev" else None
    stix_form = StixUploadForm(request.POST, request.FILES) if kind == "stix" else None
    form: KevUploadForm | StixUploadForm = kev_form or stix_form  # type: ignore[assignment]
    if not form.is_valid():
        return _imports_page(request, kev_form=kev_form, stix_form=stix_form, status=422)
    upload = form.cleaned_data["file"]
    try:
        if kind == "kev":
            kev = services.kev_import(actor=request.user, file=upload, filename=upload.name)
            created, label = kev.created, f"KEV {kev.catalogue.version}"
        else:
            stix = services.stix_import(actor=request.user, file=upload, filename=upload.name)
            created, label = stix.created, f"{stix.bundle.bundle_id} v{stix.bundle.version}"
    except exceptions.PermissionDenied:
        raise PermissionDenied from None
    except exceptions.ApplicationError as exc:
        form.add_error("file", exc.message)
        return _imports_page(
            request, kev_form=kev_form, stix_form=stix_form, errors=_error_messages(exc), status=422
        )
    if created:
        result = services.alerts_match()
        messages.success(
            request, _("%(label)s er importert. Nye varsler: %(n)s.") % {"label": label, "n": result.created}
        )
    else:
        messages.info(request, _("%(label)s var allerede importert.") % {"label": label})
    return redirect("cyber:intel_imports")


@login_required
@require_POST
def kev_upload(request: HttpRequest) -> HttpResponse:
    return _feed_upload(request, "kev")


@login_required
@require_POST
def stix_upload(request: HttpRequest) -> HttpResponse:
    return _feed_upload(request, "stix")


# --- awareness training ---------------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    sent: int
    completed: int
    x: float
    width: float
    sent_y: float
    sent_height: float
    completed_y: float
    completed_height: float
    show_label: bool


CHART_HEIGHT = 160
CHART_WIDTH = 640


def bars(points: list[tuple[str, int, int]]) -> list[Bar]:
    """Bar geometry for the SVG chart: lessons sent behind lessons completed, one pair per month."""
    if not points:
        return []
    top = max(sent for _, sent, _ in points) or 1
    slot = CHART_WIDTH / len(points)
    width = max(slot * 0.7, 2)
    label_every = -(-len(points) // 12)  # at most twelve month labels under the bars
    result = []
    for index, (label, sent, completed) in enumerate(points):
        sent_height = CHART_HEIGHT * sent / top
        completed_height = CHART_HEIGHT * completed / top
        result.append(
            Bar(
                label=label,
                sent=sent,
                completed=completed,
                x=round(index * slot + (slot - width) / 2, 1),
                width=round(width, 1),
                sent_y=round(CHART_HEIGHT - sent_height, 1),
                sent_height=round(sent_height, 1),
                completed_y=round(CHART_HEIGHT - completed_height, 1),
                completed_height=round(completed_height, 1),
                show_label=index % label_every == 0,
            )
        )
    return result


def _awareness_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    records: list[AwarenessRecord] = list(awareness_selectors.awareness_records(organisation))
    return {
        "organisation": organisation,
        "records": records,
        "totals": awareness_selectors.awareness_totals(organisation),
        "score": awareness_selectors.awareness_score(organisation, today=timezone.localdate()),
        "imports": awareness_selectors.awareness_imports(organisation)[:10],
        "bars": bars([(f"{r.period:%Y-%m}", r.lessons_sent, r.lessons_completed) for r in records]),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "can_manage": can_manage_cyber(request.user, organisation),
        "is_staff_view": is_mps_staff(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def awareness(request: HttpRequest) -> HttpResponse:
    if is_mps_staff(request.user) and selectors.cyber_organisation(request.user) is None:
        return redirect("cyber:awareness_mps")
    organisation = _organisation_or_403(request)
    form = AwarenessUploadForm()
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        if not can_manage_cyber(request.user, organisation):
            raise _denied()
        form = AwarenessUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record_import = awareness_services.awareness_import(
                    actor=request.user, organisation=organisation, file=upload, filename=upload.name
                )
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                form.add_error("file", exc.message)
                errors = _error_messages(exc)
            else:
                messages.success(
                    request,
                    _("Opplæringstallene er importert (%(n)s måneder).") % {"n": record_import.rows},
                )
                return redirect("cyber:awareness")
        status = 422
    context = _awareness_context(request, organisation)
    context.update({"form": form, "error_items": form.error_items(), "import_errors": errors})
    return render(request, "cyber/intel/awareness.html", context, status=status)


@login_required
@require_GET
def awareness_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_view_cyber(request.user, organisation):
        raise Http404
    context = _awareness_context(request, organisation)
    context.update({"form": None, "error_items": [], "import_errors": []})
    return render(request, "cyber/intel/awareness.html", context)


@login_required
@require_GET
def awareness_mps(request: HttpRequest) -> HttpResponse:
    _staff_or_403(request)
    overview = awareness_selectors.awareness_overview()
    context = {
        "overview": overview,
        "bars": bars(
            [(f"{m.first_period:%Y-%m}", m.lessons_sent, m.lessons_completed) for m in overview.by_period]
        ),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
    return render(request, "cyber/intel/awareness_mps.html", context)
