"""Call-off API: desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Schema, Status

from marketplace.api import token_auth
from marketplace.calloffs import permissions as calloff_permissions
from marketplace.calloffs.api import router
from marketplace.calloffs.models import CallOff, Evaluation
from marketplace.calloffs.selectors import calloff_get_visible_to
from marketplace.calloffs.selectors import desk as desk_selectors
from marketplace.calloffs.services import desk as desk_services
from marketplace.core.exceptions import NotFound, PermissionDenied


class DeskBasketLineIn(Schema):
    unit: str
    quantity: str
    description: str = ""


class DeskBasketIn(Schema):
    lines: list[DeskBasketLineIn]


class DeskBasketLineOut(Schema):
    position: int
    unit: str
    quantity: str
    description: str


class DeskEvaluationOut(Schema):
    id: int
    calloff_id: int
    computed_at: dt.datetime
    inputs_hash: str
    inputs: dict[str, Any]
    result: dict[str, Any]


def _desk_calloff(request: HttpRequest, calloff_id: int) -> CallOff:
    try:
        return calloff_get_visible_to(request.user, calloff_id)
    except NotFound as exc:
        raise Http404 from exc


def _evaluation_out(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "id": evaluation.pk,
        "calloff_id": evaluation.calloff_id,
        "computed_at": evaluation.computed_at,
        "inputs_hash": evaluation.inputs_hash,
        "inputs": evaluation.inputs,
        "result": evaluation.result,
    }


@router.put("/calloffs/{calloff_id}/desk/basket", response=list[DeskBasketLineOut], auth=token_auth)
def desk_basket_put(request: HttpRequest, calloff_id: int, payload: DeskBasketIn) -> list[dict[str, Any]]:
    """Replace the desk basket (draft only; the buyer of the call-off's organisation). Quantities as text."""
    calloff = _desk_calloff(request, calloff_id)
    rows = desk_services.basket_set(
        actor=request.user, calloff=calloff, lines=[line.model_dump() for line in payload.lines]
    )
    return [
        {
            "position": r.position,
            "unit": r.unit,
            "quantity": str(Decimal(r.quantity).quantize(desk_selectors.QUANTITY_PLACES)),
            "description": r.description,
        }
        for r in rows
    ]


@router.post("/calloffs/{calloff_id}/desk/evaluate", response={201: DeskEvaluationOut}, auth=token_auth)
def desk_evaluate_post(request: HttpRequest, calloff_id: int) -> Status:
    """Run the desk evaluation now; returns the frozen inputs, their SHA-256 and the result."""
    calloff = _desk_calloff(request, calloff_id)
    evaluation = desk_services.desk_evaluate(actor=request.user, calloff=calloff)
    return Status(201, _evaluation_out(evaluation))


@router.get("/calloffs/{calloff_id}/desk/evaluation", response=DeskEvaluationOut, auth=token_auth)
def desk_evaluation_get(request: HttpRequest, calloff_id: int) -> dict[str, Any]:
    """The latest desk evaluation: frozen inputs (re-run them to check the result), their hash and the result."""
    calloff = _desk_calloff(request, calloff_id)
    if not calloff_permissions.can_view_desk_calculation(request.user, calloff):
        raise PermissionDenied(gettext("Du har ikke tilgang til beregningen."))
    evaluation = desk_selectors.desk_evaluation_latest(calloff)
    if evaluation is None:
        raise Http404
    return _evaluation_out(evaluation)
