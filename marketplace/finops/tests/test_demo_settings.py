"""The settings demo seeder: NVE's cost centres and rules, budgets and seats for three organisations, through the
services; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.core.demo import DemoResult
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.licences import licence_summary
from marketplace.finops.demo_settings import seed_settings
from marketplace.finops.models import AllocationRule, Budget, CostCentre, LicenceAssignment, SharedCostRule

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 10, 2)


def test_seed_settings_is_complete_and_idempotent():
    nve = OrganisationFactory(orgnr="970205039", name="NVE", kind=OrganisationKind.STATE)
    OrganisationFactory(orgnr="974761467", name="Tolletaten", kind=OrganisationKind.STATE)
    OrganisationFactory(orgnr="961181399", name="Arkivverket", kind=OrganisationKind.STATE)
    seed_settings(DemoResult(), today=TODAY)
    assert list(CostCentre.objects.filter(organisation=nve).values_list("code", "parent__code")) == [
        ("100", None),
        ("200", None),
        ("210", "200"),
        ("300", None),
        ("900", None),
    ]
    assert AllocationRule.objects.filter(organisation=nve).count() == 7
    shared = SharedCostRule.objects.get(organisation=nve)
    assert [(s.cost_centre.code, s.percent) for s in shared.shares.all()] == [
        ("100", 50),
        ("200", 30),
        ("300", 20),
    ]
    assert Budget.objects.filter(year=2026).count() == 3
    assert LicenceAssignment.objects.count() == 40 + 12 + 30 + 8 + 18 + 5
    products = {p.product: p for p in licence_summary(nve, today=TODAY)}
    assert (products["Microsoft 365 E3"].seats, products["Microsoft 365 E3"].unused) == (40, 10)
    assert products["Microsoft 365 E3"].unused_yearly_cost == 10 * 12 * 395
    events = AuditEvent.objects.count()
    seed_settings(DemoResult(), today=TODAY)
    assert AuditEvent.objects.count() == events
    assert CostCentre.objects.count() == 5
    assert Budget.objects.count() == 3
