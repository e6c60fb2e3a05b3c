"""Test set-up for the evaluation and award areas: a mini-competition with opened offers (built directly)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace.accounts.models import Organisation, Role, User
from marketplace.accounts.tests.factories import SupplierFactory, member
from marketplace.calloffs.models import CallOff, Criterion, Invitation, Offer, PriceFormula
from marketplace.calloffs.tests.factories import CallOffFactory, CriterionFactory, FrameworkCriterionFactory
from marketplace.catalogue.models import CriterionKind
from marketplace.catalogue.tests.factories import ContractFactory
from marketplace.catalogue.tests.helpers import acting

OPENED_AT = dt.datetime(2026, 3, 20, 11, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Mini:
    calloff: CallOff
    buyer: User  # the creator (buyer role)
    evaluator: User
    approver: User
    price: Criterion
    quality: Criterion
    suppliers: dict[str, Organisation]
    offers: dict[str, Offer]
    invitations: dict[str, Invitation]


def mini_competition(
    buyer_org: Organisation, offers: dict[str, tuple[str, int]] | None = None, **calloff_fields: Any
) -> Mini:
    """Proportional price 60 % / quality 40 %; offers name → (price, framework rank). Default: §2.4 A, B, C."""
    offers = offers or {"A": ("100", 1), "B": ("130", 2), "C": ("80", 3)}
    buyer = acting(buyer_org, Role.BUYER)
    fields: dict[str, Any] = {
        "buyer": buyer_org,
        "created_by": buyer,
        "price_formula": PriceFormula.PROPORTIONAL,
        "created_at": OPENED_AT - dt.timedelta(days=20),
        "published_at": OPENED_AT - dt.timedelta(days=19),
        "criteria_locked_at": OPENED_AT - dt.timedelta(days=19),
        "offer_deadline_at": OPENED_AT - dt.timedelta(hours=1),
        "offers_opened_at": OPENED_AT,
        "has_standstill": True,
    }
    fields.update(calloff_fields)
    calloff = CallOffFactory(**fields)
    price = CriterionFactory(
        calloff=calloff,
        framework_criterion=FrameworkCriterionFactory(
            framework=calloff.framework, name="Pris", kind=CriterionKind.PRICE, weight_percent=Decimal(60)
        ),
        position=1,
    )
    quality = CriterionFactory(
        calloff=calloff,
        framework_criterion=FrameworkCriterionFactory(
            framework=calloff.framework,
            name="Kvalitet",
            kind=CriterionKind.QUALITY,
            weight_percent=Decimal(40),
        ),
        position=2,
    )
    suppliers, rows, invitations = {}, {}, {}
    for name, (amount, rank) in offers.items():
        supplier = SupplierFactory(name=f"Leverandør {name} AS")
        contract = ContractFactory(lot=calloff.lot, supplier=supplier, rank=rank)
        invitations[name] = Invitation.objects.create(
            calloff=calloff, contract=contract, supplier=supplier, invited_at=fields["published_at"]
        )
        bidder = member(supplier, Role.BIDDER)
        rows[name] = Offer.objects.create(
            calloff=calloff,
            supplier=supplier,
            submitted_by=bidder,
            sealed_content=b"",
            sha256=(name.lower() * 64)[:64],
            size_bytes=100,
            submitted_at=OPENED_AT - dt.timedelta(days=2),
            opened_price_amount=Decimal(amount),
        )
        suppliers[name] = supplier
    return Mini(
        calloff=calloff,
        buyer=buyer,
        evaluator=acting(buyer_org, Role.EVALUATOR),
        approver=acting(buyer_org, Role.APPROVER),
        price=price,
        quality=quality,
        suppliers=suppliers,
        offers=rows,
        invitations=invitations,
    )
