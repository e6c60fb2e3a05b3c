"""Reads of offers: metadata only. Nothing here decrypts or returns sealed content.

Before the offer deadline the buyer side and MPS staff see nothing about offers (not even the count); after the
deadline they see metadata rows (supplier, hash, version, times); the opened price only after opening and only for
people who may read offer content. A supplier sees only its own offer's receipts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from marketplace.accounts.permissions import active_organisation, is_mps_staff
from marketplace.calloffs import permissions
from marketplace.calloffs.models import (
    CallOff,
    ImpartialityDeclaration,
    Invitation,
    Offer,
    OfferReceipt,
    ReceiptKind,
)
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state

BEFORE_DEADLINE = frozenset({CallOffState.DRAFT, CallOffState.TENDERING})


@dataclass(frozen=True)
class ReceiptRow:
    """What a supplier gets back for each submission, replacement or withdrawal."""

    sha256: str
    received_at: dt.datetime
    version: int
    kind: str


@dataclass(frozen=True)
class OfferRow:
    """One offer as the buyer side may see it: metadata, and the price only once opened and allowed."""

    offer_id: int
    supplier_id: int
    supplier_name: str
    supplier_orgnr: str
    sha256: str
    version: int
    size_bytes: int
    submitted_at: dt.datetime
    withdrawn_at: dt.datetime | None
    rejected_at: dt.datetime | None
    price_amount: Decimal | None


def invitation_of(user: Any, calloff: CallOff) -> Invitation | None:
    """The invitation of the organisation the user acts for, if any."""
    organisation = active_organisation(user)
    if organisation is None:
        return None
    return (
        Invitation.objects.select_related("supplier", "contract")
        .filter(calloff=calloff, supplier=organisation)
        .first()
    )


def declaration_of(user: Any, calloff: CallOff) -> ImpartialityDeclaration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ImpartialityDeclaration.objects.filter(calloff=calloff, user_id=user.pk).first()


def offers_visible_to_buyer(user: Any, calloff: CallOff, *, now: dt.datetime | None = None) -> bool:
    """Whether the user may see offer metadata: buyer side or MPS staff, and only after the deadline."""
    if not (permissions.is_buyer_side(user, calloff) or is_mps_staff(user)):
        return False
    return calloff_state(CallOffTimes.of(calloff), now or timezone.now()) not in BEFORE_DEADLINE


def offer_rows_for(user: Any, calloff: CallOff, *, now: dt.datetime | None = None) -> list[OfferRow]:
    """Offer metadata for the buyer side / MPS staff after the deadline; [] for everyone else and before it."""
    if not offers_visible_to_buyer(user, calloff, now=now):
        return []
    may_read = calloff.offers_opened_at is not None and permissions.can_read_offer_content(
        user, calloff, declaration_of(user, calloff)
    )
    rows = []
    for offer in Offer.objects.filter(calloff=calloff).select_related("supplier").order_by("supplier__name"):
        rows.append(
            OfferRow(
                offer_id=offer.pk,
                supplier_id=offer.supplier_id,
                supplier_name=offer.supplier.name,
                supplier_orgnr=offer.supplier.orgnr,
                sha256=offer.sha256,
                version=offer.version,
                size_bytes=offer.size_bytes,
                submitted_at=offer.submitted_at,
                withdrawn_at=offer.withdrawn_at,
                rejected_at=offer.rejected_at,
                price_amount=offer.opened_price_amount if may_read and offer.withdrawn_at is None else None,
            )
        )
    return rows


def offer_own(user: Any, calloff: CallOff) -> Offer | None:
    """The offer of the supplier the user acts for (metadata use only: never read `sealed_content`)."""
    organisation = active_organisation(user)
    if organisation is None or not permissions.acts_for_supplier(user, organisation):
        return None
    return Offer.objects.filter(calloff=calloff, supplier=organisation).defer("sealed_content").first()


def receipt_rows(calloff_id: int, supplier_id: int) -> list[ReceiptRow]:
    """All receipts of one supplier on one call-off, oldest first, with the offer version each refers to."""
    rows: list[ReceiptRow] = []
    version = 0
    for receipt in OfferReceipt.objects.filter(calloff_id=calloff_id, supplier_id=supplier_id).order_by(
        "received_at", "id"
    ):
        if receipt.kind in (ReceiptKind.SUBMITTED, ReceiptKind.REPLACED):
            version += 1
        rows.append(
            ReceiptRow(
                sha256=receipt.sha256, received_at=receipt.received_at, version=version, kind=receipt.kind
            )
        )
    return rows


def receipts_own(user: Any, calloff: CallOff) -> list[ReceiptRow]:
    """The receipts of the supplier the user acts for; [] for anyone else."""
    organisation = active_organisation(user)
    if organisation is None or not permissions.acts_for_supplier(user, organisation):
        return []
    return receipt_rows(calloff.pk, organisation.pk)
