"""Direct award by ranking (FOA § 26-5 (1) a): the cascade applied mechanically, and the written justification.

The highest-ranked supplier on the lot is asked first. Moving down is allowed only on the framework's cascade
conditions (the supplier declines or lacks capacity), each recorded with a reason. The first supplier that accepts
ends the cascade. With an accepted supplier and a justification the call-off is ready for the award decision
(`award_decide`, evaluation/award area), which reads `direct_winner`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff, CascadeOutcome, CascadeStep
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors.common import lot_contracts_valid_on
from marketplace.catalogue.models import Contract, Mechanism
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import oslo_day
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed


def _fail(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "message": message}])


def cascade_contracts(calloff: CallOff, *, on: dt.date | None = None) -> list[Contract]:
    """The lot's contracts valid on `on` (default: today in Oslo), in cascade order: rank, then supplier name."""
    return list(lot_contracts_valid_on(calloff.lot, on or oslo_day(timezone.now())))


def cascade_steps(calloff: CallOff) -> list[CascadeStep]:
    return list(
        calloff.cascade_steps.select_related("contract__supplier", "recorded_by").order_by(
            "recorded_at", "id"
        )
    )


def direct_winner(calloff: CallOff) -> Contract | None:
    """The contract of the supplier that accepted in the cascade, or None."""
    step = (
        calloff.cascade_steps.filter(outcome=CascadeOutcome.ACCEPTED)
        .select_related("contract__supplier")
        .first()
    )
    return step.contract if step is not None else None


def cascade_next(calloff: CallOff, *, on: dt.date | None = None) -> Contract | None:
    """The highest-ranked contract without a recorded answer; None once someone accepted or all have answered."""
    if calloff.cascade_steps.filter(outcome=CascadeOutcome.ACCEPTED).exists():
        return None
    answered = set(calloff.cascade_steps.values_list("contract_id", flat=True))
    for contract in cascade_contracts(calloff, on=on):
        if contract.pk not in answered:
            return contract
    return None


def direct_ready_for_award(calloff: CallOff) -> bool:
    """An accepted supplier and a recorded justification: the award decision may be made."""
    return (
        calloff.mechanism == Mechanism.DIRECT
        and calloff.justified_at is not None
        and direct_winner(calloff) is not None
    )


def _check_open(actor: Any, calloff: CallOff, now: dt.datetime) -> CallOff:
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Du kan ikke registrere direkte tildeling på dette avropet."))
    calloff = (
        CallOff.objects.select_for_update().select_related("buyer", "lot", "framework").get(pk=calloff.pk)
    )
    if calloff.mechanism != Mechanism.DIRECT:
        raise Conflict(_("Avropet skal ikke tildeles direkte etter rangering."))
    if calloff_state_of(calloff, now=now) is not CallOffState.DRAFT:
        raise Conflict(_("Den direkte tildelingen kan bare endres før tildelingen er besluttet."))
    return calloff


@transaction.atomic
def cascade_record(
    *,
    actor: Any,
    calloff: CallOff,
    contract: Contract,
    outcome: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> CascadeStep:
    """Record the answer of the next supplier in the ranking. No skipping; declining needs the framework's reason."""
    now = now or timezone.now()
    calloff = _check_open(actor, calloff, now)
    today = oslo_day(now)
    if outcome not in CascadeOutcome.values:
        raise _fail("outcome", _("Velg leverandørens svar."))
    reason = (reason or "").strip()
    if outcome != CascadeOutcome.ACCEPTED and not reason:
        raise _fail(
            "reason",
            _(
                "Skriv begrunnelsen for å gå videre i rangeringen (rammeavtalens vilkår, for eksempel at leverandøren "
                "mangler kapasitet)."
            ),
        )
    if direct_winner(calloff) is not None:
        raise Conflict(_("En leverandør har allerede sagt ja; kaskaden er avsluttet."))
    if contract.lot_id != calloff.lot_id:
        raise _fail("contract", _("Kontrakten hører ikke til avropets delkontrakt."))
    if not (contract.valid_from <= today <= contract.valid_to):
        raise _fail(
            "contract",
            _("Kontrakten med %(supplier)s er ikke gyldig i dag.") % {"supplier": contract.supplier.name},
        )
    expected = cascade_next(calloff, on=today)
    if expected is None:
        raise Conflict(_("Alle leverandørene på delkontrakten har svart; ingen kan tildeles direkte."))
    if expected.pk != contract.pk:
        raise _fail(
            "contract",
            _("Rangeringen skal følges uten å hoppe over noen: registrer først svaret fra %(supplier)s.")
            % {"supplier": expected.supplier.name},
        )
    step = CascadeStep.objects.create(
        calloff=calloff, contract=contract, outcome=outcome, reason=reason, recorded_by=actor, recorded_at=now
    )
    audit_record(
        actor=actor,
        verb="calloff.cascade_recorded",
        target=calloff,
        organisation=calloff.buyer,
        data={
            "calloff": calloff.pk,
            "contract": contract.pk,
            "supplier": contract.supplier.name,
            "rank": contract.rank,
            "outcome": outcome,
            "reason": reason,
        },
        now=now,
    )
    return step


@transaction.atomic
def direct_justify(
    *, actor: Any, calloff: CallOff, justification: str, now: dt.datetime | None = None
) -> CallOff:
    """Record why this route and this supplier (after a supplier accepted); linked to the frozen shortlist if any."""
    now = now or timezone.now()
    calloff = _check_open(actor, calloff, now)
    justification = (justification or "").strip()
    if not justification:
        raise _fail(
            "justification",
            _("Skriv begrunnelsen for direkte tildeling: hvorfor denne avropsformen og denne leverandøren."),
        )
    winner = direct_winner(calloff)
    if winner is None:
        raise Conflict(_("Registrer først en leverandør som kan levere, før du begrunner tildelingen."))
    calloff.justification = justification
    calloff.justified_by = actor
    calloff.justified_at = now
    calloff.save(update_fields=["justification", "justified_by", "justified_at"])
    snapshot = calloff.shortlist_snapshot
    audit_record(
        actor=actor,
        verb="calloff.direct_justified",
        target=calloff,
        organisation=calloff.buyer,
        data={
            "calloff": calloff.pk,
            "contract": winner.pk,
            "supplier": winner.supplier.name,
            "justification": justification,
            "shortlist_snapshot": snapshot.pk if snapshot is not None else None,
            "shortlist_snapshot_hash": snapshot.content_hash if snapshot is not None else None,
        },
        now=now,
    )
    return calloff
