from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.models import (
    Contract,
    DeploymentModel,
    FrameworkAgreement,
    FrameworkCategory,
    Lot,
    PriceLine,
    PriceList,
    PriceModel,
    PriceUnit,
    Procedure,
    Service,
    ServiceModel,
    ServiceStatus,
    SupportHours,
)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    name = factory.Sequence(lambda n: f"Rammeavtale {n}")
    reference = factory.Sequence(lambda n: f"2024/{n:04d}")
    category = FrameworkCategory.CIPS
    procedure = Procedure.RESTRICTED
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2028, 12, 31)
    max_value_amount = Decimal("500000000.00")


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Delkontrakt {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    lot = factory.SubFactory(LotFactory)
    framework = factory.SelfAttribute("lot.framework")
    supplier = factory.SubFactory(SupplierFactory)
    reference = factory.Sequence(lambda n: f"K-{n:05d}")
    valid_from = dt.date(2025, 1, 1)
    valid_to = dt.date(2028, 12, 31)


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    contract = factory.SubFactory(ContractFactory)
    version = 1
    valid_from = dt.date(2025, 1, 1)
    created_at = factory.LazyFunction(timezone.now)


class PriceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceLine

    price_list = factory.SubFactory(PriceListFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    description = "vCPU standard"
    unit = PriceUnit.VCPU_HOUR
    unit_price_amount = Decimal("0.4500")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    contract = factory.SubFactory(ContractFactory)
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    summary = "En skytjeneste"
    service_model = ServiceModel.IAAS
    deployment_model = DeploymentModel.PUBLIC
    has_on_demand_self_service = True
    has_broad_network_access = True
    has_resource_pooling = True
    has_rapid_elasticity = True
    has_measured_service = True
    price_model = PriceModel.PAY_AS_YOU_GO
    support_hours = SupportHours.BUSINESS
    status = ServiceStatus.PUBLISHED
