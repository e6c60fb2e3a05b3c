"""Call-off API: common."""

from __future__ import annotations

# GET/POST /api/v1/calloffs, GET /api/v1/calloffs/{id}, POST /api/v1/calloffs/{id}/cancel
import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from marketplace.api import token_auth
from marketplace.calloffs.api import router
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.selectors import (
    calloff_get_visible_to,
    calloff_list_visible_to,
    calloff_state_of,
)
from marketplace.calloffs.services import common as common_services
from marketplace.catalogue.models import FrameworkAgreement, Lot, Shortlist
from marketplace.core.exceptions import PermissionDenied, ValidationFailed


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


def missing_error(field: str, message: str) -> ValidationFailed:
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
        raise missing_error("framework_id", "Fant ikke rammeavtalen.")
    lot = Lot.objects.filter(pk=payload.lot_id).first()
    if lot is None:
        raise missing_error("lot_id", "Fant ikke delkontrakten.")
    shortlist = None
    if payload.shortlist_id is not None:
        shortlist = Shortlist.objects.filter(pk=payload.shortlist_id).first()
        if shortlist is None:
            raise missing_error("shortlist_id", "Fant ikke kortlisten.")
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
