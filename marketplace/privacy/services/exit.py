"""Exit and lock-in: the exit plan of a service in use (data to bring out, formats, time, who, steps) and exit-cost
estimates (data volume × egress price + migration hours × rate, with the CMA lock-in flags). Both belong to the
organisation that uses the service; its privacy officers and org admins write them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.privacy import exit_rules
from marketplace.privacy.models import (
    ExitCostEstimate,
    ExitPlan,
    ExitStep,
    PriceSource,
    ServiceInUse,
    VolumeSource,
)
from marketplace.privacy.permissions import can_work_on_privacy
from marketplace.privacy.selectors.exit import egress_price_for, finops_storage_volume, supplier_name_of

MAX_DAYS = 3650
MAX_STEPS = 30
MAX_STEP_CHARS = 500


def _deny(actor: Any, service_in_use: ServiceInUse) -> None:
    if not can_work_on_privacy(actor, service_in_use.organisation):
        raise PermissionDenied(
            _("Bare personvernansvarlig eller virksomhetsadministrator i virksomheten kan gjøre dette.")
        )


def exit_plan_save(
    *,
    actor: Any,
    service_in_use: ServiceInUse,
    data_to_export: str,
    formats: str,
    time_needed_days: int | None,
    owner_name: str,
    steps: Sequence[str],
    notes: str = "",
    now: dt.datetime | None = None,
) -> ExitPlan:
    """Create or replace the exit plan; empty step lines are dropped, the rest numbered from 1 in order."""
    _deny(actor, service_in_use)
    now = now or timezone.now()
    data_to_export, formats, owner_name, notes = (
        data_to_export.strip(),
        formats.strip(),
        owner_name.strip(),
        notes.strip(),
    )
    clean_steps = [step.strip() for step in steps if step and step.strip()]
    errors: list[dict[str, str]] = []
    if not data_to_export:
        errors.append({"field": "data_to_export", "message": _("Beskriv hvilke data som skal ut.")})
    if not formats:
        errors.append({"field": "formats", "message": _("Oppgi formatene dataene skal ut i.")})
    elif len(formats) > 300:
        errors.append({"field": "formats", "message": _("Formatene kan ha høyst 300 tegn.")})
    if time_needed_days is None or not 1 <= time_needed_days <= MAX_DAYS:
        errors.append(
            {"field": "time_needed_days", "message": _("Oppgi tiden som trengs i dager, fra 1 til 3650.")}
        )
    if not owner_name:
        errors.append({"field": "owner_name", "message": _("Oppgi hvem som er ansvarlig for exit.")})
    elif len(owner_name) > 200:
        errors.append({"field": "owner_name", "message": _("Ansvarlig kan ha høyst 200 tegn.")})
    if not clean_steps:
        errors.append({"field": "steps", "message": _("Oppgi minst ett steg, ett per linje.")})
    elif len(clean_steps) > MAX_STEPS:
        errors.append({"field": "steps", "message": _("Planen kan ha høyst 30 steg.")})
    elif any(len(step) > MAX_STEP_CHARS for step in clean_steps):
        errors.append({"field": "steps", "message": _("Hvert steg kan ha høyst 500 tegn.")})
    if errors:
        raise ValidationFailed(_("Exit-planen ble ikke lagret."), errors=errors)
    assert time_needed_days is not None
    with transaction.atomic():
        plan, created = ExitPlan.objects.update_or_create(
            service_in_use=service_in_use,
            defaults={
                "data_to_export": data_to_export,
                "formats": formats,
                "time_needed_days": time_needed_days,
                "owner_name": owner_name,
                "notes": notes,
                "updated_by": actor,
                "updated_at": now,
            },
        )
        plan.steps.all().delete()
        ExitStep.objects.bulk_create(
            ExitStep(plan=plan, position=index, description=step) for index, step in enumerate(clean_steps, 1)
        )
        audit_record(
            actor=actor,
            verb="privacy.exit_plan_saved",
            target=plan,
            organisation=service_in_use.organisation,
            data={
                "service_in_use_id": service_in_use.pk,
                "time_needed_days": time_needed_days,
                "owner_name": owner_name,
                "steps": len(clean_steps),
                "created": created,
            },
            now=now,
        )
    return plan


_CODE_MESSAGES = {
    "required": _("%(label)s må fylles ut."),
    "not_a_number": _("%(label)s må være et tall."),
    "negative": _("%(label)s kan ikke være negativ."),
    "too_large": _("%(label)s er urimelig stor."),
}


def _labels() -> dict[str, str]:
    return {
        "volume_gb": _("Datamengde (GB)"),
        "egress_price_per_gb": _("Utgangsgebyr per GB"),
        "migration_hours": _("Migreringsinnsats (timer)"),
        "hourly_rate": _("Timepris"),
    }


def exit_estimate_create(
    *,
    actor: Any,
    service_in_use: ServiceInUse,
    migration_hours: object,
    hourly_rate: object,
    volume_gb: object = None,
    use_finops_volume: bool = False,
    egress_price_per_gb: object = None,
    has_technical_barriers: bool = False,
    has_committed_spend: bool = False,
    has_licence_restrictions: bool = False,
    now: dt.datetime | None = None,
) -> ExitCostEstimate:
    """Compute and store one estimate.

    Volume: entered, or (`use_finops_volume`) the organisation's FinOps storage with the supplier in its latest
    billing period. Egress price: entered (a negotiated price), else the catalogue's fee, else an egress line of the
    price list; one of them is required."""
    _deny(actor, service_in_use)
    now = now or timezone.now()
    errors: list[dict[str, str]] = []
    finops_period: dt.date | None = None
    volume_source = VolumeSource.ENTERED
    if use_finops_volume:
        found = finops_storage_volume(service_in_use.organisation, supplier_name_of(service_in_use))
        if found is None:
            errors.append(
                {
                    "field": "volume_gb",
                    "message": _(
                        "Fant ingen lagring hos %(supplier)s i virksomhetens FinOps-data. Oppgi datamengden selv."
                    )
                    % {"supplier": supplier_name_of(service_in_use) or _("leverandøren")},
                }
            )
        else:
            volume_gb, finops_period, volume_source = found.volume_gb, found.period, VolumeSource.FINOPS
    price_source: str = PriceSource.ENTERED
    is_price_entered = egress_price_per_gb is not None and str(egress_price_per_gb).strip() != ""
    if not is_price_entered:
        known = egress_price_for(service_in_use.service)
        if known is not None:
            egress_price_per_gb, price_source = known.amount, known.source
    cost, problems = exit_rules.exit_cost(
        exit_rules.ExitCostInput(
            # a missing FinOps volume is reported above; the rule then checks only the other inputs
            volume_gb=Decimal(0) if use_finops_volume and volume_source != VolumeSource.FINOPS else volume_gb,
            egress_price_per_gb=egress_price_per_gb,
            migration_hours=migration_hours,
            hourly_rate=hourly_rate,
        )
    )
    labels = _labels()
    for field, code in problems:
        message = _CODE_MESSAGES[code] % {"label": labels[field]}
        if field == "egress_price_per_gb" and code == "required":
            message = _(
                "Katalogen har ingen pris for utgående trafikk for tjenesten. Oppgi utgangsgebyret per GB."
            )
        errors.append({"field": field, "message": message})
    if errors or cost is None:
        raise ValidationFailed(_("Exit-kostnaden ble ikke beregnet."), errors=errors)
    service = service_in_use.service
    flags = exit_rules.cma_flags(
        egress_price_per_gb=cost.egress_price_per_gb,
        has_open_export_formats=bool(service is not None and service.export_formats.strip()),
        has_technical_barriers=has_technical_barriers,
        has_committed_spend=has_committed_spend,
        has_licence_restrictions=has_licence_restrictions,
    )
    with transaction.atomic():
        estimate = ExitCostEstimate.objects.create(
            service_in_use=service_in_use,
            volume_gb=cost.volume_gb,
            volume_source=volume_source,
            finops_period=finops_period,
            egress_price_per_gb_amount=cost.egress_price_per_gb,
            price_source=price_source,
            migration_hours=cost.migration_hours,
            hourly_rate_amount=cost.hourly_rate,
            egress_amount=cost.egress_amount,
            migration_amount=cost.migration_amount,
            total_amount=cost.total_amount,
            has_technical_barriers=has_technical_barriers,
            has_committed_spend=has_committed_spend,
            has_licence_restrictions=has_licence_restrictions,
            flags=list(flags),
            created_by=actor,
            created_at=now,
        )
        audit_record(
            actor=actor,
            verb="privacy.exit_estimate_created",
            target=estimate,
            organisation=service_in_use.organisation,
            data={
                "service_in_use_id": service_in_use.pk,
                "volume_gb": str(cost.volume_gb),
                "volume_source": volume_source,
                "egress_price_per_gb": str(cost.egress_price_per_gb),
                "price_source": price_source,
                "total_amount": str(cost.total_amount),
                "flags": list(flags),
            },
            now=now,
        )
    return estimate
