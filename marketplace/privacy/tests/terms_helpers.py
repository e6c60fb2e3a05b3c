"""Shared set-up of the terms area's tests: people acting for organisations, catalogue services, services in use."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.catalogue.tests.factories import ContractFactory, ServiceFactory
from marketplace.privacy import terms_rules
from marketplace.privacy.models import ServiceInUse


def acting(organisation: Organisation, *roles: str) -> User:
    user = member(organisation, *roles)
    activate(user, organisation)
    return user


def mps_staff(role: str = Role.CATEGORY_MANAGER) -> User:
    return acting(OrganisationFactory(kind=OrganisationKind.MPS), role)


def catalogue_service(supplier_name: str = "Nordsky AS", **kwargs: Any) -> Any:
    supplier = SupplierFactory(name=supplier_name)
    defaults = {"egress_fee_per_gb_amount": Decimal("0.4500"), "export_formats": "CSV, Parquet"}
    return ServiceFactory(contract=ContractFactory(supplier=supplier), **{**defaults, **kwargs})


def in_use(organisation: Organisation, service: Any = None, **kwargs: Any) -> ServiceInUse:
    creator = member(organisation, Role.PRIVACY_OFFICER)
    if service is None and "name" not in kwargs:
        kwargs = {"name": "Skulearena", "supplier_name": "Læringsverket AS", **kwargs}
    return ServiceInUse.objects.create(
        organisation=organisation, service=service, created_by=creator, created_at=timezone.now(), **kwargs
    )


def answers(**changes: tuple[str, str]) -> dict[str, tuple[str, str]]:
    base = dict.fromkeys(terms_rules.topic_keys(), ("meets", ""))
    base.update(changes)
    return base
