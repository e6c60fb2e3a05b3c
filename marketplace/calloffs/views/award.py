"""Award page and panel actions, the supplier's notices inbox (/avrop/meldinger/) and the PDF downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.calloffs import documents, permissions
from marketplace.calloffs.forms.award import AwardDecideForm, ComplaintForm, HoldReleaseForm
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.selectors import award as sel
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors.evaluation import evaluation_latest, evaluation_table
from marketplace.calloffs.services import award as services
from marketplace.calloffs.views.common import calloff_record_or_403
from marketplace.core import exceptions


def award_panel_context(request: HttpRequest, calloff: CallOff, **forms: Any) -> dict[str, Any]:
    """Everything `award/_panel.html` shows. The call-off detail page may pass this as `award_panel`."""
    user = request.user
    now = timezone.now()
    evaluation = evaluation_latest(calloff)
    award = sel.award_of(calloff)
    return {
        "calloff": calloff,
        "state": calloff_state_of(calloff, now=now),
        "award": award,
        "evaluation": evaluation,
        "winner_row": (evaluation_table(evaluation)["rows"] or [None])[0] if evaluation else None,
        "notices": sel.notice_list_for_calloff(calloff) if award else [],
        "complaints": sel.complaint_list(calloff),
        "can_decide": permissions.can_decide_award(user, calloff)
        and award is None
        and calloff.cancelled_at is None,
        "can_manage": permissions.can_manage_calloff(user, calloff),
        "can_see_record": permissions.can_view_calloff_record(user, calloff),
        "decide_form": forms.get("decide_form") or AwardDecideForm(),
        "complaint_form": forms.get("complaint_form")
        or ComplaintForm(complainants=sel.complainant_choices(calloff)),
        "release_form": forms.get("release_form") or HoldReleaseForm(),
        "sign_blocked_reason": services.signing_blocked_reason(calloff, now),
        "standstill_ends_text": services.oslo_text(calloff.standstill_ends_at)
        if calloff.standstill_ends_at
        else "",
        "standstill_remaining": (calloff.standstill_ends_at - now)
        if calloff.standstill_ends_at and calloff.standstill_ends_at > now
        else None,
        "error_items": forms.get("error_items") or [],
    }


def _page(request: HttpRequest, calloff: CallOff, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request, "calloffs/award/page.html", award_panel_context(request, calloff, **forms), status=status
    )


def _fail(
    request: HttpRequest, calloff: CallOff, exc: exceptions.ApplicationError, **forms: Any
) -> HttpResponse:
    if isinstance(exc, exceptions.PermissionDenied):
        raise PermissionDenied(exc.message) from exc
    return _page(request, calloff, status=exc.status_code, error_items=[("", exc.message)], **forms)


@login_required
@require_GET
def award_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, calloff_record_or_403(request, pk))


@login_required
@require_POST
def award_decide_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_decide_award(request.user, calloff):
        raise PermissionDenied
    form = AwardDecideForm(request.POST)
    if not form.is_valid():
        return _page(request, calloff, status=400, decide_form=form, error_items=form.error_items())
    try:
        award = services.award_decide(
            actor=request.user,
            calloff=calloff,
            justification=form.cleaned_data["justification"],
            value_amount=form.cleaned_data.get("value_amount"),
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _fail(request, calloff, exc, decide_form=form)
    messages.success(request, _("Kontrakten er tildelt %(supplier)s.") % {"supplier": award.supplier.name})
    return redirect("calloffs:award_page", pk=calloff.pk)


@login_required
@require_POST
def award_notice_send_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    try:
        notices = services.award_notice_send(actor=request.user, calloff=calloff, now=timezone.now())
    except exceptions.ApplicationError as exc:
        return _fail(request, calloff, exc)
    messages.success(
        request,
        _("Tildelingsmeddelelsen er sendt til %(count)s leverandører samtidig.") % {"count": len(notices)},
    )
    return redirect("calloffs:award_page", pk=calloff.pk)


@login_required
@require_POST
def complaint_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    form = ComplaintForm(request.POST, complainants=sel.complainant_choices(calloff))
    if not form.is_valid():
        return _page(request, calloff, status=400, complaint_form=form, error_items=form.error_items())
    complainant = Organisation.objects.get(pk=form.cleaned_data["complainant"])
    try:
        services.complaint_record(
            actor=request.user,
            calloff=calloff,
            complainant=complainant,
            description=form.cleaned_data["description"],
            put_on_hold=form.cleaned_data["put_on_hold"],
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _fail(request, calloff, exc, complaint_form=form)
    messages.success(request, _("Klagen er registrert."))
    return redirect("calloffs:award_page", pk=calloff.pk)


@login_required
@require_POST
def hold_release_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    form = HoldReleaseForm(request.POST)
    if not form.is_valid():
        return _page(request, calloff, status=400, release_form=form, error_items=form.error_items())
    try:
        services.hold_release(
            actor=request.user,
            calloff=calloff,
            resolution=form.cleaned_data["resolution"],
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _fail(request, calloff, exc, release_form=form)
    messages.success(request, _("Stansen er opphevet."))
    return redirect("calloffs:award_page", pk=calloff.pk)


@login_required
@require_POST
def contract_sign_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    try:
        services.contract_sign(actor=request.user, calloff=calloff, now=timezone.now())
    except exceptions.ApplicationError as exc:
        return _fail(request, calloff, exc)
    messages.success(request, _("Kontrakten er registrert som signert."))
    return redirect("calloffs:award_page", pk=calloff.pk)


@login_required
@require_GET
def calloff_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    pdf = documents.calloff_record_pdf(calloff)
    return documents.pdf_response(pdf, f"avropsprotokoll-{calloff.reference}.pdf")


# --- supplier notices inbox ----------------------------------------------------------------------------------------


def _supplier_only(request: HttpRequest) -> None:
    organisation = active_organisation(request.user)
    if organisation is None or not permissions.acts_for_supplier(request.user, organisation):
        raise PermissionDenied


@login_required
@require_GET
def notice_inbox(request: HttpRequest) -> HttpResponse:
    _supplier_only(request)
    return render(
        request, "calloffs/award/inbox.html", {"notices": sel.notice_list_for_supplier(request.user)}
    )


def _notice(request: HttpRequest, notice_pk: int) -> Any:
    try:
        return sel.notice_get_visible_to(request.user, notice_pk)
    except exceptions.NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def notice_detail(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = _notice(request, notice_pk)
    context = {
        "notice": notice,
        "content": notice.content,
        "score_rows": sel.notice_score_rows(notice.content),
        "is_recipient": permissions.acts_for_supplier(request.user, notice.recipient),
    }
    return render(request, "calloffs/award/notice.html", context)


@login_required
@require_POST
def notice_mark_read(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = _notice(request, notice_pk)
    try:
        services.award_notice_mark_read(actor=request.user, notice=notice, now=timezone.now())
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    messages.success(request, _("Meldingen er markert som lest."))
    return redirect("calloffs:notice_inbox")


@login_required
@require_GET
def notice_pdf(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = _notice(request, notice_pk)
    pdf = documents.award_notice_pdf(notice)
    return documents.pdf_response(
        pdf, f"tildelingsmeddelelse-{notice.award.calloff.reference}-{notice.pk}.pdf"
    )
