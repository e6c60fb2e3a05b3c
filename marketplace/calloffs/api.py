"""Call-off API: offers (`POST /api/v1/calloffs/{id}/offers`), OCDS (`GET /api/v1/calloffs/{id}/ocds`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calloffs"])


# --- common ---
# GET/POST /api/v1/calloffs, GET /api/v1/calloffs/{id}, POST /api/v1/calloffs/{id}/cancel

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.http import HttpRequest  # noqa: E402
from django.utils import timezone  # noqa: E402
from ninja import Field, Schema, Status  # noqa: E402

from marketplace.api import token_auth  # noqa: E402
from marketplace.calloffs.models import CallOff  # noqa: E402
from marketplace.calloffs.selectors import (  # noqa: E402
    calloff_get_visible_to,
    calloff_list_visible_to,
    calloff_state_of,
)
from marketplace.calloffs.services import common as common_services  # noqa: E402
from marketplace.calloffs.services import direct as direct_services  # noqa: E402
from marketplace.catalogue.models import Contract, FrameworkAgreement, Lot, Shortlist  # noqa: E402
from marketplace.core.exceptions import PermissionDenied, ValidationFailed  # noqa: E402


class CallOffOut(Schema):
    id: int
    reference: str
    title: str
    state: str
    buyer_orgnr: str
    framework_id: int
    lot_id: int
    mechanism: str
    route_reason: str
    procurement_part: str
    estimated_value_amount: Decimal
    period_starts_on: dt.date
    period_ends_on: dt.date
    has_standstill: bool
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    shortlist_snapshot_hash: str | None


class CallOffCreatedOut(CallOffOut):
    warnings: list[str]


class CallOffIn(Schema):
    framework_id: int
    lot_id: int
    title: str
    description: str
    estimated_value_amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    period_starts_on: dt.date
    period_ends_on: dt.date
    needs_customisation: bool = False
    has_special_requirements: bool = False
    shortlist_id: int | None = None


class CancelIn(Schema):
    reason: str


def calloff_out(calloff: CallOff, *, now: dt.datetime | None = None) -> dict[str, object]:
    snapshot = calloff.shortlist_snapshot
    return {
        "id": calloff.pk,
        "reference": calloff.reference,
        "title": calloff.title,
        "state": str(calloff_state_of(calloff, now=now)),
        "buyer_orgnr": calloff.buyer.orgnr,
        "framework_id": calloff.framework_id,
        "lot_id": calloff.lot_id,
        "mechanism": calloff.mechanism,
        "route_reason": calloff.route_reason,
        "procurement_part": calloff.procurement_part,
        "estimated_value_amount": calloff.estimated_value_amount,
        "period_starts_on": calloff.period_starts_on,
        "period_ends_on": calloff.period_ends_on,
        "has_standstill": calloff.has_standstill,
        "created_at": calloff.created_at,
        "cancelled_at": calloff.cancelled_at,
        "shortlist_snapshot_hash": snapshot.content_hash if snapshot is not None else None,
    }


def _missing(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


@router.get("/calloffs", response=list[CallOffOut], auth=token_auth)
def calloffs_list(request: HttpRequest) -> list[dict[str, object]]:
    now = timezone.now()
    rows = calloff_list_visible_to(request.user).select_related("shortlist_snapshot")
    return [calloff_out(calloff, now=now) for calloff in rows]


@router.post("/calloffs", response={201: CallOffCreatedOut}, auth=token_auth)
def calloffs_create(request: HttpRequest, payload: CallOffIn) -> Status[dict[str, object]]:
    user = request.user
    buyer = getattr(user, "active_organisation", None)
    if buyer is None:
        raise PermissionDenied(
            "Du kan ikke opprette avrop for denne virksomheten. Det krever rollen innkjøper."
        )
    framework = FrameworkAgreement.objects.filter(pk=payload.framework_id).first()
    if framework is None:
        raise _missing("framework_id", "Fant ikke rammeavtalen.")
    lot = Lot.objects.filter(pk=payload.lot_id).first()
    if lot is None:
        raise _missing("lot_id", "Fant ikke delkontrakten.")
    shortlist = None
    if payload.shortlist_id is not None:
        shortlist = Shortlist.objects.filter(pk=payload.shortlist_id).first()
        if shortlist is None:
            raise _missing("shortlist_id", "Fant ikke kortlisten.")
    calloff, warnings = common_services.calloff_create(
        actor=user,
        buyer=buyer,
        framework=framework,
        lot=lot,
        title=payload.title,
        description=payload.description,
        estimated_value_amount=payload.estimated_value_amount,
        period_starts_on=payload.period_starts_on,
        period_ends_on=payload.period_ends_on,
        needs_customisation=payload.needs_customisation,
        has_special_requirements=payload.has_special_requirements,
        shortlist=shortlist,
    )
    return Status(201, {**calloff_out(calloff), "warnings": warnings})


@router.get("/calloffs/{calloff_id}", response=CallOffOut, auth=token_auth)
def calloffs_detail(request: HttpRequest, calloff_id: int) -> dict[str, object]:
    return calloff_out(calloff_get_visible_to(request.user, calloff_id))


@router.post("/calloffs/{calloff_id}/cancel", response=CallOffOut, auth=token_auth)
def calloffs_cancel(request: HttpRequest, calloff_id: int, payload: CancelIn) -> dict[str, object]:
    calloff = calloff_get_visible_to(request.user, calloff_id)
    calloff = common_services.calloff_cancel(actor=request.user, calloff=calloff, reason=payload.reason)
    return calloff_out(calloff)


# --- direct ---
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
        raise _missing("contract_id", "Fant ikke kontrakten.")
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


# --- desk ---

from typing import Any  # noqa: E402

from django.http import Http404  # noqa: E402
from django.utils.translation import gettext  # noqa: E402
from ninja import Schema  # noqa: E402

from marketplace.api import token_auth  # noqa: E402
from marketplace.calloffs import permissions as calloff_permissions  # noqa: E402
from marketplace.calloffs.models import Evaluation  # noqa: E402
from marketplace.calloffs.selectors import desk as desk_selectors  # noqa: E402
from marketplace.calloffs.services import desk as desk_services  # noqa: E402
from marketplace.core.exceptions import NotFound  # noqa: E402


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


# --- ocds ---
# (Any, HttpRequest and timezone are imported by the blocks above.)
from marketplace.api import auth_optional  # noqa: E402


@router.get(
    "/calloffs/{calloff_id}/ocds",
    auth=auth_optional,
    summary="OCDS-utgivelsespakke for ett avrop",
    description=(
        "Åpne data (OCDS 1.1): en release package med én utgivelse for avropet. Offentlig for publiserte avrop "
        "(minikonkurranse fra invitasjonen, direkte avrop og skrivebordskonkurranse fra tildelingsmeddelelsen); "
        "kjøpers egne brukere og DFØ kan også hente forhåndsvisning av upubliserte avrop med API-nøkkel. "
        "Tilbud publiseres aldri."
    ),
)
def calloff_ocds(request: HttpRequest, calloff_id: int) -> dict[str, Any]:
    from marketplace.calloffs.ocds import release_package
    from marketplace.calloffs.selectors.ocds import calloff_ocds_get

    calloff = calloff_ocds_get(getattr(request, "auth", None), calloff_id)
    return release_package(calloff, now=timezone.now())
