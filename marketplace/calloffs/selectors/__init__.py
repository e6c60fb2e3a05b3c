"""Reads of call-offs. All organisation scoping lives here; each area adds a module (offers, evaluation, ...).

`calloff_get_visible_to` raises NotFound for missing and forbidden alike. Nothing here returns sealed offer content.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from marketplace.accounts.permissions import active_organisation, has_role, is_mps_staff
from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.core.exceptions import NotFound


def _base() -> QuerySet[CallOff]:
    return CallOff.objects.select_related("buyer", "framework", "lot", "created_by")


def calloff_visibility_q(user: Any) -> Q | None:
    """A filter for the call-offs `user` may see, or None for none at all. MPS staff see all (empty Q)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if is_mps_staff(user):
        return Q()
    organisation = active_organisation(user)
    if organisation is None:
        return None
    if getattr(organisation, "is_supplier", False):
        if not has_role(user, *permissions.BIDDER_ROLES):
            return None
        return (
            Q(invitations__supplier=organisation, invitations__invited_at__isnull=False)
            | Q(cascade_steps__contract__supplier=organisation)
            | Q(award__notices__recipient=organisation)
        )
    if not has_role(user, *permissions.BUYER_VIEW_ROLES):
        return None
    return Q(buyer=organisation)


def calloff_list_visible_to(user: Any) -> QuerySet[CallOff]:
    q = calloff_visibility_q(user)
    if q is None:
        return CallOff.objects.none()
    return _base().filter(q).distinct()


def calloff_get_visible_to(user: Any, pk: int) -> CallOff:
    q = calloff_visibility_q(user)
    if q is None:
        raise NotFound("calloff")
    calloff = _base().filter(q).filter(pk=pk).distinct().first()
    if calloff is None:
        raise NotFound("calloff")
    return calloff


def calloff_state_of(calloff: CallOff, *, now: dt.datetime | None = None) -> CallOffState:
    return calloff_state(CallOffTimes.of(calloff), now or timezone.now())


def framework_committed_total(framework_id: int, *, exclude_calloff_id: int | None = None) -> Decimal:
    """The running total of call-off values on a framework: awarded value when awarded, else the estimate.

    Cancelled call-offs do not count.
    """
    rows = CallOff.objects.filter(framework_id=framework_id, cancelled_at__isnull=True)
    if exclude_calloff_id is not None:
        rows = rows.exclude(pk=exclude_calloff_id)
    awarded = rows.filter(award__isnull=False).aggregate(total=Sum("award__value_amount"))["total"]
    estimated = rows.filter(award__isnull=True).aggregate(total=Sum("estimated_value_amount"))["total"]
    return (awarded or Decimal("0")) + (estimated or Decimal("0"))
