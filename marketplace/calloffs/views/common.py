"""Call-off pages: the list, the create form (with the route preview), the detail hub and cancellation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.accounts.permissions import active_organisation
from marketplace.calloffs import permissions
from marketplace.calloffs.forms.common import (
    NEED_FIELDS,
    STATE_LABELS,
    CallOffCancelForm,
    CallOffCreateForm,
    CallOffNeedForm,
    StateFilterForm,
)
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.selectors import calloff_get_visible_to, calloff_list_visible_to, calloff_state_of
from marketplace.calloffs.selectors.common import (
    calloff_timeline,
    frameworks_open_to,
    lots_of_frameworks,
    shortlists_of,
)
from marketplace.calloffs.services import common as services
from marketplace.core import exceptions
from marketplace.core.deadlines import oslo_day

VERB_LABELS: dict[str, Any] = {
    "calloff.created": gettext_lazy("Avrop opprettet"),
    "calloff.need_updated": gettext_lazy("Behov endret"),
    "calloff.cancelled": gettext_lazy("Avrop avlyst"),
    "calloff.cascade_recorded": gettext_lazy("Svar fra leverandør registrert"),
    "calloff.direct_justified": gettext_lazy("Begrunnelse for direkte tildeling registrert"),
    "calloff.criteria_set": gettext_lazy("Tildelingskriterier satt"),
    "calloff.price_model_set": gettext_lazy("Prismodell satt"),
    "calloff.criteria_locked": gettext_lazy("Kriterier og evalueringsmodell låst"),
    "calloff.document_added": gettext_lazy("Dokument lagt til"),
    "calloff.document_removed": gettext_lazy("Dokument fjernet"),
    "calloff.published": gettext_lazy("Invitasjon sendt til leverandørene"),
    "calloff.hold_released": gettext_lazy("Stans opphevet"),
    "invitations.ensured": gettext_lazy("Invitasjoner opprettet"),
    "invitation.excluded": gettext_lazy("Leverandør utelatt"),
    "invitation.included": gettext_lazy("Leverandør tatt med igjen"),
    "question.asked": gettext_lazy("Spørsmål stilt"),
    "question.answered": gettext_lazy("Spørsmål besvart"),
    "offer.submitted": gettext_lazy("Tilbud levert"),
    "offer.replaced": gettext_lazy("Tilbud erstattet"),
    "offer.withdrawn": gettext_lazy("Tilbud trukket"),
    "offers.opened": gettext_lazy("Tilbud åpnet"),
    "offer.rejected": gettext_lazy("Tilbud avvist"),
    "impartiality.declared": gettext_lazy("Habilitetserklæring avgitt"),
    "score.recorded": gettext_lazy("Poeng gitt"),
    "evaluation.computed": gettext_lazy("Rangering beregnet"),
    "desk.basket_set": gettext_lazy("Handlekurv lagret"),
    "desk.requirements_set": gettext_lazy("Krav lagret"),
    "desk.evaluated": gettext_lazy("Skrivebordskonkurranse beregnet"),
    "award.decided": gettext_lazy("Tildeling besluttet"),
    "award.notice_sent": gettext_lazy("Tildelingsmeddelelse sendt"),
    "complaint.recorded": gettext_lazy("Klage registrert"),
    "contract.signed": gettext_lazy("Kontrakt signert"),
    "reminder.sent": gettext_lazy("Påminnelse sendt"),
}


def calloff_or_404(request: HttpRequest, pk: int) -> CallOff:
    try:
        return calloff_get_visible_to(request.user, pk)
    except exceptions.NotFound:
        raise Http404 from None


def calloff_record_or_403(request: HttpRequest, pk: int) -> CallOff:
    """A call-off whose full record the user may read (buyer organisation, MPS staff); 404 when not visible."""
    calloff = calloff_or_404(request, pk)
    if not permissions.can_view_calloff_record(request.user, calloff):
        raise PermissionDenied
    return calloff


def apply_errors(form: Any, exc: exceptions.ApplicationError) -> None:
    """Put a service error on the form field it names, else on the form."""
    placed = False
    for error in exc.errors:
        name = error.get("field") or None
        if name in form.fields:
            form.add_error(name, error.get("message") or exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@login_required
@require_GET
def calloff_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = StateFilterForm(request.GET or None)
    wanted = form.cleaned_data["state"] if form.is_valid() else ""
    rows = []
    for calloff in calloff_list_visible_to(request.user):
        state = calloff_state_of(calloff, now=now)
        if wanted and state != wanted:
            continue
        rows.append({"calloff": calloff, "state": state, "state_label": STATE_LABELS[state]})
    context = {
        "rows": rows,
        "filter_form": form,
        "wanted": wanted,
        "can_create": permissions.can_start_calloff(request.user),
    }
    return render(request, "calloffs/list.html", context)


def _create_form(request: HttpRequest, data: Any = None) -> CallOffCreateForm:
    buyer = active_organisation(request.user)
    frameworks = frameworks_open_to(buyer, oslo_day(timezone.now()))
    lots = lots_of_frameworks(frameworks)
    initial: dict[str, Any] = {}
    framework_id = request.GET.get("framework", "")
    if framework_id.isdigit() and frameworks.filter(pk=int(framework_id)).exists():
        initial["framework"] = int(framework_id)
        if data is None:  # a framework chosen up front: offer only its lots
            lots = lots.filter(framework_id=int(framework_id))
    shortlist_id = request.GET.get("shortlist", "")
    if shortlist_id.isdigit():
        initial["shortlist"] = int(shortlist_id)
    return CallOffCreateForm(
        data, initial=initial, frameworks=frameworks, lots=lots, shortlists=shortlists_of(buyer)
    )


PREVIEW_FIELDS = (
    "framework",
    "lot",
    "estimated_value_amount",
    "needs_customisation",
    "has_special_requirements",
)


@login_required
@require_http_methods(["GET", "POST"])
def calloff_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_start_calloff(request.user):
        raise PermissionDenied
    buyer = active_organisation(request.user)
    assert buyer is not None  # can_start_calloff checked it
    form = _create_form(request, request.POST if request.method == "POST" else None)
    preview: services.Assessment | None = None
    preview_error = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") == "preview":
        # What the rule gives for the need so far; nothing is stored. Only the fields the rule reads are checked.
        form.is_valid()
        data = form.cleaned_data
        for name in [name for name in form.errors if name not in PREVIEW_FIELDS]:
            del form.errors[name]
        if all(name in data for name in PREVIEW_FIELDS):
            try:
                preview = services.calloff_assess(
                    buyer=buyer,
                    framework=data["framework"],
                    lot=data["lot"],
                    estimated_value_amount=data["estimated_value_amount"],
                    needs_customisation=data["needs_customisation"],
                    has_special_requirements=data["has_special_requirements"],
                )
            except exceptions.ApplicationError as exc:
                preview_error = exc.message
        else:
            preview_error = _(
                "Velg rammeavtale og delkontrakt og oppgi anslått verdi for å se hvilken avropsform regelen gir."
            )
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                calloff, warnings = services.calloff_create(
                    actor=request.user, buyer=buyer, **form.cleaned_data
                )
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Avrop %(reference)s er opprettet som %(mechanism)s.")
                    % {"reference": calloff.reference, "mechanism": calloff.get_mechanism_display().lower()},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("calloffs:detail", pk=calloff.pk)
    context = {
        "form": form,
        "preview": preview,
        "preview_error": preview_error,
        "error_items": form.error_items() if form.is_bound else [],
        "has_frameworks": form.fields["framework"].queryset.exists(),  # type: ignore[attr-defined]
    }
    return render(request, "calloffs/create.html", context, status=status)


def detail_context(request: HttpRequest, calloff: CallOff, **extra: Any) -> dict[str, Any]:
    """Everything the detail hub and its area panels need; area views re-render with their bound forms in `extra`."""
    from marketplace.calloffs.views.direct import direct_panel_context

    now = timezone.now()
    state = calloff_state_of(calloff, now=now)
    can_see_record = permissions.can_view_calloff_record(request.user, calloff)
    timeline = []
    if can_see_record:
        for event in calloff_timeline(calloff):
            timeline.append({"event": event, "label": VERB_LABELS.get(event.verb, event.verb)})
    context: dict[str, Any] = {
        "calloff": calloff,
        "state": state,
        "state_label": STATE_LABELS[state],
        "user": request.user,
        "now": now,
        "timeline": timeline,
        "can_see_record": can_see_record,
        "can_manage": permissions.can_manage_calloff(request.user, calloff),
        "can_edit_need": permissions.can_manage_calloff(request.user, calloff)
        and state is CallOffState.DRAFT,
        "can_cancel": permissions.can_manage_calloff(request.user, calloff)
        and calloff.cancelled_at is None
        and calloff.contract_signed_at is None,
    }
    context.update(direct_panel_context(request, calloff, state))
    context.update(extra)
    return context


@login_required
@require_GET
def calloff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    return render(request, "calloffs/detail.html", detail_context(request, calloff))


@login_required
@require_http_methods(["GET", "POST"])
def calloff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    form = CallOffCancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.calloff_cancel(
                    actor=request.user, calloff=calloff, reason=form.cleaned_data["reason"]
                )
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                apply_errors(form, exc)
                if isinstance(exc, exceptions.Conflict):
                    status = 409
            else:
                messages.success(
                    request, _("Avrop %(reference)s er avlyst.") % {"reference": calloff.reference}
                )
                return redirect("calloffs:detail", pk=calloff.pk)
    context = {
        "calloff": calloff,
        "form": form,
        "error_items": form.error_items() if form.is_bound else [],
    }
    return render(request, "calloffs/cancel.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def calloff_edit_need(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the need of a draft; the route is derived again from the framework's rule."""
    calloff = calloff_or_404(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    if request.method == "POST":
        form = CallOffNeedForm(request.POST)
    else:
        form = CallOffNeedForm(initial={name: getattr(calloff, name) for name in NEED_FIELDS})
    status = 200
    blocked: list[tuple[str, str]] = []
    if calloff_state_of(calloff) is not CallOffState.DRAFT:
        status = 409
        blocked = [("", str(_("Behovet kan bare endres mens avropet er et utkast.")))]
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                calloff, warnings = services.calloff_update_need(
                    actor=request.user, calloff=calloff, **form.cleaned_data
                )
            except exceptions.PermissionDenied:
                raise PermissionDenied from None
            except exceptions.ApplicationError as exc:
                apply_errors(form, exc)
                if isinstance(exc, exceptions.Conflict):
                    status = 409
            else:
                messages.success(
                    request,
                    _("Behovet er endret. Avropsform: %(mechanism)s.")
                    % {"mechanism": calloff.get_mechanism_display().lower()},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("calloffs:detail", pk=calloff.pk)
    error_items = blocked or (form.error_items() if form.is_bound and form.errors else [])
    context = {"calloff": calloff, "form": form, "error_items": error_items}
    return render(request, "calloffs/edit_need.html", context, status=status)
