"""Import of published procurement notices (eForms UBL XML).

- Idempotent by notice id: a newer version replaces the stored one (lots and awards with it); the same or an older
  version is a no-op ("unchanged").
- Each notice is stored in its own transaction (notice, lots, awards, audit event): a notice is stored whole or
  not at all; an invalid notice is reported with its file and reason and skipped, the others are stored.
- Order: new notices before change notices, then by issue date, so a change notice finds the notice it changes
  when both come in one batch.
- A change notice (BT-758) whose changed notice is known must keep the procedure id (BT-04) and procedure type
  (BT-105): eForms does not allow changing them.
- The buyer type comes from the organisation register by orgnr when the buyer is known there, else from the name
  and the eForms legal type (eforms/buyers.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.insights.eforms import NoticeInvalid, NoticeUnsupported, ParsedNotice, parse_notice
from marketplace.insights.eforms.buyers import buyer_kind_from
from marketplace.insights.models import BuyerKind, Notice, NoticeAward, NoticeKind, NoticeLot
from marketplace.insights.notice_rules import notice_value
from marketplace.insights.permissions import can_import_notices
from marketplace.insights.relevance import relevance
from marketplace.insights.selectors.notices import notices_changed

MAX_FILES = 5000

_KIND_BY_REGISTER = {
    OrganisationKind.STATE: BuyerKind.STATE,
    OrganisationKind.MUNICIPALITY: BuyerKind.MUNICIPALITY,
    OrganisationKind.COUNTY: BuyerKind.COUNTY,
}


@dataclass
class SkippedNotice:
    file: str
    reason: str
    is_invalid: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "reason": self.reason, "invalid": self.is_invalid}


@dataclass
class NoticeImportSummary:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedNotice] = field(default_factory=list)

    @property
    def has_invalid(self) -> bool:
        return any(item.is_invalid for item in self.skipped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": [item.as_dict() for item in self.skipped],
            "imported_ids": self.imported,
            "updated_ids": self.updated,
            "unchanged_ids": self.unchanged,
        }


def notice_files(paths: Iterable[str | Path]) -> list[Path]:
    """The XML files named, folders walked (sorted); a path that does not exist raises FileNotFoundError."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(str(path))
    return found


def buyer_kind_for(parsed: ParsedNotice, register: dict[str, str] | None = None) -> str:
    """Register by orgnr first (state/municipality/county; another public kind is "other"), then heuristics."""
    if parsed.buyer.orgnr:
        kind = (
            register.get(parsed.buyer.orgnr)
            if register is not None
            else Organisation.objects.filter(orgnr=parsed.buyer.orgnr).values_list("kind", flat=True).first()
        )
        if kind is not None:
            return str(_KIND_BY_REGISTER.get(kind, BuyerKind.OTHER))  # type: ignore[call-overload]
    return buyer_kind_from(parsed.buyer.name, parsed.buyer_legal_type)


def notice_fields(parsed: ParsedNotice, *, buyer_kind: str) -> dict[str, Any]:
    reasons = relevance(cpv_codes=parsed.cpv_codes, title=parsed.title, description=parsed.description)
    value = notice_value(
        kind=parsed.kind,
        is_change=bool(parsed.changed_notice),
        awarded_amount=parsed.awarded_amount,
        awarded_currency=parsed.awarded_currency,
        estimated_amount=parsed.estimated_amount,
        estimated_currency=parsed.estimated_currency,
    )
    return {
        "version": parsed.version,
        "procedure_id": parsed.procedure_id[:100],
        "kind": parsed.kind,
        "notice_type": parsed.notice_type[:30],
        "subtype": parsed.subtype[:10],
        "legal_basis": parsed.legal_basis[:30],
        "is_national": parsed.is_national,
        "language": parsed.language[:3],
        "issued_on": parsed.issued_on,
        "issued_year": parsed.issued_on.year,
        "value_amount": value.value_amount,
        "has_foreign_value": value.has_foreign_value,
        "is_value_counted": value.counts,
        "title": parsed.title[:1000],
        "description": parsed.description,
        "buyer_name": parsed.buyer.name[:500],
        "buyer_orgnr": parsed.buyer.orgnr,
        "buyer_company_id": parsed.buyer.company_id[:100],
        "buyer_country": parsed.buyer.country[:3],
        "buyer_legal_type": parsed.buyer_legal_type[:30],
        "buyer_kind": buyer_kind,
        "procedure_code": parsed.procedure_code[:30],
        "is_framework": parsed.is_framework,
        "contract_nature": parsed.contract_nature[:30],
        "main_cpv": parsed.main_cpv,
        "cpv_codes": list(parsed.cpv_codes),
        "estimated_amount": parsed.estimated_amount,
        "estimated_currency": parsed.estimated_currency,
        "awarded_amount": parsed.awarded_amount,
        "awarded_currency": parsed.awarded_currency,
        "tender_deadline_on": parsed.tender_deadline_on,
        "changed_notice": parsed.changed_notice[:120],
        "change_reason": parsed.change_reason[:60],
        "is_cloud_relevant": bool(reasons),
        "relevance_reasons": [reason.as_dict() for reason in reasons],
    }


def lot_objects(notice: Notice, parsed: ParsedNotice) -> list[NoticeLot]:
    return [
        NoticeLot(
            notice=notice,
            lot_id=lot.lot_id[:50],
            title=lot.title[:1000],
            main_cpv=lot.main_cpv,
            cpv_codes=list(lot.cpv_codes),
            estimated_amount=lot.estimated_amount,
            estimated_currency=lot.estimated_currency,
            is_framework=lot.is_framework,
        )
        for lot in parsed.lots
    ]


def award_objects(notice: Notice, parsed: ParsedNotice) -> list[NoticeAward]:
    return [
        NoticeAward(
            notice=notice,
            lot_id=award.lot_id[:50],
            winner_name=award.winner.name[:500],
            winner_orgnr=award.winner.orgnr,
            winner_company_id=award.winner.company_id[:100],
            winner_country=award.winner.country[:3],
            consortium_size=award.consortium_size,
            amount=award.amount,
            currency=award.currency,
            awarded_on=award.awarded_on,
        )
        for award in parsed.awards
    ]


def _change_conflict(parsed: ParsedNotice) -> str | None:
    """A change notice may not change the procedure id or the procedure type of the notice it changes."""
    if not parsed.changed_notice:
        return None
    original_id = parsed.changed_notice
    head, _, tail = original_id.rpartition("-")
    if head and tail.isdigit() and len(tail) == 2:
        original_id = head
    original = Notice.objects.filter(notice_id=original_id).only("procedure_id", "procedure_code").first()
    if original is None:
        return None
    if original.procedure_id and parsed.procedure_id != original.procedure_id:
        return (
            f"endringskunngjøringen endrer prosedyre-ID-en (BT-04) fra {original.procedure_id} til "
            f"{parsed.procedure_id or '(tom)'}; den kan ikke endres"
        )
    if original.procedure_code and parsed.procedure_code != original.procedure_code:
        return (
            f"endringskunngjøringen endrer prosedyretypen (BT-105) fra {original.procedure_code} til "
            f"{parsed.procedure_code or '(tom)'}; den kan ikke endres"
        )
    return None


def _count_procedure_once(notice: Notice) -> None:
    """A contract notice's value does not count once its procedure has an award notice (notice_rules.py)."""
    if not notice.procedure_id:
        return
    if notice.kind == NoticeKind.AWARD:
        Notice.objects.filter(
            procedure_id=notice.procedure_id, kind=NoticeKind.CONTRACT_NOTICE, is_value_counted=True
        ).update(is_value_counted=False)
    elif (
        notice.kind == NoticeKind.CONTRACT_NOTICE
        and notice.is_value_counted
        and Notice.objects.filter(procedure_id=notice.procedure_id, kind=NoticeKind.AWARD).exists()
    ):
        notice.is_value_counted = False
        notice.save(update_fields=["is_value_counted"])


def notice_store(
    *, actor: Any | None, parsed: ParsedNotice, source_file: str, source_sha256: str, now: dt.datetime
) -> tuple[str, Notice]:
    """Create or replace one notice in one transaction; answers ("imported"|"updated"|"unchanged", notice)."""
    with transaction.atomic():
        existing = Notice.objects.select_for_update().filter(notice_id=parsed.notice_id).first()
        if existing is not None and existing.version >= parsed.version:
            return "unchanged", existing
        fields = notice_fields(parsed, buyer_kind=buyer_kind_for(parsed))
        fields.update(source_file=source_file[:300], source_sha256=source_sha256, updated_at=now)
        if existing is None:
            notice = Notice.objects.create(notice_id=parsed.notice_id, imported_at=now, **fields)
            outcome = "imported"
            previous_version = None
        else:
            previous_version = existing.version
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            existing.lots.all().delete()
            existing.awards.all().delete()
            notice = existing
            outcome = "updated"
        _count_procedure_once(notice)
        NoticeLot.objects.bulk_create(lot_objects(notice, parsed))
        NoticeAward.objects.bulk_create(award_objects(notice, parsed))
        audit_record(
            actor=actor,
            verb=f"notice.{outcome}",
            target=notice,
            data={
                "notice_id": notice.notice_id,
                "version": notice.version,
                "previous_version": previous_version,
                "file": source_file,
                "sha256": source_sha256,
                "is_cloud_relevant": notice.is_cloud_relevant,
            },
            now=now,
        )
    return outcome, notice


def notices_import(
    *, actor: Any | None, files: list[tuple[str, bytes]], now: dt.datetime | None = None
) -> NoticeImportSummary:
    """Import notices from (file name, bytes) pairs. `actor=None` is the command line; a person must be MPS staff.

    Never raises for a bad notice: it lands in `summary.skipped` with its file and reason, nothing of it stored.
    """
    if actor is not None and not can_import_notices(actor):
        raise PermissionDenied(_("Bare MPS kan importere kunngjøringer."))
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"Høyst {MAX_FILES} filer per import; ingenting er lagret.")
    now = now or timezone.now()
    summary = NoticeImportSummary()
    parsed_files: list[tuple[str, str, ParsedNotice]] = []
    for name, data in files:
        try:
            parsed = parse_notice(data)
        except NoticeUnsupported as exc:
            summary.skipped.append(SkippedNotice(name, exc.reason, is_invalid=False))
            continue
        except NoticeInvalid as exc:
            summary.skipped.append(SkippedNotice(name, exc.reason))
            continue
        parsed_files.append((name, hashlib.sha256(data).hexdigest(), parsed))

    parsed_files.sort(
        key=lambda item: (bool(item[2].changed_notice), item[2].issued_on, item[2].version, item[0])
    )
    for name, digest, parsed in parsed_files:
        conflict = _change_conflict(parsed)
        if conflict is not None:
            summary.skipped.append(SkippedNotice(name, conflict))
            continue
        outcome, notice = notice_store(
            actor=actor, parsed=parsed, source_file=os.path.basename(name), source_sha256=digest, now=now
        )
        getattr(summary, outcome).append(notice.notice_id)
    if summary.imported or summary.updated:
        # the cached market analysis is stale now (also when the import ran with a fixed `now`)
        transaction.on_commit(notices_changed)
    return summary


def notices_import_paths(
    *, actor: Any | None, paths: Iterable[str | Path], now: dt.datetime | None = None
) -> NoticeImportSummary:
    """`mps notices import PATH...`: files and folders (every *.xml below them)."""
    files = [(str(path), path.read_bytes()) for path in notice_files(paths)]
    return notices_import(actor=actor, files=files, now=now)
