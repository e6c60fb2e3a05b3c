"""A small known data set of call-offs for the statistics tests (set-up rows built with factories; the figures the
tests expect are worked out by hand in the docstring of `world`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, UserFactory
from marketplace.calloffs.models import Award, Complaint, Offer
from marketplace.calloffs.tests.factories import CallOffFactory
from marketplace.catalogue.models import Mechanism
from marketplace.catalogue.tests.factories import ContractFactory, FrameworkFactory, LotFactory

UTC = dt.UTC


def at(month: int, day: int, *, plus_days: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=UTC) + dt.timedelta(days=plus_days)


@dataclass
class World:
    cips: Any
    crs: Any
    suppliers: dict[str, Any]
    buyers: list[Any]
    calloffs: dict[str, Any]


def _offer(calloff: Any, supplier: Any, price: str, user: Any, **extra: Any) -> Offer:
    return Offer.objects.create(
        calloff=calloff,
        supplier=supplier,
        submitted_by=user,
        sealed_content=b"x",
        sha256="0" * 64,
        size_bytes=1,
        submitted_at=calloff.created_at + dt.timedelta(days=5),
        opened_price_amount=Decimal(price),
        **extra,
    )


def world() -> World:
    """Framework «CIPS» (suppliers S1–S4 on lot 1) and «CRS» (S5 only):

    ref  fw    route  buyer  created      signed after  estimate    award
    A1   CIPS  mini   B1     5 Jan        30 days       1 000 000   S1   800 000 (offers S1 800k, S2 900k, S3 1m,
                                                                     S4 100k rejected)
    A2   CIPS  mini   B2     10 Jan       40 days       2 000 000   S2 1 500 000 (offers S2 1.5m, S1 1.6m, S4 2m);
                                                                     one complaint
    A3   CIPS  desk   B1     1 Feb        10 days         500 000   S1   450 000
    A4   CIPS  direct B2     15 Feb       5 days          300 000   S3   300 000
    A5   CIPS  direct B1     20 Feb       –               400 000   –
    A6   CIPS  mini   B1     cancelled (offers S1 10k, S2 20k) – not counted
    A7   CIPS  mini   B2     draft (never published) – not counted
    K1   CRS   direct B1     20 Jan       7 days          200 000   S5   200 000
    K2   CRS   direct B2     3 Feb        –               100 000   S5   100 000
    """
    user = UserFactory()
    suppliers = {
        name: SupplierFactory(name=f"Leverandør {name} AS") for name in ("S1", "S2", "S3", "S4", "S5")
    }
    buyers = [OrganisationFactory(name="Statens vegvesen"), OrganisationFactory(name="Oslo kommune")]
    cips = FrameworkFactory(name="CIPS")
    crs = FrameworkFactory(name="CRS")
    cips_lot = LotFactory(framework=cips, number=1, title="Infrastruktur")
    crs_lot = LotFactory(framework=crs, number=1, title="Cyber Risk Score")
    contracts = {
        name: ContractFactory(lot=cips_lot, supplier=suppliers[name]) for name in ("S1", "S2", "S3", "S4")
    }
    contracts["S5"] = ContractFactory(lot=crs_lot, supplier=suppliers["S5"])

    def calloff(
        ref: str, lot: Any, mechanism: str, buyer: int, created: dt.datetime, estimate: str, **extra: Any
    ):
        values = {"published_at": created + dt.timedelta(days=1), **extra}
        return CallOffFactory(
            reference=ref,
            lot=lot,
            mechanism=mechanism,
            buyer=buyers[buyer],
            created_by=user,
            created_at=created,
            estimated_value_amount=Decimal(estimate),
            **values,
        )

    def award(item: Any, supplier: str, value: str, signed_after: int | None) -> None:
        decided = item.created_at + dt.timedelta(days=max((signed_after or 20) - 3, 1))
        Award.objects.create(
            calloff=item,
            supplier=suppliers[supplier],
            contract=contracts[supplier],
            value_amount=Decimal(value),
            justification="Beste tilbud.",
            decided_by=user,
            decided_at=decided,
        )
        item.award_decided_at = decided
        if signed_after is not None:
            item.contract_signed_at = item.created_at + dt.timedelta(days=signed_after)
        item.save()

    calloffs = {
        "A1": calloff("A1", cips_lot, Mechanism.MINI_COMPETITION, 0, at(1, 5), "1000000"),
        "A2": calloff("A2", cips_lot, Mechanism.MINI_COMPETITION, 1, at(1, 10), "2000000"),
        "A3": calloff("A3", cips_lot, Mechanism.DESK, 0, at(2, 1), "500000"),
        "A4": calloff("A4", cips_lot, Mechanism.DIRECT, 1, at(2, 15), "300000"),
        "A5": calloff("A5", cips_lot, Mechanism.DIRECT, 0, at(2, 20), "400000"),
        "A6": calloff(
            "A6",
            cips_lot,
            Mechanism.MINI_COMPETITION,
            0,
            at(1, 7),
            "900000",
            cancelled_at=at(1, 20),
            cancel_reason="Behovet falt bort.",
        ),
        "A7": calloff("A7", cips_lot, Mechanism.MINI_COMPETITION, 1, at(2, 2), "700000", published_at=None),
        "K1": calloff("K1", crs_lot, Mechanism.DIRECT, 0, at(1, 20), "200000"),
        "K2": calloff("K2", crs_lot, Mechanism.DIRECT, 1, at(2, 3), "100000"),
    }
    _offer(calloffs["A1"], suppliers["S1"], "800000", user)
    _offer(calloffs["A1"], suppliers["S2"], "900000", user)
    _offer(calloffs["A1"], suppliers["S3"], "1000000", user)
    _offer(
        calloffs["A1"],
        suppliers["S4"],
        "100000",
        user,
        rejected_at=at(1, 20),
        rejected_by=user,
        rejection_reason="Oppfyller ikke kravene.",
    )
    _offer(calloffs["A2"], suppliers["S2"], "1500000", user)
    _offer(calloffs["A2"], suppliers["S1"], "1600000", user)
    _offer(calloffs["A2"], suppliers["S4"], "2000000", user)
    _offer(calloffs["A6"], suppliers["S1"], "10000", user)
    _offer(calloffs["A6"], suppliers["S2"], "20000", user)
    award(calloffs["A1"], "S1", "800000", 30)
    award(calloffs["A2"], "S2", "1500000", 40)
    award(calloffs["A3"], "S1", "450000", 10)
    award(calloffs["A4"], "S3", "300000", 5)
    award(calloffs["K1"], "S5", "200000", 7)
    award(calloffs["K2"], "S5", "100000", None)
    Complaint.objects.create(
        calloff=calloffs["A2"],
        complainant=suppliers["S1"],
        description="Klage på evalueringen.",
        received_at=at(2, 20),
        recorded_by=user,
    )
    return World(cips=cips, crs=crs, suppliers=suppliers, buyers=buyers, calloffs=calloffs)
