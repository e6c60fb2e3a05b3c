"""Services in use: register one (from the catalogue, optionally through an awarded call-off, or from outside the
catalogue) and end it. Only the organisation's privacy officers and org admins do this (can_work_on_privacy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.calloffs.models import Award, CallOff
from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.privacy.models import Assessment, ServiceInUse
from marketplace.privacy.permissions import can_work_on_privacy

MAX_NAME = 200


def _deny(actor: Any, organisation: Organisation) -> None:
    if not can_work_on_privacy(actor, organisation):
        raise PermissionDenied(
            _("Bare personvernansvarlig eller virksomhetsadministrator i virksomheten kan gjøre dette.")
        )


def service_in_use_register(
    *,
    actor: Any,
    organisation: Organisation,
    service: Service | None = None,
    calloff: CallOff | None = None,
    name: str = "",
    supplier_name: str = "",
    started_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ServiceInUse:
    """Register a catalogue service (optionally the one called off in an awarded call-off of the organisation) or a
    service outside the catalogue (name and supplier required)."""
    _deny(actor, organisation)
    now = now or timezone.now()
    name, supplier_name = name.strip(), supplier_name.strip()
    errors: list[dict[str, str]] = []
    if service is None and calloff is not None:
        errors.append(
            {"field": "service", "message": _("Velg tjenesten som ble tatt i bruk gjennom avropet.")}
        )
    if service is not None:
        if name or supplier_name:
            errors.append(
                {
                    "field": "name",
                    "message": _(
                        "Velg enten en tjeneste fra katalogen eller oppgi navn og leverandør, ikke begge."
                    ),
                }
            )
        if service.status != ServiceStatus.PUBLISHED:
            errors.append({"field": "service", "message": _("Tjenesten er ikke publisert i katalogen.")})
    else:
        if not name:
            errors.append(
                {
                    "field": "name",
                    "message": _("Oppgi tjenestens navn, eller velg en tjeneste fra katalogen."),
                }
            )
        if not supplier_name:
            errors.append({"field": "supplier_name", "message": _("Oppgi leverandøren av tjenesten.")})
        if len(name) > MAX_NAME or len(supplier_name) > MAX_NAME:
            errors.append({"field": "name", "message": _("Navn og leverandør kan ha høyst 200 tegn.")})
    if calloff is not None:
        award = Award.objects.filter(calloff=calloff).first()
        if calloff.buyer_id != organisation.pk or award is None:
            errors.append(
                {"field": "calloff", "message": _("Avropet er ikke et tildelt avrop fra virksomheten.")}
            )
        elif service is not None and service.contract_id != award.contract_id:
            errors.append(
                {
                    "field": "service",
                    "message": _("Tjenesten hører ikke til kontrakten som ble tildelt i avropet."),
                }
            )
    if started_on is not None and started_on > (now + dt.timedelta(days=366)).date():
        errors.append(
            {
                "field": "started_on",
                "message": _("Datoen for når tjenesten ble tatt i bruk er for langt fram."),
            }
        )
    if errors:
        raise ValidationFailed(_("Tjenesten ble ikke registrert."), errors=errors)
    if (
        service is not None
        and ServiceInUse.objects.filter(organisation=organisation, service=service).exists()
    ):
        raise Conflict(
            _("%(name)s er allerede registrert som tjeneste i bruk.") % {"name": service.name},
            errors=[{"field": "service", "message": _("Tjenesten er allerede registrert.")}],
        )
    try:
        with transaction.atomic():
            siu = ServiceInUse.objects.create(
                organisation=organisation,
                service=service,
                calloff=calloff,
                name="" if service is not None else name,
                supplier_name="" if service is not None else supplier_name,
                started_on=started_on,
                created_by=actor,
                created_at=now,
            )
            audit_record(
                actor=actor,
                verb="privacy.service_in_use_registered",
                target=siu,
                organisation=organisation,
                data={
                    "service_id": service.pk if service else None,
                    "calloff": calloff.reference if calloff else None,
                    "name": siu.display_name,
                    "started_on": started_on.isoformat() if started_on else None,
                },
                now=now,
            )
    except IntegrityError as exc:  # a concurrent registration of the same service
        raise Conflict(_("Tjenesten er allerede registrert som tjeneste i bruk.")) from exc
    return siu


def service_in_use_end(
    *, actor: Any, service_in_use: ServiceInUse, ended_on: dt.date, now: dt.datetime | None = None
) -> ServiceInUse:
    """Mark the service as no longer used from `ended_on` (not before it was taken into use)."""
    _deny(actor, service_in_use.organisation)
    now = now or timezone.now()
    if service_in_use.ended_on is not None:
        raise Conflict(_("Tjenesten er allerede avsluttet."))
    if service_in_use.started_on is not None and ended_on < service_in_use.started_on:
        raise ValidationFailed(
            _("Tjenesten ble ikke avsluttet."),
            errors=[
                {
                    "field": "ended_on",
                    "message": _("Sluttdatoen kan ikke være før tjenesten ble tatt i bruk (%(date)s).")
                    % {"date": service_in_use.started_on.strftime("%d.%m.%Y")},
                }
            ],
        )
    with transaction.atomic():
        service_in_use.ended_on = ended_on
        service_in_use.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            verb="privacy.service_in_use_ended",
            target=service_in_use,
            organisation=service_in_use.organisation,
            data={"ended_on": ended_on.isoformat()},
            now=now,
        )
    return service_in_use


# --- call-off contracts signed (hooks.CONTRACT_SIGNED) ---------------------------------------------------------------


def calloff_service_ids(calloff: CallOff) -> list[int]:
    """The catalogue services a signed call-off brought into use: the awarded contract's published services that
    were on the call-off's shortlist (its frozen snapshot when there is one); without such a match, the contract's
    only published service; otherwise none (the buyer registers the service by hand)."""
    award = Award.objects.filter(calloff=calloff).first()
    if award is None:
        return []
    published = list(
        Service.objects.filter(contract_id=award.contract_id, status=ServiceStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    listed: set[int] = set()
    if calloff.shortlist_snapshot is not None:
        listed = {int(item["id"]) for item in calloff.shortlist_snapshot.content.get("services", [])}
    elif calloff.shortlist is not None:
        listed = set(calloff.shortlist.items.values_list("service_id", flat=True))
    matched = [pk for pk in published if pk in listed]
    if matched:
        return matched
    return published if len(published) == 1 else []


def services_in_use_from_signed_calloff(
    *, calloff: CallOff, actor: Any, now: dt.datetime, **_payload: Any
) -> list[ServiceInUse]:
    """hooks.CONTRACT_SIGNED subscriber: register the called-off services as the buyer's services in use (taken
    into use on the signing day), once per service, and attach the buyer's assessments of them. The platform does
    this on the signer's behalf, so no privacy role is needed; the audit event says where it came from."""
    organisation = calloff.buyer
    started_on = now.astimezone(OSLO).date()
    created: list[ServiceInUse] = []
    for service_id in calloff_service_ids(calloff):
        if ServiceInUse.objects.filter(organisation=organisation, service_id=service_id).exists():
            continue
        siu = ServiceInUse.objects.create(
            organisation=organisation,
            service_id=service_id,
            calloff=calloff,
            started_on=started_on,
            created_by=actor,
            created_at=now,
        )
        Assessment.objects.filter(
            organisation=organisation, service_id=service_id, service_in_use__isnull=True
        ).update(service_in_use=siu)
        audit_record(
            actor=actor,
            verb="privacy.service_in_use_registered",
            target=siu,
            organisation=organisation,
            data={
                "service_id": service_id,
                "calloff": calloff.reference,
                "name": siu.display_name,
                "started_on": started_on.isoformat(),
                "source": "contract_signed",
            },
            now=now,
        )
        created.append(siu)
    return created


def on_contract_signed(**payload: Any) -> None:
    """The hooks.CONTRACT_SIGNED subscriber (registered in PrivacyConfig.ready())."""
    services_in_use_from_signed_calloff(**payload)
