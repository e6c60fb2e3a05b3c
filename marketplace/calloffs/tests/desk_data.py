"""Shared set-up for the desk tests: a lot with three suppliers' price lists and published services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from marketplace.accounts.models import Organisation, Role, User
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.tests.factories import CallOffFactory
from marketplace.catalogue.models import Certification, Contract, DataLocation, Lot, Mechanism, PriceList
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    PriceLineFactory,
    PriceListFactory,
    ServiceFactory,
)
from marketplace.catalogue.tests.helpers import acting

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)  # Friday 27 November 2026, 10:00 in Oslo
DAY = dt.date(2026, 11, 27)

BASKET = [
    {"unit": "vcpu_hour", "quantity": Decimal("350400"), "description": "40 vCPU × 730 t × 12 mnd"},
    {"unit": "gib_month", "quantity": Decimal("20480"), "description": "20 TB-måned lagring"},
    {"unit": "gb_egress", "quantity": Decimal("60000"), "description": "5 TB utgående trafikk × 12"},
]


@dataclass
class DeskWorld:
    lot: Lot
    calloff: CallOff
    buyer: User
    nordsky: Contract
    fjellskyen: Contract
    atlanterhavet: Contract
    nordsky_list: PriceList


def _price_list(contract: Contract, version: int, valid_from: dt.date, prices: dict[str, str]) -> PriceList:
    price_list = PriceListFactory(contract=contract, version=version, valid_from=valid_from)
    for index, (unit, amount) in enumerate(prices.items(), start=1):
        PriceLineFactory(
            price_list=price_list,
            sku=f"{contract.reference}-{version}-{index}",
            description=f"{unit} v{version}",
            unit=unit,
            unit_price_amount=Decimal(amount),
        )
    return price_list


def _service(
    contract: Contract, unit: str, countries: list[str], *, iso_until: dt.date | None, norwegian: bool
):
    service = ServiceFactory(
        contract=contract,
        name=f"{contract.supplier.name} {unit}",
        price_unit=unit,
        has_norwegian_support=norwegian,
    )
    for country in countries:
        DataLocation.objects.create(service=service, country=country, region="")
    if iso_until is not None:
        Certification.objects.create(service=service, scheme="iso27001", valid_until=iso_until)
    return service


def desk_world(buyer_org: Organisation) -> DeskWorld:
    framework = FrameworkFactory(name="Skyinfrastruktur (CIPS)", reference="2024/1001")
    lot = LotFactory(framework=framework, number=1, title="IaaS og PaaS")
    nordsky = ContractFactory(lot=lot, supplier=SupplierFactory(name="Nordsky AS"), reference="K-NS", rank=1)
    fjellskyen = ContractFactory(
        lot=lot, supplier=SupplierFactory(name="Fjellskyen AS"), reference="K-FS", rank=2
    )
    atlanterhavet = ContractFactory(
        lot=lot, supplier=SupplierFactory(name="Atlanterhavet Sky AS"), reference="K-AS", rank=3
    )
    # an expired contract on the same lot is not part of the evaluation
    ContractFactory(
        lot=lot,
        supplier=SupplierFactory(name="Utløpt AS"),
        reference="K-UT",
        rank=4,
        valid_to=dt.date(2026, 6, 30),
    )
    # Nordsky: v1 (superseded), v2 in force; a v3 from next year is not in force yet
    _price_list(
        nordsky, 1, dt.date(2025, 1, 1), {"vcpu_hour": "0.5000", "gib_month": "0.3000", "gb_egress": "0.5000"}
    )
    nordsky_list = _price_list(
        nordsky,
        2,
        dt.date(2026, 1, 1),
        {"vcpu_hour": "0.4500", "gib_month": "0.2500", "gb_egress": "0.5000", "user_month": "60.0000"},
    )
    PriceLineFactory(
        price_list=nordsky_list,
        sku="K-NS-2-SSD",
        description="Blokklagring SSD",
        unit="gib_month",
        unit_price_amount=Decimal("0.9000"),
    )
    _price_list(
        nordsky, 3, dt.date(2027, 1, 1), {"vcpu_hour": "0.1000", "gib_month": "0.1000", "gb_egress": "0.1"}
    )
    _price_list(
        fjellskyen,
        1,
        dt.date(2025, 1, 1),
        {"vcpu_hour": "0.4200", "gib_month": "0.3000", "gb_egress": "0.6000"},
    )
    _price_list(atlanterhavet, 1, dt.date(2025, 1, 1), {"vcpu_hour": "0.3800", "gib_month": "0.1800"})
    for unit in ("vcpu_hour", "gib_month"):
        _service(nordsky, unit, ["NO"], iso_until=dt.date(2027, 6, 30), norwegian=True)
        _service(fjellskyen, unit, ["NO", "SE"], iso_until=dt.date(2026, 11, 26), norwegian=True)
        _service(atlanterhavet, unit, ["IE", "US"], iso_until=dt.date(2028, 1, 1), norwegian=False)
    buyer = acting(buyer_org, Role.BUYER, username="innkjoper")
    calloff = CallOffFactory(
        buyer=buyer_org,
        created_by=buyer,
        lot=lot,
        mechanism=Mechanism.DESK,
        reference="AV-2026-0042",
        title="Beregning for flomvarsling",
        estimated_value_amount=Decimal("900000.00"),
        created_at=NOW - dt.timedelta(days=1),
    )
    return DeskWorld(lot, calloff, buyer, nordsky, fjellskyen, atlanterhavet, nordsky_list)
