"""Pure predicates over the acting user.

The middleware (web) and the token authenticator (API) put the organisation the user acts for on the user object:
`user.active_organisation` and `user.active_roles`. Predicates read only those attributes.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import MPS_ROLES, Role


def active_organisation(user: Any) -> Any | None:
    return getattr(user, "active_organisation", None)


def active_roles(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(getattr(user, "active_roles", frozenset()))


def has_role(user: Any, *roles: str) -> bool:
    return bool(active_roles(user) & set(roles))


def is_mps_staff(user: Any) -> bool:
    return has_role(user, *MPS_ROLES)


def acts_for(user: Any, organisation: Any) -> bool:
    current = active_organisation(user)
    return current is not None and organisation is not None and current.pk == organisation.pk


def can_manage_organisation(user: Any, organisation: Any) -> bool:
    if has_role(user, Role.MPS_ADMIN):
        return True
    return acts_for(user, organisation) and has_role(user, Role.ORG_ADMIN, Role.SUPPLIER_ADMIN)


def can_create_api_token(user: Any) -> bool:
    return active_organisation(user) is not None and bool(active_roles(user))


def can_revoke_api_token(user: Any, token: Any) -> bool:
    """The owner; MPS admins (staff in the Django admin) may revoke anyone's token."""
    if not getattr(user, "is_authenticated", False):
        return False
    return token.user_id == user.pk or (bool(getattr(user, "is_staff", False)) and user.is_active)
