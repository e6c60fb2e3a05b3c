"""Writes of assessments: start (from the catalogue, outside it, or from a template), edit rows, the workflow
(submit, return, sign off with a frozen version) and flagging for review when the catalogue changes a service.

Every function is keyword-only, takes the actor, checks permissions, runs in one transaction and writes the audit
event. Bad input raises ValidationFailed with (field, message) errors and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.catalogue.models import Service
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO
from marketplace.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from marketplace.privacy.assessment_rules import adequacy, workflow
from marketplace.privacy.models import (
    ActionItem,
    Assessment,
    AssessmentNotice,
    AssessmentVersion,
    ProcessingRecord,
    ProviderPurpose,
    RiskEntry,
    ServiceInUse,
    TransferRow,
)
from marketplace.privacy.models.assessments import (
    ActionStatus,
    AssessmentState,
    FearedEvent,
    LegalBasis,
    ProviderBasis,
    ResidualRisk,
    TransferTool,
)
from marketplace.privacy.permissions import PRIVACY_ROLES, can_change_assessment, can_work_on_privacy

WATCHED_FIELDS = ("sub_processors", "data_locations")


def _fail(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise ValidationFailed(
            _("Vurderingen ble ikke lagret."), errors=[{"field": f, "message": m} for f, m in errors]
        )


def _require(user: Any, assessment: Assessment) -> None:
    if not can_change_assessment(user, assessment):
        raise PermissionDenied(
            _("Bare personvernansvarlig eller administrator i virksomheten kan endre vurderingen.")
        )


def catalogue_facts_of(service: Service, *, now: dt.datetime) -> dict[str, Any]:
    return {
        "copied_at": now.isoformat(),
        "service_id": service.pk,
        "sub_processors": [
            {"name": s.name, "country": s.country, "purpose": s.purpose} for s in service.sub_processors.all()
        ],
        "data_locations": [{"country": d.country, "region": d.region} for d in service.data_locations.all()],
    }


def _prefill_transfers(assessment: Assessment, facts: dict[str, Any]) -> None:
    """One transfer-map row per sub-processor (provenance: catalogue); the buyer completes data and tool."""
    for sub in facts.get("sub_processors", []):
        if not sub.get("country"):
            continue
        TransferRow.objects.create(
            assessment=assessment,
            data_category="",
            recipient=sub["name"],
            country=sub["country"],
            purpose=sub.get("purpose", ""),
            is_onward=True,
            tool=TransferTool.ADEQUACY
            if not adequacy.decide(sub["country"], on=assessment.assessed_on).needs_tia
            else TransferTool.NONE,
            source="catalogue",
        )


def assessment_start(
    *,
    actor: Any,
    organisation: Organisation,
    assessed_on: dt.date,
    service: Service | None = None,
    service_name: str = "",
    supplier_name: str = "",
    title: str = "",
    template: Assessment | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """Start an assessment for a catalogue service (prefilled from it) or for a service outside the catalogue."""
    now = now or timezone.now()
    if not can_work_on_privacy(actor, organisation):
        raise PermissionDenied(
            _("Bare personvernansvarlig eller administrator i en kundevirksomhet kan starte en vurdering.")
        )
    if service is not None:
        service_name = service.name
        supplier_name = service.contract.supplier.name
    errors = []
    if not service_name.strip():
        errors.append(("service_name", _("Oppgi hvilken tjeneste som vurderes.")))
    if template is not None and not template.is_template:
        errors.append(("template", _("Ukjent mal.")))
    _fail(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organisation=organisation,
            title=title.strip() or f"Personvernvurdering: {service_name.strip()}",
            service=service,
            service_in_use=ServiceInUse.objects.filter(organisation=organisation, service=service).first()
            if service is not None
            else None,
            service_name=service_name.strip(),
            supplier_name=supplier_name.strip(),
            assessed_on=assessed_on,
            created_by=actor,
            created_at=now,
            updated_at=now,
            copied_from=template,
        )
        if service is not None:
            assessment.catalogue_facts = catalogue_facts_of(service, now=now)
            assessment.save(update_fields=["catalogue_facts"])
        if template is not None:
            _copy_content(template, assessment)
        else:
            for event in FearedEvent.values:
                RiskEntry.objects.create(assessment=assessment, event=event)
        _prefill_transfers(assessment, assessment.catalogue_facts)
        audit_record(
            actor=actor,
            verb="privacy.assessment_started",
            target=assessment,
            organisation=organisation,
            data={"service_id": getattr(service, "pk", None), "template_id": getattr(template, "pk", None)},
            now=now,
        )
    return assessment


def _copy_content(source: Assessment, target: Assessment) -> None:
    for field in ("provider_purposes_known", "is_limited_to_instructions", "has_disclosure_clause"):
        setattr(target, field, getattr(source, field))
    target.save()
    for model, related in (
        (ProcessingRecord, "processing"),
        (ProviderPurpose, "provider_purposes"),
        (TransferRow, "transfers"),
        (RiskEntry, "risks"),
    ):
        for row in getattr(source, related).all():
            row.pk = None
            row.assessment = target
            model.objects.bulk_create([row])


# --- edits -------------------------------------------------------------------------------------------------------


def _touch(assessment: Assessment, *, actor: Any, now: dt.datetime) -> None:
    """Before any edit: a signed-off assessment becomes a draft of the next version; then mark it updated."""
    if workflow.edit_starts_new_version(assessment.state):
        assessment.state = AssessmentState.DRAFT
        assessment.version += 1
        assessment.signed_off_at = None
        assessment.signed_off_by = None
        audit_record(
            actor=actor,
            verb="privacy.assessment_new_version",
            target=assessment,
            organisation=assessment.organisation,
            data={"version": assessment.version},
            now=now,
        )
    assessment.updated_at = now
    assessment.save()


@dataclass(frozen=True)
class AssessmentInput:
    title: str
    assessed_on: dt.date
    review_on: dt.date | None
    provider_purposes_known: bool
    is_limited_to_instructions: bool | None
    has_disclosure_clause: bool | None
    dpo_opinion: str


def assessment_update(
    *, actor: Any, assessment: Assessment, data: AssessmentInput, now: dt.datetime | None = None
) -> Assessment:
    now = now or timezone.now()
    _require(actor, assessment)
    errors = [
        (field, _(message))
        for field, message in workflow.date_problems(
            assessed_on=data.assessed_on,
            review_on=data.review_on,
            today=now.astimezone(OSLO).date(),
            previous_review_on=assessment.review_on,
        )
    ]
    if not data.title.strip():
        errors.append(("title", _("Tittel mangler.")))
    _fail(errors)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _touch(assessment, actor=actor, now=now)
        assessment.title = data.title.strip()
        assessment.assessed_on = data.assessed_on
        assessment.review_on = data.review_on
        assessment.provider_purposes_known = data.provider_purposes_known
        assessment.is_limited_to_instructions = data.is_limited_to_instructions
        assessment.has_disclosure_clause = data.has_disclosure_clause
        assessment.dpo_opinion = data.dpo_opinion.strip()
        assessment.save()
        audit_record(
            actor=actor,
            verb="privacy.assessment_updated",
            target=assessment,
            organisation=assessment.organisation,
            data={"version": assessment.version},
            now=now,
        )
    return assessment


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def _validate_processing(
    data: dict[str, Any], assessment: Assessment, *, today: dt.date, previous: Any = None
) -> dict[str, Any]:
    errors = []
    for key, message in (
        ("purpose", _("Formål mangler.")),
        ("data_category", _("Kategori personopplysninger mangler.")),
        ("data_subjects", _("Registrerte mangler.")),
    ):
        if not _text(data, key):
            errors.append((key, message))
    if _text(data, "legal_basis") not in LegalBasis.values:
        errors.append(("legal_basis", _("Velg behandlingsgrunnlag etter art. 6(1).")))
    _fail(errors)
    return {
        "purpose": _text(data, "purpose"),
        "data_category": _text(data, "data_category"),
        "data_subjects": _text(data, "data_subjects"),
        "legal_basis": _text(data, "legal_basis"),
        "is_special": bool(data.get("is_special")),
        "special_condition": _text(data, "special_condition"),
    }


def _validate_provider_purpose(
    data: dict[str, Any], assessment: Assessment, *, today: dt.date, previous: Any = None
) -> dict[str, Any]:
    errors = []
    if not _text(data, "purpose"):
        errors.append(("purpose", _("Formål mangler.")))
    if _text(data, "legal_basis") not in ProviderBasis.values:
        errors.append(("legal_basis", _("Velg grunnlag.")))
    _fail(errors)
    return {
        "purpose": _text(data, "purpose"),
        "legal_basis": _text(data, "legal_basis"),
        "note": _text(data, "note"),
    }


def _validate_transfer(
    data: dict[str, Any], assessment: Assessment, *, today: dt.date, previous: Any = None
) -> dict[str, Any]:
    errors = []
    for key, message in (
        ("data_category", _("Oppgi hvilke data som overføres.")),
        ("recipient", _("Mottaker mangler.")),
        ("purpose", _("Formål mangler.")),
    ):
        if not _text(data, key):
            errors.append((key, message))
    country = adequacy.country_code_clean(_text(data, "country"))
    if country is None:
        errors.append(("country", _("Ukjent landkode. Bruk ISO 3166-1 alfa-2, f.eks. NO, IE eller US.")))
    if _text(data, "tool") not in TransferTool.values:
        errors.append(("tool", _("Ukjent overføringsgrunnlag.")))
    if _text(data, "residual_risk") not in ResidualRisk.values:
        errors.append(("residual_risk", _("Ukjent restrisiko.")))
    steps = data.get("edpb_steps_done") or 0
    if not isinstance(steps, int) or not 0 <= steps <= 6:
        errors.append(("edpb_steps_done", _("Antall EDPB-trinn må være 0–6.")))
    review_on = data.get("review_on")
    errors.extend(
        (field, _(message))
        for field, message in workflow.date_problems(
            assessed_on=assessment.assessed_on,
            review_on=review_on,
            today=today,
            previous_review_on=getattr(previous, "review_on", None),
        )
    )
    _fail(errors)
    return {
        "data_category": _text(data, "data_category"),
        "recipient": _text(data, "recipient"),
        "country": country,
        "purpose": _text(data, "purpose"),
        "is_onward": bool(data.get("is_onward")),
        "is_dpf_certified": bool(data.get("is_dpf_certified")),
        "is_commercial": data.get("is_commercial", True) is not False,
        "tool": _text(data, "tool"),
        "edpb_steps_done": steps,
        "supplementary_measures": _text(data, "supplementary_measures"),
        "residual_risk": _text(data, "residual_risk"),
        "review_on": review_on,
    }


def _validate_action(
    data: dict[str, Any], assessment: Assessment, *, today: dt.date, previous: Any = None
) -> dict[str, Any]:
    errors = []
    if not _text(data, "description"):
        errors.append(("description", _("Beskriv tiltaket.")))
    if not _text(data, "owner"):
        errors.append(("owner", _("Oppgi hvem som er ansvarlig.")))
    due_on = data.get("due_on")
    if not isinstance(due_on, dt.date):
        errors.append(("due_on", _("Frist mangler.")))
    elif due_on < assessment.assessed_on:
        errors.append(("due_on", _("Fristen kan ikke være før vurderingsdatoen.")))
    if _text(data, "status") not in ActionStatus.values:
        errors.append(("status", _("Ukjent status.")))
    if _text(data, "risk_event") not in ("", *FearedEvent.values):
        errors.append(("risk_event", _("Ukjent risiko.")))
    _fail(errors)
    return {
        "description": _text(data, "description"),
        "owner": _text(data, "owner"),
        "due_on": due_on,
        "status": _text(data, "status"),
        "risk_event": _text(data, "risk_event"),
    }


ROW_KINDS: dict[str, tuple[type[Any], Any]] = {
    "processing": (ProcessingRecord, _validate_processing),
    "provider_purpose": (ProviderPurpose, _validate_provider_purpose),
    "transfer": (TransferRow, _validate_transfer),
    "action": (ActionItem, _validate_action),
}


def assessment_row_add(
    *, actor: Any, assessment: Assessment, kind: str, data: dict[str, Any], now: dt.datetime | None = None
) -> Any:
    """Add a processing record, provider purpose, transfer-map row or action."""
    now = now or timezone.now()
    _require(actor, assessment)
    model, validate = ROW_KINDS[kind]
    clean = validate(data, assessment, today=now.astimezone(OSLO).date())
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _touch(assessment, actor=actor, now=now)
        row = model.objects.create(assessment=assessment, **clean)
        audit_record(
            actor=actor,
            verb=f"privacy.assessment_{kind}_added",
            target=assessment,
            organisation=assessment.organisation,
            data={"row_id": row.pk},
            now=now,
        )
    return row


def assessment_row_update(
    *,
    actor: Any,
    assessment: Assessment,
    kind: str,
    row_id: int,
    data: dict[str, Any],
    now: dt.datetime | None = None,
) -> Any:
    """Change a processing record, provider purpose, transfer-map row or action in place (same rules as adding).

    Like every edit, a change to a signed-off assessment starts a draft of the next version; the signed-off
    version's snapshot stays as it was.
    """
    now = now or timezone.now()
    _require(actor, assessment)
    model, validate = ROW_KINDS[kind]
    previous = model.objects.filter(assessment=assessment, pk=row_id).first()
    if previous is None:
        raise NotFound(_("Raden finnes ikke i denne vurderingen."))
    clean = validate(data, assessment, today=now.astimezone(OSLO).date(), previous=previous)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        row = model.objects.select_for_update().get(assessment=assessment, pk=row_id)
        changed = sorted(name for name, value in clean.items() if getattr(row, name) != value)
        if not changed:
            return row
        _touch(assessment, actor=actor, now=now)
        for name in changed:
            setattr(row, name, clean[name])
        row.save(update_fields=changed)
        audit_record(
            actor=actor,
            verb=f"privacy.assessment_{kind}_changed",
            target=assessment,
            organisation=assessment.organisation,
            data={"row_id": row.pk, "fields": changed},
            now=now,
        )
    return row


def assessment_row_delete(
    *, actor: Any, assessment: Assessment, kind: str, row_id: int, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    _require(actor, assessment)
    model, _validate = ROW_KINDS[kind]
    with transaction.atomic():
        deleted, _by_model = model.objects.filter(assessment=assessment, pk=row_id).delete()
        if not deleted:
            return
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _touch(assessment, actor=actor, now=now)
        audit_record(
            actor=actor,
            verb=f"privacy.assessment_{kind}_removed",
            target=assessment,
            organisation=assessment.organisation,
            data={"row_id": row_id},
            now=now,
        )


def assessment_risk_rate(
    *,
    actor: Any,
    assessment: Assessment,
    event: str,
    severity: int,
    likelihood: int,
    measures: str,
    now: dt.datetime | None = None,
) -> RiskEntry:
    now = now or timezone.now()
    _require(actor, assessment)
    errors = []
    if event not in FearedEvent.values:
        errors.append(("event", _("Ukjent hendelse.")))
    if severity not in (1, 2, 3, 4):
        errors.append(("severity", _("Alvorlighet må være 1–4.")))
    if likelihood not in (1, 2, 3, 4):
        errors.append(("likelihood", _("Sannsynlighet må være 1–4.")))
    _fail(errors)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _touch(assessment, actor=actor, now=now)
        entry, _created = RiskEntry.objects.update_or_create(
            assessment=assessment,
            event=event,
            defaults={"severity": severity, "likelihood": likelihood, "measures": measures.strip()},
        )
        audit_record(
            actor=actor,
            verb="privacy.assessment_risk_rated",
            target=assessment,
            organisation=assessment.organisation,
            data={"event": event, "severity": severity, "likelihood": likelihood},
            now=now,
        )
    return entry


# --- workflow ----------------------------------------------------------------------------------------------------


def _transition(assessment: Assessment, target: str) -> None:
    if not workflow.can_transition(assessment.state, target):
        raise ValidationFailed(
            _("Vurderingen kan ikke flyttes til denne statusen nå."),
            errors=[{"field": "state", "message": _("Ugyldig statusendring.")}],
        )


def _move(
    *, actor: Any, assessment: Assessment, target: str, verb: str, now: dt.datetime | None
) -> Assessment:
    """A state change without other effects (submit for review, return to draft), locked and audited."""
    now = now or timezone.now()
    _require(actor, assessment)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _transition(assessment, target)
        assessment.state = target
        assessment.updated_at = now
        assessment.save()
        audit_record(
            actor=actor,
            verb=verb,
            target=assessment,
            organisation=assessment.organisation,
            data={"version": assessment.version},
            now=now,
        )
    return assessment


def assessment_submit(*, actor: Any, assessment: Assessment, now: dt.datetime | None = None) -> Assessment:
    return _move(
        actor=actor,
        assessment=assessment,
        target=AssessmentState.IN_REVIEW,
        verb="privacy.assessment_submitted",
        now=now,
    )


def assessment_return(*, actor: Any, assessment: Assessment, now: dt.datetime | None = None) -> Assessment:
    return _move(
        actor=actor,
        assessment=assessment,
        target=AssessmentState.DRAFT,
        verb="privacy.assessment_returned",
        now=now,
    )


def assessment_sign_off(
    *,
    actor: Any,
    assessment: Assessment,
    accept_residual_risk: bool = False,
    now: dt.datetime | None = None,
) -> AssessmentVersion:
    """Sign off (DPO opinion required) and freeze the content as version `assessment.version`.

    Open high-severity findings need `accept_residual_risk`; the audit event lists the ones accepted.
    """
    from marketplace.privacy.selectors.assessments import (
        assessment_document,
        assessment_findings,
        open_high_findings,
    )

    now = now or timezone.now()
    _require(actor, assessment)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        high = open_high_findings(assessment_findings(assessment))
        _fail(
            [
                (field, _(message))
                for field, message in workflow.sign_off_problems(
                    state=assessment.state,
                    dpo_opinion=assessment.dpo_opinion,
                    has_processing=assessment.processing.exists(),
                    open_high_findings=len(high),
                    accepts_residual_risk=accept_residual_risk,
                )
            ]
        )
        assessment.state = AssessmentState.SIGNED_OFF
        assessment.signed_off_at = now
        assessment.signed_off_by = actor
        assessment.needs_review = False
        assessment.review_reason = ""
        assessment.updated_at = now
        assessment.save()
        version = AssessmentVersion.objects.create(
            assessment=assessment,
            number=assessment.version,
            snapshot=assessment_document(assessment),
            signed_off_at=now,
            signed_off_by=actor,
        )
        audit_record(
            actor=actor,
            verb="privacy.assessment_signed_off",
            target=assessment,
            organisation=assessment.organisation,
            data={"version": assessment.version, "accepted_high_findings": high},
            now=now,
        )
    return version


# --- catalogue changes -------------------------------------------------------------------------------------------

FIELD_LABELS = {"sub_processors": "underdatabehandlere", "data_locations": "datalokasjoner"}


def _owner_emails(organisation: Organisation) -> list[str]:
    emails = (
        Membership.objects.filter(organisation=organisation, role__in=PRIVACY_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(emails)


def assessments_flag_for_review(
    *, service: Any, fields: list[str], now: dt.datetime | None = None, **_: Any
) -> int:
    """SERVICE_CHANGED subscriber: flag every assessment relying on the service; notify its owners (in-app, e-mail)."""
    changed = [name for name in fields if name in WATCHED_FIELDS]
    if not changed:
        return 0
    now = now or timezone.now()
    what = " og ".join(FIELD_LABELS[name] for name in changed)
    messages: list[tuple[str, str, str, list[str]]] = []
    count = 0
    with transaction.atomic():
        for assessment in Assessment.objects.select_for_update().filter(service=service, is_template=False):
            reason = f"Katalogen endret tjenestens {what} {now.date().strftime('%d.%m.%Y')}."
            assessment.needs_review = True
            assessment.review_reason = reason
            assessment.catalogue_facts = {
                **(assessment.catalogue_facts or {}),
                "changed": changed,
                "current": catalogue_facts_of(service, now=now),
            }
            assessment.save(update_fields=["needs_review", "review_reason", "catalogue_facts"])
            subject = f"Revurder personvernvurderingen: {assessment.title}"
            body = f"{reason} Vurderingen «{assessment.title}» bygger på tjenesten og må gjennomgås."
            AssessmentNotice.objects.create(assessment=assessment, subject=subject, body=body, created_at=now)
            audit_record(
                actor=None,
                verb="privacy.assessment_flagged",
                target=assessment,
                organisation=assessment.organisation,
                data={"changed": changed},
                now=now,
            )
            assert assessment.organisation is not None
            link = reverse("privacy:assessment_detail", args=[assessment.pk])
            messages.extend(
                (subject, f"{body}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [email])
                for email in _owner_emails(assessment.organisation)
            )
            count += 1
        if messages:
            batch = tuple(messages)
            transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=False))
    return count


def on_service_changed(**payload: Any) -> None:
    """The hooks.SERVICE_CHANGED subscriber (registered in PrivacyConfig.ready())."""
    assessments_flag_for_review(**payload)
