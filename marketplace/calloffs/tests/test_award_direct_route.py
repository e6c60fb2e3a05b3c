"""The award for a direct call-off, end to end through the services of the common and direct areas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.calloffs.services import common as common_services
from marketplace.calloffs.services.award import award_decide, award_notice_send, contract_sign
from marketplace.calloffs.services.direct import cascade_record, direct_justify
from marketplace.calloffs.tests.common_helpers import NOW, need, world
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict
from marketplace.core.models import AuditEvent


@pytest.fixture
def direct(buyer_org):
    w = world(buyer_org)
    buyer = acting(buyer_org, Role.BUYER)
    calloff, _warnings = common_services.calloff_create(actor=buyer, buyer=buyer_org, now=NOW, **need(w))
    return w, buyer, calloff


def test_direct_award_after_cascade_and_justification(direct, buyer_org):
    w, buyer, calloff = direct
    approver = acting(buyer_org, Role.APPROVER)
    cascade_record(
        actor=buyer, calloff=calloff, contract=w.contracts[0], outcome="no_capacity", reason="Fullt", now=NOW
    )
    cascade_record(actor=buyer, calloff=calloff, contract=w.contracts[1], outcome="accepted", now=NOW)
    with pytest.raises(Conflict):
        award_decide(actor=approver, calloff=calloff, justification="Rangering", now=NOW)
    direct_justify(actor=buyer, calloff=calloff, justification="Standardtjeneste under grensen", now=NOW)
    award = award_decide(actor=approver, calloff=calloff, justification="Neste i rangeringen", now=NOW)
    assert (award.contract, award.value_amount) == (w.contracts[1], Decimal("400000.00"))
    later = NOW + dt.timedelta(hours=1)
    notices = award_notice_send(actor=buyer, calloff=calloff, now=later)
    assert [(n.recipient, n.is_winner, n.content["advantages"]) for n in notices] == [
        (w.contracts[1].supplier, True, [])
    ]
    calloff.refresh_from_db()
    assert calloff.standstill_ends_at is None  # no voluntary standstill on this call-off
    contract_sign(actor=buyer, calloff=calloff, now=later)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-3:] == ["award.decided", "award.notice_sent", "contract.signed"]
