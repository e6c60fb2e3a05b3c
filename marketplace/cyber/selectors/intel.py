"""Threat-intelligence reads, scoped: an organisation's security officer and org admin see its alerts and software;
MPS staff see every organisation's, and the affected organisations and services on a vulnerability page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation, is_mps_staff
from marketplace.cyber.models import (
    AlertStatus,
    KevCatalogue,
    KevEntry,
    SoftwareItem,
    StixBundle,
    StixObject,
    ThreatAlert,
)
from marketplace.cyber.permissions import can_manage_cyber


def cyber_organisation(user: Any) -> Organisation | None:
    """The organisation the user acts for with a CyberX role (security officer, org admin); None otherwise, also for
    MPS staff, who see every organisation through the MPS views."""
    organisation = active_organisation(user)
    if organisation is not None and can_manage_cyber(user, organisation):
        return organisation
    return None


def alert_list(
    user: Any, *, status: str = "", organisation: Organisation | None = None
) -> QuerySet[ThreatAlert]:
    """Alerts the user may see: MPS staff every organisation's (or the one asked for), others their own."""
    alerts = ThreatAlert.objects.select_related("organisation", "kev_entry", "software")
    if is_mps_staff(user):
        if organisation is not None:
            alerts = alerts.filter(organisation=organisation)
    else:
        own = cyber_organisation(user)
        if own is None:
            return alerts.none()
        alerts = alerts.filter(organisation=own)
    if status:
        alerts = alerts.filter(status=status)
    return alerts.order_by("status", "-ransomware_known", "due_on", "-created_at", "pk")


def alert_organisations() -> QuerySet[Organisation]:
    """Organisations with at least one alert (MPS staff's filter)."""
    return Organisation.objects.filter(cyber_alerts__isnull=False).distinct().order_by("name")


def alert_counts(alerts: QuerySet[ThreatAlert]) -> dict[str, int]:
    counts = dict(alerts.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AlertStatus.values}


def alert_get_visible_to(user: Any, pk: int) -> ThreatAlert:
    alert = alert_list(user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def software_list(organisation: Organisation) -> QuerySet[SoftwareItem]:
    return SoftwareItem.objects.filter(organisation=organisation).select_related("service")


def software_get_visible_to(user: Any, pk: int) -> SoftwareItem:
    """An item of the inventory of the organisation the user acts for with a CyberX role; 404 otherwise."""
    organisation = cyber_organisation(user)
    item = SoftwareItem.objects.filter(pk=pk, organisation=organisation).first() if organisation else None
    if item is None:
        raise Http404
    return item


def kev_catalogue_list() -> QuerySet[KevCatalogue]:
    return KevCatalogue.objects.annotate(entry_count=Count("entries")).order_by("-released_at", "-pk")


def stix_bundle_list() -> QuerySet[StixBundle]:
    return StixBundle.objects.annotate(
        indicator_count=Count("stix_objects", filter=Q(stix_objects__type="indicator"))
    ).order_by("-imported_at", "-pk")


@dataclass
class AffectedOrganisation:
    organisation: Organisation
    alerts: list[ThreatAlert]

    @property
    def open_count(self) -> int:
        return sum(1 for alert in self.alerts if alert.status == AlertStatus.OPEN)


@dataclass
class Vulnerability:
    cve_id: str
    entry: KevEntry | None  # from the current catalogue, else the newest that had it
    versions: list[str]  # catalogue versions listing it
    stix_objects: list[StixObject]
    alerts: list[ThreatAlert]  # those the user may see
    affected: list[AffectedOrganisation] = field(default_factory=list)  # MPS staff only
    services: list[Any] = field(
        default_factory=list
    )  # MPS staff only: catalogue services with affected software


def vulnerability_get_visible_to(user: Any, cve_id: str) -> Vulnerability:
    """One CVE: its KEV entry and STIX objects, the user's visible alerts, and for MPS staff who is affected.

    404 when no feed knows the CVE; the caller has already checked the user may see CyberX pages at all."""
    cve_id = cve_id.upper()
    entries = list(
        KevEntry.objects.filter(cve_id=cve_id)
        .select_related("catalogue")
        .order_by("-catalogue__released_at", "-catalogue__pk")
    )
    stix_objects = [
        obj
        for obj in StixObject.objects.exclude(cve_ids=[])
        .select_related("bundle")
        .order_by("-bundle__imported_at", "stix_id")
        if cve_id in (obj.cve_ids or [])
    ]
    if not entries and not stix_objects:
        raise Http404
    alerts = list(alert_list(user).filter(cve_id=cve_id))
    result = Vulnerability(
        cve_id=cve_id,
        entry=entries[0] if entries else None,
        versions=[entry.catalogue.version for entry in entries],
        stix_objects=stix_objects,
        alerts=alerts,
    )
    if is_mps_staff(user):
        by_org: dict[int, AffectedOrganisation] = {}
        for alert in alerts:
            by_org.setdefault(
                alert.organisation_id, AffectedOrganisation(alert.organisation, [])
            ).alerts.append(alert)
        result.affected = sorted(by_org.values(), key=lambda item: item.organisation.name)
        services = {
            alert.software.service_id: alert.software.service
            for alert in alerts
            if alert.software is not None and alert.software.service_id is not None
        }
        result.services = sorted(services.values(), key=lambda service: service.name)
    return result
