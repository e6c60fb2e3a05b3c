"""Call-off API: offers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema, Status

from marketplace.accounts.permissions import active_organisation
from marketplace.api import token_auth
from marketplace.calloffs.api import router
from marketplace.calloffs.selectors import calloff_get_visible_to
from marketplace.calloffs.selectors import offers as offer_selectors
from marketplace.calloffs.services import offers as offer_services
from marketplace.core.exceptions import PermissionDenied


class OfferAttachmentIn(Schema):
    name: str
    content_type: str = ""
    base64: str


class OfferIn(Schema):
    """The offer: total price in NOK excl. VAT as a decimal string ("123456.50"), a description, one attachment."""

    price_amount: str
    description: str
    attachment: OfferAttachmentIn | None = None


class OfferReceiptOut(Schema):
    """SHA-256 of the canonical JSON of the offer content received (sorted keys, no spaces, UTF-8, price with two
    decimals, attachment as base64) — the same bytes that are sealed."""

    sha256: str
    received_at: dt.datetime
    version: int
    kind: str


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]]


def _receipt_out(receipt: offer_selectors.ReceiptRow) -> OfferReceiptOut:
    return OfferReceiptOut(
        sha256=receipt.sha256, received_at=receipt.received_at, version=receipt.version, kind=receipt.kind
    )


def _supplier_of(request: HttpRequest) -> object:
    supplier = active_organisation(request.user)
    if supplier is None:
        raise PermissionDenied(_("API-nøkkelen handler ikke for en leverandør."))
    return supplier


_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/calloffs/{calloff_id}/offers",
    response={200: OfferReceiptOut, 201: OfferReceiptOut, **_ERRORS},
    auth=token_auth,
    summary="Submit or replace the sealed offer",
)
def offer_submit(request: HttpRequest, calloff_id: int, payload: OfferIn) -> Status:
    """Submit (201) or replace (200) the token's supplier's offer before the deadline; late → 409."""
    calloff = calloff_get_visible_to(request.user, calloff_id)
    receipt = offer_services.offer_submit(
        actor=request.user,
        calloff=calloff,
        supplier=_supplier_of(request),
        content=payload.model_dump(),
    )
    return Status(201 if receipt.kind == "submitted" else 200, _receipt_out(receipt))


@router.post(
    "/calloffs/{calloff_id}/offers/withdraw",
    response={200: OfferReceiptOut, **_ERRORS},
    auth=token_auth,
    summary="Withdraw the sealed offer",
)
def offer_withdraw(request: HttpRequest, calloff_id: int) -> OfferReceiptOut:
    calloff = calloff_get_visible_to(request.user, calloff_id)
    receipt = offer_services.offer_withdraw(
        actor=request.user, calloff=calloff, supplier=_supplier_of(request)
    )
    return _receipt_out(receipt)


@router.get(
    "/calloffs/{calloff_id}/offers/receipts",
    response={200: list[OfferReceiptOut], **_ERRORS},
    auth=token_auth,
    summary="The receipts of the token's own supplier",
)
def offer_receipts(request: HttpRequest, calloff_id: int) -> list[OfferReceiptOut]:
    """Only the calling supplier's own receipts (hash, time, version); never another supplier's."""
    calloff = calloff_get_visible_to(request.user, calloff_id)
    return [_receipt_out(r) for r in offer_selectors.receipts_own(request.user, calloff)]
