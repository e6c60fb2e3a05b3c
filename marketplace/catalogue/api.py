"""Public catalogue API: frameworks and published services (same filters and facets as /tjenester/)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from marketplace.api import auth_optional
from marketplace.catalogue import selectors
from marketplace.catalogue.models import Service
from marketplace.catalogue.search import SearchParams
from marketplace.core.templatetags.sanitise import sanitise_html

router = Router(tags=["catalogue"])


class FrameworkOut(Schema):
    id: int
    name: str
    reference: str
    category: str
    starts_on: dt.date
    ends_on: dt.date
    max_value_amount: Decimal
    published_service_count: int


@router.get("/frameworks", response=list[FrameworkOut], auth=auth_optional)
def frameworks(request: HttpRequest) -> list[FrameworkOut]:
    return [
        FrameworkOut(
            id=f.pk,
            name=f.name,
            reference=f.reference,
            category=f.category,
            starts_on=f.starts_on,
            ends_on=f.ends_on,
            max_value_amount=f.max_value_amount,
            published_service_count=f.published_service_count,  # type: ignore[attr-defined]
        )
        for f in selectors.framework_list()
    ]


# --- Services ----------------------------------------------------------------------------------------------------

ServiceModelValue = Literal["iaas", "paas", "saas", "security", "advisory"]
LocationValue = Literal["norway", "eea", "third_country"]
CertificationValue = Literal[
    "iso27001", "iso27017", "iso27018", "iso27701", "iso22301", "iso9001", "iso14001", "soc2", "csa_star", "c5",
    "pci_dss",
]  # fmt: skip
PriceModelValue = Literal["payg", "per_user", "fixed", "commitment", "hourly"]
PhaseValue = Literal["f1", "f2", "f3"]
CloudValue = Literal["yes", "no"]
SortValue = Literal["relevance", "name", "price", "sla"]


class ServiceFilters(Schema):
    q: str = Field("", max_length=200, description="Fritekst (norsk eller engelsk); ord søkes som prefiks")
    framework: list[int] = Field([], description="Rammeavtale-id (flere = eller)")
    lot: list[int] = Field([], description="Delkontrakt-id")
    model: list[ServiceModelValue] = Field([], description="Tjenestemodell")
    supplier: list[int] = Field([], description="Leverandør (virksomhets-id)")
    location: list[LocationValue] = Field(
        [],
        description="Datalokasjon: norway = kun Norge; eea = i EØS inkl. Norge; third_country = tredjeland",
    )
    certification: list[CertificationValue] = Field([], description="Gyldig (ikke utløpt) sertifisering")
    price_model: list[PriceModelValue] = Field([], description="Prismodell")
    phase: list[PhaseValue] = Field([], description="CyberX-fase")
    cloud: list[CloudValue] = Field([], description="Er en skytjeneste etter NIST SP 800-145")
    sort: SortValue | None = Field(None, description="Standard: relevance med q, ellers name")
    page: int = Field(1, ge=1, le=100000)

    def params(self) -> SearchParams:
        return SearchParams(
            q=self.q.strip(),
            framework=tuple(sorted(set(self.framework))),
            lot=tuple(sorted(set(self.lot))),
            model=tuple(self.model),
            supplier=tuple(sorted(set(self.supplier))),
            location=tuple(self.location),
            certification=tuple(self.certification),
            price_model=tuple(self.price_model),
            phase=tuple(self.phase),
            cloud=tuple(self.cloud),
            sort=self.sort or "",
            page=self.page,
        )


class Ref(Schema):
    id: int
    name: str


class SupplierRef(Ref):
    orgnr: str


class LotRef(Schema):
    id: int
    number: int
    title: str


class DataLocationOut(Schema):
    country: str
    region: str


class CertificationOut(Schema):
    scheme: str
    label: str
    valid_until: dt.date
    is_expired: bool


class ServiceSummaryOut(Schema):
    id: int
    name: str
    summary: str
    url: str
    supplier: SupplierRef
    framework: Ref
    lot: LotRef
    service_model: str
    deployment_model: str
    is_cloud_service: bool
    data_residency: str
    data_locations: list[DataLocationOut]
    certifications: list[CertificationOut]
    price_model: str
    price_from_amount: Decimal | None
    price_unit: str
    sla_availability_percent: Decimal | None
    cyberx_phase: str


class SubProcessorOut(Schema):
    name: str
    country: str
    purpose: str


class PriceLineOut(Schema):
    sku: str
    description: str
    unit: str
    unit_price_amount: Decimal


class PriceListOut(Schema):
    version: int
    valid_from: dt.date
    lines: list[PriceLineOut]


class ServiceDetailOut(ServiceSummaryOut):
    description_html: str
    has_on_demand_self_service: bool
    has_broad_network_access: bool
    has_resource_pooling: bool
    has_rapid_elasticity: bool
    has_measured_service: bool
    sub_processors: list[SubProcessorOut]
    support_hours: str
    has_norwegian_support: bool
    has_english_support: bool
    export_formats: str
    egress_fee_per_gb_amount: Decimal | None
    exit_terms: str
    data_deletion_days: int | None
    wcag_statement_url: str
    price_list: PriceListOut | None
    published_at: dt.datetime | None


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    options: list[FacetOptionOut]


class ServiceSearchOut(Schema):
    count: int
    page: int
    num_pages: int
    page_size: int
    sort: str
    results: list[ServiceSummaryOut]
    facets: list[FacetOut]


def _summary(service: Service, today: dt.date) -> dict[str, object]:
    contract = service.contract
    return {
        "id": service.pk,
        "name": service.name,
        "summary": service.summary,
        "url": f"/tjenester/{service.pk}/",
        "supplier": {
            "id": contract.supplier_id,
            "name": contract.supplier.name,
            "orgnr": contract.supplier.orgnr,
        },
        "framework": {"id": contract.framework_id, "name": contract.framework.name},
        "lot": {"id": contract.lot_id, "number": contract.lot.number, "title": contract.lot.title},
        "service_model": service.service_model,
        "deployment_model": service.deployment_model,
        "is_cloud_service": bool(service.is_cloud_service),
        "data_residency": service.data_residency,
        "data_locations": [
            {"country": loc.country, "region": loc.region} for loc in service.data_locations.all()
        ],
        "certifications": [
            {
                "scheme": cert.scheme,
                "label": cert.get_scheme_display(),
                "valid_until": cert.valid_until,
                "is_expired": cert.valid_until < today,
            }
            for cert in service.certifications.all()
        ],
        "price_model": service.price_model,
        "price_from_amount": service.price_from_amount,
        "price_unit": service.price_unit,
        "sla_availability_percent": service.sla_availability_percent,
        "cyberx_phase": service.cyberx_phase,
    }


@router.get("/services", response=ServiceSearchOut, auth=auth_optional)
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, object]:
    """Published services with the filters, sorting, pagination (20 per page) and facet counts of /tjenester/."""
    today = timezone.localdate()
    result = selectors.service_search(filters.params(), today=today)
    return {
        "count": result.total,
        "page": result.page,
        "num_pages": result.num_pages,
        "page_size": result.page_size,
        "sort": result.sort,
        "results": [_summary(service, today) for service in result.services],
        "facets": [
            {
                "name": facet.name,
                "label": facet.label,
                "options": [
                    {"value": o.value, "label": o.label, "count": o.count, "selected": o.is_selected}
                    for o in facet.options
                ],
            }
            for facet in result.facets
        ],
    }


@router.get("/services/{service_id}", response=ServiceDetailOut, auth=auth_optional)
def service(request: HttpRequest, service_id: int) -> dict[str, object]:
    """One published service with all its compliance facts; 404 when missing or not published."""
    today = timezone.localdate()
    found = selectors.service_get_published(service_id)
    price_list = found.price_list
    return {
        **_summary(found, today),
        "description_html": sanitise_html(found.description),
        "has_on_demand_self_service": found.has_on_demand_self_service,
        "has_broad_network_access": found.has_broad_network_access,
        "has_resource_pooling": found.has_resource_pooling,
        "has_rapid_elasticity": found.has_rapid_elasticity,
        "has_measured_service": found.has_measured_service,
        "sub_processors": [
            {"name": p.name, "country": p.country, "purpose": p.purpose} for p in found.sub_processors.all()
        ],
        "support_hours": found.support_hours,
        "has_norwegian_support": found.has_norwegian_support,
        "has_english_support": found.has_english_support,
        "export_formats": found.export_formats,
        "egress_fee_per_gb_amount": found.egress_fee_per_gb_amount,
        "exit_terms": found.exit_terms,
        "data_deletion_days": found.data_deletion_days,
        "wcag_statement_url": found.wcag_statement_url,
        "price_list": (
            {
                "version": price_list.version,
                "valid_from": price_list.valid_from,
                "lines": [
                    {
                        "sku": line.sku,
                        "description": line.description,
                        "unit": line.unit,
                        "unit_price_amount": line.unit_price_amount,
                    }
                    for line in price_list.lines.all()
                ],
            }
            if price_list is not None
            else None
        ),
        "published_at": found.published_at,
    }
