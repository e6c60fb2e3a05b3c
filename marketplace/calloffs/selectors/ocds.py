"""Reads for open data (OCDS): which call-offs are public, and the one a caller may fetch."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.ocds import calloff_is_public
from marketplace.catalogue.models import Mechanism
from marketplace.core.exceptions import NotFound


def _base() -> QuerySet[CallOff]:
    return CallOff.objects.select_related("buyer", "framework", "lot", "award__supplier").prefetch_related(
        "criteria", "desk_criteria"
    )


def public_q() -> Q:
    """The rule of `ocds.calloff_is_public` as a filter (cancelled ones stay public if they were public)."""
    return Q(mechanism=Mechanism.MINI_COMPETITION, published_at__isnull=False) | (
        ~Q(mechanism=Mechanism.MINI_COMPETITION) & Q(award_notice_sent_at__isnull=False)
    )


def calloff_public_list() -> QuerySet[CallOff]:
    return _base().filter(public_q()).order_by("reference")


def calloff_ocds_get(user: Any, pk: int) -> CallOff:
    """A public call-off for anyone; a not-yet-public one only for its buyer organisation's people and MPS staff
    (a preview of what will be published). 404 for missing and forbidden alike."""
    calloff = _base().filter(pk=pk).first()
    if calloff is None:
        raise NotFound("Fant ikke avropet.")
    if calloff_is_public(calloff):
        return calloff
    if getattr(user, "is_authenticated", False) and permissions.can_view_calloff_record(user, calloff):
        return calloff
    raise NotFound("Fant ikke avropet.")
