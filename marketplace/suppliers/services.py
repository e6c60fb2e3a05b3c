"""Writes for the supplier register: reseller agreements and MoUs (DFØ staff only), all audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.catalogue.models import Contract, Lot
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.permissions import can_create_mou, can_manage_resellers
from marketplace.suppliers.rules import Problem, mou_problems, periods_overlap, reseller_problems


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(
            " ".join(p.message for p in problems),
            errors=[{"field": p.field, "message": p.message} for p in problems],
        )


def _require_supplier(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.SUPPLIER:
        raise ValidationFailed(
            f"{organisation.name} er ikke registrert som leverandør.",
            errors=[{"field": "supplier", "message": "not a supplier"}],
        )


def reseller_validate(
    *,
    supplier: Organisation,
    partner: Organisation | None,
    lot: Lot | None,
    valid_from: date | None,
    valid_to: date | None,
) -> list[Problem]:
    """The rule check shared by the service, the UI form and the admin form."""
    contract = Contract.objects.filter(supplier=supplier, lot=lot).first() if lot is not None else None
    return reseller_problems(
        supplier_id=supplier.pk,
        partner_id=partner.pk if partner is not None else None,
        partner_is_supplier=partner is not None and partner.kind == OrganisationKind.SUPPLIER,
        valid_from=valid_from,
        valid_to=valid_to,
        contract_period=(contract.valid_from, contract.valid_to) if contract is not None else None,
    )


@transaction.atomic
def reseller_create(
    *,
    actor: Any,
    supplier: Organisation,
    partner: Organisation,
    lot: Lot,
    valid_from: date,
    valid_to: date | None = None,
    now: datetime | None = None,
) -> Reseller:
    if not can_manage_resellers(actor):
        raise PermissionDenied("Bare DFØ kan registrere forhandlere.")
    _require_supplier(supplier)
    _raise_problems(
        reseller_validate(
            supplier=supplier, partner=partner, lot=lot, valid_from=valid_from, valid_to=valid_to
        )
    )
    existing = Reseller.objects.select_for_update().filter(supplier=supplier, partner=partner, lot=lot)
    for other in existing:
        if periods_overlap(other.valid_from, other.valid_to, valid_from, valid_to):
            raise Conflict(
                f"{partner.name} er allerede forhandler for {supplier.name} på denne delkontrakten "
                f"i perioden fra {other.valid_from:%d.%m.%Y}."
            )
    reseller = Reseller.objects.create(
        supplier=supplier, partner=partner, lot=lot, valid_from=valid_from, valid_to=valid_to
    )
    audit_record(
        actor=actor,
        verb="reseller.create",
        target=reseller,
        organisation=supplier,
        data={
            "supplier": supplier.orgnr,
            "partner": partner.orgnr,
            "lot_id": lot.pk,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
        now=now,
    )
    return reseller


@transaction.atomic
def reseller_end(*, actor: Any, reseller: Reseller, valid_to: date, now: datetime | None = None) -> Reseller:
    """End a reseller agreement on `valid_to` (the last day it applies). It can only be shortened."""
    if not can_manage_resellers(actor):
        raise PermissionDenied("Bare DFØ kan avslutte forhandleravtaler.")
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    if valid_to < reseller.valid_from:
        _raise_problems([Problem("valid_to", "Sluttdatoen kan ikke være før startdatoen.")])
    if reseller.valid_to is not None and valid_to > reseller.valid_to:
        _raise_problems(
            [
                Problem(
                    "valid_to",
                    f"Avtalen slutter allerede {reseller.valid_to:%d.%m.%Y}; den kan bare forkortes.",
                )
            ]
        )
    previous = reseller.valid_to
    reseller.valid_to = valid_to
    reseller.save(update_fields=["valid_to", "updated_at"])
    audit_record(
        actor=actor,
        verb="reseller.end",
        target=reseller,
        organisation=reseller.supplier,
        data={
            "partner": reseller.partner.orgnr,
            "valid_to": valid_to.isoformat(),
            "previous_valid_to": previous.isoformat() if previous else None,
        },
        now=now,
    )
    return reseller


@transaction.atomic
def mou_create(
    *,
    actor: Any,
    supplier: Organisation,
    title: str,
    signed_on: date,
    summary: str = "",
    expires_on: date | None = None,
    now: datetime | None = None,
) -> MoU:
    if not can_create_mou(actor):
        raise PermissionDenied("Bare DFØ kan registrere MoU-er.")
    _require_supplier(supplier)
    _raise_problems(mou_problems(title=title, signed_on=signed_on, expires_on=expires_on))
    mou = MoU.objects.create(
        supplier=supplier,
        title=title.strip(),
        summary=summary.strip(),
        signed_on=signed_on,
        expires_on=expires_on,
    )
    audit_record(
        actor=actor,
        verb="mou.create",
        target=mou,
        organisation=supplier,
        data={
            "supplier": supplier.orgnr,
            "title": mou.title,
            "signed_on": signed_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
        now=now,
    )
    return mou


def today_local(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())
