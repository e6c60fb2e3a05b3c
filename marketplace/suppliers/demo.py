"""Demo partners (resellers) and MoUs for the supplier register. Runs after the catalogue seeder.

Works on whatever framework contracts exist: the first contracts (by framework, lot and rank) get two invented
reseller partners — one agreement in force and one that has expired — and the first two contract suppliers a MoU.
Idempotent: existing agreements and MoUs are left alone.
"""

from __future__ import annotations

import datetime as dt

from stdnum.no import orgnr as stdnum_orgnr

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.accounts.services import organisation_create
from marketplace.catalogue.models import Contract
from marketplace.core.demo import DemoResult
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.services import mou_create, reseller_create, today_local

PARTNERS = [(1, "Fjordpartner AS"), (2, "Nordlys IT-forhandler AS")]
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


def partner_orgnr(n: int) -> str:
    base = 94_000_000 + n * 211
    while True:
        for check in range(10):
            candidate = f"{base:08d}{check}"
            if stdnum_orgnr.is_valid(candidate):
                return candidate
        base += 1


def _partner(n: int, name: str, result: DemoResult) -> Organisation:
    orgnr = partner_orgnr(n)
    organisation = Organisation.objects.filter(orgnr=orgnr).first()
    if organisation is None:
        organisation = organisation_create(
            actor=None, orgnr=orgnr, name=name, kind=OrganisationKind.SUPPLIER, organisation_form="AS"
        )
    result.organisations.append({"orgnr": orgnr, "name": organisation.name, "kind": organisation.kind})
    return organisation


def seed(result: DemoResult) -> None:
    partners = [_partner(n, name, result) for n, name in PARTNERS]
    today = today_local()
    contracts = list(
        Contract.objects.select_related("supplier", "lot")
        .exclude(supplier__in=partners)
        .order_by("framework__name", "lot__number", "rank", "supplier__name")[:3]
    )
    for contract in contracts:
        current_partner, expired_partner = partners
        if not Reseller.objects.filter(
            supplier=contract.supplier, partner=current_partner, lot=contract.lot
        ).exists():
            reseller_create(
                actor=None,
                supplier=contract.supplier,
                partner=current_partner,
                lot=contract.lot,
                valid_from=max(contract.valid_from, today - dt.timedelta(days=180)),
                valid_to=contract.valid_to,
            )
        expired_from = contract.valid_from
        expired_to = min(contract.valid_to, today - dt.timedelta(days=30))
        if (
            expired_to >= expired_from
            and not Reseller.objects.filter(
                supplier=contract.supplier, partner=expired_partner, lot=contract.lot
            ).exists()
        ):
            reseller_create(
                actor=None,
                supplier=contract.supplier,
                partner=expired_partner,
                lot=contract.lot,
                valid_from=expired_from,
                valid_to=expired_to,
            )
    suppliers = []
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
