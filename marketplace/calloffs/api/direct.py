"""Call-off API: direct."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Schema, Status

from marketplace.api import token_auth
from marketplace.calloffs.api import router
from marketplace.calloffs.api.common import missing_error
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.selectors import calloff_get_visible_to
from marketplace.calloffs.services import direct as direct_services
from marketplace.catalogue.models import Contract
from marketplace.core.exceptions import PermissionDenied

# GET /api/v1/calloffs/{id}/cascade, POST /api/v1/calloffs/{id}/cascade, POST /api/v1/calloffs/{id}/justification


class CascadeRowOut(Schema):
    contract_id: int
    supplier_orgnr: str
    supplier_name: str
    rank: int | None
    outcome: str | None
    reason: str
    recorded_at: dt.datetime | None


class CascadeOut(Schema):
    rows: list[CascadeRowOut]
    next_contract_id: int | None
    winner_contract_id: int | None
    justification: str
    justified_at: dt.datetime | None
    ready_for_award: bool


class CascadeIn(Schema):
    contract_id: int
    outcome: str
    reason: str = ""


class JustificationIn(Schema):
    justification: str


def _cascade_out(calloff: CallOff) -> dict[str, object]:
    steps = {step.contract_id: step for step in direct_services.cascade_steps(calloff)}
    contracts = direct_services.cascade_contracts(calloff)
    listed = {c.pk for c in contracts}
    contracts += [step.contract for cid, step in steps.items() if cid not in listed]
    following = direct_services.cascade_next(calloff)
    winner = direct_services.direct_winner(calloff)
    return {
        "rows": [
            {
                "contract_id": c.pk,
                "supplier_orgnr": c.supplier.orgnr,
                "supplier_name": c.supplier.name,
                "rank": c.rank,
                "outcome": steps[c.pk].outcome if c.pk in steps else None,
                "reason": steps[c.pk].reason if c.pk in steps else "",
                "recorded_at": steps[c.pk].recorded_at if c.pk in steps else None,
            }
            for c in contracts
        ],
        "next_contract_id": following.pk if following is not None else None,
        "winner_contract_id": winner.pk if winner is not None else None,
        "justification": calloff.justification,
        "justified_at": calloff.justified_at,
        "ready_for_award": direct_services.direct_ready_for_award(calloff),
    }


def _record_visible(request: HttpRequest, calloff_id: int) -> CallOff:
    from marketplace.calloffs import permissions

    calloff = calloff_get_visible_to(request.user, calloff_id)
    if not permissions.can_view_calloff_record(request.user, calloff):
        raise PermissionDenied("Du har ikke tilgang til kaskaden for dette avropet.")
    return calloff


@router.get("/calloffs/{calloff_id}/cascade", response=CascadeOut, auth=token_auth)
def calloffs_cascade(request: HttpRequest, calloff_id: int) -> dict[str, object]:
    return _cascade_out(_record_visible(request, calloff_id))


@router.post("/calloffs/{calloff_id}/cascade", response={201: CascadeOut}, auth=token_auth)
def calloffs_cascade_record(
    request: HttpRequest, calloff_id: int, payload: CascadeIn
) -> Status[dict[str, object]]:
    calloff = calloff_get_visible_to(request.user, calloff_id)
    contract = Contract.objects.select_related("supplier").filter(pk=payload.contract_id).first()
    if contract is None:
        raise missing_error("contract_id", "Fant ikke kontrakten.")
    direct_services.cascade_record(
        actor=request.user, calloff=calloff, contract=contract, outcome=payload.outcome, reason=payload.reason
    )
    calloff.refresh_from_db()
    return Status(201, _cascade_out(calloff))


@router.post("/calloffs/{calloff_id}/justification", response=CascadeOut, auth=token_auth)
def calloffs_justify(request: HttpRequest, calloff_id: int, payload: JustificationIn) -> dict[str, object]:
    calloff = calloff_get_visible_to(request.user, calloff_id)
    calloff = direct_services.direct_justify(
        actor=request.user, calloff=calloff, justification=payload.justification
    )
    return _cascade_out(calloff)
