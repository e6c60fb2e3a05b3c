from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from marketplace.accounts.models import Organisation
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.tests.factories import ContractFactory, LotFactory
from marketplace.core.demo import DemoResult
from marketplace.core.models import AuditEvent
from marketplace.suppliers import demo
from marketplace.suppliers.models import MoU, Reseller


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_seed_adds_current_and_expired_resellers_and_mous_idempotently():
    lot = LotFactory(number=1)
    first = ContractFactory(lot=lot, rank=1, supplier__name="Nordsky AS")
    ContractFactory(lot=lot, rank=2, supplier__name="Fjellskyen AS")
    ContractFactory(supplier__name="Atlanterhavet AS")  # another lot: may resell on this one
    SupplierFactory(name="Bergen Datasenter AS")
    organisations = Organisation.objects.count()
    result = DemoResult()
    demo.seed(result)
    assert result.counts == {"resellers": 4, "mous": 2}
    assert Organisation.objects.count() == organisations  # no new organisations
    rows = {
        (r.supplier.name, r.partner.name, r.valid_from, r.valid_to)
        for r in Reseller.objects.select_related("supplier", "partner")
    }
    assert (
        "Nordsky AS",
        "Atlanterhavet AS",
        dt.date(2025, 12, 17),
        dt.date(2028, 12, 31),
    ) in rows
    assert ("Nordsky AS", "Bergen Datasenter AS", dt.date(2025, 1, 1), dt.date(2026, 5, 16)) in rows
    assert set(MoU.objects.values_list("supplier__name", flat=True)) == {"Atlanterhavet AS", "Nordsky AS"}
    assert first.supplier.mous.count() == 1
    events = AuditEvent.objects.count()
    demo.seed(DemoResult())
    assert (Reseller.objects.count(), MoU.objects.count(), AuditEvent.objects.count()) == (4, 2, events)
