"""Writes to the programme status board (MPS staff only). Each write keeps a `ProgrammeRevision` (who, when, what:
field → [before, after], and the programme's state after the change) and appends an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeRevision, ProgrammeStatus
from marketplace.insights.permissions import can_edit_programmes
from marketplace.insights.statistics import quarter_index

PHASE_ORDER = ("start_year", "start_quarter", "end_year", "end_quarter", "id")
PROGRAMME_FIELDS = ("owner", "status", "current_activities", "next_steps")
PHASE_FIELDS = ("title", "is_milestone", "start_year", "start_quarter", "end_year", "end_quarter")


def _check(actor: Any) -> None:
    if not can_edit_programmes(actor):
        raise PermissionDenied(_("Bare MPS kan endre programtavlen."))


def _phase_label(phase: ProgrammePhase) -> str:
    start = f"{phase.start_year} K{phase.start_quarter}"
    if phase.is_milestone:
        return f"{phase.title} ({start})"
    return f"{phase.title} ({start} – {phase.end_year} K{phase.end_quarter})"


def programme_snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "name": programme.name,
        **{name: getattr(programme, name) for name in PROGRAMME_FIELDS},
        "phases": [_phase_label(phase) for phase in programme.phases.order_by(*PHASE_ORDER)],
    }


def _record(
    *, actor: Any, programme: Programme, verb: str, summary: str, changes: dict[str, Any], now: dt.datetime
) -> ProgrammeRevision:
    programme.updated_at = now
    programme.updated_by = actor
    programme.save(update_fields=["updated_at", "updated_by"])
    revision = ProgrammeRevision.objects.create(
        programme=programme,
        summary=summary,
        changes=changes,
        snapshot=programme_snapshot(programme),
        changed_by=actor,
        changed_at=now,
    )
    audit_record(
        actor=actor,
        verb=verb,
        target=programme,
        organisation=getattr(actor, "active_organisation", None),
        data={"programme": programme.slug, "changes": changes, "revision": revision.pk},
        now=now,
    )
    return revision


def programme_update(
    *,
    actor: Any,
    programme: Programme,
    owner: str,
    status: str,
    current_activities: str,
    next_steps: str,
    now: dt.datetime | None = None,
) -> ProgrammeRevision | None:
    """Change a programme's owner, status, activities and next steps. Nothing changed → no revision, None."""
    _check(actor)
    now = now or timezone.now()
    errors = []
    if not owner.strip():
        errors.append({"field": "owner", "message": _("Oppgi hvem som eier programmet.")})
    if status not in ProgrammeStatus.values:
        errors.append({"field": "status", "message": _("Ukjent status.")})
    if errors:
        raise ValidationFailed(_("Programmet ble ikke lagret. Rett feilene under."), errors=errors)
    new = {
        "owner": owner.strip(),
        "status": status,
        "current_activities": current_activities.strip(),
        "next_steps": next_steps.strip(),
    }
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        changes = {
            name: [getattr(programme, name), value]
            for name, value in new.items()
            if getattr(programme, name) != value
        }
        if not changes:
            return None
        for name, value in new.items():
            setattr(programme, name, value)
        programme.save(update_fields=list(new))
        return _record(
            actor=actor,
            programme=programme,
            verb="insights.programme_updated",
            summary=_("Endret %(fields)s") % {"fields": ", ".join(sorted(changes))},
            changes=changes,
            now=now,
        )


def _phase_errors(values: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    if not str(values["title"]).strip():
        errors.append({"field": "title", "message": _("Fasen må ha en tittel.")})
    for field in ("start_quarter", "end_quarter"):
        if values[field] not in (1, 2, 3, 4):
            errors.append({"field": field, "message": _("Kvartal må være 1, 2, 3 eller 4.")})
    for field in ("start_year", "end_year"):
        if not 2000 <= values[field] <= 2100:
            errors.append({"field": field, "message": _("Året må være mellom 2000 og 2100.")})
    if not errors and quarter_index(values["end_year"], values["end_quarter"]) < quarter_index(
        values["start_year"], values["start_quarter"]
    ):
        errors.append({"field": "end_year", "message": _("Slutten kan ikke komme før starten.")})
    return errors


def programme_phase_save(
    *,
    actor: Any,
    programme: Programme,
    phase: ProgrammePhase | None = None,
    title: str,
    is_milestone: bool,
    start_year: int,
    start_quarter: int,
    end_year: int,
    end_quarter: int,
    now: dt.datetime | None = None,
) -> ProgrammePhase:
    """Add a phase/milestone to the programme's timeline (phase=None) or change one of its phases. A milestone
    sits in one quarter: its end is its start."""
    _check(actor)
    now = now or timezone.now()
    if phase is not None and phase.programme_id != programme.pk:
        raise ValidationFailed(_("Fasen hører ikke til dette programmet."))
    if is_milestone:
        end_year, end_quarter = start_year, start_quarter
    values: dict[str, Any] = {
        "title": title.strip(),
        "is_milestone": is_milestone,
        "start_year": start_year,
        "start_quarter": start_quarter,
        "end_year": end_year,
        "end_quarter": end_quarter,
    }
    errors = _phase_errors(values)
    if errors:
        raise ValidationFailed(_("Fasen ble ikke lagret. Rett feilene under."), errors=errors)
    with transaction.atomic():
        if phase is None:
            phase = ProgrammePhase.objects.create(programme=programme, **values)
            changes: dict[str, Any] = {"phase_added": [None, _phase_label(phase)]}
            summary = _("La til «%(title)s»") % {"title": phase.title}
            verb = "insights.programme_phase_added"
        else:
            phase = ProgrammePhase.objects.select_for_update().get(pk=phase.pk)
            before = _phase_label(phase)
            if all(getattr(phase, name) == value for name, value in values.items()):
                return phase
            for name, value in values.items():
                setattr(phase, name, value)
            phase.save(update_fields=list(values))
            changes = {"phase_changed": [before, _phase_label(phase)]}
            summary = _("Endret «%(title)s»") % {"title": phase.title}
            verb = "insights.programme_phase_changed"
        _record(actor=actor, programme=programme, verb=verb, summary=summary, changes=changes, now=now)
    return phase


def programme_phase_delete(
    *, actor: Any, programme: Programme, phase: ProgrammePhase, now: dt.datetime | None = None
) -> None:
    _check(actor)
    now = now or timezone.now()
    if phase.programme_id != programme.pk:
        raise ValidationFailed(_("Fasen hører ikke til dette programmet."))
    with transaction.atomic():
        phase = ProgrammePhase.objects.select_for_update().get(pk=phase.pk)
        label = _phase_label(phase)
        phase.delete()
        _record(
            actor=actor,
            programme=programme,
            verb="insights.programme_phase_removed",
            summary=_("Fjernet «%(title)s»") % {"title": phase.title},
            changes={"phase_removed": [label, None]},
            now=now,
        )
