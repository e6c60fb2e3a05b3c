"""The listing workflow: create, edit, submit, approve, return, withdraw. Every write is audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalogue import permissions, rules
from marketplace.catalogue.facts import (
    RELATION_FIELDS,
    SCALAR_FIELDS,
    facts_proposed,
    scalar_from_json,
    service_facts,
)
from marketplace.catalogue.models import (
    CertificationScheme,
    Contract,
    PriceList,
    Service,
    ServiceStatus,
    ServiceVersion,
)
from marketplace.catalogue.search import service_index_refresh
from marketplace.core import hooks
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed

Row = Mapping[str, Any]

_CHOICE_FIELDS = (
    "service_model",
    "deployment_model",
    "price_model",
    "price_unit",
    "support_hours",
    "cyberx_phase",
)
_REQUIRED_FIELDS = ("name", "summary", "service_model", "deployment_model", "price_model", "support_hours")


def _published_changed(service: Service) -> None:
    """The one place that hears about every change to what the public catalogue shows for `service`.

    Runs after commit when a service is published, gets approved edits, or is withdrawn: refreshes its search entry.
    """
    service_index_refresh(service)


def _schedule_published_changed(service: Service) -> None:
    transaction.on_commit(lambda: _published_changed(service))


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _clean_relations(
    data_locations: Sequence[Row] | None,
    certifications: Sequence[Row] | None,
    sub_processors: Sequence[Row] | None,
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, str]]]:
    relations: dict[str, list[dict[str, Any]]] = {}
    errors: list[dict[str, str]] = []
    if data_locations is not None:
        rows = []
        seen = set()
        for index, row in enumerate(data_locations, start=1):
            country = rules.country_code_clean(str(row.get("country") or ""))
            if country is None:
                errors.append(
                    _error(
                        "data_locations",
                        _(
                            "Datalokasjon %(n)s: oppgi landkode med to bokstaver (ISO 3166-1), for eksempel NO."
                        )
                        % {"n": index},
                    )
                )
                continue
            region = str(row.get("region") or "").strip()[:100]
            if (country, region) in seen:
                continue
            seen.add((country, region))
            rows.append({"country": country, "region": region})
        relations["data_locations"] = rows
    if certifications is not None:
        rows = []
        schemes = set()
        for index, row in enumerate(certifications, start=1):
            scheme = str(row.get("scheme") or "")
            if scheme not in CertificationScheme.values:
                errors.append(
                    _error("certifications", _("Sertifisering %(n)s: velg en ordning.") % {"n": index})
                )
                continue
            if scheme in schemes:
                errors.append(
                    _error(
                        "certifications",
                        _("Sertifisering %(n)s: ordningen er oppgitt mer enn én gang.") % {"n": index},
                    )
                )
                continue
            if row.get("valid_until") is None:
                errors.append(
                    _error("certifications", _("Sertifisering %(n)s: oppgi gyldig til-dato.") % {"n": index})
                )
                continue
            schemes.add(scheme)
            rows.append(
                {
                    "scheme": scheme,
                    "issuer": str(row.get("issuer") or "").strip()[:200],
                    "certificate_reference": str(row.get("certificate_reference") or "").strip()[:100],
                    "valid_until": row["valid_until"],
                }
            )
        relations["certifications"] = rows
    if sub_processors is not None:
        rows = []
        for index, row in enumerate(sub_processors, start=1):
            name = str(row.get("name") or "").strip()
            country = rules.country_code_clean(str(row.get("country") or ""))
            purpose = str(row.get("purpose") or "").strip()
            if not name or country is None or not purpose:
                errors.append(
                    _error(
                        "sub_processors",
                        _("Underdatabehandler %(n)s: oppgi navn, landkode (to bokstaver) og formål.")
                        % {"n": index},
                    )
                )
                continue
            rows.append({"name": name[:200], "country": country, "purpose": purpose[:300]})
        relations["sub_processors"] = rows
    return relations, errors


def _clean_data(contract: Contract, data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(SCALAR_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Ukjente felt: %(fields)s.") % {"fields": ", ".join(unknown)},
            errors=[_error(name, _("Ukjent felt.")) for name in unknown],
        )
    clean = dict(data)
    errors: list[dict[str, str]] = []
    for name in _REQUIRED_FIELDS:
        if (name in clean or not partial) and not str(clean.get(name) or "").strip():
            errors.append(_error(name, _("Fyll ut %(field)s.") % {"field": _field_label(name)}))
    for name in _CHOICE_FIELDS:
        value = clean.get(name)
        if value:
            choices = {str(key) for key, _label in _model_field(name).choices or []}
            if value not in choices:
                errors.append(_error(name, _("Ugyldig valg for %(field)s.") % {"field": _field_label(name)}))
    if "description" in clean:
        clean["description"] = rules.html_sanitise(str(clean["description"] or ""))
    for name in ("name", "summary", "export_formats", "exit_terms", "wcag_statement_url"):
        if name in clean and clean[name] is not None:
            clean[name] = str(clean[name]).strip()
    sla = clean.get("sla_availability_percent")
    if sla is not None and not (0 <= sla <= 100):
        errors.append(_error("sla_availability_percent", _("Tilgjengelighet må være mellom 0 og 100 %.")))
    for name in ("price_from_amount", "egress_fee_per_gb_amount"):
        amount = clean.get(name)
        if amount is not None and amount < 0:
            errors.append(_error(name, _("Beløpet kan ikke være negativt.")))
    price_list = clean.get("price_list")
    if isinstance(price_list, int):
        price_list = PriceList.objects.filter(pk=price_list).first()
        clean["price_list"] = price_list
    if price_list is not None and price_list.contract_id != contract.pk:
        errors.append(
            _error("price_list", _("Prislisten hører ikke til kontrakten tjenesten er listet under."))
        )
    if errors:
        raise ValidationFailed(_("Tjenesten ble ikke lagret. Rett feilene og prøv igjen."), errors=errors)
    return clean


def _model_field(name: str) -> models.Field:
    return cast(models.Field, Service._meta.get_field(name))


def _field_label(name: str) -> str:
    return str(_model_field(name).verbose_name)


def _write_relations(service: Service, relations: Mapping[str, Sequence[Row]]) -> None:
    if "data_locations" in relations:
        service.data_locations.all().delete()
        service.data_locations.bulk_create(
            [
                service.data_locations.model(service=service, country=r["country"], region=r["region"])
                for r in relations["data_locations"]
            ]
        )
        service.data_residency = rules.data_residency(r["country"] for r in relations["data_locations"])
    if "certifications" in relations:
        service.certifications.all().delete()
        service.certifications.bulk_create(
            [
                service.certifications.model(
                    service=service,
                    scheme=r["scheme"],
                    issuer=r["issuer"],
                    certificate_reference=r["certificate_reference"],
                    valid_until=scalar_date(r["valid_until"]),
                )
                for r in relations["certifications"]
            ]
        )
    if "sub_processors" in relations:
        service.sub_processors.all().delete()
        service.sub_processors.bulk_create(
            [
                service.sub_processors.model(
                    service=service, name=r["name"], country=r["country"], purpose=r["purpose"]
                )
                for r in relations["sub_processors"]
            ]
        )


def scalar_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _apply_scalars(service: Service, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name == "price_list":
            if isinstance(value, PriceList):
                service.price_list = value
            else:
                service.price_list_id = value
        else:
            setattr(service, name, "" if value is None and _is_text(name) else value)


def _is_text(name: str) -> bool:
    return _model_field(name).get_internal_type() in {"CharField", "TextField", "URLField"}


def _locked(service: Service) -> Service:
    return Service.objects.select_for_update().select_related("contract__supplier").get(pk=service.pk)


def _not_allowed(service: Service, action: str) -> Conflict:
    messages = {
        rules.EDIT: _("En tjeneste med status «%(status)s» kan ikke endres."),
        rules.SUBMIT: _("Bare utkast kan sendes til godkjenning (status nå: «%(status)s»)."),
        rules.APPROVE: _("Det er ingenting å godkjenne for denne tjenesten (status: «%(status)s»)."),
        rules.RETURN: _("Det er ingenting å returnere for denne tjenesten (status: «%(status)s»)."),
        rules.WITHDRAW: _("Tjenesten er allerede trukket tilbake."),
    }
    return Conflict(messages[action] % {"status": service.get_status_display()})


def _transition(service: Service, action: str) -> str:
    try:
        return rules.transition_target(service.status, action, has_pending=bool(service.pending_changes))
    except rules.TransitionNotAllowed as exc:
        raise _not_allowed(service, action) from exc


@transaction.atomic
def service_create(
    *,
    actor: Any,
    contract: Contract,
    data: Mapping[str, Any],
    data_locations: Sequence[Row] = (),
    certifications: Sequence[Row] = (),
    sub_processors: Sequence[Row] = (),
    now: datetime | None = None,
) -> Service:
    """A new draft listing under the contract. The contract must be valid today."""
    now = now or timezone.now()
    if not permissions.can_create_service(actor, contract):
        raise PermissionDenied(_("Du kan ikke opprette tjenester for denne leverandøren."))
    today = timezone.localdate(now)
    if not rules.contract_is_valid(contract.valid_from, contract.valid_to, today):
        raise ValidationFailed(
            _("Kontrakten %(ref)s er ikke gyldig i dag.") % {"ref": contract.reference},
            errors=[_error("contract", _("Velg en gyldig kontrakt."))],
        )
    clean = _clean_data(contract, data, partial=False)
    relations, errors = _clean_relations(data_locations, certifications, sub_processors)
    if errors:
        raise ValidationFailed(_("Tjenesten ble ikke lagret. Rett feilene og prøv igjen."), errors=errors)
    service = Service(contract=contract, status=ServiceStatus.DRAFT)
    _apply_scalars(service, clean)
    service.data_residency = rules.data_residency(r["country"] for r in relations["data_locations"])
    service.save()
    _write_relations(service, relations)
    audit_record(
        actor=actor,
        verb="service.create",
        target=service,
        organisation=contract.supplier,
        data={"name": service.name, "contract": contract.reference},
        now=now,
    )
    return service


@transaction.atomic
def service_update(
    *,
    actor: Any,
    service: Service,
    data: Mapping[str, Any],
    data_locations: Sequence[Row] | None = None,
    certifications: Sequence[Row] | None = None,
    sub_processors: Sequence[Row] | None = None,
    now: datetime | None = None,
) -> Service:
    """Edit a draft in place; edits to a published service wait in `pending_changes` for a category manager."""
    now = now or timezone.now()
    if not permissions.can_edit_service(actor, service):
        raise PermissionDenied(_("Du kan ikke endre denne tjenesten."))
    service = _locked(service)
    _transition(service, rules.EDIT)
    clean = _clean_data(service.contract, data, partial=True)
    relations, errors = _clean_relations(data_locations, certifications, sub_processors)
    if errors:
        raise ValidationFailed(_("Tjenesten ble ikke lagret. Rett feilene og prøv igjen."), errors=errors)
    current = service_facts(service)
    proposed = facts_proposed(current, clean, relations)
    changed = rules.facts_changed(current, proposed)
    if service.status == ServiceStatus.DRAFT:
        _apply_scalars(service, clean)
        _write_relations(service, relations)
        service.save()
        verb = "service.update"
    else:
        # Published: the row keeps what is public; the proposal replaces any earlier one. It must still be complete.
        submission_errors = _submission_errors(proposed)
        if submission_errors:
            raise ValidationFailed(
                _("Endringene ble ikke sendt. Tjenesten mangler opplysninger."), errors=submission_errors
            )
        service.pending_changes = changed
        if changed:
            service.submitted_by = actor
            service.submitted_at = now
            service.returned_reason = ""
        service.save(
            update_fields=["pending_changes", "submitted_by", "submitted_at", "returned_reason", "updated_at"]
        )
        verb = "service.changes_propose"
    audit_record(
        actor=actor,
        verb=verb,
        target=service,
        organisation=service.contract.supplier,
        data={"fields": sorted(changed)},
        now=now,
    )
    return service


def _submission_errors(facts: Mapping[str, Any]) -> list[dict[str, str]]:
    messages = {
        rules.MISSING_SUMMARY: _("Skriv en kort beskrivelse."),
        rules.MISSING_DATA_LOCATION: _("Oppgi minst én datalokasjon."),
        rules.MISSING_WCAG: _("SaaS-tjenester må lenke til en tilgjengelighetserklæring."),
        rules.MISSING_CYBERX_PHASE: _("Sikkerhetstjenester må ha en CyberX-fase."),
    }
    return [_error(field, messages[code]) for field, code in rules.submission_problems(facts)]


@transaction.atomic
def service_submit(*, actor: Any, service: Service, now: datetime | None = None) -> Service:
    now = now or timezone.now()
    if not permissions.can_submit_service(actor, service):
        raise PermissionDenied(_("Du kan ikke sende denne tjenesten til godkjenning."))
    service = _locked(service)
    target = _transition(service, rules.SUBMIT)
    errors = _submission_errors(service_facts(service))
    if errors:
        raise ValidationFailed(_("Tjenesten mangler opplysninger før den kan sendes inn."), errors=errors)
    service.status = target
    service.submitted_at = now
    service.submitted_by = actor
    service.returned_reason = ""
    service.save(update_fields=["status", "submitted_at", "submitted_by", "returned_reason", "updated_at"])
    audit_record(
        actor=actor, verb="service.submit", target=service, organisation=service.contract.supplier, now=now
    )
    return service


@transaction.atomic
def service_approve(*, actor: Any, service: Service, now: datetime | None = None) -> ServiceVersion:
    """Publish a submitted service, or apply a published service's pending edits; store the new version."""
    now = now or timezone.now()
    if not permissions.can_approve_service(actor, service):
        raise PermissionDenied(_("Bare kategoriansvarlige kan godkjenne tjenester."))
    service = _locked(service)
    target = _transition(service, rules.APPROVE)
    last = service.versions.order_by("-number").first()
    before = last.snapshot if last is not None else {}
    if service.pending_changes:
        pending = dict(service.pending_changes)
        _apply_scalars(service, {k: scalar_from_json(k, v) for k, v in pending.items() if k in SCALAR_FIELDS})
        _write_relations(service, {k: v for k, v in pending.items() if k in RELATION_FIELDS})
    after = service_facts(service)
    number = (service.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ServiceVersion.objects.create(
        service=service,
        number=number,
        snapshot=after,
        changes=rules.facts_diff(before, after),
        submitted_by=service.submitted_by,
        approved_by=actor,
        published_at=now,
    )
    service.status = target
    service.pending_changes = {}
    service.returned_reason = ""
    if service.published_at is None:
        service.published_at = now
    service.save()
    audit_record(
        actor=actor,
        verb="service.approve",
        target=service,
        organisation=service.contract.supplier,
        data={"version": number, "fields": [c["field"] for c in version.changes]},
        now=now,
    )
    hooks.publish(
        hooks.SERVICE_CHANGED,
        service=service,
        fields=[c["field"] for c in version.changes],
        version=version,
        actor=actor,
        now=now,
    )
    _schedule_published_changed(service)
    return version


@transaction.atomic
def service_return(*, actor: Any, service: Service, reason: str, now: datetime | None = None) -> Service:
    """Send a submitted service back to draft, or discard a published service's pending edits, with a reason."""
    now = now or timezone.now()
    if not permissions.can_return_service(actor, service):
        raise PermissionDenied(_("Bare kategoriansvarlige kan returnere tjenester."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Skriv en begrunnelse for returen."), errors=[_error("reason", _("Skriv en begrunnelse."))]
        )
    service = _locked(service)
    target = _transition(service, rules.RETURN)
    discarded = sorted(service.pending_changes)
    service.status = target
    service.pending_changes = {}
    service.returned_reason = reason
    service.save(update_fields=["status", "pending_changes", "returned_reason", "updated_at"])
    audit_record(
        actor=actor,
        verb="service.return",
        target=service,
        organisation=service.contract.supplier,
        data={"reason": reason, "discarded_fields": discarded},
        now=now,
    )
    return service


@transaction.atomic
def service_withdraw(
    *, actor: Any, service: Service, reason: str = "", now: datetime | None = None
) -> Service:
    now = now or timezone.now()
    if not permissions.can_withdraw_service(actor, service):
        raise PermissionDenied(_("Du kan ikke trekke tilbake denne tjenesten."))
    service = _locked(service)
    was_published = service.status == ServiceStatus.PUBLISHED
    service.status = _transition(service, rules.WITHDRAW)
    service.withdrawn_at = now
    service.pending_changes = {}
    service.save(update_fields=["status", "withdrawn_at", "pending_changes", "updated_at"])
    audit_record(
        actor=actor,
        verb="service.withdraw",
        target=service,
        organisation=service.contract.supplier,
        data={"reason": (reason or "").strip(), "was_published": was_published},
        now=now,
    )
    if was_published:
        _schedule_published_changed(service)
    return service
