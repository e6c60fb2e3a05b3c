"""Pure predicates for the supplier register."""

from __future__ import annotations

from typing import Any

from marketplace.accounts.permissions import is_mps_staff


def can_manage_resellers(user: Any) -> bool:
    """Registering and ending reseller agreements is DFØ's job (category managers and MPS admins)."""
    return is_mps_staff(user)


def can_create_mou(user: Any) -> bool:
    return is_mps_staff(user)
