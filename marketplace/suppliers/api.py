"""Public supplier register API: GET /api/v1/suppliers and /api/v1/suppliers/{id}."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from marketplace.accounts.models import Organisation
from marketplace.api import auth_optional
from marketplace.catalogue.models import Contract
from marketplace.suppliers import selectors
from marketplace.suppliers.services import today_local

router = Router(tags=["suppliers"])


class ContractOut(Schema):
    reference: str
    framework_id: int
    framework: str
    lot_id: int
    lot_number: int
    lot_title: str
    rank: int | None
    valid_from: date
    valid_to: date


class SupplierOut(Schema):
    id: int
    orgnr: str
    name: str
    is_bankrupt: bool
    is_under_liquidation: bool
    published_service_count: int
    contracts: list[ContractOut]


class OrganisationRef(Schema):
    id: int
    orgnr: str
    name: str


class ResellerOut(Schema):
    id: int
    partner: OrganisationRef
    supplier: OrganisationRef
    lot_id: int
    framework: str
    lot_number: int
    valid_from: date
    valid_to: date | None
    is_current: bool


class MoUOut(Schema):
    title: str
    summary: str
    signed_on: date
    expires_on: date | None


class SupplierDetailOut(SupplierOut):
    organisation_form: str
    municipality: str
    website: str
    resellers: list[ResellerOut]
    resells_for: list[ResellerOut]
    mous: list[MoUOut]


class SupplierFilter(Schema):
    framework: int | None = None


def _contract(contract: Contract) -> ContractOut:
    return ContractOut(
        reference=contract.reference,
        framework_id=contract.framework_id,
        framework=contract.framework.name,
        lot_id=contract.lot_id,
        lot_number=contract.lot.number,
        lot_title=contract.lot.title,
        rank=contract.rank,
        valid_from=contract.valid_from,
        valid_to=contract.valid_to,
    )


def _ref(organisation: Organisation) -> OrganisationRef:
    return OrganisationRef(id=organisation.pk, orgnr=organisation.orgnr, name=organisation.name)


def _reseller(row: selectors.ResellerRow) -> ResellerOut:
    r = row.reseller
    return ResellerOut(
        id=r.pk,
        partner=_ref(r.partner),
        supplier=_ref(r.supplier),
        lot_id=r.lot_id,
        framework=r.lot.framework.name,
        lot_number=r.lot.number,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
        is_current=row.is_current,
    )


def _supplier_fields(supplier: Organisation) -> dict[str, Any]:
    return {
        "id": supplier.pk,
        "orgnr": supplier.orgnr,
        "name": supplier.name,
        "is_bankrupt": supplier.is_bankrupt,
        "is_under_liquidation": supplier.is_under_liquidation,
        "published_service_count": supplier.published_service_count,  # type: ignore[attr-defined]
        "contracts": [_contract(c) for c in supplier.contracts.all()],
    }


@router.get("/suppliers", response=list[SupplierOut], auth=auth_optional, summary="Framework suppliers")
def supplier_list(request: HttpRequest, filters: Query[SupplierFilter]) -> list[SupplierOut]:
    """Suppliers with their contracts; `framework` narrows to one framework agreement."""
    return [
        SupplierOut(**_supplier_fields(s)) for s in selectors.supplier_list(framework_id=filters.framework)
    ]


@router.get(
    "/suppliers/{supplier_id}", response=SupplierDetailOut, auth=auth_optional, summary="One supplier"
)
def supplier_detail(request: HttpRequest, supplier_id: int) -> SupplierDetailOut:
    """One supplier with contracts, resellers (both directions) and MoUs."""
    supplier = selectors.supplier_list(registered_only=False).filter(pk=supplier_id).first()
    if supplier is None:
        raise Http404("Supplier not found")
    today = today_local()
    return SupplierDetailOut(
        **_supplier_fields(supplier),
        organisation_form=supplier.organisation_form,
        municipality=supplier.municipality,
        website=supplier.website,
        resellers=[_reseller(row) for row in selectors.reseller_list_for_supplier(supplier, today=today)],
        resells_for=[_reseller(row) for row in selectors.reseller_list_for_partner(supplier, today=today)],
        mous=[
            MoUOut(title=m.title, summary=m.summary, signed_on=m.signed_on, expires_on=m.expires_on)
            for m in selectors.mou_list_for_supplier(supplier)
        ],
    )
