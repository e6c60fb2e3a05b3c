"""Mini-competition preparation and tendering (FOA § 26-5 (1)(c), (3); procurement-rules.md § 8).

Preparation (call-off in DRAFT, buyer role): invitations to every framework supplier on the lot (excluding one needs
a recorded reason), documents, award criteria chosen among the framework's criteria with weights summing to 100 and
at least one price criterion, the price model; `criteria_lock` freezes criteria and model; `calloff_publish` sets
the deadlines and invites. During tendering: anonymised Q&A.

Suggested minimum offer deadline (a warning, never a block — § 26-5 (3)(b) sets no fixed minimum): 10 calendar
days from publishing, 15 when the call-off is above the EEA threshold (Part III) or has special requirements for
information security and privacy; counted per Reg. 1182/71 with `core.deadlines` (day of publishing not counted; a
last day on a Saturday, Sunday or holiday moves to the next working day), at 12:00 Oslo time on that last day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership
from marketplace.calloffs import permissions, sealing
from marketplace.calloffs.models import (
    CallOff,
    CallOffDocument,
    Criterion,
    Invitation,
    PriceFormula,
    ProcurementPart,
    Question,
    TieBreak,
)
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.calloffs.selectors.common import lot_contracts_valid_on
from marketplace.catalogue.models import CriterionKind, FrameworkCriterion, Mechanism
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO, oslo_day, period_last_day
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed

MIN_DAYS = 10
MIN_DAYS_DEMANDING = 15
DEADLINE_HOUR_OSLO = 12
QUESTION_MAX_CHARS = 5_000

# extension → content type; the content must also look like that type (sniffed below).
ALLOWED_UPLOADS = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "message": message}])


# --- uploads ---


def _sniff(extension: str, data: bytes) -> bool:
    if extension == ".pdf":
        return data.startswith(b"%PDF-")
    if extension == ".txt":
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension in (".odt", ".ods"):
                if "mimetype" not in names:
                    return False
                return (
                    archive.read("mimetype").strip().decode("ascii", "replace") == ALLOWED_UPLOADS[extension]
                )
            if extension == ".docx":
                return "word/document.xml" in names
            if extension == ".xlsx":
                return "xl/workbook.xml" in names
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return False


def upload_check(*, name: str, data: bytes, field: str = "file") -> str:
    """Check an uploaded file (size, extension, content) and return its content type; ValidationFailed otherwise."""
    limit = settings.MPS_UPLOAD_MAX_BYTES
    if not data:
        raise _invalid(field, _("Filen er tom."))
    if len(data) > limit:
        raise _invalid(field, _("Filen er for stor (høyst %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
    extension = PurePath(name or "").suffix.lower()
    if extension not in ALLOWED_UPLOADS:
        raise _invalid(field, _("Filtypen er ikke tillatt. Tillatt: PDF, ODT, DOCX, XLSX, ODS og TXT."))
    if not _sniff(extension, data):
        raise _invalid(field, _("Innholdet i filen stemmer ikke med filtypen."))
    return ALLOWED_UPLOADS[extension]


# --- common checks ---


def _check_manage(actor: Any, calloff: CallOff) -> None:
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(
            _("Bare innkjøper i oppdragsgivers virksomhet kan forberede minikonkurransen.")
        )
    if calloff.mechanism != Mechanism.MINI_COMPETITION:
        raise Conflict(_("Avropet er ikke en minikonkurranse."))


def _state(calloff: CallOff, now: dt.datetime) -> CallOffState:
    return calloff_state(CallOffTimes.of(calloff), now)


def _check_draft(calloff: CallOff, now: dt.datetime) -> None:
    if _state(calloff, now) is not CallOffState.DRAFT:
        raise Conflict(_("Minikonkurransen er publisert; dette kan ikke endres lenger."))


def _check_unlocked(calloff: CallOff) -> None:
    if calloff.criteria_locked_at is not None:
        raise Conflict(_("Tildelingskriteriene og evalueringsmodellen er låst."))


def _locked_row(calloff: CallOff) -> CallOff:
    return CallOff.objects.select_for_update().get(pk=calloff.pk)


# --- invitations ---


def invitations_ensure(calloff: CallOff, *, actor: Any | None = None, now: dt.datetime | None = None) -> int:
    """One invitation per framework contract on the lot valid today (Oslo); idempotent. Returns how many were
    created. The common create/update services make the same invitations; this is the mini area's safety net."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = set(Invitation.objects.filter(calloff=calloff).values_list("supplier_id", flat=True))
        created = [
            Invitation(calloff=calloff, contract=contract, supplier_id=contract.supplier_id)
            for contract in lot_contracts_valid_on(calloff.lot, oslo_day(now))
            if contract.supplier_id not in existing
        ]
        if created:
            Invitation.objects.bulk_create(created, ignore_conflicts=True)
            audit_record(
                actor=actor,
                verb="invitations.ensured",
                target=calloff,
                organisation=calloff.buyer,
                data={"calloff": calloff.reference, "created": len(created)},
                now=now,
            )
    return len(created)


def invitation_exclude(
    *, actor: Any, invitation: Invitation, reason: str, now: dt.datetime | None = None
) -> Invitation:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Oppgi begrunnelsen for å utelate leverandøren."))
    with transaction.atomic():
        calloff = _locked_row(invitation.calloff)
        _check_manage(actor, calloff)
        _check_draft(calloff, now)
        invitation.excluded_reason = reason
        invitation.excluded_by = actor
        invitation.save(update_fields=["excluded_reason", "excluded_by"])
        audit_record(
            actor=actor,
            verb="invitation.excluded",
            target=invitation,
            organisation=calloff.buyer,
            data={"calloff": calloff.reference, "supplier": invitation.supplier.orgnr, "reason": reason},
            now=now,
        )
    return invitation


def invitation_include(*, actor: Any, invitation: Invitation, now: dt.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    with transaction.atomic():
        calloff = _locked_row(invitation.calloff)
        _check_manage(actor, calloff)
        _check_draft(calloff, now)
        if not invitation.excluded_reason:
            return invitation
        invitation.excluded_reason = ""
        invitation.excluded_by = None
        invitation.save(update_fields=["excluded_reason", "excluded_by"])
        audit_record(
            actor=actor,
            verb="invitation.included",
            target=invitation,
            organisation=calloff.buyer,
            data={"calloff": calloff.reference, "supplier": invitation.supplier.orgnr},
            now=now,
        )
    return invitation


# --- documents ---


def calloff_document_add(
    *, actor: Any, calloff: CallOff, title: str, name: str, data: bytes, now: dt.datetime | None = None
) -> CallOffDocument:
    """Add a document to the invitation (before publishing, or during tendering as an addendum)."""
    now = now or timezone.now()
    title = (title or "").strip() or PurePath(name or "").name
    if len(title) > 200:
        raise _invalid("title", _("Tittelen kan være høyst 200 tegn."))
    upload_check(name=name, data=data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = _locked_row(calloff)
        _check_manage(actor, locked)
        if _state(locked, now) not in (CallOffState.DRAFT, CallOffState.TENDERING):
            raise Conflict(_("Dokumenter kan bare legges til før tilbudsfristen."))
        document = CallOffDocument(
            calloff=locked, title=title, sha256=digest, uploaded_by=actor, uploaded_at=now
        )
        document.file.save(PurePath(name).name, ContentFile(data), save=False)
        document.save()
        audit_record(
            actor=actor,
            verb="calloff.document_added",
            target=document,
            organisation=locked.buyer,
            data={"calloff": locked.reference, "title": title, "sha256": digest, "size_bytes": len(data)},
            now=now,
        )
    return document


def calloff_document_remove(*, actor: Any, document: CallOffDocument, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        calloff = _locked_row(document.calloff)
        _check_manage(actor, calloff)
        _check_draft(calloff, now)
        audit_record(
            actor=actor,
            verb="calloff.document_removed",
            target=calloff,
            organisation=calloff.buyer,
            data={"calloff": calloff.reference, "title": document.title, "sha256": document.sha256},
            now=now,
        )
        document.delete()


# --- criteria and evaluation model ---


@dataclass(frozen=True)
class CriterionChoice:
    framework_criterion_id: int
    weight_percent: Decimal
    description: str = ""


def _weights_check(choices: Sequence[CriterionChoice], kinds: dict[int, str]) -> None:
    if not choices:
        raise _invalid("criteria", _("Velg minst ett tildelingskriterium."))
    ids = [choice.framework_criterion_id for choice in choices]
    if len(set(ids)) != len(ids):
        raise _invalid("criteria", _("Et kriterium kan bare velges én gang."))
    for choice in choices:
        if choice.framework_criterion_id not in kinds:
            raise _invalid(
                "criteria", _("Kriteriene kan bare velges blant rammeavtalens tildelingskriterier.")
            )
        if not (Decimal("0") < choice.weight_percent <= Decimal("100")):
            raise _invalid("criteria", _("Hver vekt må være større enn 0 og høyst 100 %."))
    total = sum((choice.weight_percent for choice in choices), Decimal("0"))
    if total != Decimal("100"):
        raise _invalid(
            "criteria",
            _("Vektene må til sammen være 100 %% (nå %(total)s %%).") % {"total": f"{total.normalize():f}"},
        )
    if not any(kinds[choice.framework_criterion_id] == CriterionKind.PRICE for choice in choices):
        raise _invalid("criteria", _("Minst ett kriterium må være et priskriterium."))


def criteria_set(
    *, actor: Any, calloff: CallOff, choices: Sequence[CriterionChoice], now: dt.datetime | None = None
) -> list[Criterion]:
    """Replace the call-off's award criteria. Only the framework's criteria; weights sum to 100; ≥ 1 price."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_row(calloff)
        _check_manage(actor, locked)
        _check_draft(locked, now)
        _check_unlocked(locked)
        framework_criteria = {
            fc.pk: fc for fc in FrameworkCriterion.objects.filter(framework_id=locked.framework_id)
        }
        _weights_check(choices, {pk: fc.kind for pk, fc in framework_criteria.items()})
        Criterion.objects.filter(calloff=locked).delete()
        rows = []
        for position, choice in enumerate(choices):
            fc = framework_criteria[choice.framework_criterion_id]
            rows.append(
                Criterion.objects.create(
                    calloff=locked,
                    framework_criterion=fc,
                    name=fc.name,
                    kind=fc.kind,
                    description=choice.description.strip(),
                    weight_percent=choice.weight_percent,
                    position=position,
                )
            )
        audit_record(
            actor=actor,
            verb="calloff.criteria_set",
            target=locked,
            organisation=locked.buyer,
            data={
                "calloff": locked.reference,
                "criteria": [
                    {"name": c.name, "kind": c.kind, "weight_percent": str(c.weight_percent)} for c in rows
                ],
            },
            now=now,
        )
    return rows


@dataclass(frozen=True)
class PriceModel:
    price_formula: str = PriceFormula.LINEAR
    price_slope: Decimal = Decimal("1")
    price_floor_at_zero: bool = False
    anchor_price_best_amount: Decimal | None = None
    anchor_price_zero_amount: Decimal | None = None
    tie_break: str = TieBreak.LOWEST_PRICE


def _decimal(value: Any, field_name: str, message: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(field_name, message) from exc


def price_model_set(
    *, actor: Any, calloff: CallOff, model: PriceModel, now: dt.datetime | None = None
) -> CallOff:
    now = now or timezone.now()
    if model.price_formula not in PriceFormula.values:
        raise _invalid("price_formula", _("Velg en prismodell."))
    if model.tie_break not in TieBreak.values:
        raise _invalid("tie_break", _("Velg en likhetsregel."))
    slope = _decimal(model.price_slope, "price_slope", "Stigningsfaktoren må være et tall.")
    if not (Decimal("0") < slope <= Decimal("100")):
        raise _invalid("price_slope", _("Stigningsfaktoren må være større enn 0 og høyst 100."))
    best, zero = model.anchor_price_best_amount, model.anchor_price_zero_amount
    if model.price_formula == PriceFormula.ANCHORED:
        if best is None or zero is None:
            raise _invalid(
                "anchor_price_best_amount", _("Modellen med faste ankerpriser trenger begge ankerprisene.")
            )
        if best < 0 or zero <= best:
            raise _invalid(
                "anchor_price_zero_amount",
                "Ankerprisen for 0 poeng må være høyere enn ankerprisen for 10 poeng.",
            )
    else:
        best = zero = None
    with transaction.atomic():
        locked = _locked_row(calloff)
        _check_manage(actor, locked)
        _check_draft(locked, now)
        _check_unlocked(locked)
        locked.price_formula = model.price_formula
        locked.price_slope = slope
        locked.price_floor_at_zero = model.price_floor_at_zero
        locked.anchor_price_best_amount = best
        locked.anchor_price_zero_amount = zero
        locked.tie_break = model.tie_break
        locked.save(
            update_fields=[
                "price_formula",
                "price_slope",
                "price_floor_at_zero",
                "anchor_price_best_amount",
                "anchor_price_zero_amount",
                "tie_break",
            ]
        )
        audit_record(
            actor=actor,
            verb="calloff.price_model_set",
            target=locked,
            organisation=locked.buyer,
            data={
                "calloff": locked.reference,
                "price_formula": locked.price_formula,
                "price_slope": str(slope),
                "price_floor_at_zero": locked.price_floor_at_zero,
                "anchor_price_best_amount": str(best) if best is not None else None,
                "anchor_price_zero_amount": str(zero) if zero is not None else None,
                "tie_break": locked.tie_break,
            },
            now=now,
        )
    return locked


def criteria_lock(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> CallOff:
    """Lock the award criteria and the evaluation model; nothing in them can change afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_row(calloff)
        _check_manage(actor, locked)
        _check_draft(locked, now)
        _check_unlocked(locked)
        criteria = list(Criterion.objects.filter(calloff=locked))
        choices = [
            CriterionChoice(framework_criterion_id=c.framework_criterion_id, weight_percent=c.weight_percent)
            for c in criteria
        ]
        _weights_check(choices, {c.framework_criterion_id: c.kind for c in criteria})
        locked.criteria_locked_at = now
        locked.save(update_fields=["criteria_locked_at"])
        calloff.criteria_locked_at = now
        audit_record(
            actor=actor,
            verb="calloff.criteria_locked",
            target=locked,
            organisation=locked.buyer,
            data={
                "calloff": locked.reference,
                "criteria": [{"name": c.name, "weight_percent": str(c.weight_percent)} for c in criteria],
                "price_formula": locked.price_formula,
            },
            now=now,
        )
    return locked


# --- publishing ---


def offer_deadline_minimum_days(calloff: CallOff) -> int:
    demanding = calloff.procurement_part == ProcurementPart.PART_III or calloff.has_special_requirements
    return MIN_DAYS_DEMANDING if demanding else MIN_DAYS


def offer_deadline_suggested(calloff: CallOff, *, now: dt.datetime) -> dt.datetime:
    """The suggested earliest offer deadline (UTC): 12:00 Oslo on the last day of the minimum period."""
    last = period_last_day(oslo_day(now), offer_deadline_minimum_days(calloff))
    return dt.datetime.combine(last, dt.time(DEADLINE_HOUR_OSLO, 0), tzinfo=OSLO).astimezone(dt.UTC)


@dataclass
class PublishResult:
    calloff: CallOff
    invited: int
    warnings: list[str] = field(default_factory=list)


def _bidder_emails(supplier_ids: Sequence[int]) -> dict[int, list[str]]:
    by_supplier: dict[int, set[str]] = {}
    rows = Membership.objects.filter(
        organisation_id__in=supplier_ids, role__in=permissions.BIDDER_ROLES, user__is_active=True
    ).values_list("organisation_id", "user__email")
    for organisation_id, email in rows:
        if email:
            by_supplier.setdefault(organisation_id, set()).add(email)
    return {key: sorted(value) for key, value in by_supplier.items()}


def _send_to_suppliers(supplier_ids: Sequence[int], subject: str, body: str) -> None:
    """One e-mail per supplier (recipients of one supplier together, never another supplier's addresses)."""
    messages = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=emails)
        for emails in _bidder_emails(supplier_ids).values()
    ]
    if messages:
        get_connection().send_messages(messages)


def _oslo(instant: dt.datetime) -> str:
    return instant.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")


def calloff_publish(
    *,
    actor: Any,
    calloff: CallOff,
    offer_deadline_at: dt.datetime,
    questions_deadline_at: dt.datetime,
    now: dt.datetime | None = None,
) -> PublishResult:
    """Send the invitation: deadlines set, invited suppliers notified at once (e-mail after commit)."""
    now = now or timezone.now()
    for name, value in (
        ("offer_deadline_at", offer_deadline_at),
        ("questions_deadline_at", questions_deadline_at),
    ):
        if value is None or value.tzinfo is None:
            raise _invalid(name, "Oppgi dato og klokkeslett.")
    if offer_deadline_at <= now:
        raise _invalid("offer_deadline_at", _("Tilbudsfristen må være fram i tid."))
    if questions_deadline_at <= now:
        raise _invalid("questions_deadline_at", _("Fristen for spørsmål må være fram i tid."))
    if questions_deadline_at >= offer_deadline_at:
        raise _invalid("questions_deadline_at", _("Fristen for spørsmål må være før tilbudsfristen."))
    with transaction.atomic():
        locked = _locked_row(calloff)
        _check_manage(actor, locked)
        _check_draft(locked, now)
        if locked.criteria_locked_at is None:
            raise Conflict(_("Lås tildelingskriteriene og evalueringsmodellen før invitasjonen sendes."))
        invitations = list(
            Invitation.objects.filter(calloff=locked, excluded_reason="").select_related("supplier")
        )
        if not invitations:
            raise Conflict(_("Minst én leverandør må inviteres."))
        warnings = []
        suggested = offer_deadline_suggested(locked, now=now)
        if offer_deadline_at < suggested:
            warnings.append(
                _(
                    "Tilbudsfristen er kortere enn anbefalt minimum (%(days)s dager, %(when)s). "
                    "Sørg for at fristen er lang nok til å utarbeide et tilbud."
                )
                % {"days": offer_deadline_minimum_days(locked), "when": _oslo(suggested)}
            )
        locked.published_at = now
        locked.offer_deadline_at = offer_deadline_at
        locked.questions_deadline_at = questions_deadline_at
        if locked.wrapped_data_key is None:
            locked.wrapped_data_key = sealing.data_key_wrap(sealing.data_key_new())
        locked.save(
            update_fields=["published_at", "offer_deadline_at", "questions_deadline_at", "wrapped_data_key"]
        )
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(invited_at=now)
        for name in ("published_at", "offer_deadline_at", "questions_deadline_at", "wrapped_data_key"):
            setattr(calloff, name, getattr(locked, name))
        audit_record(
            actor=actor,
            verb="calloff.published",
            target=locked,
            organisation=locked.buyer,
            data={
                "calloff": locked.reference,
                "offer_deadline_at": offer_deadline_at.astimezone(dt.UTC).isoformat(),
                "questions_deadline_at": questions_deadline_at.astimezone(dt.UTC).isoformat(),
                "invited": sorted(i.supplier.orgnr for i in invitations),
                "warnings": warnings,
            },
            now=now,
        )
        supplier_ids = [i.supplier_id for i in invitations]
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Invitasjon til minikonkurranse: %(reference)s %(title)s") % {
                "reference": locked.reference,
                "title": locked.title,
            }
            body = _(
                "%(buyer)s inviterer til minikonkurranse under rammeavtalen %(framework)s.\n\n"
                "Avrop: %(reference)s %(title)s\n"
                "Frist for spørsmål: %(questions)s\n"
                "Tilbudsfrist: %(offers)s\n\n"
                "Se invitasjonen og lever tilbud på Markedsplassen: %(path)s\n"
            ) % {
                "buyer": locked.buyer.name,
                "framework": locked.framework.name,
                "reference": locked.reference,
                "title": locked.title,
                "questions": _oslo(questions_deadline_at),
                "offers": _oslo(offer_deadline_at),
                "path": f"/avrop/{locked.pk}/tilbud/",
            }
        transaction.on_commit(lambda: _send_to_suppliers(supplier_ids, subject, body))
        transaction.on_commit(lambda: _schedule_reminders(locked, now))
    return PublishResult(calloff=locked, invited=len(invitations), warnings=warnings)


# --- questions and answers ---


def question_ask(*, actor: Any, calloff: CallOff, question: str, now: dt.datetime | None = None) -> Question:
    """An invited supplier asks before the questions deadline. The asker is kept but never shown to suppliers."""
    now = now or timezone.now()
    text = (question or "").strip()
    if not text:
        raise _invalid("question", _("Skriv spørsmålet."))
    if len(text) > QUESTION_MAX_CHARS:
        raise _invalid("question", _("Spørsmålet kan være høyst %(max)s tegn.") % {"max": QUESTION_MAX_CHARS})
    organisation = getattr(actor, "active_organisation", None)
    if organisation is None:
        raise PermissionDenied(_("Bare inviterte leverandører kan stille spørsmål."))
    with transaction.atomic():
        locked = _locked_row(calloff)
        invitation = Invitation.objects.filter(calloff=locked, supplier=organisation).first()
        if not permissions.can_ask_question(actor, invitation):
            raise PermissionDenied(_("Bare inviterte leverandører kan stille spørsmål."))
        if (
            _state(locked, now) is not CallOffState.TENDERING
            or locked.questions_deadline_at is None
            or now >= locked.questions_deadline_at
        ):
            raise Conflict(_("Fristen for spørsmål er ute."))
        row = Question.objects.create(
            calloff=locked, asked_by_organisation=organisation, asked_by=actor, question=text, asked_at=now
        )
        audit_record(
            actor=actor,
            verb="question.asked",
            target=row,
            organisation=organisation,
            data={"calloff": locked.reference},
            now=now,
        )
    return row


def question_answer(
    *, actor: Any, question: Question, answer: str, now: dt.datetime | None = None
) -> Question:
    """The buyer answers; the answer is shown to all invited suppliers without who asked."""
    now = now or timezone.now()
    text = (answer or "").strip()
    if not text:
        raise _invalid("answer", _("Skriv svaret."))
    with transaction.atomic():
        calloff = _locked_row(question.calloff)
        _check_manage(actor, calloff)
        if _state(calloff, now) is not CallOffState.TENDERING:
            raise Conflict(_("Spørsmål kan bare besvares før tilbudsfristen."))
        row = Question.objects.select_for_update().get(pk=question.pk)
        if row.answered_at is not None:
            raise Conflict(_("Spørsmålet er allerede besvart."))
        row.answer = text
        row.answered_by = actor
        row.answered_at = now
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        question.answer, question.answered_by, question.answered_at = text, actor, now
        audit_record(
            actor=actor,
            verb="question.answered",
            target=row,
            organisation=calloff.buyer,
            data={"calloff": calloff.reference},
            now=now,
        )
        supplier_ids = list(
            Invitation.objects.filter(
                calloff=calloff, excluded_reason="", invited_at__isnull=False
            ).values_list("supplier_id", flat=True)
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Nytt svar i minikonkurransen %(reference)s") % {"reference": calloff.reference}
            body = _("Et spørsmål i %(reference)s %(title)s er besvart: %(path)s\n") % {
                "reference": calloff.reference,
                "title": calloff.title,
                "path": f"/avrop/{calloff.pk}/tilbud/",
            }
        transaction.on_commit(lambda: _send_to_suppliers(supplier_ids, subject, body))
    return row


def evaluation_model_set(
    *,
    actor: Any,
    calloff: CallOff,
    choices: Sequence[CriterionChoice],
    model: PriceModel,
    now: dt.datetime | None = None,
) -> CallOff:
    """Criteria and price model together, all or nothing (the preparation form saves both)."""
    with transaction.atomic():
        criteria_set(actor=actor, calloff=calloff, choices=choices, now=now)
        return price_model_set(actor=actor, calloff=calloff, model=model, now=now)


def _schedule_reminders(calloff: CallOff, now: dt.datetime) -> None:
    """Deadline reminders and the end-of-standstill notice run in `mps worker` (idempotent; `mps calloffs tick`
    sweeps whatever a worker missed)."""
    from marketplace.calloffs.tasks import calloff_schedule_reminders

    calloff_schedule_reminders(calloff, now=now)
