"""Who sees and changes cost data.

- An organisation's cost data (rows, analyses, imports, budgets, licences): its members acting with the
  finops-analyst or org-admin role.
- MPS staff (category manager, MPS admin): aggregates across organisations only, never one organisation's rows.
- Everyone else: nothing (the views answer 404 for another organisation's objects, 403 for a missing role).
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import active_organisation, acts_for, has_role, is_mps_staff

FINOPS_ROLES = (Role.FINOPS_ANALYST, Role.ORG_ADMIN)


def can_view_finops(user: Any, organisation: Any) -> bool:
    return acts_for(user, organisation) and has_role(user, *FINOPS_ROLES)


def can_manage_finops(user: Any, organisation: Any) -> bool:
    """Import data, set budgets, allocation rules, licences, metrics: the same people who may see it."""
    return can_view_finops(user, organisation)


def can_view_finops_aggregates(user: Any) -> bool:
    return is_mps_staff(user)


def finops_organisation(user: Any) -> Any | None:
    """The organisation whose cost data the user may see now, or None."""
    organisation = active_organisation(user)
    return organisation if organisation is not None and can_view_finops(user, organisation) else None
