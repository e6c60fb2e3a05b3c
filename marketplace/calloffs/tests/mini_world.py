"""A mini-competition world for the mini/offers tests: buyer organisation with its roles, a framework with criteria,
a lot with three supplier contracts (each supplier with a bidder), a call-off in DRAFT with invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.services import mini, offers
from marketplace.calloffs.tests.factories import CallOffFactory, FrameworkCriterionFactory
from marketplace.catalogue.models import CriterionKind, FrameworkCriterion
from marketplace.catalogue.tests.factories import ContractFactory, LotFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # Monday 10:00 Oslo
DEADLINE = dt.datetime(2026, 3, 20, 11, 0, tzinfo=dt.UTC)  # Friday 12:00 Oslo
QUESTIONS_DEADLINE = dt.datetime(2026, 3, 13, 11, 0, tzinfo=dt.UTC)
PRICE = "1234567.89"
DESCRIPTION = "Hemmelig løsningsbeskrivelse ZX-81"


@dataclass
class World:
    buyer_org: Organisation
    buyer: User
    evaluator: User
    approver: User
    org_admin: User
    other_buyer_org: Organisation
    other_buyer: User
    mps_org: Organisation
    mps_admin: User
    suppliers: list[Organisation]
    bidders: list[User]
    listing_editor: User
    outsider_supplier: Organisation
    outsider_bidder: User
    price_criterion: FrameworkCriterion
    quality_criterion: FrameworkCriterion
    calloff: CallOff


def acting(user: User, organisation: Organisation) -> User:
    """The user as the middleware/token auth leaves it: acting for `organisation` with its roles there."""
    user.active_organisation = organisation  # type: ignore[attr-defined]
    user.active_roles = frozenset(  # type: ignore[attr-defined]
        user.memberships.filter(organisation=organisation).values_list("role", flat=True)
    )
    return user


def build_world(*, ensure: bool = True) -> World:
    buyer_org = OrganisationFactory(name="Norges vassdrags- og energidirektorat", orgnr="970205039")
    other_buyer_org = OrganisationFactory(
        name="Voss herad", orgnr="964338442", kind=OrganisationKind.MUNICIPALITY
    )
    mps_org = OrganisationFactory(name="DFØ", orgnr="986252932", kind=OrganisationKind.MPS)
    buyer = member(buyer_org, Role.BUYER, username="innkjoper")
    lot = LotFactory()
    price = FrameworkCriterionFactory(framework=lot.framework, name="Pris", kind=CriterionKind.PRICE)
    quality = FrameworkCriterionFactory(
        framework=lot.framework, name="Kvalitet", kind=CriterionKind.QUALITY, weight_percent=Decimal("60")
    )
    suppliers = []
    bidders = []
    for rank, name in enumerate(["Nordsky AS", "Fjellsky AS", "Havsky AS"], start=1):
        supplier = SupplierFactory(name=name)
        ContractFactory(lot=lot, supplier=supplier, rank=rank)
        suppliers.append(supplier)
        bidder = member(supplier, Role.BIDDER, username=f"tilbyder{rank}")
        bidder.email = f"tilbyder{rank}@example.no"
        bidder.save(update_fields=["email"])
        bidders.append(bidder)
    outsider = SupplierFactory(name="Utenfor AS")
    calloff = CallOffFactory(buyer=buyer_org, created_by=buyer, lot=lot, created_at=T0 - dt.timedelta(days=1))
    if ensure:
        mini.invitations_ensure(calloff, actor=buyer, now=T0)
    return World(
        buyer_org=buyer_org,
        buyer=buyer,
        evaluator=member(buyer_org, Role.EVALUATOR, username="evaluator"),
        approver=member(buyer_org, Role.APPROVER, username="godkjenner"),
        org_admin=member(buyer_org, Role.ORG_ADMIN, username="virksomhetsadmin"),
        other_buyer_org=other_buyer_org,
        other_buyer=member(other_buyer_org, Role.BUYER, username="annen.innkjoper"),
        mps_org=mps_org,
        mps_admin=member(mps_org, Role.MPS_ADMIN, username="mps.admin"),
        suppliers=suppliers,
        bidders=bidders,
        listing_editor=member(suppliers[0], Role.LISTING_EDITOR, username="redaktor"),
        outsider_supplier=outsider,
        outsider_bidder=member(outsider, Role.BIDDER, username="utenfor"),
        price_criterion=price,
        quality_criterion=quality,
        calloff=calloff,
    )


def prepare(world: World, *, now: dt.datetime = T0) -> None:
    buyer = acting(world.buyer, world.buyer_org)
    mini.criteria_set(
        actor=buyer,
        calloff=world.calloff,
        choices=[
            mini.CriterionChoice(world.price_criterion.pk, Decimal("40")),
            mini.CriterionChoice(world.quality_criterion.pk, Decimal("60"), "Oppetid og support"),
        ],
        now=now,
    )
    mini.criteria_lock(actor=buyer, calloff=world.calloff, now=now)


def publish(
    world: World,
    *,
    now: dt.datetime = T0,
    deadline: dt.datetime = DEADLINE,
    questions: dt.datetime = QUESTIONS_DEADLINE,
) -> None:
    prepare(world, now=now)
    mini.calloff_publish(
        actor=acting(world.buyer, world.buyer_org),
        calloff=world.calloff,
        offer_deadline_at=deadline,
        questions_deadline_at=questions,
        now=now,
    )
    world.calloff.refresh_from_db()


def submit(
    world: World,
    index: int,
    *,
    price: str = PRICE,
    description: str = DESCRIPTION,
    now: dt.datetime | None = None,
) -> Any:
    return offers.offer_submit(
        actor=acting(world.bidders[index], world.suppliers[index]),
        calloff=world.calloff,
        supplier=world.suppliers[index],
        content={"price_amount": price, "description": description},
        now=now or T0 + dt.timedelta(days=1),
    )


def move_deadline(calloff: CallOff, deadline: dt.datetime) -> None:
    """Set-up for view tests that run on the real clock."""
    CallOff.objects.filter(pk=calloff.pk).update(offer_deadline_at=deadline)
    calloff.refresh_from_db()


def live_publish(world: World, *, deadline_in: dt.timedelta = dt.timedelta(days=3)) -> None:
    """Publish on the real clock (for view/API tests): now − 1 h, deadline `deadline_in` from now."""
    now = timezone.now() - dt.timedelta(hours=1)
    publish(world, now=now, deadline=now + deadline_in, questions=now + deadline_in / 2)


def counts(*models: type[Model]) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)
