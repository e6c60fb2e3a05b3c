from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from marketplace.catalogue.tests.factories import ContractFactory, LotFactory
from marketplace.core.demo import DemoResult
from marketplace.core.models import AuditEvent
from marketplace.suppliers import demo
from marketplace.suppliers.models import MoU, Reseller


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_seed_adds_current_and_expired_resellers_and_mous_idempotently():
    lot = LotFactory(number=1)
    ContractFactory(lot=lot, rank=1, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 12, 31))
    ContractFactory(lot=lot, rank=2, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 12, 31))
    result = DemoResult()
    demo.seed(result)
    assert result.counts == {"resellers": 4, "mous": 2}
    assert [o["name"] for o in result.organisations] == ["Fjordpartner AS", "Nordlys IT-forhandler AS"]
    current = Reseller.objects.filter(partner__name="Fjordpartner AS")
    assert {(r.valid_from, r.valid_to) for r in current} == {(dt.date(2025, 12, 17), dt.date(2028, 12, 31))}
    expired = Reseller.objects.filter(partner__name="Nordlys IT-forhandler AS")
    assert {(r.valid_from, r.valid_to) for r in expired} == {(dt.date(2025, 1, 1), dt.date(2026, 5, 16))}
    assert MoU.objects.count() == 2
    events = AuditEvent.objects.count()
    demo.seed(DemoResult())
    assert (Reseller.objects.count(), MoU.objects.count(), AuditEvent.objects.count()) == (4, 2, events)
