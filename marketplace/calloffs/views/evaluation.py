"""Evaluation page (/avrop/<pk>/evaluering/): declaration first, then offers, scores, rejections and the ranking."""

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

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import has_role
from marketplace.calloffs import documents, permissions
from marketplace.calloffs.forms.evaluation import DeclarationForm, RejectForm, ScoreForm
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors import evaluation as sel
from marketplace.calloffs.services import evaluation as services
from marketplace.calloffs.views.common import calloff_record_or_403
from marketplace.core import exceptions


def _page(
    request: HttpRequest,
    calloff: CallOff,
    *,
    status: int = 200,
    error_items: list[tuple[str, str]] | None = None,
    declaration_form: DeclarationForm | None = None,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    declaration = sel.declaration_of(calloff, user)
    is_evaluator = permissions.can_evaluate_calloff(user, calloff)
    may_declare = permissions.can_declare_impartiality(user, calloff)
    can_see = sel.may_see_offers(user, calloff)
    can_score = (
        can_see
        and is_evaluator
        and declaration is not None
        and declaration.is_impartial
        and calloff.award_decided_at is None
    )
    criteria = sel.quality_criteria(calloff)
    offers = []
    if can_see:
        for offer in sel.offer_list_for_evaluation(calloff):
            scores = {s.criterion_id: s for s in offer.scores.all()}
            cells = []
            for criterion in criteria:
                score = scores.get(criterion.pk)
                key = f"score-{offer.pk}-{criterion.pk}"
                form = (bound or {}).get(key) or ScoreForm(
                    prefix=key,
                    initial={"points": score.points, "justification": score.justification} if score else None,
                )
                cells.append({"criterion": criterion, "score": score, "form": form})
            reject_key = f"reject-{offer.pk}"
            offers.append(
                {
                    "offer": offer,
                    "cells": cells,
                    "reject_form": (bound or {}).get(reject_key) or RejectForm(prefix=reject_key),
                    "is_active": offer.withdrawn_at is None and offer.rejected_at is None,
                }
            )
    evaluation = sel.evaluation_latest(calloff) if can_see or not may_declare else None
    context = {
        "calloff": calloff,
        "state": calloff_state_of(calloff),
        "declaration": declaration,
        "declaration_form": declaration_form or DeclarationForm(),
        "is_evaluator": is_evaluator,
        "may_declare": may_declare,
        "can_see_offers": can_see,
        "can_score": can_score,
        "can_compute": permissions.can_compute_evaluation(user, calloff)
        and calloff.offers_opened_at is not None
        and calloff.award_decided_at is None
        and can_see
        and (has_role(user, Role.BUYER) or can_score),
        "criteria": criteria,
        "price_criteria": calloff.criteria.filter(kind="price"),
        "offers": offers,
        "evaluation": evaluation,
        "table": sel.evaluation_table(evaluation) if evaluation else None,
        "is_stale": evaluation is not None and calloff.evaluated_at is None,
        "declarations": sel.declaration_list(calloff)
        if permissions.can_view_calloff_record(user, calloff)
        else [],
        "error_items": error_items or [],
    }
    return render(request, "calloffs/evaluation/page.html", context, status=status)


def _service_error(
    request: HttpRequest, calloff: CallOff, exc: exceptions.ApplicationError, **kw: Any
) -> HttpResponse:
    if isinstance(exc, exceptions.PermissionDenied):
        raise PermissionDenied(exc.message) from exc
    if isinstance(exc, exceptions.NotFound):
        raise Http404 from exc
    return _page(request, calloff, status=exc.status_code, error_items=[("", exc.message)], **kw)


@login_required
@require_GET
def evaluation_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, calloff_record_or_403(request, pk))


@login_required
@require_POST
def declaration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_declare_impartiality(request.user, calloff):
        raise PermissionDenied
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _page(request, calloff, status=400, error_items=form.error_items(), declaration_form=form)
    try:
        services.impartiality_declare(
            actor=request.user,
            calloff=calloff,
            is_impartial=form.cleaned_data["is_impartial"],
            statement=form.cleaned_data["statement"],
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _service_error(request, calloff, exc, declaration_form=form)
    messages.success(request, _("Habilitetserklæringen er registrert."))
    return redirect("calloffs:evaluation_page", pk=calloff.pk)


def _offer(calloff: CallOff, offer_pk: int) -> Any:
    offer = sel.offer_list_for_evaluation(calloff).filter(pk=offer_pk).first()
    if offer is None:
        raise Http404
    return offer


@login_required
@require_POST
def score_submit(request: HttpRequest, pk: int, offer_pk: int, criterion_pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_evaluate_calloff(request.user, calloff):
        raise PermissionDenied
    offer = _offer(calloff, offer_pk)
    criterion = calloff.criteria.filter(pk=criterion_pk).first()
    if criterion is None:
        raise Http404
    key = f"score-{offer.pk}-{criterion.pk}"
    form = ScoreForm(request.POST, prefix=key)
    if not form.is_valid():
        return _page(request, calloff, status=400, error_items=form.error_items(), bound={key: form})
    try:
        services.score_record(
            actor=request.user,
            offer=offer,
            criterion=criterion,
            points=form.cleaned_data["points"],
            justification=form.cleaned_data["justification"],
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _service_error(request, calloff, exc, bound={key: form})
    messages.success(
        request,
        _("Poengene for %(supplier)s på «%(criterion)s» er lagret.")
        % {"supplier": offer.supplier.name, "criterion": criterion.name},
    )
    return redirect("calloffs:evaluation_page", pk=calloff.pk)


@login_required
@require_POST
def offer_reject_submit(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_evaluate_calloff(request.user, calloff):
        raise PermissionDenied
    offer = _offer(calloff, offer_pk)
    key = f"reject-{offer.pk}"
    form = RejectForm(request.POST, prefix=key)
    if not form.is_valid():
        return _page(request, calloff, status=400, error_items=form.error_items(), bound={key: form})
    try:
        services.offer_reject(
            actor=request.user,
            calloff=calloff,
            offer=offer,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except exceptions.ApplicationError as exc:
        return _service_error(request, calloff, exc, bound={key: form})
    messages.success(request, _("Tilbudet fra %(supplier)s er avvist.") % {"supplier": offer.supplier.name})
    return redirect("calloffs:evaluation_page", pk=calloff.pk)


@login_required
@require_POST
def evaluation_compute_submit(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if not permissions.can_compute_evaluation(request.user, calloff):
        raise PermissionDenied
    try:
        evaluation = services.evaluation_compute(actor=request.user, calloff=calloff, now=timezone.now())
    except exceptions.ApplicationError as exc:
        return _service_error(request, calloff, exc)
    messages.success(request, _("Rangeringen er beregnet."))
    if evaluation.has_rank_reversal_risk:
        messages.warning(
            request, _("Merk: rangeringen er følsom for rangeringsbytte. Se forklaringen under.")
        )
    return redirect("calloffs:evaluation_page", pk=calloff.pk)


@login_required
@require_GET
def evaluation_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_record_or_403(request, pk)
    if permissions.can_declare_impartiality(request.user, calloff) and not sel.may_see_offers(
        request.user, calloff
    ):
        raise PermissionDenied
    evaluation = sel.evaluation_latest(calloff)
    if evaluation is None:
        raise Http404
    pdf = documents.evaluation_report_pdf(evaluation)
    return documents.pdf_response(pdf, f"evalueringsrapport-{calloff.reference}.pdf")
