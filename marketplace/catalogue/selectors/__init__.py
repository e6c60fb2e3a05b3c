"""Every read of the catalogue, one module per area; this package re-exports them as `selectors.<name>`."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.catalogue.selectors.frameworks import framework_get, framework_list
from marketplace.catalogue.selectors.listings import (
    certification_flags,
    contract_list_open_for_supplier,
    price_list_for_contract,
    service_get_listing_visible_to,
    service_get_versions_visible_to,
    service_list_awaiting_approval,
    service_list_certificates_expiring,
    service_list_for_supplier,
    service_version_get,
    service_version_list,
    shortlist_get_visible_to,
    shortlist_item_get,
    shortlist_items,
    shortlist_list_for,
    shortlist_snapshot_get,
)
from marketplace.catalogue.selectors.search import (
    Facet,
    FacetOption,
    SearchResult,
    service_get_published,
    service_search,
    services_for_compare,
)


def service_list_published() -> QuerySet[Service]:
    return Service.objects.filter(status=ServiceStatus.PUBLISHED).select_related(
        "contract__supplier", "contract__lot", "contract__framework"
    )


__all__ = [
    "Facet",
    "FacetOption",
    "SearchResult",
    "certification_flags",
    "contract_list_open_for_supplier",
    "framework_get",
    "framework_list",
    "price_list_for_contract",
    "service_get_listing_visible_to",
    "service_get_published",
    "service_get_versions_visible_to",
    "service_list_awaiting_approval",
    "service_list_certificates_expiring",
    "service_list_for_supplier",
    "service_list_published",
    "service_search",
    "service_version_get",
    "service_version_list",
    "services_for_compare",
    "shortlist_get_visible_to",
    "shortlist_item_get",
    "shortlist_items",
    "shortlist_list_for",
    "shortlist_snapshot_get",
]
