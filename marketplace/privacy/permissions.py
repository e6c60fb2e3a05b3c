"""Who sees and changes privacy and terms data.

- A GDPR/transfer assessment belongs to the buyer organisation that started it. Its members acting as privacy
  officer or org admin see and edit it; nobody else does (suppliers never, other organisations never). MPS staff
  see only anonymised statistics across organisations, never an assessment.
- Contract-term checks against the MPS baseline on framework contracts are made by MPS staff (category managers);
  the balance view per framework is for MPS staff. A buyer organisation records term checks for the services it uses
  and its exit plans and exit-cost estimates; these belong to it like assessments do.
Each area appends its predicates below.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import acts_for, has_role, is_mps_staff

PRIVACY_ROLES = (Role.PRIVACY_OFFICER, Role.ORG_ADMIN)


def _is_buyer_organisation(organisation: Any) -> bool:
    return bool(getattr(organisation, "is_buyer", False))


def can_work_on_privacy(user: Any, organisation: Any) -> bool:
    """Start and edit the organisation's assessments, exit plans and term checks of services in use."""
    return (
        _is_buyer_organisation(organisation)
        and acts_for(user, organisation)
        and has_role(user, *PRIVACY_ROLES)
    )


def can_view_privacy_statistics(user: Any) -> bool:
    """Anonymised statistics across organisations (MPS staff)."""
    return is_mps_staff(user)


# --- assessments area ---------------------------------------------------------------------------------------------


def can_view_assessment(user: Any, assessment: Any) -> bool:
    """An organisation's assessment: its privacy officers and org admins. A template: anyone who may start one."""
    if getattr(assessment, "is_template", False):
        return can_work_on_privacy(user, getattr(user, "active_organisation", None))
    return can_work_on_privacy(user, getattr(assessment, "organisation", None))


def can_change_assessment(user: Any, assessment: Any) -> bool:
    return not getattr(assessment, "is_template", False) and can_view_assessment(user, assessment)


# --- terms area: balanced terms, services in use, exit and lock-in -------------------------------------------------
# Decisions (terms area):
# - Framework contracts' term checks and the balance view per framework: MPS staff (category manager, MPS admin).
#   MPS staff never see an organisation's services in use, its term checks of them, exit plans or estimates.
# - A buyer organisation's services in use, their term checks, exit plans and exit-cost estimates: its privacy
#   officers and org admins register, change and see them (can_work_on_privacy).
# - Its members with the buyer (innkjøper) role may also *see* the services in use, exit plans and exit-cost
#   estimates (read only): they plan the next procurement and need the exit picture. Term checks of services in use
#   stay with the privacy roles. Other buyer roles, other organisations and suppliers see nothing.


def can_check_contract_terms(user: Any) -> bool:
    """Record the term check of a framework contract against the MPS baseline."""
    return has_role(user, Role.CATEGORY_MANAGER, Role.MPS_ADMIN)


def can_view_terms_balance(user: Any) -> bool:
    """The balance view (topics × contracts) of a framework, and contracts' term checks."""
    return is_mps_staff(user)


def can_view_services_in_use(user: Any, organisation: Any) -> bool:
    """See the organisation's services in use, exit plans and exit-cost estimates (read only for buyers)."""
    if can_work_on_privacy(user, organisation):
        return True
    return (
        _is_buyer_organisation(organisation) and acts_for(user, organisation) and has_role(user, Role.BUYER)
    )


def can_view_service_terms(user: Any, organisation: Any) -> bool:
    """See the term checks of the organisation's services in use."""
    return can_work_on_privacy(user, organisation)
