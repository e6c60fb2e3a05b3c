"""Reads for the showback settings: one cost centre, allocation rule or shared-cost rule for a user who may see the
organisation's FinOps data now; 404 for a missing one and for another organisation's alike."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404

from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule
from marketplace.finops.permissions import finops_organisation

M = TypeVar("M", bound=Model)


def _visible(model: type[M], user: Any, pk: int) -> M:
    organisation = finops_organisation(user)
    found = model._default_manager.filter(pk=pk, organisation=organisation).first() if organisation else None
    if found is None:
        raise Http404
    return found


def cost_centre_get_visible_to(user: Any, pk: int) -> CostCentre:
    return _visible(CostCentre, user, pk)


def allocation_rule_get_visible_to(user: Any, pk: int) -> AllocationRule:
    return _visible(AllocationRule, user, pk)


def shared_cost_rule_get_visible_to(user: Any, pk: int) -> SharedCostRule:
    return _visible(SharedCostRule, user, pk)
