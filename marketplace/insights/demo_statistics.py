"""Historical call-offs for the statistics pages: the demo (a few hundred) and the benchmark (100,000) use the same
generator. Rows are built directly with bulk_create (set-up data, not behaviour: the call-off services are tested
in their own app); the distribution is realistic: more direct awards than competitions, values skewed towards
small call-offs, a few large suppliers winning most, offers only where a competition was held.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Organisation
from marketplace.calloffs.models import Award, CallOff, Complaint, Offer, ProcurementPart
from marketplace.catalogue.models import Contract, Mechanism
from marketplace.core.demo import DemoResult

DEMO_PREFIX = "AV-HIST-"
MECHANISMS = [(Mechanism.DIRECT, 45), (Mechanism.DESK, 30), (Mechanism.MINI_COMPETITION, 25)]
TITLES = [
    "Objektlagring for arkiv",
    "Skyplattform for fagsystem",
    "Kontorstøtte og samhandling",
    "Sikkerhetskopi som tjeneste",
    "Kubernetes-plattform for utviklingsteam",
    "Cyber Risk Score for virksomheten",
    "Trusseletterretning",
    "Sikkerhetsopplæring for ansatte",
    "FinOps-verktøy for kostnadsstyring",
    "Analyseplattform for statistikk",
]


def _part(value: Decimal) -> str:
    if value < 100_000:
        return ProcurementPart.BELOW
    if value < 1_300_000:
        return ProcurementPart.PART_I
    if value < 2_300_000:
        return ProcurementPart.PART_II
    return ProcurementPart.PART_III


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, -2))).quantize(Decimal("0.01"))


def generate(
    n: int, *, prefix: str, seed: int = 2026, now: dt.datetime | None = None, batch_size: int = 5000
) -> int:
    """Create n call-offs (with awards, offers and a few complaints) spread over the 24 months before `now`.
    Needs frameworks with lots and contracts, buyer organisations and a user; returns how many were created."""
    rng = random.Random(seed)  # noqa: S311  (demo data, not security)
    now = now or timezone.now()
    contracts = list(Contract.objects.select_related("lot").order_by("pk"))
    buyers = [organisation for organisation in Organisation.objects.order_by("pk") if organisation.is_buyer]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.order_by("pk").first()
    if not contracts or not buyers or user is None:
        return 0
    by_lot: dict[int, list[Contract]] = {}
    for contract in contracts:
        by_lot.setdefault(contract.lot_id, []).append(contract)
    lots = list(by_lot)
    lot_weights = [len(by_lot[lot]) for lot in lots]
    mechanisms, mechanism_weights = zip(*MECHANISMS, strict=True)
    sealed = b"demo"
    digest = hashlib.sha256(sealed).hexdigest()
    created = 0
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        calloffs, plans = [], []
        for i in range(start, start + size):
            lot_contracts = by_lot[rng.choices(lots, lot_weights)[0]]
            contract = lot_contracts[0]
            mechanism = rng.choices(mechanisms, mechanism_weights)[0]
            created_at = now - dt.timedelta(days=rng.uniform(5, 730), hours=rng.uniform(0, 8))
            estimate = _money(min(rng.lognormvariate(13.5, 1.1), 60_000_000))
            is_cancelled = rng.random() < 0.03
            is_awarded = not is_cancelled and created_at < now - dt.timedelta(days=20) and rng.random() < 0.85
            fast = mechanism == Mechanism.DIRECT
            decided_at = created_at + dt.timedelta(days=rng.uniform(3, 20) if fast else rng.uniform(20, 70))
            is_signed = is_awarded and rng.random() < 0.9
            signed_at = decided_at + dt.timedelta(days=rng.uniform(1, 5) if fast else rng.uniform(11, 30))
            calloffs.append(
                CallOff(
                    reference=f"{prefix}{i + 1:07d}",
                    buyer=rng.choice(buyers),
                    created_by=user,
                    framework_id=contract.framework_id,
                    lot_id=contract.lot_id,
                    mechanism=mechanism,
                    title=rng.choice(TITLES),
                    description="Behov registrert i Markedsplassen.",
                    estimated_value_amount=estimate,
                    period_starts_on=(created_at + dt.timedelta(days=90)).date(),
                    period_ends_on=(created_at + dt.timedelta(days=90 + 365 * 2)).date(),
                    procurement_part=_part(estimate),
                    created_at=created_at,
                    published_at=created_at + dt.timedelta(days=rng.uniform(0.5, 3)),
                    offers_opened_at=decided_at - dt.timedelta(days=2)
                    if mechanism != Mechanism.DIRECT
                    else None,
                    award_decided_at=decided_at if is_awarded else None,
                    standstill_ends_at=decided_at + dt.timedelta(days=10) if is_awarded else None,
                    contract_signed_at=signed_at if is_signed and signed_at < now else None,
                    cancelled_at=created_at + dt.timedelta(days=10) if is_cancelled else None,
                    cancel_reason="Behovet falt bort." if is_cancelled else "",
                )
            )
            # winner: the top-ranked supplier wins most often (supplier power)
            weights = [1 / (rank + 1) ** 1.3 for rank in range(len(lot_contracts))]
            bidders = (
                rng.sample(lot_contracts, k=min(len(lot_contracts), rng.randint(2, 5)))
                if mechanism == Mechanism.MINI_COMPETITION
                else []
            )
            winner = rng.choices(bidders or lot_contracts, weights[: len(bidders)] if bidders else weights)[0]
            plans.append((is_awarded, winner, bidders, estimate, decided_at))
        with transaction.atomic():
            CallOff.objects.bulk_create(calloffs, batch_size=1000)
            awards, offers, complaints = [], [], []
            for calloff, (is_awarded, winner, bidders, estimate, decided_at) in zip(
                calloffs, plans, strict=True
            ):
                prices = {bidder.pk: _money(float(estimate) * rng.uniform(0.7, 1.1)) for bidder in bidders}
                for bidder in bidders:
                    offers.append(
                        Offer(
                            calloff=calloff,
                            supplier_id=bidder.supplier_id,
                            submitted_by=user,
                            sealed_content=sealed,
                            sha256=digest,
                            size_bytes=len(sealed),
                            submitted_at=decided_at - dt.timedelta(days=3),
                            opened_price_amount=prices[bidder.pk],
                        )
                    )
                if not is_awarded:
                    continue
                value = prices.get(winner.pk) or _money(float(estimate) * rng.uniform(0.8, 1.02))
                awards.append(
                    Award(
                        calloff=calloff,
                        supplier_id=winner.supplier_id,
                        contract=winner,
                        value_amount=value,
                        justification="Beste forhold mellom pris og kvalitet.",
                        decided_by=user,
                        decided_at=decided_at,
                    )
                )
                if bidders and rng.random() < 0.04:
                    loser = next((bidder for bidder in bidders if bidder.pk != winner.pk), None)
                    if loser is not None:
                        complaints.append(
                            Complaint(
                                calloff=calloff,
                                complainant_id=loser.supplier_id,
                                description="Klage på evalueringen av kvalitet.",
                                received_at=decided_at + dt.timedelta(days=4),
                                recorded_by=user,
                                resolved_at=decided_at + dt.timedelta(days=9),
                                resolution="Klagen ble ikke tatt til følge.",
                            )
                        )
            Offer.objects.bulk_create(offers, batch_size=2000)
            Award.objects.bulk_create(awards, batch_size=2000)
            Complaint.objects.bulk_create(complaints, batch_size=2000)
        created += size
    return created


def seed(result: DemoResult) -> None:
    if not CallOff.objects.filter(reference__startswith=DEMO_PREFIX).exists():
        generate(400, prefix=DEMO_PREFIX)
    result.counts["insights_history_calloffs"] = CallOff.objects.filter(
        reference__startswith=DEMO_PREFIX
    ).count()


def register() -> None:
    from marketplace.core import demo

    demo.register("insights.statistics", seed, order=91)


__all__: list[Any] = ["generate", "register", "seed"]
