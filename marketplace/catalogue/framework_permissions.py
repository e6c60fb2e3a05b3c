"""Pure predicate: may the acting user call off on a framework agreement?"""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import active_organisation, has_role

CALL_OFF_ROLES = (Role.BUYER,)


def is_participant(user: Any, framework: Any) -> bool:
    """Reads `framework.participant_list` (prefetched by `framework_get`)."""
    organisation = active_organisation(user)
    if organisation is None:
        return False
    return any(p.pk == organisation.pk for p in getattr(framework, "participant_list", []))


def can_call_off_framework(user: Any, framework: Any, *, today: date) -> bool:
    """Only participating organisations may call off, by a buyer, while the framework is in force."""
    return (
        is_participant(user, framework)
        and has_role(user, *CALL_OFF_ROLES)
        and framework.starts_on <= today <= framework.ends_on
    )
