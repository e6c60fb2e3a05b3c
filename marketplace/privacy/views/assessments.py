"""Assessment pages under /personvern/: the list, start (from a catalogue service, a template or outside the
catalogue), the assessment page with its sections and findings, row forms, workflow, PDF and MPS statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.core import exceptions
from marketplace.core.deadlines import OSLO
from marketplace.privacy.assessment_rules import risk as risk_rules
from marketplace.privacy.forms.assessments import (
    ROW_FORMS,
    AssessmentForm,
    RiskForm,
    StartForm,
    tri_state,
    tri_state_initial,
)
from marketplace.privacy.models import Assessment
from marketplace.privacy.models.assessments import FearedEvent
from marketplace.privacy.permissions import can_view_privacy_statistics, can_work_on_privacy
from marketplace.privacy.selectors import assessments as selectors
from marketplace.privacy.services import assessments as services

ROW_TITLES = {
    "processing": gettext_lazy("Ny behandling"),
    "provider_purpose": gettext_lazy("Nytt formål hos leverandøren"),
    "transfer": gettext_lazy("Ny rad i overføringskartet"),
    "action": gettext_lazy("Nytt tiltak i handlingsplanen"),
}


def _today() -> dt.date:
    return timezone.now().astimezone(OSLO).date()


def privacy_organisation_or_403(request: HttpRequest) -> Organisation:
    organisation = active_organisation(request.user)
    if organisation is None or not can_work_on_privacy(request.user, organisation):
        raise PermissionDenied(
            _("Du må handle for en kundevirksomhet med rollen personvernansvarlig eller administrator.")
        )
    return organisation


def _apply_errors(form: Any, exc: exceptions.ApplicationError) -> None:
    if not exc.errors:
        form.add_error(None, exc.message)
    for error in exc.errors:
        name = error.get("field", "")
        form.add_error(name if name in form.fields else None, error.get("message") or exc.message)


@login_required
@require_GET
def assessment_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_work_on_privacy(user, active_organisation(user)):
        if can_view_privacy_statistics(user):
            return redirect("privacy:assessment_statistics")
        privacy_organisation_or_403(request)
    context = {
        "assessments": selectors.assessment_list(user),
        "notices": selectors.notices_recent(user),
        "templates": selectors.assessment_templates(),
    }
    return render(request, "privacy/assessments/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start_view(request: HttpRequest) -> HttpResponse:
    organisation = privacy_organisation_or_403(request)
    service = None
    service_id = request.GET.get("service") or request.POST.get("service")
    if service_id:
        service = (
            Service.objects.filter(
                pk=service_id if str(service_id).isdigit() else 0, status=ServiceStatus.PUBLISHED
            )
            .select_related("contract__supplier")
            .first()
        )
        if service is None:
            raise Http404("service")
    templates = list(selectors.assessment_templates().values_list("pk", "title"))
    chosen = request.GET.get("mal", "")
    initial = {
        "assessed_on": _today(),
        "template": chosen if chosen in {str(pk) for pk, _t in templates} else "",
    }
    form = StartForm(request.POST or None, templates=templates, initial=initial)
    if service is not None:
        # name and supplier come from the catalogue; the fields are only for a service outside it
        del form.fields["service_name"], form.fields["supplier_name"]
    if request.method == "POST" and form.is_valid():
        template = None
        if form.cleaned_data["template"]:
            template = selectors.assessment_templates().filter(pk=form.cleaned_data["template"]).first()
        try:
            assessment = services.assessment_start(
                actor=request.user,
                organisation=organisation,
                assessed_on=form.cleaned_data["assessed_on"],
                service=service,
                service_name=form.cleaned_data.get("service_name", ""),
                supplier_name=form.cleaned_data.get("supplier_name", ""),
                template=template,
            )
        except exceptions.ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Vurderingen er startet."))
            return redirect("privacy:assessment_detail", assessment.pk)
    return render(request, "privacy/assessments/start.html", {"form": form, "service": service})


def _detail_context(assessment: Assessment) -> dict[str, Any]:
    risks = [
        {"row": row, "level": risk_rules.risk_level(row.severity, row.likelihood)}
        for row in assessment.risks.all()
    ]
    findings = selectors.assessment_findings(assessment)
    return {
        "assessment": assessment,
        "findings": findings,
        "high_findings": len(selectors.open_high_findings(findings)),
        "transfers": selectors.transfer_rows_with_decisions(assessment),
        "risks": risks,
        "versions": assessment.versions.all(),
    }


@login_required
@require_GET
def assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    context = _detail_context(assessment)
    context["can_change"] = not assessment.is_template
    context["risk_form"] = RiskForm()
    return render(request, "privacy/assessments/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    if assessment.is_template:
        raise PermissionDenied
    initial = {
        "title": assessment.title,
        "assessed_on": assessment.assessed_on,
        "review_on": assessment.review_on,
        "provider_purposes_known": assessment.provider_purposes_known,
        "is_limited_to_instructions": tri_state_initial(assessment.is_limited_to_instructions),
        "has_disclosure_clause": tri_state_initial(assessment.has_disclosure_clause),
        "dpo_opinion": assessment.dpo_opinion,
    }
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_update(
                actor=request.user,
                assessment=assessment,
                data=services.AssessmentInput(
                    title=data["title"],
                    assessed_on=data["assessed_on"],
                    review_on=data["review_on"],
                    provider_purposes_known=data["provider_purposes_known"],
                    is_limited_to_instructions=tri_state(data["is_limited_to_instructions"]),
                    has_disclosure_clause=tri_state(data["has_disclosure_clause"]),
                    dpo_opinion=data["dpo_opinion"],
                ),
            )
        except exceptions.ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("privacy:assessment_detail", assessment.pk)
    return render(
        request,
        "privacy/assessments/form.html",
        {"form": form, "assessment": assessment, "heading": _("Endre vurderingen")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_row_add_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    if kind not in ROW_FORMS:
        raise Http404("kind")
    if assessment.is_template:
        raise PermissionDenied
    form = ROW_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_row_add(
                actor=request.user, assessment=assessment, kind=kind, data=dict(form.cleaned_data)
            )
        except exceptions.ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Raden er lagt til."))
            return redirect("privacy:assessment_detail", assessment.pk)
    return render(
        request,
        "privacy/assessments/form.html",
        {"form": form, "assessment": assessment, "heading": ROW_TITLES[kind]},
    )


ROW_EDIT_TITLES = {
    "processing": gettext_lazy("Endre behandling"),
    "provider_purpose": gettext_lazy("Endre formål hos leverandøren"),
    "transfer": gettext_lazy("Endre rad i overføringskartet"),
    "action": gettext_lazy("Endre tiltak i handlingsplanen"),
}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_row_edit_view(request: HttpRequest, pk: int, kind: str, row_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    if kind not in ROW_FORMS:
        raise Http404("kind")
    if assessment.is_template:
        raise PermissionDenied
    row = selectors.assessment_row_get(assessment, kind, row_id)
    form_class = ROW_FORMS[kind]
    form = form_class(
        request.POST or None, initial={name: getattr(row, name) for name in form_class.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_row_update(
                actor=request.user,
                assessment=assessment,
                kind=kind,
                row_id=row.pk,
                data=dict(form.cleaned_data),
            )
        except exceptions.ValidationFailed as exc:
            _apply_errors(form, exc)
        except exceptions.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("privacy:assessment_detail", assessment.pk)
    return render(
        request,
        "privacy/assessments/form.html",
        {"form": form, "assessment": assessment, "heading": ROW_EDIT_TITLES[kind]},
    )


@login_required
@require_POST
def assessment_row_delete_view(request: HttpRequest, pk: int, kind: str, row_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    if kind not in ROW_FORMS:
        raise Http404("kind")
    selectors.assessment_row_get(assessment, kind, row_id)  # 404 when the row is not this assessment's
    try:
        services.assessment_row_delete(actor=request.user, assessment=assessment, kind=kind, row_id=row_id)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("Raden er fjernet."))
    return redirect("privacy:assessment_detail", assessment.pk)


@login_required
@require_POST
def assessment_risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    form = RiskForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Risikovurderingen ble ikke lagret: velg hendelse, alvorlighet og sannsynlighet.")
        )
        return redirect("privacy:assessment_detail", assessment.pk)
    try:
        services.assessment_risk_rate(
            actor=request.user,
            assessment=assessment,
            event=form.cleaned_data["event"],
            severity=form.cleaned_data["severity"],
            likelihood=form.cleaned_data["likelihood"],
            measures=form.cleaned_data["measures"],
        )
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("Risikoen er vurdert."))
    return redirect("privacy:assessment_detail", assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_risk_edit_view(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    """One feared event's rating, prefilled. The three CNIL events always exist, so they are changed, not removed."""
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    if assessment.is_template:
        raise PermissionDenied
    row = assessment.risks.filter(event=event).first()
    if row is None:
        raise Http404("event")
    initial = {
        "event": row.event,
        "severity": row.severity,
        "likelihood": row.likelihood,
        "measures": row.measures,
    }
    form = RiskForm(request.POST or None, initial=initial)
    del form.fields["event"]  # the event is the page's (in its heading); a posted value is ignored
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_risk_rate(
                actor=request.user,
                assessment=assessment,
                event=row.event,
                severity=form.cleaned_data["severity"],
                likelihood=form.cleaned_data["likelihood"],
                measures=form.cleaned_data["measures"],
            )
        except exceptions.ValidationFailed as exc:
            _apply_errors(form, exc)
        except exceptions.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("Risikoen er vurdert."))
            return redirect("privacy:assessment_detail", assessment.pk)
    return render(
        request,
        "privacy/assessments/form.html",
        {
            "form": form,
            "assessment": assessment,
            "heading": _("Vurder risiko: %(event)s") % {"event": row.get_event_display()},
        },
    )


STATE_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "submit": (services.assessment_submit, gettext_lazy("Vurderingen er sendt til gjennomgang.")),
    "return": (services.assessment_return, gettext_lazy("Vurderingen er sendt tilbake til utkast.")),
    "sign_off": (
        services.assessment_sign_off,
        gettext_lazy("Vurderingen er godkjent, og versjonen er låst."),
    ),
}


@login_required
@require_POST
def assessment_state_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    action = STATE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Ukjent handling."))
        return redirect("privacy:assessment_detail", assessment.pk)
    service, success = action
    options: dict[str, Any] = {}
    if request.POST.get("action") == "sign_off":
        options["accept_residual_risk"] = request.POST.get("accept_residual_risk") == "1"
    try:
        service(actor=request.user, assessment=assessment, **options)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except exceptions.ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, error["message"])
    else:
        messages.success(request, success)
    return redirect("privacy:assessment_detail", assessment.pk)


@login_required
@require_GET
def assessment_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    from marketplace.calloffs.documents import pdf_response
    from marketplace.privacy.documents_assessments import assessment_pdf

    assessment = selectors.assessment_get_visible_to(request.user, pk)
    return pdf_response(
        assessment_pdf(assessment), f"personvernvurdering-{assessment.pk}-v{assessment.version}.pdf"
    )


@login_required
@require_GET
def assessment_json_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a JSON download, the same document as `GET /api/v1/assessments/{id}` (`?versjon=N`: the
    snapshot frozen when version N was signed off)."""
    assessment = selectors.assessment_get_visible_to(request.user, pk)
    number = request.GET.get("versjon", "")
    if number:
        frozen = assessment.versions.filter(number=int(number) if number.isdigit() else 0).first()
        if frozen is None:
            raise Http404("version")
        document, suffix = dict(frozen.snapshot), f"v{frozen.number}"
    else:
        document, suffix = selectors.assessment_document(assessment), f"v{assessment.version}-arbeidsversjon"
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="personvernvurdering-{assessment.pk}-{suffix}.json"'
    )
    return response


@login_required
@require_GET
def assessment_statistics_view(request: HttpRequest) -> HttpResponse:
    if not can_view_privacy_statistics(request.user):
        raise PermissionDenied(_("Statistikken er for MPS."))
    stats = selectors.assessment_statistics()
    return render(request, "privacy/assessments/statistics.html", {"stats": stats, "events": FearedEvent})
