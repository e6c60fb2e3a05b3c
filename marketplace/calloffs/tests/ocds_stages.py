"""Call-offs set up directly at each stage (timestamps only, no services) for the OCDS and reminder tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.calloffs.models import (
    Award,
    CallOff,
    Criterion,
    DeskCriterion,
    DeskRequirement,
    Offer,
    Question,
)
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.tests.factories import CallOffFactory, FrameworkCriterionFactory, InvitationFactory
from marketplace.catalogue.models import CriterionKind, Mechanism
from marketplace.catalogue.tests.factories import ContractFactory, FrameworkFactory, LotFactory

UTC = dt.UTC
CREATED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PUBLISHED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
QUESTIONS_DEADLINE = dt.datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
OFFER_DEADLINE = dt.datetime(2026, 3, 17, 11, 0, tzinfo=UTC)
OPENED = dt.datetime(2026, 3, 17, 12, 0, tzinfo=UTC)
EVALUATED = dt.datetime(2026, 3, 19, 12, 0, tzinfo=UTC)
DECIDED = dt.datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
NOTICE = dt.datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
STANDSTILL_ENDS = dt.datetime(2026, 3, 30, 22, 0, tzinfo=UTC)  # 31 March 00:00 Oslo (summer time)
ON_HOLD = dt.datetime(2026, 3, 25, 8, 0, tzinfo=UTC)
SIGNED = dt.datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
CANCELLED = dt.datetime(2026, 3, 12, 8, 0, tzinfo=UTC)

SECRET_PRICE = Decimal("987654.00")
SECRET_TEXT = b"HEMMELIG-TILBUDSTEKST"

# For each state: the timestamps set and the `now` at which the call-off is in that state.
STAGES: dict[CallOffState, tuple[list[str], dt.datetime]] = {
    CallOffState.DRAFT: ([], dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
    CallOffState.TENDERING: (["published_at"], dt.datetime(2026, 3, 11, 10, 0, tzinfo=UTC)),
    CallOffState.AWAITING_OPENING: (["published_at"], dt.datetime(2026, 3, 17, 11, 30, tzinfo=UTC)),
    CallOffState.EVALUATION: (
        ["published_at", "offers_opened_at"],
        dt.datetime(2026, 3, 18, 9, 0, tzinfo=UTC),
    ),
    CallOffState.AWARD_DECIDED: (
        ["published_at", "offers_opened_at", "evaluated_at", "award_decided_at"],
        dt.datetime(2026, 3, 20, 11, 0, tzinfo=UTC),
    ),
    CallOffState.STANDSTILL: (
        ["published_at", "offers_opened_at", "evaluated_at", "award_decided_at", "award_notice_sent_at"],
        dt.datetime(2026, 3, 24, 9, 0, tzinfo=UTC),
    ),
    CallOffState.ON_HOLD: (
        [
            "published_at",
            "offers_opened_at",
            "evaluated_at",
            "award_decided_at",
            "award_notice_sent_at",
            "on_hold_since",
        ],
        dt.datetime(2026, 3, 26, 9, 0, tzinfo=UTC),
    ),
    CallOffState.READY_TO_SIGN: (
        ["published_at", "offers_opened_at", "evaluated_at", "award_decided_at", "award_notice_sent_at"],
        dt.datetime(2026, 3, 31, 9, 0, tzinfo=UTC),
    ),
    CallOffState.CONTRACTED: (
        [
            "published_at",
            "offers_opened_at",
            "evaluated_at",
            "award_decided_at",
            "award_notice_sent_at",
            "contract_signed_at",
        ],
        dt.datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
    ),
    CallOffState.CANCELLED: (["published_at", "cancelled_at"], dt.datetime(2026, 3, 13, 9, 0, tzinfo=UTC)),
}

VALUES = {
    "published_at": PUBLISHED,
    "offers_opened_at": OPENED,
    "evaluated_at": EVALUATED,
    "award_decided_at": DECIDED,
    "award_notice_sent_at": NOTICE,
    "on_hold_since": ON_HOLD,
    "contract_signed_at": SIGNED,
    "cancelled_at": CANCELLED,
}

# Direct and desk call-offs are never published before the notice and never opened.
NOT_MINI = {"published_at", "offers_opened_at"}


def world() -> dict[str, Any]:
    buyer = OrganisationFactory(name="Norges vassdrags- og energidirektorat", orgnr="970205039")
    framework = FrameworkFactory(name="Skytjenester (CIPS)", reference="2024/0101")
    lot = LotFactory(framework=framework, number=1, title="Offentlig sky")
    winner = SupplierFactory(name="Nordsky AS", orgnr="914778271")
    loser = SupplierFactory(name="Fjellsky AS", orgnr="916530095")
    silent = SupplierFactory(name="Kystsky AS", orgnr="918473990")
    contracts = {
        s.name: ContractFactory(lot=lot, supplier=s, rank=rank)
        for rank, s in enumerate([winner, loser, silent], start=1)
    }
    buyer_user = member(buyer, Role.BUYER, username="nve.innkjoper")
    approver = member(buyer, Role.APPROVER, username="nve.godkjenner")
    return {
        "buyer": buyer,
        "framework": framework,
        "lot": lot,
        "winner": winner,
        "loser": loser,
        "silent": silent,
        "contracts": contracts,
        "buyer_user": buyer_user,
        "approver": approver,
    }


def calloff_at(
    w: dict[str, Any], mechanism: str, state: CallOffState, *, reference: str
) -> tuple[CallOff, dt.datetime]:
    """A call-off in `state` (timestamps only) and the `now` at which it is in that state."""
    fields, now = STAGES[state]
    is_mini = mechanism == Mechanism.MINI_COMPETITION
    if not is_mini:
        fields = [f for f in fields if f not in NOT_MINI]
        if state is CallOffState.CANCELLED:
            fields = ["award_decided_at", "award_notice_sent_at", "cancelled_at"]
            now = dt.datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
    times: dict[str, Any] = {name: VALUES[name] for name in fields}
    if is_mini and "published_at" in fields:
        times["questions_deadline_at"] = QUESTIONS_DEADLINE
        times["offer_deadline_at"] = OFFER_DEADLINE
        times["criteria_locked_at"] = PUBLISHED
    if "award_notice_sent_at" in fields:
        times["standstill_ends_at"] = STANDSTILL_ENDS
    if state is CallOffState.CANCELLED and not is_mini:
        times["cancelled_at"] = dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC)
    calloff = CallOffFactory(
        reference=reference,
        buyer=w["buyer"],
        created_by=w["buyer_user"],
        lot=w["lot"],
        mechanism=mechanism,
        title="Skylagring for hydrologiske modeller",
        description="Objektlagring og beregningskapasitet.",
        estimated_value_amount=Decimal("2500000.00"),
        period_starts_on=dt.date(2026, 6, 1),
        period_ends_on=dt.date(2028, 5, 31),
        route_reason="Behovet krever tilpasning." if is_mini else "Standardtjenester under verdigrensen.",
        has_standstill="award_notice_sent_at" in fields,
        cancel_reason="Behovet er endret." if "cancelled_at" in times else "",
        created_at=CREATED,
        **times,
    )
    if mechanism == Mechanism.DESK:
        DeskCriterion.objects.create(
            calloff=calloff, requirement=DeskRequirement.DATA_IN_EEA, is_mandatory=True
        )
        DeskCriterion.objects.create(
            calloff=calloff, requirement=DeskRequirement.ISO_27001, is_mandatory=False
        )
    if is_mini:
        price = FrameworkCriterionFactory(framework=w["framework"], name="Pris", kind=CriterionKind.PRICE)
        quality = FrameworkCriterionFactory(
            framework=w["framework"],
            name="Kvalitet",
            kind=CriterionKind.QUALITY,
            weight_percent=Decimal("60"),
        )
        Criterion.objects.create(
            calloff=calloff,
            framework_criterion=price,
            name="Pris",
            kind=CriterionKind.PRICE,
            weight_percent=Decimal("40"),
            position=1,
        )
        Criterion.objects.create(
            calloff=calloff,
            framework_criterion=quality,
            name="Kvalitet",
            kind=CriterionKind.QUALITY,
            weight_percent=Decimal("60"),
            position=2,
        )
    if is_mini and "published_at" in fields:
        for supplier in (w["winner"], w["loser"], w["silent"]):
            InvitationFactory(
                calloff=calloff,
                contract=w["contracts"][supplier.name],
                supplier=supplier,
                invited_at=PUBLISHED,
            )
        bidder = member(w["loser"], Role.BIDDER)
        Question.objects.create(
            calloff=calloff,
            asked_by_organisation=w["loser"],
            asked_by=bidder,
            question="Kan dere presisere SLA?",
            asked_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
        )
        opened = "offers_opened_at" in fields
        for supplier in (w["winner"], w["loser"]):
            Offer.objects.create(
                calloff=calloff,
                supplier=supplier,
                submitted_by=bidder,
                sealed_content=SECRET_TEXT,
                sha256="0" * 64,
                size_bytes=len(SECRET_TEXT),
                submitted_at=dt.datetime(2026, 3, 16, 9, 0, tzinfo=UTC),
                opened_price_amount=SECRET_PRICE if opened else None,
            )
    if "award_decided_at" in fields:
        Award.objects.create(
            calloff=calloff,
            supplier=w["winner"],
            contract=w["contracts"][w["winner"].name],
            offer=calloff.offers.filter(supplier=w["winner"]).first(),
            value_amount=Decimal("2100000.00"),
            justification="Best forhold mellom pris og kvalitet.",
            decided_by=w["approver"],
            decided_at=DECIDED,
        )
    return CallOff.objects.get(pk=calloff.pk), now
