"""Shortlists per buyer organisation, and their frozen, hashed export snapshots."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalogue import permissions, rules
from marketplace.catalogue.facts import service_facts
from marketplace.catalogue.models import (
    ExportFormat,
    Service,
    ServiceStatus,
    Shortlist,
    ShortlistItem,
    ShortlistSnapshot,
)
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from marketplace.core.rules import canonical_json

DEFAULT_SHORTLIST_NAME = "Min kortliste"
NAME_MAX = 200
NOTE_MAX = 500


def _name_clean(name: str) -> str:
    clean = (name or "").strip()
    if not clean:
        raise ValidationFailed(
            _("Gi kortlisten et navn."), errors=[{"field": "name", "message": _("Gi kortlisten et navn.")}]
        )
    if len(clean) > NAME_MAX:
        message = _("Navnet kan ha høyst %(n)s tegn.") % {"n": NAME_MAX}
        raise ValidationFailed(message, errors=[{"field": "name", "message": message}])
    return clean


@transaction.atomic
def shortlist_create(*, actor: Any, name: str, now: datetime | None = None) -> Shortlist:
    """A new shortlist for the buyer organisation the actor acts for."""
    if not permissions.can_create_shortlist(actor):
        raise PermissionDenied(_("Du kan ikke opprette kortlister for denne virksomheten."))
    organisation = actor.active_organisation
    shortlist = Shortlist.objects.create(organisation=organisation, name=_name_clean(name), created_by=actor)
    audit_record(
        actor=actor,
        verb="shortlist.create",
        target=shortlist,
        organisation=organisation,
        data={"name": shortlist.name},
        now=now,
    )
    return shortlist


@transaction.atomic
def shortlist_item_add(
    *,
    actor: Any,
    service: Service,
    shortlist: Shortlist | None = None,
    note: str = "",
    now: datetime | None = None,
) -> tuple[ShortlistItem, bool]:
    """Put a published service on a shortlist (the organisation's first, or a new «Min kortliste»).

    Returns (item, created); adding a service already on the list changes nothing.
    """
    now = now or timezone.now()
    if service.status != ServiceStatus.PUBLISHED:
        raise NotFound(_("Fant ikke tjenesten."))
    if shortlist is None:
        if not permissions.can_create_shortlist(actor):
            raise PermissionDenied(_("Du kan ikke endre kortlister for denne virksomheten."))
        shortlist = (
            Shortlist.objects.filter(organisation=actor.active_organisation)
            .order_by("created_at", "pk")
            .first()
        )
        if shortlist is None:
            shortlist = shortlist_create(actor=actor, name=DEFAULT_SHORTLIST_NAME, now=now)
    if not permissions.can_edit_shortlist(actor, shortlist):
        raise PermissionDenied(_("Du kan ikke endre denne kortlisten."))
    existing = ShortlistItem.objects.filter(shortlist=shortlist, service=service).first()
    if existing is not None:
        return existing, False
    item = ShortlistItem.objects.create(
        shortlist=shortlist, service=service, note=(note or "").strip()[:NOTE_MAX], added_at=now
    )
    shortlist.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        verb="shortlist.item_add",
        target=shortlist,
        organisation=shortlist.organisation,
        data={"service": service.pk, "name": service.name},
        now=now,
    )
    return item, True


@transaction.atomic
def shortlist_item_remove(*, actor: Any, item: ShortlistItem, now: datetime | None = None) -> None:
    shortlist = item.shortlist
    if not permissions.can_edit_shortlist(actor, shortlist):
        raise PermissionDenied(_("Du kan ikke endre denne kortlisten."))
    service_id = item.service_id
    item.delete()
    shortlist.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        verb="shortlist.item_remove",
        target=shortlist,
        organisation=shortlist.organisation,
        data={"service": service_id},
        now=now,
    )


@transaction.atomic
def shortlist_item_note_set(
    *, actor: Any, item: ShortlistItem, note: str, now: datetime | None = None
) -> ShortlistItem:
    shortlist = item.shortlist
    if not permissions.can_edit_shortlist(actor, shortlist):
        raise PermissionDenied(_("Du kan ikke endre denne kortlisten."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        message = _("Merknaden kan ha høyst %(n)s tegn.") % {"n": NOTE_MAX}
        raise ValidationFailed(message, errors=[{"field": "note", "message": message}])
    item.note = note
    item.save(update_fields=["note"])
    audit_record(
        actor=actor,
        verb="shortlist.item_note",
        target=shortlist,
        organisation=shortlist.organisation,
        data={"service": item.service_id, "note": note},
        now=now,
    )
    return item


def shortlist_content(shortlist: Shortlist) -> dict[str, Any]:
    """The facts of the listed services as they are now: what a snapshot freezes (no times, so it is stable)."""
    items = (
        shortlist.items.select_related(
            "service__contract__supplier", "service__contract__framework", "service__contract__lot"
        )
        .prefetch_related("service__data_locations", "service__certifications", "service__sub_processors")
        .order_by("service_id")
    )
    services = []
    for item in items:
        service = item.service
        contract = service.contract
        last_version = max((v.number for v in service.versions.all()), default=None)
        services.append(
            {
                "id": service.pk,
                "status": service.status,
                "version": last_version,
                "supplier": {"orgnr": contract.supplier.orgnr, "name": contract.supplier.name},
                "framework": {"reference": contract.framework.reference, "name": contract.framework.name},
                "lot": {"number": contract.lot.number, "title": contract.lot.title},
                "contract": contract.reference,
                "is_cloud_service": bool(service.is_cloud_service),
                "data_residency": service.data_residency,
                "facts": service_facts(service),
                "note": item.note,
            }
        )
    return {
        "shortlist": {
            "id": shortlist.pk,
            "name": shortlist.name,
            "organisation": {"orgnr": shortlist.organisation.orgnr, "name": shortlist.organisation.name},
        },
        "services": services,
    }


@transaction.atomic
def shortlist_export(
    *, actor: Any, shortlist: Shortlist, format: str, now: datetime | None = None
) -> ShortlistSnapshot:
    """Freeze the shortlist's content with its SHA-256; the same content always gives the same hash."""
    now = now or timezone.now()
    if not permissions.can_view_shortlist(actor, shortlist):
        raise PermissionDenied(_("Du kan ikke eksportere denne kortlisten."))
    if format not in ExportFormat.values:
        raise ValidationFailed(_("Ukjent eksportformat «%(format)s».") % {"format": format})
    text = canonical_json(shortlist_content(shortlist))
    snapshot = ShortlistSnapshot.objects.create(
        shortlist=shortlist,
        format=format,
        content=json.loads(text),
        content_hash=rules.content_hash(text),
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        verb="shortlist.export",
        target=snapshot,
        organisation=shortlist.organisation,
        data={"shortlist": shortlist.pk, "format": format, "content_hash": snapshot.content_hash},
        now=now,
    )
    return snapshot
