"""Call-off API: evaluation of mini-competitions and the award (every route)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Schema, Status

from marketplace.api import token_auth
from marketplace.calloffs import permissions
from marketplace.calloffs.api import router
from marketplace.calloffs.selectors import award as award_selectors
from marketplace.calloffs.selectors import calloff_get_visible_to
from marketplace.calloffs.selectors import evaluation as evaluation_selectors
from marketplace.calloffs.services import award as award_services
from marketplace.calloffs.services import evaluation as evaluation_services
from marketplace.core.exceptions import PermissionDenied


class MiniEvaluationOut(Schema):
    id: int
    computed_at: dt.datetime
    inputs_hash: str
    has_rank_reversal_risk: bool
    is_current: bool
    result: dict[str, Any]


class AwardIn(Schema):
    justification: str
    value_amount: Decimal | None = None


class AwardOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    contract_id: int
    value_amount: Decimal
    decided_at: dt.datetime


class NoticeOut(Schema):
    id: int
    calloff_id: int
    calloff_reference: str
    recipient_id: int
    is_winner: bool
    sent_at: dt.datetime
    read_at: dt.datetime | None
    content: dict[str, Any]


def _record_calloff(request: HttpRequest, calloff_id: int) -> Any:
    calloff = calloff_get_visible_to(request.user, calloff_id)
    if not permissions.can_view_calloff_record(request.user, calloff):
        raise PermissionDenied("Bare oppdragsgiveren ser evalueringen og tildelingen.")
    return calloff


def _mini_evaluation_out(evaluation: Any, calloff: Any) -> dict[str, Any]:
    return {
        "id": evaluation.pk,
        "computed_at": evaluation.computed_at,
        "inputs_hash": evaluation.inputs_hash,
        "has_rank_reversal_risk": evaluation.has_rank_reversal_risk,
        "is_current": calloff.evaluated_at is not None,
        "result": evaluation.result,
    }


def _award_out(award: Any) -> dict[str, Any]:
    return {
        "id": award.pk,
        "supplier_id": award.supplier_id,
        "supplier_name": award.supplier.name,
        "contract_id": award.contract_id,
        "value_amount": award.value_amount,
        "decided_at": award.decided_at,
    }


def _notice_out(notice: Any) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "calloff_id": notice.award.calloff_id,
        "calloff_reference": notice.award.calloff.reference,
        "recipient_id": notice.recipient_id,
        "is_winner": notice.is_winner,
        "sent_at": notice.sent_at,
        "read_at": notice.read_at,
        "content": notice.content,
    }


@router.get("/calloffs/{calloff_id}/evaluation", response=MiniEvaluationOut, auth=token_auth)
def mini_evaluation_get(request: HttpRequest, calloff_id: int) -> dict[str, Any]:
    """The latest evaluation (ranking, price points, rank-reversal check, inputs hash). Evaluators must have
    declared impartiality first."""
    calloff = _record_calloff(request, calloff_id)
    if permissions.can_evaluate_calloff(request.user, calloff) and not evaluation_selectors.may_see_offers(
        request.user, calloff
    ):
        raise PermissionDenied("Avgi habilitetserklæring før du ser tilbudene.")
    evaluation = evaluation_selectors.evaluation_latest(calloff)
    if evaluation is None:
        raise Http404
    return _mini_evaluation_out(evaluation, calloff)


@router.post("/calloffs/{calloff_id}/evaluation", response={201: MiniEvaluationOut}, auth=token_auth)
def mini_evaluation_compute(request: HttpRequest, calloff_id: int) -> Status[dict[str, Any]]:
    """Compute the ranking of a mini-competition from the opened prices and the recorded scores."""
    calloff = _record_calloff(request, calloff_id)
    evaluation = evaluation_services.evaluation_compute(actor=request.user, calloff=calloff)
    calloff.refresh_from_db()
    return Status(201, _mini_evaluation_out(evaluation, calloff))


@router.post("/calloffs/{calloff_id}/award", response={201: AwardOut}, auth=token_auth)
def award_decide_api(request: HttpRequest, calloff_id: int, payload: AwardIn) -> Status[dict[str, Any]]:
    """Decide the award (approver who did not create the call-off)."""
    calloff = _record_calloff(request, calloff_id)
    award = award_services.award_decide(
        actor=request.user,
        calloff=calloff,
        justification=payload.justification,
        value_amount=payload.value_amount,
    )
    return Status(201, _award_out(award))


@router.post("/calloffs/{calloff_id}/award/notices", response={201: list[NoticeOut]}, auth=token_auth)
def award_notices_send_api(request: HttpRequest, calloff_id: int) -> Status[list[dict[str, Any]]]:
    """Send the award notice to every participant at once (buyer)."""
    calloff = _record_calloff(request, calloff_id)
    notices = award_services.award_notice_send(actor=request.user, calloff=calloff)
    return Status(201, [_notice_out(n) for n in notices])


@router.get("/award-notices", response=list[NoticeOut], auth=token_auth)
def award_notices_for_supplier(request: HttpRequest) -> list[dict[str, Any]]:
    """The award notices addressed to the supplier the token acts for."""
    return [_notice_out(n) for n in award_selectors.notice_list_for_supplier(request.user)]
