"""Pure predicates for call-offs. They read the acting user's organisation and roles and what the objects carry.

Who does what:
- buyer (of the call-off's organisation): creates, prepares, publishes, opens offers, records cascade answers,
  cancels, sends the award notice, records complaints and signs the contract once standstill has ended;
- evaluator (same organisation): declares impartiality, then scores and rejects;
- approver (same organisation, not the person who created the call-off): decides the award;
- bidder / supplier admin (an invited supplier): asks questions, submits/replaces/withdraws the offer;
- MPS staff: see every call-off's record (never sealed content before opening), nothing to change.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import active_organisation, acts_for, has_role, is_mps_staff

BUYER_VIEW_ROLES = (Role.BUYER, Role.EVALUATOR, Role.APPROVER, Role.ORG_ADMIN)
BIDDER_ROLES = (Role.BIDDER, Role.SUPPLIER_ADMIN)


def is_buyer_side(user: Any, calloff: Any) -> bool:
    return acts_for(user, calloff.buyer) and has_role(user, *BUYER_VIEW_ROLES)


def can_view_calloff_record(user: Any, calloff: Any) -> bool:
    """The full record (not sealed content): the buyer organisation's people and MPS staff."""
    return is_buyer_side(user, calloff) or is_mps_staff(user)


def can_manage_calloff(user: Any, calloff: Any) -> bool:
    return acts_for(user, calloff.buyer) and has_role(user, Role.BUYER)


def can_evaluate_calloff(user: Any, calloff: Any) -> bool:
    return acts_for(user, calloff.buyer) and has_role(user, Role.EVALUATOR)


def can_decide_award(user: Any, calloff: Any) -> bool:
    """Four eyes: an approver of the buyer organisation who did not create the call-off."""
    return (
        acts_for(user, calloff.buyer)
        and has_role(user, Role.APPROVER)
        and getattr(user, "pk", None) != calloff.created_by_id
    )


def acts_for_supplier(user: Any, supplier: Any) -> bool:
    return acts_for(user, supplier) and has_role(user, *BIDDER_ROLES)


def can_submit_offer(user: Any, invitation: Any) -> bool:
    """An invited (not excluded) supplier's bidder or supplier admin."""
    return (
        invitation is not None
        and not invitation.excluded_reason
        and invitation.invited_at is not None
        and acts_for_supplier(user, invitation.supplier)
    )


def can_ask_question(user: Any, invitation: Any) -> bool:
    return can_submit_offer(user, invitation)


def is_supplier_user(user: Any) -> bool:
    organisation = active_organisation(user)
    return organisation is not None and bool(getattr(organisation, "is_supplier", False))


# --- common ---


def can_create_calloff(user: Any, buyer: Any) -> bool:
    """A buyer (innkjøper) acting for the buying organisation."""
    return acts_for(user, buyer) and has_role(user, Role.BUYER) and bool(getattr(buyer, "is_buyer", False))


def can_start_calloff(user: Any) -> bool:
    """Whether to offer the create flow at all: the active organisation buys and the user is a buyer there."""
    organisation = active_organisation(user)
    return organisation is not None and can_create_calloff(user, organisation)


# --- desk ---


def can_manage_desk(user: Any, calloff: Any) -> bool:
    """Basket, requirements and running the desk evaluation: the buyer of the call-off's organisation."""
    return calloff.mechanism == "desk" and can_manage_calloff(user, calloff)


def can_view_desk_calculation(user: Any, calloff: Any) -> bool:
    """The full calculation is part of the record: the buyer organisation's people and MPS staff."""
    return calloff.mechanism == "desk" and can_view_calloff_record(user, calloff)


# --- mini / offers ---


def can_open_offers(user: Any, calloff: Any) -> bool:
    return can_manage_calloff(user, calloff)


def can_read_offer_content(user: Any, calloff: Any, declaration: Any | None) -> bool:
    """After opening: the buyer and approver of the buyer organisation; an evaluator only after declaring
    impartiality (habil). Anyone who declared themselves not impartial is refused. MPS staff and suppliers never."""
    if not is_buyer_side(user, calloff):
        return False
    if declaration is not None and not declaration.is_impartial:
        return False
    if has_role(user, Role.BUYER, Role.APPROVER):
        return True
    return has_role(user, Role.EVALUATOR) and declaration is not None and bool(declaration.is_impartial)


def can_view_mini(user: Any, calloff: Any, invitation: Any | None) -> bool:
    """The invitation, documents and Q&A: the buyer side, MPS staff, and an invited supplier's bidders."""
    return can_view_calloff_record(user, calloff) or can_submit_offer(user, invitation)


# --- evaluation / award ---


def can_compute_evaluation(user: Any, calloff: Any) -> bool:
    """The buyer runs the ranking; an evaluator may too (services require the evaluator to have declared impartial)."""
    return acts_for(user, calloff.buyer) and has_role(user, Role.BUYER, Role.EVALUATOR)


def can_read_award_notice(user: Any, notice: Any) -> bool:
    """The recipient supplier's bidders/admins read their own notice; the buyer side and MPS staff read all."""
    return acts_for_supplier(user, notice.recipient) or can_view_calloff_record(user, notice.award.calloff)
