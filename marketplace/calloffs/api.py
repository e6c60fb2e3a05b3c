"""Call-off API: offers (`POST /api/v1/calloffs/{id}/offers`), OCDS (`GET /api/v1/calloffs/{id}/ocds`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calloffs"])


# --- evaluation / award ---
import datetime as _dt  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402
from typing import Any as _Any  # noqa: E402

from django.http import Http404 as _Http404  # noqa: E402
from django.http import HttpRequest as _HttpRequest  # noqa: E402
from ninja import Schema as _Schema  # noqa: E402
from ninja import Status as _Status  # noqa: E402

from marketplace.api import token_auth as _token_auth  # noqa: E402
from marketplace.calloffs import permissions as _permissions  # noqa: E402
from marketplace.calloffs.selectors import award as _award_selectors  # noqa: E402
from marketplace.calloffs.selectors import calloff_get_visible_to as _calloff_get_visible_to  # noqa: E402
from marketplace.calloffs.selectors import evaluation as _evaluation_selectors  # noqa: E402
from marketplace.calloffs.services import award as _award_services  # noqa: E402
from marketplace.calloffs.services import evaluation as _evaluation_services  # noqa: E402
from marketplace.core.exceptions import PermissionDenied as _PermissionDenied  # noqa: E402


class EvaluationOut(_Schema):
    id: int
    computed_at: _dt.datetime
    inputs_hash: str
    has_rank_reversal_risk: bool
    is_current: bool
    result: dict[str, _Any]


class AwardIn(_Schema):
    justification: str
    value_amount: _Decimal | None = None


class AwardOut(_Schema):
    id: int
    supplier_id: int
    supplier_name: str
    contract_id: int
    value_amount: _Decimal
    decided_at: _dt.datetime


class NoticeOut(_Schema):
    id: int
    calloff_id: int
    calloff_reference: str
    recipient_id: int
    is_winner: bool
    sent_at: _dt.datetime
    read_at: _dt.datetime | None
    content: dict[str, _Any]


def _record_calloff(request: _HttpRequest, calloff_id: int) -> _Any:
    calloff = _calloff_get_visible_to(request.user, calloff_id)
    if not _permissions.can_view_calloff_record(request.user, calloff):
        raise _PermissionDenied("Bare oppdragsgiveren ser evalueringen og tildelingen.")
    return calloff


def _evaluation_out(evaluation: _Any, calloff: _Any) -> dict[str, _Any]:
    return {
        "id": evaluation.pk,
        "computed_at": evaluation.computed_at,
        "inputs_hash": evaluation.inputs_hash,
        "has_rank_reversal_risk": evaluation.has_rank_reversal_risk,
        "is_current": calloff.evaluated_at is not None,
        "result": evaluation.result,
    }


def _award_out(award: _Any) -> dict[str, _Any]:
    return {
        "id": award.pk,
        "supplier_id": award.supplier_id,
        "supplier_name": award.supplier.name,
        "contract_id": award.contract_id,
        "value_amount": award.value_amount,
        "decided_at": award.decided_at,
    }


def _notice_out(notice: _Any) -> dict[str, _Any]:
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


@router.get("/calloffs/{calloff_id}/evaluation", response=EvaluationOut, auth=_token_auth)
def evaluation_get(request: _HttpRequest, calloff_id: int) -> dict[str, _Any]:
    """The latest evaluation (ranking, price points, rank-reversal check, inputs hash). Evaluators must have
    declared impartiality first."""
    calloff = _record_calloff(request, calloff_id)
    if _permissions.can_evaluate_calloff(request.user, calloff) and not _evaluation_selectors.may_see_offers(
        request.user, calloff
    ):
        raise _PermissionDenied("Avgi habilitetserklæring før du ser tilbudene.")
    evaluation = _evaluation_selectors.evaluation_latest(calloff)
    if evaluation is None:
        raise _Http404
    return _evaluation_out(evaluation, calloff)


@router.post("/calloffs/{calloff_id}/evaluation", response={201: EvaluationOut}, auth=_token_auth)
def evaluation_post(request: _HttpRequest, calloff_id: int) -> _Status[dict[str, _Any]]:
    """Compute the ranking of a mini-competition from the opened prices and the recorded scores."""
    calloff = _record_calloff(request, calloff_id)
    evaluation = _evaluation_services.evaluation_compute(actor=request.user, calloff=calloff)
    calloff.refresh_from_db()
    return _Status(201, _evaluation_out(evaluation, calloff))


@router.post("/calloffs/{calloff_id}/award", response={201: AwardOut}, auth=_token_auth)
def award_post(request: _HttpRequest, calloff_id: int, payload: AwardIn) -> _Status[dict[str, _Any]]:
    """Decide the award (approver who did not create the call-off)."""
    calloff = _record_calloff(request, calloff_id)
    award = _award_services.award_decide(
        actor=request.user,
        calloff=calloff,
        justification=payload.justification,
        value_amount=payload.value_amount,
    )
    return _Status(201, _award_out(award))


@router.post("/calloffs/{calloff_id}/award/notices", response={201: list[NoticeOut]}, auth=_token_auth)
def award_notices_post(request: _HttpRequest, calloff_id: int) -> _Status[list[dict[str, _Any]]]:
    """Send the award notice to every participant at once (buyer)."""
    calloff = _record_calloff(request, calloff_id)
    notices = _award_services.award_notice_send(actor=request.user, calloff=calloff)
    return _Status(201, [_notice_out(n) for n in notices])


@router.get("/award-notices", response=list[NoticeOut], auth=_token_auth)
def award_notices_mine(request: _HttpRequest) -> list[dict[str, _Any]]:
    """The award notices addressed to the supplier the token acts for."""
    return [_notice_out(n) for n in _award_selectors.notice_list_for_supplier(request.user)]
