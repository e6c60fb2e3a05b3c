"""Direct award: the cascade is applied mechanically, declining needs a reason, acceptance ends it; justification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.calloffs.models import CallOff, CascadeOutcome, CascadeStep
from marketplace.calloffs.services import common as common_services
from marketplace.calloffs.services import direct as services
from marketplace.calloffs.tests.common_helpers import NOW, need, world
from marketplace.catalogue.services.shortlists import shortlist_create
from marketplace.catalogue.tests.factories import ContractFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(buyer_org):
    return acting(buyer_org, Role.BUYER)


@pytest.fixture
def w(buyer_org):
    return world(buyer_org)


@pytest.fixture
def calloff(buyer, buyer_org, w):
    calloff, _ = common_services.calloff_create(actor=buyer, buyer=buyer_org, now=NOW, **need(w))
    assert calloff.mechanism == "direct"
    return calloff


def record(buyer, calloff, contract, outcome, reason="", now=NOW):
    return services.cascade_record(
        actor=buyer, calloff=calloff, contract=contract, outcome=outcome, reason=reason, now=now
    )


def snapshot():
    return CascadeStep.objects.count(), AuditEvent.objects.count()


def test_cascade_order_is_rank_then_name(calloff, w):
    unranked = ContractFactory(lot=w.lot, rank=None)
    assert services.cascade_contracts(calloff, on=NOW.date()) == [*w.contracts, unranked]
    assert services.cascade_next(calloff, on=NOW.date()) == w.contracts[0]


def test_cascade_moves_down_on_reasons_and_ends_on_acceptance(buyer, calloff, w):
    first = record(
        buyer, calloff, w.contracts[0], CascadeOutcome.DECLINED, "Leverandøren takket nei skriftlig."
    )
    assert first.recorded_by == buyer
    assert first.recorded_at == NOW
    assert services.cascade_next(calloff, on=NOW.date()) == w.contracts[1]
    record(buyer, calloff, w.contracts[1], CascadeOutcome.NO_CAPACITY, "Ingen kapasitet før 2027.")
    assert services.direct_winner(calloff) is None
    record(buyer, calloff, w.contracts[2], CascadeOutcome.ACCEPTED)
    assert services.direct_winner(calloff) == w.contracts[2]
    assert services.cascade_next(calloff, on=NOW.date()) is None
    events = AuditEvent.objects.filter(verb="calloff.cascade_recorded").order_by("id")
    assert [e.data["outcome"] for e in events] == ["declined", "no_capacity", "accepted"]
    assert [e.data["rank"] for e in events] == [1, 2, 3]
    assert all(e.target_id == str(calloff.pk) for e in events)


def test_skipping_is_refused(buyer, calloff, w):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        record(buyer, calloff, w.contracts[1], CascadeOutcome.ACCEPTED)
    assert exc.value.errors[0]["field"] == "contract"
    assert w.contracts[0].supplier.name in exc.value.message
    assert snapshot() == before


@pytest.mark.parametrize("outcome", [CascadeOutcome.DECLINED, CascadeOutcome.NO_CAPACITY])
def test_moving_down_needs_reason(buyer, calloff, w, outcome):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        record(buyer, calloff, w.contracts[0], outcome, "   ")
    assert exc.value.errors[0]["field"] == "reason"
    assert "begrunnelsen" in exc.value.message
    assert snapshot() == before


def test_unknown_outcome_is_refused(buyer, calloff, w):
    with pytest.raises(ValidationFailed):
        record(buyer, calloff, w.contracts[0], "maybe")
    assert CascadeStep.objects.count() == 0


def test_after_acceptance_nothing_more(buyer, calloff, w):
    record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    before = snapshot()
    with pytest.raises(Conflict):
        record(buyer, calloff, w.contracts[1], CascadeOutcome.DECLINED, "x")
    assert snapshot() == before


def test_all_declined_leaves_no_next(buyer, calloff, w):
    for contract in w.contracts:
        record(buyer, calloff, contract, CascadeOutcome.DECLINED, "Nei")
    assert services.cascade_next(calloff, on=NOW.date()) is None
    with pytest.raises(Conflict):
        record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)


def test_contract_must_be_valid_and_on_the_lot(buyer, calloff, w, buyer_org):
    expired = ContractFactory(lot=w.lot, rank=0, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        record(buyer, calloff, expired, CascadeOutcome.ACCEPTED)
    assert "ikke gyldig" in exc.value.message
    other_lot = world(buyer_org).contracts[0]
    with pytest.raises(ValidationFailed) as exc:
        record(buyer, calloff, other_lot, CascadeOutcome.ACCEPTED)
    assert "delkontrakt" in exc.value.message
    # the expired contract is not part of the cascade
    assert services.cascade_next(calloff, on=NOW.date()) == w.contracts[0]
    assert CascadeStep.objects.count() == 0


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.APPROVER])
def test_only_buyer_records(buyer_org, calloff, w, role):
    with pytest.raises(PermissionDenied):
        record(acting(buyer_org, role), calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    assert CascadeStep.objects.count() == 0


def test_other_org_buyer_denied(other_buyer_org, calloff, w):
    with pytest.raises(PermissionDenied):
        record(acting(other_buyer_org, Role.BUYER), calloff, w.contracts[0], CascadeOutcome.ACCEPTED)


def test_not_on_other_routes_or_after_cancel(buyer, buyer_org, w):
    mini, _ = common_services.calloff_create(
        actor=buyer, buyer=buyer_org, now=NOW, **need(w, estimated_value_amount=Decimal("2000000"))
    )
    with pytest.raises(Conflict):
        record(buyer, mini, w.contracts[0], CascadeOutcome.ACCEPTED)
    direct, _ = common_services.calloff_create(actor=buyer, buyer=buyer_org, now=NOW, **need(w))
    common_services.calloff_cancel(actor=buyer, calloff=direct, reason="Feil", now=NOW)
    with pytest.raises(Conflict):
        record(buyer, direct, w.contracts[0], CascadeOutcome.ACCEPTED)
    assert CascadeStep.objects.count() == 0


# --- justification ---


def test_justify_after_acceptance(buyer, calloff, w):
    record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    later = NOW + dt.timedelta(minutes=5)
    services.direct_justify(
        actor=buyer, calloff=calloff, justification="  Høyest rangert og kan levere.  ", now=later
    )
    calloff.refresh_from_db()
    assert calloff.justification == "Høyest rangert og kan levere."
    assert calloff.justified_by == buyer
    assert calloff.justified_at == later
    assert services.direct_ready_for_award(calloff) is True
    event = AuditEvent.objects.get(verb="calloff.direct_justified")
    assert event.data["contract"] == w.contracts[0].pk
    assert event.data["shortlist_snapshot"] is None


def test_justify_links_frozen_shortlist(buyer, buyer_org, w):
    shortlist = shortlist_create(actor=buyer, name="Kandidater", now=NOW)
    calloff, _ = common_services.calloff_create(
        actor=buyer, buyer=buyer_org, now=NOW, shortlist=shortlist, **need(w)
    )
    record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    services.direct_justify(actor=buyer, calloff=calloff, justification="Rangering.", now=NOW)
    event = AuditEvent.objects.get(verb="calloff.direct_justified")
    assert event.data["shortlist_snapshot"] == calloff.shortlist_snapshot_id
    assert event.data["shortlist_snapshot_hash"] == calloff.shortlist_snapshot.content_hash


def test_justify_needs_text_and_an_accepted_supplier(buyer, calloff, w):
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.direct_justify(actor=buyer, calloff=calloff, justification="For tidlig", now=NOW)
    record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.direct_justify(actor=buyer, calloff=calloff, justification=" ", now=NOW)
    assert exc.value.errors[0]["field"] == "justification"
    calloff.refresh_from_db()
    assert calloff.justified_at is None
    assert calloff.justification == ""
    assert AuditEvent.objects.count() == before
    assert services.direct_ready_for_award(calloff) is False


def test_justify_denied_for_evaluator(buyer_org, buyer, calloff, w):
    record(buyer, calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.direct_justify(
            actor=acting(buyer_org, Role.EVALUATOR), calloff=calloff, justification="x", now=NOW
        )
    assert CallOff.objects.get(pk=calloff.pk).justified_at is None
