"""Reads for the listing workflow (supplier dashboard, approval queue, versions) and shortlists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from marketplace.accounts.models import Organisation
from marketplace.catalogue import permissions, rules
from marketplace.catalogue.models import (
    Contract,
    PriceList,
    Service,
    ServiceStatus,
    ServiceVersion,
    Shortlist,
    ShortlistItem,
    ShortlistSnapshot,
)

# --- listings (supplier dashboard, approval queue, versions) ------------------------------------------------------


def _listing_queryset() -> QuerySet[Service]:
    return Service.objects.select_related(
        "contract__supplier", "contract__lot", "contract__framework", "submitted_by"
    ).prefetch_related("data_locations", "certifications", "sub_processors")


def service_list_for_supplier(organisation: Organisation) -> QuerySet[Service]:
    return _listing_queryset().filter(contract__supplier=organisation).order_by("status", "name")


def service_get_listing_visible_to(user: Any, pk: int) -> Service:
    """A service with its drafts and pending edits, for its supplier's people and category managers; else 404."""
    service = _listing_queryset().filter(pk=pk).first()
    if service is None or not permissions.can_view_service_listing(user, service):
        raise Http404
    return service


def service_list_awaiting_approval() -> QuerySet[Service]:
    return (
        _listing_queryset()
        .filter(
            Q(status=ServiceStatus.SUBMITTED) | (Q(status=ServiceStatus.PUBLISHED) & ~Q(pending_changes={}))
        )
        .order_by("submitted_at", "pk")
    )


def service_get_versions_visible_to(user: Any, pk: int) -> Service:
    service = Service.objects.select_related("contract__supplier").filter(pk=pk).first()
    if service is None or not permissions.can_view_service_versions(user, service):
        raise Http404
    return service


def service_version_list(service: Service) -> QuerySet[ServiceVersion]:
    return service.versions.select_related("approved_by", "submitted_by").order_by("-number")


def service_version_get(service: Service, number: int) -> ServiceVersion:
    version = service_version_list(service).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def contract_list_open_for_supplier(organisation: Organisation, today: date) -> QuerySet[Contract]:
    return (
        Contract.objects.select_related("framework", "lot")
        .filter(supplier=organisation, valid_from__lte=today, valid_to__gte=today)
        .order_by("framework__name", "lot__number")
    )


def price_list_for_contract(contract: Contract) -> QuerySet[PriceList]:
    return PriceList.objects.filter(contract=contract).order_by("-version")


def service_list_certificates_expiring(
    today: date, *, within_days: int = rules.EXPIRY_WARNING_DAYS, include_expired: bool = False
) -> QuerySet[Service]:
    """Listed (not withdrawn) services with a certificate that ends within `within_days` (or has ended)."""
    limit = today + timedelta(days=within_days)
    window = Q(certifications__valid_until__lte=limit)
    if not include_expired:
        window &= Q(certifications__valid_until__gte=today)
    return (
        Service.objects.exclude(status=ServiceStatus.WITHDRAWN)
        .filter(window)
        .select_related("contract__supplier")
        .annotate(first_expiry_on=Min("certifications__valid_until"))
        .order_by("first_expiry_on", "name", "pk")
    )


def certification_flags(service: Service, today: date) -> list[dict[str, Any]]:
    """Each certification with its status (valid / expiring / expired) for supplier and manager pages."""
    return [
        {"certification": c, "status": rules.certification_status(c.valid_until, today)}
        for c in service.certifications.all()
    ]


# --- shortlists ----------------------------------------------------------------------------------------------------


def shortlist_list_for(user: Any) -> QuerySet[Shortlist]:
    organisation = getattr(user, "active_organisation", None)
    if organisation is None:
        return Shortlist.objects.none()
    return (
        Shortlist.objects.filter(organisation=organisation)
        .annotate(item_count=Count("items"))
        .order_by("-updated_at", "-pk")
    )


def shortlist_get_visible_to(user: Any, pk: int) -> Shortlist:
    """404 for a missing shortlist and for another organisation's alike."""
    shortlist = Shortlist.objects.select_related("organisation").filter(pk=pk).first()
    if shortlist is None or not permissions.can_view_shortlist(user, shortlist):
        raise Http404
    return shortlist


def shortlist_items(shortlist: Shortlist) -> QuerySet[ShortlistItem]:
    return shortlist.items.select_related(
        "service__contract__supplier", "service__contract__framework"
    ).order_by("added_at", "pk")


def shortlist_item_get(shortlist: Shortlist, pk: int) -> ShortlistItem:
    item = shortlist.items.select_related("shortlist__organisation").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def shortlist_snapshot_get(shortlist: Shortlist, pk: int) -> ShortlistSnapshot:
    snapshot = shortlist.snapshots.filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    return snapshot
