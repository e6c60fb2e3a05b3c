"""Pure predicates for listings and shortlists. They read only the acting user's organisation/roles and the object."""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import active_organisation, active_roles, acts_for, has_role

LISTING_EDIT_ROLES = (Role.SUPPLIER_ADMIN, Role.LISTING_EDITOR)
SUPPLIER_VIEW_ROLES = (Role.SUPPLIER_ADMIN, Role.LISTING_EDITOR, Role.BIDDER)
SHORTLIST_EDIT_ROLES = (Role.BUYER, Role.EVALUATOR, Role.APPROVER, Role.ORG_ADMIN)


def _supplier_of(service: Any) -> Any:
    return service.contract.supplier


def is_category_manager(user: Any) -> bool:
    return has_role(user, Role.CATEGORY_MANAGER)


def can_list_services_of_supplier(user: Any) -> bool:
    """The supplier dashboard: anyone with a supplier role in the supplier organisation they act for."""
    organisation = active_organisation(user)
    return organisation is not None and organisation.is_supplier and has_role(user, *SUPPLIER_VIEW_ROLES)


def can_create_service(user: Any, contract: Any) -> bool:
    return acts_for(user, contract.supplier) and has_role(user, *LISTING_EDIT_ROLES)


def can_edit_service(user: Any, service: Any) -> bool:
    return acts_for(user, _supplier_of(service)) and has_role(user, *LISTING_EDIT_ROLES)


def can_submit_service(user: Any, service: Any) -> bool:
    return can_edit_service(user, service)


def can_view_service_listing(user: Any, service: Any) -> bool:
    """Drafts, pending edits and return reasons: the supplier's own people and category managers."""
    if is_category_manager(user):
        return True
    return acts_for(user, _supplier_of(service)) and has_role(user, *SUPPLIER_VIEW_ROLES)


def can_approve_service(user: Any, service: Any) -> bool:
    return is_category_manager(user)


def can_return_service(user: Any, service: Any) -> bool:
    return is_category_manager(user)


def can_withdraw_service(user: Any, service: Any) -> bool:
    return is_category_manager(user) or can_edit_service(user, service)


def can_view_service_versions(user: Any, service: Any) -> bool:
    """Version history is public once a service has been published; before that only for those who see drafts."""
    if service.published_at is not None:
        return True
    return can_view_service_listing(user, service)


def can_view_shortlist(user: Any, shortlist: Any) -> bool:
    return acts_for(user, shortlist.organisation) and bool(active_roles(user))


def can_edit_shortlist(user: Any, shortlist: Any) -> bool:
    return acts_for(user, shortlist.organisation) and has_role(user, *SHORTLIST_EDIT_ROLES)


def can_create_shortlist(user: Any) -> bool:
    organisation = active_organisation(user)
    return organisation is not None and organisation.is_buyer and has_role(user, *SHORTLIST_EDIT_ROLES)


def can_list_shortlists(user: Any) -> bool:
    organisation = active_organisation(user)
    return organisation is not None and organisation.is_buyer and bool(active_roles(user))


# --- frameworks ---------------------------------------------------------------------------------------------------

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
