"""Reads for the supplier register. Everything here is public (published facts about framework suppliers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.catalogue.models import Contract, FrameworkAgreement, Lot, Service, ServiceStatus
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.rules import is_current


def supplier_list(*, framework_id: int | None = None, registered_only: bool = True) -> QuerySet[Organisation]:
    """The register: suppliers holding a framework contract, and the partners reselling for them.

    Each with its contracts (framework, lot), contract count and published service count. Other supplier-form
    organisations (say, imported from Enhetsregisteret) are not listed until they hold a contract or partnership;
    `registered_only=False` includes them.
    """
    contracts = Contract.objects.filter(supplier=OuterRef("pk"))
    services = Service.objects.filter(contract__supplier=OuterRef("pk"), status=ServiceStatus.PUBLISHED)
    queryset = (
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)
        .annotate(
            contract_count=Coalesce(
                Subquery(
                    contracts.order_by().values("supplier").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            published_service_count=Coalesce(
                Subquery(
                    services.order_by().values("contract__supplier").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .prefetch_related(
            Prefetch(
                "contracts",
                queryset=Contract.objects.select_related("framework", "lot").order_by(
                    "framework__name", "lot__number"
                ),
            )
        )
        .order_by("name")
    )
    if registered_only:
        queryset = queryset.filter(
            Q(pk__in=Contract.objects.values("supplier")) | Q(pk__in=Reseller.objects.values("partner"))
        )
    if framework_id is not None:
        queryset = queryset.filter(
            pk__in=Contract.objects.filter(framework_id=framework_id).values("supplier")
        )
    return queryset


def supplier_frameworks(supplier: Organisation) -> list[FrameworkAgreement]:
    """Distinct frameworks of a supplier from its prefetched contracts, in name order."""
    seen: dict[int, FrameworkAgreement] = {}
    for contract in supplier.contracts.all():
        seen.setdefault(contract.framework_id, contract.framework)
    return sorted(seen.values(), key=lambda f: f.name)


def framework_choices() -> QuerySet[FrameworkAgreement]:
    return FrameworkAgreement.objects.filter(contracts__isnull=False).distinct().order_by("name")


def supplier_get(pk: int) -> Organisation:
    supplier = Organisation.objects.filter(pk=pk, kind=OrganisationKind.SUPPLIER).first()
    if supplier is None:
        raise Http404("Supplier not found")
    return supplier


@dataclass
class LotContracts:
    lot: Lot
    contract: Contract
    supplier_count: int


@dataclass
class FrameworkContracts:
    framework: FrameworkAgreement
    lots: list[LotContracts] = field(default_factory=list)


def supplier_contracts_by_framework(supplier: Organisation) -> list[FrameworkContracts]:
    contracts = (
        Contract.objects.filter(supplier=supplier)
        .select_related("framework", "lot")
        .annotate(lot_supplier_count=Count("lot__contracts", distinct=True))
        .order_by("framework__name", "lot__number")
    )
    grouped: dict[int, FrameworkContracts] = {}
    for contract in contracts:
        group = grouped.setdefault(contract.framework_id, FrameworkContracts(framework=contract.framework))
        group.lots.append(
            LotContracts(
                lot=contract.lot,
                contract=contract,
                supplier_count=contract.lot_supplier_count,
            )
        )
    return list(grouped.values())


def supplier_services_published(supplier: Organisation) -> QuerySet[Service]:
    return (
        Service.objects.filter(contract__supplier=supplier, status=ServiceStatus.PUBLISHED)
        .select_related("contract__framework", "contract__lot")
        .order_by("name")
    )


@dataclass
class ResellerRow:
    reseller: Reseller
    is_current: bool
    is_future: bool


def _rows(queryset: QuerySet[Reseller], today: date) -> list[ResellerRow]:
    return [
        ResellerRow(
            reseller=r,
            is_current=is_current(r.valid_from, r.valid_to, today),
            is_future=r.valid_from > today,
        )
        for r in queryset
    ]


def reseller_list_for_supplier(supplier: Organisation, *, today: date) -> list[ResellerRow]:
    """Partners that may sell this supplier's services: current first, then future, then expired."""
    queryset = Reseller.objects.filter(supplier=supplier).select_related("partner", "lot__framework")
    rows = _rows(queryset.order_by("partner__name", "lot__number", "-valid_from"), today)
    return sorted(rows, key=lambda row: (not row.is_current, not row.is_future))


def reseller_list_for_partner(partner: Organisation, *, today: date) -> list[ResellerRow]:
    """Suppliers whose services this organisation may resell."""
    queryset = Reseller.objects.filter(partner=partner).select_related("supplier", "lot__framework")
    rows = _rows(queryset.order_by("supplier__name", "lot__number", "-valid_from"), today)
    return sorted(rows, key=lambda row: (not row.is_current, not row.is_future))


def reseller_get(supplier: Organisation, pk: int) -> Reseller:
    reseller = Reseller.objects.filter(supplier=supplier, pk=pk).select_related("partner", "lot").first()
    if reseller is None:
        raise Http404("Reseller not found")
    return reseller


def mou_list_for_supplier(supplier: Organisation) -> QuerySet[MoU]:
    return MoU.objects.filter(supplier=supplier).order_by("-signed_on", "title")


def lots_of_supplier(supplier: Organisation) -> QuerySet[Lot]:
    return (
        Lot.objects.filter(contracts__supplier=supplier)
        .select_related("framework")
        .order_by("framework__name", "number")
    )


def partner_candidates(supplier: Organisation) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).exclude(pk=supplier.pk).order_by("name")
    )


def supplier_has_contract_on_lot(supplier: Organisation, lot: Lot) -> bool:
    return Contract.objects.filter(supplier=supplier, lot=lot).exists()
