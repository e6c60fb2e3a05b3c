"""Call-off factories for tests. Rows built here skip the services on purpose (set-up only); tests of behaviour go
through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.accounts.tests.factories import OrganisationFactory, UserFactory
from marketplace.calloffs.models import CallOff, Criterion, Invitation, ProcurementPart
from marketplace.catalogue.models import CriterionKind, FrameworkCriterion, Mechanism
from marketplace.catalogue.tests.factories import LotFactory


class FrameworkCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkCriterion

    framework = factory.SubFactory("marketplace.catalogue.tests.factories.FrameworkFactory")
    name = "Pris"
    kind = CriterionKind.PRICE
    weight_percent = Decimal("40")


class CallOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallOff

    reference = factory.Sequence(lambda n: f"AV-2026-{n + 1:04d}")
    buyer = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    lot = factory.SubFactory(LotFactory)
    framework = factory.SelfAttribute("lot.framework")
    mechanism = Mechanism.MINI_COMPETITION
    title = "Skylagring for fagsystem"
    description = "Behov for objektlagring og beregningskapasitet for hydrologiske modeller."
    estimated_value_amount = Decimal("2500000.00")
    period_starts_on = dt.date(2027, 1, 1)
    period_ends_on = dt.date(2028, 12, 31)
    procurement_part = ProcurementPart.PART_III
    created_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    calloff = factory.SubFactory(CallOffFactory)
    contract = factory.SubFactory(
        "marketplace.catalogue.tests.factories.ContractFactory", lot=factory.SelfAttribute("..calloff.lot")
    )
    supplier = factory.SelfAttribute("contract.supplier")
    invited_at = factory.LazyFunction(timezone.now)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    calloff = factory.SubFactory(CallOffFactory)
    framework_criterion = factory.SubFactory(
        FrameworkCriterionFactory, framework=factory.SelfAttribute("..calloff.framework")
    )
    name = factory.SelfAttribute("framework_criterion.name")
    kind = factory.SelfAttribute("framework_criterion.kind")
    weight_percent = factory.SelfAttribute("framework_criterion.weight_percent")
