"""Set-up for the common and direct call-off tests: a framework with a lot, ranked contracts and mechanisms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Contract, FrameworkAgreement, FrameworkMechanism, Lot, Mechanism
from marketplace.catalogue.tests.factories import ContractFactory, FrameworkFactory, LotFactory

# A fixed instant inside the factories' framework and contract validity (2025-01-01 .. 2028-12-31).
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)

DIRECT_RULE = (
    "Direkte avrop til høyest rangerte leverandør når behovet dekkes av standardtjenester under 500 000 kr."
)
DESK_RULE = "Skrivebordskonkurranse på prislistens enheter."
MINI_RULE = "Minikonkurranse ved tilpasning, særskilte krav eller verdi over grensen."


@dataclass
class World:
    framework: FrameworkAgreement
    lot: Lot
    contracts: list[Contract]


def world(
    buyer: Organisation | None,
    *,
    mechanisms: tuple[tuple[str, str, str | None], ...] = (
        (Mechanism.DIRECT, DIRECT_RULE, "500000"),
        (Mechanism.DESK, DESK_RULE, "1300000"),
        (Mechanism.MINI_COMPETITION, MINI_RULE, None),
    ),
    suppliers: int = 3,
    max_value: str = "10000000",
) -> World:
    framework = FrameworkFactory(max_value_amount=Decimal(max_value))
    if buyer is not None:
        framework.participants.add(buyer)
    for mechanism, rule, limit in mechanisms:
        FrameworkMechanism.objects.create(
            framework=framework,
            mechanism=mechanism,
            objective_rule=rule,
            max_value_amount=Decimal(limit) if limit else None,
        )
    lot = LotFactory(framework=framework, number=1, title="IaaS")
    contracts = [ContractFactory(lot=lot, rank=rank) for rank in range(1, suppliers + 1)]
    return World(framework=framework, lot=lot, contracts=contracts)


def need(w: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "framework": w.framework,
        "lot": w.lot,
        "title": "Lagring for fagsystem",
        "description": "Objektlagring for hydrologiske data.",
        "estimated_value_amount": Decimal("400000"),
        "period_starts_on": dt.date(2026, 9, 1),
        "period_ends_on": dt.date(2027, 8, 31),
        "needs_customisation": False,
        "has_special_requirements": False,
    }
    data.update(overrides)
    return data
