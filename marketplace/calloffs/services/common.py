"""Create, re-scope and cancel call-offs.

The route (direct award, desk evaluation, mini-competition) is never chosen by the buyer: `rules.routes.route_for`
derives it from the framework's stored mechanisms and objective rule. The value is classified into FOA parts with
the dated threshold table, checked against the framework's maximum (C-23/20) and aggregated over 12 months.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff, Invitation, ProcurementPart
from marketplace.calloffs.rules import routes, thresholds
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.selectors import calloff_state_of, framework_committed_total
from marketplace.calloffs.selectors.common import buyer_lot_total_since, lot_contracts_valid_on
from marketplace.catalogue.models import (
    ExportFormat,
    FrameworkAgreement,
    Lot,
    Mechanism,
    Shortlist,
    ShortlistSnapshot,
)
from marketplace.catalogue.services.shortlists import shortlist_export
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO, oslo_day
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed

# Share of the framework's maximum value at which the running total starts to warn.
FRAMEWORK_WARN_SHARE = Decimal("0.80")
TITLE_MAX = 200


def extra_closed_days() -> list[dt.date]:
    """`settings.MPS_EXTRA_CLOSED_DAYS` (ISO dates, e.g. "2026-12-24") as dates; pass as `extra_closed=`.

    A malformed entry is a configuration error and raises ValueError naming it.
    """
    days = []
    for raw in getattr(settings, "MPS_EXTRA_CLOSED_DAYS", []) or []:
        text = str(raw).strip()
        if not text:
            continue
        try:
            days.append(dt.date.fromisoformat(text))
        except ValueError as exc:
            raise ValueError(f"MPS_EXTRA_CLOSED_DAYS: {text!r} is not an ISO date (YYYY-MM-DD)") from exc
    return days


def _money(amount: Decimal) -> str:
    """Whole kroner grouped with no-break spaces (Norwegian style), whatever the active language."""
    return f"{amount:,.0f}".replace(",", "\u00a0")


def _fail(field_name: str | None, message: str) -> ValidationFailed:
    errors = (
        [{"field": field_name, "message": message}] if field_name else [{"field": "", "message": message}]
    )
    return ValidationFailed(message, errors=errors)


def route_reason_text(framework: FrameworkAgreement, decision: routes.RouteDecision) -> str:
    """A Norwegian sentence naming the rule applied, quoting the framework's own objective rule."""
    mechanism_row = framework.mechanisms.filter(mechanism=decision.mechanism).first()
    limit = mechanism_row.max_value_amount if mechanism_row is not None else None
    sentences = {
        "single_supplier": _(
            "Delkontrakten har én leverandør, så avropet tildeles direkte til denne leverandøren."
        ),
        "standard_under_limit": _(
            "Behovet dekkes av standardtjenester i prislisten og anslått verdi er innenfor beløpsgrensen for direkte "
            "avrop, så avropet tildeles etter rangeringen i rammeavtalen (FOA § 26-5 (1) a)."
        ),
        "standard_price_list": _(
            "Behovet kan beskrives i prislistens enheter uten tilpasning, så avropet avgjøres ved "
            "skrivebordskonkurranse på rammeavtalens priser og vilkår (FOA § 26-5 (1) a/b)."
        ),
        "customisation_or_special_requirements": _(
            "Behovet krever tilpasning eller har særskilte krav til informasjonssikkerhet og personvern, så alle "
            "leverandørene på delkontrakten skal konkurrere i en minikonkurranse (FOA § 26-5 (1) c og (3))."
        ),
        "above_limit": _(
            "Anslått verdi er over beløpsgrensen for tildeling uten ny konkurranse, så alle leverandørene på "
            "delkontrakten skal konkurrere i en minikonkurranse (FOA § 26-5 (1) c og (3))."
        ),
    }
    text = sentences.get(decision.reason_code, decision.reason_code)
    if limit is not None:
        text += " " + _("Beløpsgrense for denne avropsformen: %(limit)s kr.") % {"limit": _money(limit)}
    if mechanism_row is not None and mechanism_row.objective_rule.strip():
        text += " " + _("Rammeavtalens objektive regel: «%(rule)s»") % {
            "rule": mechanism_row.objective_rule.strip()
        }
    return text


@dataclass
class Assessment:
    """What the rules say about a need before anything is stored (also the create page's preview)."""

    mechanism: str
    reason_code: str
    route_reason: str
    procurement_part: str
    is_above_eea: bool
    has_standstill: bool
    supplier_count: int
    committed_total: Decimal
    warnings: list[str] = field(default_factory=list)

    @property
    def mechanism_label(self) -> str:
        return str(Mechanism(self.mechanism).label)

    @property
    def procurement_part_label(self) -> str:
        return str(ProcurementPart(self.procurement_part).label)


def _buyer_is_state(buyer: Organisation) -> bool:
    return buyer.kind == OrganisationKind.STATE


def calloff_assess(
    *,
    buyer: Organisation,
    framework: FrameworkAgreement,
    lot: Lot,
    estimated_value_amount: Decimal,
    needs_customisation: bool,
    has_special_requirements: bool,
    now: dt.datetime | None = None,
    exclude_calloff_id: int | None = None,
) -> Assessment:
    """Check a need against the framework and the rules; raise ValidationFailed (Norwegian) if it cannot go ahead."""
    now = now or timezone.now()
    today = oslo_day(now)
    if not framework.participants.filter(pk=buyer.pk).exists():
        raise _fail(
            "framework",
            _("%(buyer)s er ikke part i rammeavtalen «%(framework)s» og kan ikke gjøre avrop på den.")
            % {"buyer": buyer.name, "framework": framework.name},
        )
    if today < framework.starts_on:
        raise _fail(
            "framework",
            _("Rammeavtalen «%(framework)s» har ikke trådt i kraft.") % {"framework": framework.name},
        )
    if today > framework.ends_on:
        raise _fail(
            "framework",
            _("Rammeavtalen «%(framework)s» utløp %(date)s. Nye avrop kan ikke gjøres etter utløp.")
            % {"framework": framework.name, "date": framework.ends_on.strftime("%d.%m.%Y")},
        )
    if lot.framework_id != framework.pk:
        raise _fail(
            "lot",
            _("Delkontrakten hører ikke til rammeavtalen «%(framework)s».") % {"framework": framework.name},
        )
    if estimated_value_amount is None or estimated_value_amount <= 0:
        raise _fail("estimated_value_amount", _("Anslått verdi må være større enn 0 kr."))

    warnings: list[str] = []
    committed = framework_committed_total(framework.pk, exclude_calloff_id=exclude_calloff_id)
    total = committed + estimated_value_amount
    maximum = framework.max_value_amount
    if total > maximum:
        raise _fail(
            "estimated_value_amount",
            _(
                "Avropet gjør at rammeavtalens maksimale verdi på %(max)s kr overskrides (allerede bundet: "
                "%(committed)s kr, med dette avropet: %(total)s kr). Når maksimalverdien er nådd, kan rammeavtalen "
                "ikke brukes mer (EU-domstolen C-23/20)."
            )
            % {"max": _money(maximum), "committed": _money(committed), "total": _money(total)},
        )
    if maximum > 0 and total >= maximum * FRAMEWORK_WARN_SHARE:
        share = (total * 100 / maximum).quantize(Decimal("1"))
        warnings.append(
            _(
                "Med dette avropet er %(share)s %% av rammeavtalens maksimale verdi brukt (%(total)s av %(max)s kr)."
            )
            % {"share": share, "total": _money(total), "max": _money(maximum)}
        )

    contracts = list(lot_contracts_valid_on(lot, today))
    if not contracts:
        raise _fail("lot", _("Delkontrakten har ingen gyldige leverandørkontrakter i dag."))
    rules = [
        routes.MechanismRule(mechanism=m.mechanism, max_value_amount=m.max_value_amount)
        for m in framework.mechanisms.all()
    ]
    need = routes.Need(
        estimated_value_amount=estimated_value_amount,
        needs_customisation=needs_customisation,
        has_special_requirements=has_special_requirements,
    )
    try:
        decision = routes.route_for(rules, need, supplier_count=len(contracts))
    except routes.NoLawfulRoute:
        raise _fail(
            None,
            _(
                "Rammeavtalens regel gir ingen lovlig avropsform for dette behovet (verdi og krav). Avropet kan ikke "
                "gjøres på denne rammeavtalen."
            ),
        ) from None
    assert decision.mechanism is not None

    buyer_is_state = _buyer_is_state(buyer)
    try:
        classification = thresholds.classify(estimated_value_amount, buyer_is_state, today)
        since = dt.datetime.combine(thresholds.aggregation_window_start(today), dt.time(0, 0), tzinfo=OSLO)
        earlier = buyer_lot_total_since(
            buyer_id=buyer.pk, lot_id=lot.pk, since=since, exclude_calloff_id=exclude_calloff_id
        )
        splits = thresholds.splitting_warnings(estimated_value_amount, earlier, buyer_is_state, today)
    except thresholds.NoThresholdRow:
        raise _fail(None, _("Det finnes ingen terskelverdier for denne datoen.")) from None
    for split in splits:
        label = (
            _("den nasjonale terskelverdien") if split.threshold == "national" else _("EØS-terskelverdien")
        )
        warnings.append(
            _(
                "Sammen med virksomhetens avrop på denne delkontrakten de siste 12 månedene blir verdien %(total)s kr, "
                "som er over %(label)s på %(amount)s kr. Vurder om anskaffelsen er delt opp; like anskaffelser "
                "skal ses samlet."
            )
            % {
                "total": _money(split.aggregate_amount),
                "label": label,
                "amount": _money(split.threshold_amount),
            }
        )
    return Assessment(
        mechanism=decision.mechanism,
        reason_code=decision.reason_code,
        route_reason=route_reason_text(framework, decision),
        procurement_part=classification.part,
        is_above_eea=classification.is_above_eea,
        has_standstill=decision.mechanism == Mechanism.MINI_COMPETITION and classification.is_above_eea,
        supplier_count=len(contracts),
        committed_total=committed,
        warnings=warnings,
    )


def _clean_text(value: str | None, field_name: str, message: str, *, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise _fail(field_name, message)
    if max_length is not None and len(text) > max_length:
        raise _fail(field_name, _("Teksten kan ha høyst %(n)s tegn.") % {"n": max_length})
    return text


def _check_period(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on is None or ends_on is None:
        raise _fail("period_starts_on", _("Oppgi kontraktsperioden (fra og til)."))
    if ends_on < starts_on:
        raise _fail(
            "period_ends_on", _("Kontraktsperioden må slutte samme dag som eller etter at den starter.")
        )


_REFERENCE = re.compile(r"^AV-(\d{4})-(\d+)$")


def _lock_framework(framework: FrameworkAgreement) -> None:
    """Serialise call-offs on one framework so two at once cannot both pass the maximum-value check (C-23/20)."""
    FrameworkAgreement.objects.select_for_update().filter(pk=framework.pk).values_list(
        "pk", flat=True
    ).first()


def _next_reference(year: int) -> str:
    prefix = f"AV-{year}-"
    last = (
        CallOff.objects.filter(reference__startswith=prefix)
        .annotate(n=Length("reference"))
        .order_by("-n", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = 1
    if last:
        match = _REFERENCE.match(last)
        if match:
            number = int(match.group(2)) + 1
    return f"{prefix}{number:04d}"


def _save_with_reference(calloff: CallOff, year: int, *, attempts: int = 5) -> None:
    """Insert with the next free AV-<year>-<NNNN>; a concurrent insert of the same number retries with the next."""
    for attempt in range(attempts):
        calloff.reference = _next_reference(year)
        try:
            with transaction.atomic():
                calloff.save(force_insert=True)
            return
        except IntegrityError:
            calloff.pk = None
            if attempt == attempts - 1 or not CallOff.objects.filter(reference=calloff.reference).exists():
                raise


def _sync_invitations(calloff: CallOff, on: dt.date) -> None:
    """Mini-competitions: one (unsent) invitation per contract on the lot; other routes: none unsent."""
    if calloff.mechanism != Mechanism.MINI_COMPETITION:
        calloff.invitations.filter(invited_at__isnull=True).delete()
        return
    existing = set(calloff.invitations.values_list("supplier_id", flat=True))
    Invitation.objects.bulk_create(
        [
            Invitation(calloff=calloff, contract=contract, supplier=contract.supplier)
            for contract in lot_contracts_valid_on(calloff.lot, on)
            if contract.supplier_id not in existing
        ]
    )


@transaction.atomic
def calloff_create(
    *,
    actor: Any,
    buyer: Organisation,
    framework: FrameworkAgreement,
    lot: Lot,
    title: str,
    description: str,
    estimated_value_amount: Decimal,
    period_starts_on: dt.date,
    period_ends_on: dt.date,
    needs_customisation: bool,
    has_special_requirements: bool,
    shortlist: Shortlist | None = None,
    now: dt.datetime | None = None,
) -> tuple[CallOff, list[str]]:
    """Create a draft call-off on the route the framework's rule gives. Returns (call-off, warnings)."""
    now = now or timezone.now()
    if not permissions.can_create_calloff(actor, buyer):
        raise PermissionDenied(
            _("Du kan ikke opprette avrop for denne virksomheten. Det krever rollen innkjøper.")
        )
    title = _clean_text(title, "title", _("Gi avropet en tittel."), max_length=TITLE_MAX)
    description = _clean_text(description, "description", _("Beskriv behovet."))
    _check_period(period_starts_on, period_ends_on)
    if shortlist is not None and shortlist.organisation_id != buyer.pk:
        raise _fail("shortlist", _("Kortlisten tilhører ikke virksomheten din."))
    _lock_framework(framework)
    assessment = calloff_assess(
        buyer=buyer,
        framework=framework,
        lot=lot,
        estimated_value_amount=estimated_value_amount,
        needs_customisation=needs_customisation,
        has_special_requirements=has_special_requirements,
        now=now,
    )
    snapshot: ShortlistSnapshot | None = None
    if shortlist is not None:
        snapshot = shortlist_export(actor=actor, shortlist=shortlist, format=ExportFormat.CSV, now=now)
    calloff = CallOff(
        buyer=buyer,
        created_by=actor,
        framework=framework,
        lot=lot,
        mechanism=assessment.mechanism,
        route_reason=assessment.route_reason,
        title=title,
        description=description,
        estimated_value_amount=estimated_value_amount,
        period_starts_on=period_starts_on,
        period_ends_on=period_ends_on,
        needs_customisation=needs_customisation,
        has_special_requirements=has_special_requirements,
        procurement_part=assessment.procurement_part,
        shortlist=shortlist,
        shortlist_snapshot=snapshot,
        has_standstill=assessment.has_standstill,
        created_at=now,
    )
    _save_with_reference(calloff, now.astimezone(OSLO).year)
    _sync_invitations(calloff, oslo_day(now))
    audit_record(
        actor=actor,
        verb="calloff.created",
        target=calloff,
        organisation=buyer,
        data={
            "calloff": calloff.pk,
            "reference": calloff.reference,
            "framework": framework.pk,
            "lot": lot.pk,
            "mechanism": calloff.mechanism,
            "route_reason_code": assessment.reason_code,
            "estimated_value_amount": str(estimated_value_amount),
            "procurement_part": calloff.procurement_part,
            "has_standstill": calloff.has_standstill,
            "shortlist_snapshot_hash": snapshot.content_hash if snapshot is not None else None,
            "warnings": assessment.warnings,
        },
        now=now,
    )
    return calloff, assessment.warnings


def _lock(calloff: CallOff) -> CallOff:
    return CallOff.objects.select_for_update().select_related("buyer", "framework", "lot").get(pk=calloff.pk)


@transaction.atomic
def calloff_update_need(
    *,
    actor: Any,
    calloff: CallOff,
    title: str,
    description: str,
    estimated_value_amount: Decimal,
    period_starts_on: dt.date,
    period_ends_on: dt.date,
    needs_customisation: bool,
    has_special_requirements: bool,
    now: dt.datetime | None = None,
) -> tuple[CallOff, list[str]]:
    """Change the need of a draft call-off; the route is derived again. Returns (call-off, warnings)."""
    now = now or timezone.now()
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Du kan ikke endre dette avropet."))
    calloff = _lock(calloff)
    if calloff_state_of(calloff, now=now) is not CallOffState.DRAFT:
        raise Conflict(_("Behovet kan bare endres mens avropet er et utkast."))
    title = _clean_text(title, "title", _("Gi avropet en tittel."), max_length=TITLE_MAX)
    description = _clean_text(description, "description", _("Beskriv behovet."))
    _check_period(period_starts_on, period_ends_on)
    _lock_framework(calloff.framework)
    assessment = calloff_assess(
        buyer=calloff.buyer,
        framework=calloff.framework,
        lot=calloff.lot,
        estimated_value_amount=estimated_value_amount,
        needs_customisation=needs_customisation,
        has_special_requirements=has_special_requirements,
        now=now,
        exclude_calloff_id=calloff.pk,
    )
    started = (
        calloff.cascade_steps.exists()
        or calloff.evaluations.exists()
        or calloff.basket_lines.exists()
        or calloff.criteria.exists()
        or calloff.desk_criteria.exists()
        or calloff.justified_at is not None
    )
    if assessment.mechanism != calloff.mechanism and started:
        raise Conflict(
            _(
                "Endringen gir en annen avropsform (%(new)s), men arbeidet med %(old)s er startet. Avlys avropet og "
                "opprett et nytt."
            )
            % {"new": assessment.mechanism_label, "old": calloff.get_mechanism_display()}
        )
    before = {
        "mechanism": calloff.mechanism,
        "estimated_value_amount": str(calloff.estimated_value_amount),
    }
    calloff.title = title
    calloff.description = description
    calloff.estimated_value_amount = estimated_value_amount
    calloff.period_starts_on = period_starts_on
    calloff.period_ends_on = period_ends_on
    calloff.needs_customisation = needs_customisation
    calloff.has_special_requirements = has_special_requirements
    calloff.mechanism = assessment.mechanism
    calloff.route_reason = assessment.route_reason
    calloff.procurement_part = assessment.procurement_part
    calloff.has_standstill = assessment.has_standstill
    calloff.save()
    _sync_invitations(calloff, oslo_day(now))
    audit_record(
        actor=actor,
        verb="calloff.need_updated",
        target=calloff,
        organisation=calloff.buyer,
        data={
            "calloff": calloff.pk,
            "before": before,
            "mechanism": calloff.mechanism,
            "route_reason_code": assessment.reason_code,
            "estimated_value_amount": str(estimated_value_amount),
            "procurement_part": calloff.procurement_part,
            "warnings": assessment.warnings,
        },
        now=now,
    )
    return calloff, assessment.warnings


@transaction.atomic
def calloff_cancel(*, actor: Any, calloff: CallOff, reason: str, now: dt.datetime | None = None) -> CallOff:
    """Cancel (avlyse) a call-off with a reason; not once the contract is signed."""
    now = now or timezone.now()
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Du kan ikke avlyse dette avropet."))
    reason = (reason or "").strip()
    if not reason:
        raise _fail("reason", _("Skriv hvorfor avropet avlyses."))
    calloff = _lock(calloff)
    if calloff.cancelled_at is not None:
        raise Conflict(_("Avropet er allerede avlyst."))
    if calloff.contract_signed_at is not None:
        raise Conflict(_("Avropet kan ikke avlyses etter at kontrakten er signert."))
    state_before = calloff_state_of(calloff, now=now)
    calloff.cancelled_at = now
    calloff.cancel_reason = reason
    calloff.save(update_fields=["cancelled_at", "cancel_reason"])
    audit_record(
        actor=actor,
        verb="calloff.cancelled",
        target=calloff,
        organisation=calloff.buyer,
        data={"calloff": calloff.pk, "reason": reason, "state_before": str(state_before)},
        now=now,
    )
    return calloff
