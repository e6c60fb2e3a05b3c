"""Writes for the supplier register: reseller agreements and MoUs (DFØ staff only), all audited.

`actor=None` is the system (demo seeder, command line); a person must be DFØ staff.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.accounts.services import organisation_create, organisation_update
from marketplace.catalogue.models import Contract, Lot
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from marketplace.suppliers.enhetsregisteret import Enhet, FileUnreadable, open_maybe_gzip, rows_read
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.permissions import can_create_mou, can_manage_resellers
from marketplace.suppliers.rules import Problem, mou_problems, periods_overlap, reseller_problems


def problem_message(problem: Problem) -> str:
    """The rule message in the active language."""
    text = gettext(problem.template)
    return text % problem.params if problem.params else text


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
    if actor is not None and not can_manage_resellers(actor):
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
    if actor is not None and not can_manage_resellers(actor):
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
    if actor is not None and not can_create_mou(actor):
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


# --- Enhetsregisteret import ----------------------------------------------------------------------------------


@dataclass
class ImportIssue:
    line: int
    index: int
    orgnr: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "index": self.index, "orgnr": self.orgnr, "reason": self.reason}


@dataclass
class ImportSummary:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[ImportIssue] = field(default_factory=list)
    invalid: list[ImportIssue] = field(default_factory=list)
    stored: bool = False
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "stored": self.stored,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [issue.as_dict() for issue in self.skipped],
            "invalid": [issue.as_dict() for issue in self.invalid],
            "error": self.error,
        }


class ImportRejected(ApplicationError):
    """Invalid rows (without --skip-invalid) or an unreadable file: nothing was stored."""

    status_code = 422

    def __init__(self, message: str, *, summary: ImportSummary) -> None:
        super().__init__(message, errors=[issue.as_dict() for issue in summary.invalid])
        self.summary = summary


def _store(actor: Any, enhet: Enhet, summary: ImportSummary, now: datetime | None) -> None:
    fields: dict[str, Any] = {
        "name": enhet.name,
        "kind": enhet.kind,
        "organisation_form": enhet.organisation_form,
        "sector_code": enhet.sector_code,
        "municipality": enhet.municipality,
        "website": enhet.website,
        "is_bankrupt": enhet.is_bankrupt,
        "is_under_liquidation": enhet.is_under_liquidation,
    }
    existing = Organisation.objects.filter(orgnr=enhet.orgnr).first()
    if existing is None:
        name, kind = fields.pop("name"), fields.pop("kind")
        organisation_create(actor=actor, orgnr=enhet.orgnr, name=name, kind=kind, now=now, **fields)
        summary.created += 1
        return
    if existing.kind == OrganisationKind.MPS:
        fields.pop("kind")  # DFØ stays MPS whatever the register calls it
    if organisation_update(actor=actor, organisation=existing, now=now, **fields):
        summary.updated += 1
    else:
        summary.unchanged += 1


def enhetsregisteret_import(
    *, actor: Any | None, path: str, skip_invalid: bool = False, now: datetime | None = None
) -> ImportSummary:
    """Create or update organisations (by orgnr) from an Enhetsregisteret bulk file, in one transaction.

    Any invalid row stops the import and nothing is stored, unless `skip_invalid`, which stores the valid rows
    and reports the others. Rows that are neither public bodies nor supplier forms are skipped with a reason.
    Raises ImportRejected (with the summary) when nothing was stored.
    """
    summary = ImportSummary(file=path)
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            with open_maybe_gzip(path) as stream:
                for row in rows_read(stream):
                    if row.invalid:
                        summary.invalid.append(ImportIssue(row.line, row.index, row.orgnr, row.invalid))
                        continue
                    if row.orgnr in seen:
                        summary.invalid.append(
                            ImportIssue(
                                row.line,
                                row.index,
                                row.orgnr,
                                f"Organisasjonsnummeret står også i elementet med indeks {seen[row.orgnr]}.",
                            )
                        )
                        continue
                    seen[row.orgnr] = row.index
                    if row.skipped or row.enhet is None:
                        summary.skipped.append(ImportIssue(row.line, row.index, row.orgnr, row.skipped))
                        continue
                    if not summary.invalid or skip_invalid:
                        _store(actor, row.enhet, summary, now)
            if summary.invalid and not skip_invalid:
                raise ImportRejected(
                    f"{len(summary.invalid)} ugyldige rader; ingenting er lagret (bruk --skip-invalid for å "
                    "lagre de gyldige).",
                    summary=summary,
                )
            audit_record(
                actor=actor,
                verb="enhetsregisteret.import",
                data={
                    "file": os.path.basename(path),
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "skipped": len(summary.skipped),
                    "invalid": len(summary.invalid),
                },
                now=now,
            )
    except FileUnreadable as exc:
        summary.created = summary.updated = summary.unchanged = 0
        summary.error = f"linje {exc.line}: {exc.message}"
        raise ImportRejected(f"{path}, {summary.error} Ingenting er lagret.", summary=summary) from exc
    except ImportRejected:
        summary.created = summary.updated = summary.unchanged = 0
        raise
    summary.stored = True
    return summary
