"""Reads for the common call-off pages: frameworks a buyer can call off from, shortlists, timeline, aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from marketplace.calloffs.models import CallOff
from marketplace.catalogue.models import Contract, FrameworkAgreement, Lot, Shortlist
from marketplace.core.models import AuditEvent


def frameworks_open_to(buyer: Any, on: dt.date) -> QuerySet[FrameworkAgreement]:
    """Frameworks the buyer takes part in and that are in force on `on` (new call-offs allowed)."""
    if buyer is None:
        return FrameworkAgreement.objects.none()
    return FrameworkAgreement.objects.filter(participants=buyer, starts_on__lte=on, ends_on__gte=on).order_by(
        "name"
    )


def lots_of_frameworks(frameworks: QuerySet[FrameworkAgreement]) -> QuerySet[Lot]:
    return (
        Lot.objects.filter(framework__in=frameworks)
        .select_related("framework")
        .order_by("framework__name", "number")
    )


def shortlists_of(buyer: Any) -> QuerySet[Shortlist]:
    if buyer is None:
        return Shortlist.objects.none()
    return Shortlist.objects.filter(organisation=buyer).order_by("name", "pk")


def lot_contracts_valid_on(lot: Lot, on: dt.date) -> QuerySet[Contract]:
    """The lot's supplier contracts valid on `on`, in the framework's order: rank, then supplier name."""
    return (
        Contract.objects.filter(lot=lot, valid_from__lte=on, valid_to__gte=on)
        .select_related("supplier")
        .order_by(F("rank").asc(nulls_last=True), "supplier__name", "pk")
    )


def buyer_lot_total_since(
    *, buyer_id: int, lot_id: int, since: dt.datetime, exclude_calloff_id: int | None = None
) -> Decimal:
    """The estimated value of the buyer's (not cancelled) call-offs on the lot created at or after `since`."""
    rows = CallOff.objects.filter(
        buyer_id=buyer_id, lot_id=lot_id, cancelled_at__isnull=True, created_at__gte=since
    )
    if exclude_calloff_id is not None:
        rows = rows.exclude(pk=exclude_calloff_id)
    return rows.aggregate(total=Sum("estimated_value_amount"))["total"] or Decimal("0")


def calloff_timeline(calloff: CallOff) -> QuerySet[AuditEvent]:
    """Audit events about the call-off: targeting it, or carrying `"calloff": <pk>` in their data."""
    return AuditEvent.objects.filter(
        Q(target_type=CallOff._meta.label_lower, target_id=str(calloff.pk)) | Q(data__calloff=calloff.pk)
    ).order_by("occurred_at", "id")
