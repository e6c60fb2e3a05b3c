"""Demo partners (resellers) and MoUs for the supplier register. Runs after the catalogue seeder.

Works on whatever framework contracts exist and creates no organisations: for the top contract (by lot and
rank) of each of the first three frameworks, two other suppliers without a contract on that lot become
partners — one agreement in force and one that has expired — and the first two of those suppliers get a MoU.
Idempotent: existing agreements and MoUs are left alone.
"""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.catalogue.models import Contract
from marketplace.core.demo import DemoResult
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.services import mou_create, reseller_create, today_local

MOUS = [
    (
        "Lisensvilkår for offentlig sektor",
        "Felles tolkning av lisensvilkårene ved avrop fra statlige og kommunale virksomheter.",
    ),
    (
        "Datalokasjon og exit",
        "Avklaring av datalokasjon i Norge/EØS og vilkår for uttak av data ved avslutning.",
    ),
]


def _partners_for(contract: Contract) -> list[Organisation]:
    """Two suppliers that hold no contract on the contract's lot (stable order)."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)
        .exclude(pk__in=Contract.objects.filter(lot=contract.lot).values("supplier"))
        .order_by("name")[:2]
    )


def _ensure_reseller(
    contract: Contract, partner: Organisation, valid_from: dt.date, valid_to: dt.date
) -> None:
    if valid_to < valid_from:
        return
    if Reseller.objects.filter(supplier=contract.supplier, partner=partner, lot=contract.lot).exists():
        return
    reseller_create(
        actor=None,
        supplier=contract.supplier,
        partner=partner,
        lot=contract.lot,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def seed(result: DemoResult) -> None:
    today = today_local()
    contracts: list[Contract] = []
    seen_frameworks: set[int] = set()
    for contract in Contract.objects.select_related("supplier", "lot").order_by(
        "framework__name", "lot__number", "rank", "supplier__name"
    ):
        if contract.framework_id not in seen_frameworks:  # the top contract of each of three frameworks
            seen_frameworks.add(contract.framework_id)
            contracts.append(contract)
        if len(contracts) == 3:
            break
    for contract in contracts:
        partners = _partners_for(contract)
        if len(partners) >= 1:  # in force: from half a year ago (or the contract start) to the contract end
            start = max(contract.valid_from, today - dt.timedelta(days=180))
            _ensure_reseller(contract, partners[0], start, contract.valid_to)
        if len(partners) >= 2:  # expired a month ago
            _ensure_reseller(
                contract,
                partners[1],
                contract.valid_from,
                min(contract.valid_to, today - dt.timedelta(days=30)),
            )
    suppliers: list[Organisation] = []
    for contract in contracts:
        if contract.supplier not in suppliers:
            suppliers.append(contract.supplier)
    for supplier, (title, summary) in zip(suppliers[:2], MOUS, strict=False):
        if not MoU.objects.filter(supplier=supplier, title=title).exists():
            mou_create(
                actor=None,
                supplier=supplier,
                title=title,
                summary=summary,
                signed_on=today - dt.timedelta(days=90),
            )
    result.counts["resellers"] = Reseller.objects.count()
    result.counts["mous"] = MoU.objects.count()
