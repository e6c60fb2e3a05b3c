"""Price compliance: billed unit prices against the framework price list valid at the charge date."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.catalogue.models import PriceUnit
from marketplace.catalogue.tests.factories import ContractFactory, PriceLineFactory, PriceListFactory
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.prices import price_check, price_intervals
from marketplace.finops.models import ExchangeRate, SkuMapping
from marketplace.finops.services.optimise import sku_mapping_create
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.optimise_pages import assert_page_matrix

pytestmark = pytest.mark.django_db
SEP = dt.date(2026, 9, 1)


def test_price_intervals_take_the_highest_version_in_force():
    lists = [
        (1, dt.date(2026, 1, 1), {"A": (Decimal("1"), "vcpu_hour")}),
        (3, dt.date(2026, 6, 1), {"B": (Decimal("9"), "vcpu_hour")}),
        (2, dt.date(2026, 3, 1), {"A": (Decimal("2"), "vcpu_hour")}),
        (4, dt.date(2026, 9, 1), {"A": (Decimal("4"), "vcpu_hour")}),
    ]
    assert price_intervals(lists, "A") == (
        (dt.date(2026, 1, 1), dt.date(2026, 3, 1), 1, Decimal("1"), "vcpu_hour"),
        (dt.date(2026, 3, 1), dt.date(2026, 6, 1), 2, Decimal("2"), "vcpu_hour"),
        # 1 June – 1 Sept: version 3 is in force and has no A: unpriced
        (dt.date(2026, 9, 1), None, 4, Decimal("4"), "vcpu_hour"),
    )


def price_world():
    contract = ContractFactory()
    v1 = PriceListFactory(contract=contract, version=1, valid_from=dt.date(2026, 1, 1))
    PriceLineFactory(price_list=v1, sku="VCPU", unit=PriceUnit.VCPU_HOUR, unit_price_amount=Decimal("0.45"))
    PriceLineFactory(price_list=v1, sku="DISK", unit=PriceUnit.GIB_MONTH, unit_price_amount=Decimal("0.25"))
    v2 = PriceListFactory(contract=contract, version=2, valid_from=dt.date(2026, 9, 15))
    PriceLineFactory(price_list=v2, sku="VCPU", unit=PriceUnit.VCPU_HOUR, unit_price_amount=Decimal("0.40"))
    PriceLineFactory(price_list=v2, sku="DISK", unit=PriceUnit.GIB_MONTH, unit_price_amount=Decimal("0.25"))
    now = timezone.now()
    SkuMapping.objects.create(
        contract=contract,
        provider_name="Nordsky",
        sku_id="vm.std",
        price_sku="VCPU",
        tolerance_percent=Decimal("2"),
        created_at=now,
    )
    SkuMapping.objects.create(
        contract=contract,
        provider_name="Nordsky",
        sku_id="disk.ssd",
        pricing_unit="GB-Mo",
        price_sku="DISK",
        unit_factor=Decimal("0.9313225746"),
        created_at=now,
    )
    ExchangeRate.objects.create(currency="USD", month=SEP, nok_per_unit=Decimal("10"), source="test")
    return contract


def vm(day, cost, qty, **extra):
    return cost_row(day, cost, SkuId="vm.std", PricingQuantity=Decimal(qty), **extra)


def test_price_check_exact_overbilling():
    contract = price_world()
    org = OrganisationFactory()
    store_costs(
        org,
        [
            vm(SEP, "50", "100"),  # 0.50 > 0.45 × 1.02: over 5
            vm(SEP + dt.timedelta(days=1), "45.50", "100"),  # 0.455 within 2 %: not listed
            vm(
                SEP + dt.timedelta(days=2), "0", "10", ContractedUnitPrice=Decimal("0.50")
            ),  # CUP 0.50: over 0.5
            vm(SEP + dt.timedelta(days=3), "0.5", "10", BillingCurrency="USD"),  # 5 NOK for 10 h: over 0.5
            vm(SEP + dt.timedelta(days=4), "1", "10", BillingCurrency="EUR"),  # no rate
            vm(dt.date(2026, 9, 20), "4.20", "10"),  # version 2 (0.40): 0.42 > 0.408, over 0.20
            cost_row(
                SEP,
                "240",
                SkuId="disk.ssd",
                ServiceCategory="Storage",
                PricingUnit="GB-Mo",
                PricingQuantity=Decimal("1000"),
            ),  # 1000 GB-Mo = 931.3225746 GiB-mo at 0.25 = 232.83064365: over 7.16935635
            cost_row(SEP, "9", SkuId="gpu.x"),  # unmapped
            cost_row(SEP, "9", SkuId="gpu.x"),  # unmapped
            cost_row(
                SEP, "99", SkuId="vm.std", ProviderName="Annensky", InvoiceIssuerName="Annensky"
            ),  # no contract
            vm(dt.date(2025, 12, 1), "99", "1"),  # before the first price list: unpriced
        ],
    )
    check = price_check(Scope((org.pk,)))
    summary = [
        (
            d.contract_reference,
            d.price_sku,
            d.sku_id,
            d.billing_period,
            d.price_list_version,
            d.unit,
            d.quantity,
            d.contract_unit_price,
            d.billed_amount,
            d.overbilling_amount,
            d.rows,
        )
        for d in check.deviations
    ]
    ref = contract.reference
    assert summary == [
        (
            ref,
            "VCPU",
            "vm.std",
            SEP,
            1,
            "vcpu_hour",
            Decimal("120"),
            Decimal("0.4500"),
            Decimal("60"),
            Decimal("6"),
            3,
        ),
        (
            ref,
            "VCPU",
            "vm.std",
            SEP,
            2,
            "vcpu_hour",
            Decimal("10"),
            Decimal("0.4000"),
            Decimal("4.2"),
            Decimal("0.2"),
            1,
        ),
        (
            ref,
            "DISK",
            "disk.ssd",
            SEP,
            1,
            "gib_month",
            Decimal("931.3225746"),
            Decimal("0.2500"),
            Decimal("240"),
            Decimal("7.16935635"),
            1,
        ),
    ]
    assert check.deviations[0].billed_unit_price == Decimal("0.5")
    assert check.deviations[2].billed_unit_price == Decimal("240") / Decimal("931.3225746")
    assert check.total_overbilling_amount == Decimal("13.36935635")
    assert check.checked_rows == 8
    assert (check.unmapped_rows, check.unpriced_rows, check.no_rate_rows) == (2, 1, 1)
    [unmapped] = check.unmapped
    assert (unmapped.provider_name, unmapped.sku_id, unmapped.rows, unmapped.billed_cost) == (
        "Nordsky",
        "gpu.x",
        2,
        Decimal("18"),
    )


def test_service_name_mapping_and_no_mappings():
    org = OrganisationFactory()
    store_costs(org, [cost_row(SEP, "100", ServiceName="Backup", ChargeDescription="Backup storage GB")])
    assert price_check(Scope((org.pk,))).checked_rows == 0
    contract = ContractFactory()
    line = PriceLineFactory(
        price_list=PriceListFactory(contract=contract), sku="BK", unit_price_amount=Decimal("90")
    )
    assert line.price_list.valid_from == dt.date(2025, 1, 1)
    SkuMapping.objects.create(
        contract=contract,
        provider_name="Nordsky",
        service_name="Backup",
        charge_description_contains="storage",
        price_sku="BK",
        created_at=timezone.now(),
    )
    check = price_check(Scope((org.pk,)))
    assert [(d.sku_id, d.overbilling_amount) for d in check.deviations] == [("", Decimal("10"))]
    assert check.total_overbilling_amount == Decimal("10")


def test_prices_page(client):
    contract = price_world()
    org = OrganisationFactory()
    store_costs(
        org,
        [
            vm(SEP, "50", "100"),
            vm(SEP + dt.timedelta(days=1), "45.50", "100"),
            cost_row(SEP, "9", SkuId="gpu.x"),
        ],
    )
    url = reverse("finops:prices")
    page = assert_page_matrix(client, url, org, contract.reference, mps_status=200)
    assert "gpu.x" in page
    response = client.get(url + "?format=csv")
    assert response.content.decode("utf-8-sig").splitlines() == [
        "contract;price_sku;sku_id;billing_period;price_list_version;unit;quantity;billed_unit_price;"
        "contract_unit_price;billed_amount;overbilling_amount",
        f"{contract.reference};VCPU;vm.std;2026-09;1;vcpu_hour;100;0.5;0.45;50;5",
    ]


def test_sku_mapping_service_and_command():
    contract = ContractFactory()
    PriceLineFactory(
        price_list=PriceListFactory(contract=contract), sku="VCPU", unit_price_amount=Decimal("0.45")
    )
    buyer_admin = member(OrganisationFactory(), Role.ORG_ADMIN)
    activate(buyer_admin, buyer_admin.memberships.first().organisation)
    with pytest.raises(PermissionDenied):
        sku_mapping_create(actor=buyer_admin, contract=contract, price_sku="VCPU", sku_id="vm")
    with pytest.raises(ValueError, match="ingen prislinje"):
        sku_mapping_create(actor=None, contract=contract, price_sku="NOPE", sku_id="vm")
    assert not SkuMapping.objects.exists()
    out = io.StringIO()
    call_command(
        "finops",
        "skumap",
        "add",
        "--contract",
        contract.reference,
        "--price-sku",
        "VCPU",
        "--sku-id",
        "vm.std",
        "--tolerance-percent",
        "2.5",
        "--format",
        "json",
        stdout=out,
    )
    mapping = SkuMapping.objects.get()
    assert json.loads(out.getvalue()) == {
        "id": mapping.pk,
        "contract": contract.reference,
        "provider": contract.supplier.name,
    }
    assert (mapping.sku_id, mapping.price_sku, mapping.tolerance_percent) == (
        "vm.std",
        "VCPU",
        Decimal("2.5"),
    )
    assert AuditEvent.objects.filter(verb="finops.sku_mapping_created").count() == 1
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "finops",
            "skumap",
            "add",
            "--contract",
            "X-1",
            "--price-sku",
            "VCPU",
            "--sku-id",
            "a",
            "--format",
            "json",
            stdout=out,
        )
    assert json.loads(out.getvalue()) == {"detail": "Fant ingen kontrakt X-1."}


def test_prices_page_names_units_and_groups_digits():
    """The deviation table names the price-line unit as the catalogue does and groups thousands (nb: a no-break
    space), in the amounts, the quantities and the count of checked rows."""
    price_world()
    org = OrganisationFactory()
    store_costs(
        org, [vm(SEP + dt.timedelta(days=n), "6000", "10000") for n in range(2)]
    )  # 0.60: over 1,500 each
    client = Client()
    client.force_login(member(org, Role.FINOPS_ANALYST))
    page = client.get(reverse("finops:prices")).content.decode()
    assert "<td>20\xa0000,00 vCPU-time</td>" in page
    assert "<td>3\xa0000,00</td>" in page
    assert "Overfakturert totalt: 3\xa0000,00 NOK." in page
    assert "vcpu_hour" not in page


def test_prices_page_for_mps_staff_sums_every_organisation():
    contract = price_world()
    nve, toll = OrganisationFactory(), OrganisationFactory(name="Tolletaten")
    store_costs(nve, [vm(SEP, "50", "100")])  # over 5
    store_costs(toll, [vm(SEP, "47", "100")])  # over 2
    client = Client()
    client.force_login(member(OrganisationFactory(), Role.CATEGORY_MANAGER))
    response = client.get(reverse("finops:prices"))
    assert response.status_code == 200
    page = response.content.decode()
    assert contract.reference in page
    assert "Tolletaten" not in page
    assert response.context["by_contract"] == [
        {"contract": contract.reference, "overbilling_amount": Decimal("7")}
    ]
