"""Offer pages: the invited supplier's page (invitation, documents, Q&A, submit/replace/withdraw, receipts) and the
buyer's "open offers". Nothing here decrypts; the supplier sees only its own receipts."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.calloffs import permissions
from marketplace.calloffs.forms.mini import QuestionForm
from marketplace.calloffs.forms.offers import OfferForm
from marketplace.calloffs.models import CallOff, CallOffDocument, Offer
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, offers_accepted
from marketplace.calloffs.sealing import OfferContent
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors import offers as offer_selectors
from marketplace.calloffs.services import offers as offer_services
from marketplace.calloffs.views.common import calloff_or_404
from marketplace.calloffs.views.mini import questions_public
from marketplace.core import exceptions


def _supplier_context(
    request: HttpRequest, calloff: CallOff, form: OfferForm | None = None
) -> dict[str, Any]:
    now = timezone.now()
    state = calloff_state_of(calloff, now=now)
    own = offer_selectors.offer_own(request.user, calloff)
    return {
        "calloff": calloff,
        "state": state,
        "documents": list(CallOffDocument.objects.filter(calloff=calloff)),
        "criteria": list(calloff.criteria.all()),
        "questions": questions_public(calloff),
        "question_form": QuestionForm(),
        "can_ask": state is CallOffState.TENDERING
        and calloff.questions_deadline_at is not None
        and now < calloff.questions_deadline_at,
        "form": form or OfferForm(),
        "accepting": offers_accepted(CallOffTimes.of(calloff), now),
        "own_offer": own,
        "has_active_offer": own is not None and own.withdrawn_at is None,
        "receipts": list(reversed(offer_selectors.receipts_own(request.user, calloff))),
        "error_items": form.error_items() if form is not None and form.is_bound else [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    invitation = offer_selectors.invitation_of(request.user, calloff)
    if not permissions.can_submit_offer(request.user, invitation):
        if permissions.can_view_calloff_record(request.user, calloff):
            return redirect("calloffs:mini_workspace", pk=calloff.pk)
        raise PermissionDenied
    assert invitation is not None
    if request.method == "POST":
        form = OfferForm(request.POST, request.FILES)
        if form.is_valid():
            content: dict[str, Any] = {
                "price_amount": form.cleaned_data["price_amount"],
                "description": form.cleaned_data["description"],
            }
            upload = form.cleaned_data.get("attachment")
            if upload:
                content["attachment"] = {
                    "name": upload.name,
                    "content_type": getattr(upload, "content_type", "") or "",
                    "base64": base64.b64encode(upload.read()).decode("ascii"),
                }
            try:
                receipt = offer_services.offer_submit(
                    actor=request.user, calloff=calloff, supplier=invitation.supplier, content=content
                )
            except exceptions.ValidationFailed as exc:
                form.service_errors(exc.errors, exc.message)
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied from exc
            except exceptions.ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect("calloffs:offer_page", pk=calloff.pk)
            else:
                messages.success(
                    request,
                    _("Tilbudet er mottatt (versjon %(version)s). Kvittering SHA-256: %(sha)s")
                    % {"version": receipt.version, "sha": receipt.sha256},
                )
                return redirect("calloffs:offer_page", pk=calloff.pk)
        return render(
            request, "calloffs/offers/supplier.html", _supplier_context(request, calloff, form), status=400
        )
    return render(request, "calloffs/offers/supplier.html", _supplier_context(request, calloff))


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    invitation = offer_selectors.invitation_of(request.user, calloff)
    if not permissions.can_submit_offer(request.user, invitation):
        raise PermissionDenied
    assert invitation is not None
    try:
        receipt = offer_services.offer_withdraw(
            actor=request.user, calloff=calloff, supplier=invitation.supplier
        )
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Tilbudet er trukket. Kvittering SHA-256: %(sha)s") % {"sha": receipt.sha256}
        )
    return redirect("calloffs:offer_page", pk=calloff.pk)


@login_required
@require_POST
def offers_open(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    if not permissions.can_open_offers(request.user, calloff):
        raise PermissionDenied
    try:
        opened = offer_services.offers_open(actor=request.user, calloff=calloff)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tilbudene er åpnet (%(count)s tilbud).") % {"count": len(opened)})
    return redirect("calloffs:mini_workspace", pk=calloff.pk)


def _opened_offer(request: HttpRequest, pk: int, offer_pk: int) -> tuple[CallOff, Offer, OfferContent]:
    """The offer and its decrypted content, via `offer_content_get` only; 403 for people who may not read it,
    404 when there is nothing to read (not opened, withdrawn, another call-off's offer)."""
    calloff = calloff_or_404(request, pk)
    offer = Offer.objects.filter(calloff=calloff, pk=offer_pk).select_related("supplier", "calloff").first()
    if offer is None:
        raise Http404
    try:
        content = offer_services.offer_content_get(actor=request.user, offer=offer)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.ApplicationError as exc:
        raise Http404 from exc
    return calloff, offer, content


@login_required
@require_GET
def offer_detail(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    calloff, offer, content = _opened_offer(request, pk, offer_pk)
    return render(
        request, "calloffs/offers/detail.html", {"calloff": calloff, "offer": offer, "content": content}
    )


@login_required
@require_GET
def offer_attachment(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    _calloff, _offer, content = _opened_offer(request, pk, offer_pk)
    if content.attachment is None:
        raise Http404
    response = HttpResponse(content.attachment.data, content_type=content.attachment.content_type)
    filename = content.attachment.name.replace('"', "").replace("\\", "") or "vedlegg"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
