"""The settings demo seeder: NVE's cost centres and rules, budgets and seats for three organisations, through the
services; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.catalogue.models import PriceUnit
from marketplace.catalogue.tests.factories import ContractFactory, PriceLineFactory, PriceListFactory
from marketplace.core.demo import DemoResult
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.licences import licence_summary
from marketplace.finops.analytics.prices import price_check
from marketplace.finops.demo_settings import seed_settings
from marketplace.finops.models import (
    AllocationRule,
    Budget,
    CostCentre,
    LicenceAssignment,
    SharedCostRule,
    SkuMapping,
)
from marketplace.finops.tests.helpers import cost_row, store_costs

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
    assert SkuMapping.objects.count() == 0  # no catalogue demo: no contracts to map to


def test_seed_settings_maps_the_storage_services_to_the_contract_price_lines():
    """With the catalogue demo's contracts and price lines, the three storage services are mapped (GB-months to
    GiB-month prices, 2 % tolerance), once; price compliance then finds what the prices say."""
    nve = OrganisationFactory(orgnr="970205039", name="NVE", kind=OrganisationKind.STATE)
    for reference, sku, price in (
        ("2024/1001-1-01", "NORD-102", "0.2304"),
        ("2024/1001-1-02", "ATLA-108", "0.4194"),
        ("2024/1001-1-03", "FJEL-103", "0.3522"),
    ):
        price_list = PriceListFactory(contract=ContractFactory(reference=reference))
        PriceLineFactory(
            price_list=price_list, sku=sku, unit=PriceUnit.GIB_MONTH, unit_price_amount=Decimal(price)
        )
    seed_settings(DemoResult(), today=TODAY)
    seed_settings(DemoResult(), today=TODAY)
    assert sorted(
        SkuMapping.objects.values_list(
            "contract__reference", "provider_name", "service_name", "pricing_unit", "price_sku", "unit_factor",
            "tolerance_percent",
        )
    ) == [
        ("2024/1001-1-01", "Nordsky", "Objektlagring", "GB-Month", "NORD-102", Decimal("0.9313225746"), Decimal(2)),
        ("2024/1001-1-02", "Atlanterhavet Sky", "Sikkerhetskopi", "GB-Month", "ATLA-108", Decimal("0.9313225746"),
         Decimal(2)),
        ("2024/1001-1-03", "Fjellskyen", "Blokklagring", "GB-Month", "FJEL-103", Decimal("0.9313225746"),
         Decimal(2)),
    ]  # fmt: skip
    # 100 GB-months each at the synthetic contracted prices (list x discount): Fjellskyen's 0.792 NOK per GB-month
    # is above its 0.3522 NOK per GiB-month (0.32801 per GB); Nordsky (0.1785 against 0.21458) is not
    store_costs(
        nve,
        [
            cost_row(dt.date(2026, 9, 3), "79.20", ProviderName="Fjellskyen", ServiceName="Blokklagring",
                     PricingUnit="GB-Month", PricingQuantity=Decimal(100), ContractedUnitPrice=Decimal("0.792")),
            cost_row(dt.date(2026, 9, 3), "17.85", ProviderName="Nordsky", ServiceName="Objektlagring",
                     PricingUnit="GB-Month", PricingQuantity=Decimal(100), ContractedUnitPrice=Decimal("0.1785")),
        ],
    )  # fmt: skip
    check = price_check(Scope((nve.pk,)))
    assert check.checked_rows == 2
    assert [(d.contract_reference, d.price_sku) for d in check.deviations] == [("2024/1001-1-03", "FJEL-103")]
    # 79.20 - 0.3522 x 100 x 0.9313225746 = 79.20 - 32.8011810774
    assert check.total_overbilling_amount.quantize(Decimal("0.0001")) == Decimal("46.3988")
