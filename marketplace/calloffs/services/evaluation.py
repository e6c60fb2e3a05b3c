"""Mini-competition evaluation after opening: impartiality, rejections (avvisning), quality scores, the ranking.

The ranking is computed by `rules.scoring` from frozen inputs (opened prices, scores, the locked model) whose
SHA-256 is stored with the result, so anyone can re-run it. Changing a score or rejecting an offer after a ranking
clears `evaluated_at`: the ranking is stale and must be computed again before the award.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.calloffs import permissions
from marketplace.calloffs.models import (
    CallOff,
    Criterion,
    Evaluation,
    ImpartialityDeclaration,
    Invitation,
    Offer,
    Score,
)
from marketplace.calloffs.rules import scoring
from marketplace.catalogue.models import CriterionKind, Mechanism
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.rules import canonical_json


def _at(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _locked(calloff: CallOff) -> CallOff:
    return CallOff.objects.select_for_update().select_related("buyer").get(pk=calloff.pk)


def _require_open_for_evaluation(calloff: CallOff) -> None:
    if calloff.cancelled_at is not None:
        raise Conflict(_("Avropet er avlyst."))
    if calloff.mechanism != Mechanism.MINI_COMPETITION:
        raise Conflict(_("Evaluering av tilbud gjelder bare minikonkurranser."))
    if calloff.offers_opened_at is None:
        raise Conflict(_("Tilbudene er ikke åpnet ennå."))
    if calloff.award_decided_at is not None:
        raise Conflict(_("Tildelingen er besluttet; evalueringen kan ikke endres."))


def is_declared_impartial(user: Any, calloff: CallOff) -> bool:
    return ImpartialityDeclaration.objects.filter(
        calloff=calloff, user_id=user.pk, is_impartial=True
    ).exists()


def _require_impartial_evaluator(actor: Any, calloff: CallOff) -> None:
    if not permissions.can_evaluate_calloff(actor, calloff):
        raise PermissionDenied(_("Bare evaluatorer i oppdragsgiverens virksomhet kan gjøre dette."))
    declaration = ImpartialityDeclaration.objects.filter(calloff=calloff, user_id=actor.pk).first()
    if declaration is None:
        raise PermissionDenied(_("Du må avgi habilitetserklæring før du ser eller vurderer tilbud."))
    if not declaration.is_impartial:
        raise PermissionDenied(_("Du har erklært deg inhabil og kan ikke vurdere tilbud i dette avropet."))


def impartiality_declare(
    *, actor: Any, calloff: CallOff, is_impartial: bool, statement: str, now: dt.datetime | None = None
) -> ImpartialityDeclaration:
    """An evaluator's declaration, before seeing any offer. Inhabil evaluators are barred from scoring."""
    now = _at(now)
    statement = (statement or "").strip()
    if not permissions.can_evaluate_calloff(actor, calloff):
        raise PermissionDenied(
            _("Bare evaluatorer i oppdragsgiverens virksomhet kan avgi habilitetserklæring.")
        )
    if not is_impartial and not statement:
        raise ValidationFailed(
            _("Beskriv forholdet som gjør deg inhabil."),
            errors=[{"field": "statement", "message": "required"}],
        )
    with transaction.atomic():
        calloff = _locked(calloff)
        if calloff.cancelled_at is not None:
            raise Conflict(_("Avropet er avlyst."))
        if calloff.award_decided_at is not None:
            raise Conflict(_("Tildelingen er besluttet; det er for sent å avgi habilitetserklæring."))
        if ImpartialityDeclaration.objects.filter(calloff=calloff, user_id=actor.pk).exists():
            raise Conflict(_("Du har allerede avgitt habilitetserklæring for dette avropet."))
        declaration = ImpartialityDeclaration.objects.create(
            calloff=calloff, user=actor, is_impartial=is_impartial, statement=statement, declared_at=now
        )
        audit_record(
            actor=actor,
            verb="impartiality.declared",
            target=calloff,
            organisation=calloff.buyer,
            data={"declaration_id": declaration.pk, "is_impartial": is_impartial},
            now=now,
        )
    return declaration


def offer_reject(
    *, actor: Any, calloff: CallOff, offer: Offer, reason: str, now: dt.datetime | None = None
) -> Offer:
    """Avvisning with a recorded reason, before the award is decided. A computed ranking becomes stale."""
    now = _at(now)
    reason = (reason or "").strip()
    _require_impartial_evaluator(actor, calloff)
    if not reason:
        raise ValidationFailed(
            _("Oppgi begrunnelsen for avvisningen."), errors=[{"field": "reason", "message": "required"}]
        )
    with transaction.atomic():
        calloff = _locked(calloff)
        _require_open_for_evaluation(calloff)
        offer = Offer.objects.select_for_update().select_related("supplier").get(pk=offer.pk)
        if offer.calloff_id != calloff.pk:
            raise ValidationFailed(_("Tilbudet hører ikke til dette avropet."))
        if offer.withdrawn_at is not None:
            raise Conflict(_("Tilbudet er trukket."))
        if offer.rejected_at is not None:
            raise Conflict(_("Tilbudet er allerede avvist."))
        offer.rejected_at, offer.rejected_by, offer.rejection_reason = now, actor, reason
        offer.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
        was_evaluated = calloff.evaluated_at is not None
        if was_evaluated:
            calloff.evaluated_at = None
            calloff.save(update_fields=["evaluated_at"])
        audit_record(
            actor=actor,
            verb="offer.rejected",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "offer_id": offer.pk,
                "supplier": offer.supplier.name,
                "reason": reason,
                "ranking_invalidated": was_evaluated,
            },
            now=now,
        )
    return offer


def _parse_points(points: Any) -> Decimal:
    try:
        value = Decimal(str(points).replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("Poeng må være et tall fra 0 til 10.")) from exc
    if not value.is_finite() or value < 0 or value > 10 or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(
            _("Poeng må være et tall fra 0 til 10 med høyst to desimaler."),
            errors=[{"field": "points", "message": "range"}],
        )
    return value


def score_record(
    *,
    actor: Any,
    offer: Offer,
    criterion: Criterion,
    points: Any,
    justification: str,
    now: dt.datetime | None = None,
) -> Score:
    """A quality score 0–10 with a written justification, by a declared impartial evaluator. Replaces an earlier one."""
    now = _at(now)
    calloff = offer.calloff
    _require_impartial_evaluator(actor, calloff)
    value = _parse_points(points)
    justification = (justification or "").strip()
    if not justification:
        raise ValidationFailed(
            _("Begrunn poengene (hva ga trekk, hva trakk opp)."),
            errors=[{"field": "justification", "message": "required"}],
        )
    if criterion.calloff_id != calloff.pk:
        raise ValidationFailed(_("Kriteriet hører ikke til dette avropet."))
    if criterion.kind == CriterionKind.PRICE:
        raise ValidationFailed(_("Pris får poeng fra prismodellen, ikke fra evaluator."))
    with transaction.atomic():
        calloff = _locked(calloff)
        _require_open_for_evaluation(calloff)
        offer = Offer.objects.select_for_update().select_related("supplier").get(pk=offer.pk)
        if offer.withdrawn_at is not None or offer.rejected_at is not None:
            raise Conflict(_("Tilbudet er trukket eller avvist og skal ikke vurderes."))
        score, created = Score.objects.update_or_create(
            offer=offer,
            criterion=criterion,
            defaults={"points": value, "justification": justification, "scored_by": actor, "scored_at": now},
        )
        was_evaluated = calloff.evaluated_at is not None
        if was_evaluated:
            calloff.evaluated_at = None
            calloff.save(update_fields=["evaluated_at"])
        audit_record(
            actor=actor,
            verb="score.recorded" if created else "score.changed",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "offer_id": offer.pk,
                "supplier": offer.supplier.name,
                "criterion_id": criterion.pk,
                "criterion": criterion.name,
                "points": str(value),
                "ranking_invalidated": was_evaluated,
            },
            now=now,
        )
    return score


def _hash(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def evaluation_inputs(calloff: CallOff) -> dict[str, Any]:
    """Freeze what the ranking depends on (opened prices, scores, model, weights). Raises Conflict if incomplete."""
    criteria = list(calloff.criteria.order_by("position", "id"))
    if not criteria:
        raise Conflict(_("Avropet har ingen tildelingskriterier."))
    if sum((c.weight_percent for c in criteria), Decimal(0)) != 100:
        raise Conflict(_("Vektene til tildelingskriteriene må summere til 100 %."))
    quality = [c for c in criteria if c.kind != CriterionKind.PRICE]
    offers = list(
        Offer.objects.filter(calloff=calloff, withdrawn_at__isnull=True)
        .select_related("supplier")
        .prefetch_related("scores")
        .order_by("supplier__name", "id")
    )
    invitations = {
        inv.supplier_id: inv for inv in Invitation.objects.filter(calloff=calloff).select_related("contract")
    }
    included, excluded, missing = [], [], []
    for offer in offers:
        if offer.rejected_at is not None:
            excluded.append(
                {
                    "offer_id": offer.pk,
                    "supplier_id": offer.supplier_id,
                    "supplier_name": offer.supplier.name,
                    "reason": offer.rejection_reason,
                }
            )
            continue
        invitation = invitations.get(offer.supplier_id)
        if offer.opened_price_amount is None:
            raise Conflict(
                _("Tilbudet fra %(supplier)s mangler åpnet pris.") % {"supplier": offer.supplier.name}
            )
        scores = {s.criterion_id: s for s in offer.scores.all()}
        for criterion in quality:
            if criterion.pk not in scores:
                missing.append(f"{offer.supplier.name}: {criterion.name}")
        included.append(
            {
                "offer_id": offer.pk,
                "supplier_id": offer.supplier_id,
                "supplier_name": offer.supplier.name,
                "contract_id": invitation.contract_id if invitation else None,
                "framework_rank": invitation.contract.rank if invitation else None,
                "sha256": offer.sha256,
                "price_amount": str(offer.opened_price_amount),
                "scores": {str(c.pk): str(scores[c.pk].points) for c in quality if c.pk in scores},
            }
        )
    if missing:
        raise Conflict(
            _("Alle kvalitetskriterier må ha poeng før rangeringen beregnes. Mangler: %(missing)s")
            % {"missing": "; ".join(missing)}
        )
    if not included:
        raise Conflict(_("Det er ingen tilbud å evaluere."))
    return {
        "calloff_id": calloff.pk,
        "reference": calloff.reference,
        "model": {
            "formula": calloff.price_formula,
            "slope": str(calloff.price_slope),
            "floor_at_zero": calloff.price_floor_at_zero,
            "anchor_best": _dec(calloff.anchor_price_best_amount),
            "anchor_zero": _dec(calloff.anchor_price_zero_amount),
            "tie_break": calloff.tie_break,
        },
        "criteria": [
            {"id": str(c.pk), "name": c.name, "kind": c.kind, "weight_percent": str(c.weight_percent)}
            for c in criteria
        ],
        "offers": included,
        "excluded": excluded,
    }


def evaluation_result(inputs: dict[str, Any]) -> dict[str, Any]:
    """Run `rules.scoring` on frozen inputs. Pure: the same inputs always give the same result."""
    model_in = inputs["model"]
    model = scoring.PriceModel(
        formula=model_in["formula"],
        slope=Decimal(model_in["slope"]),
        floor_at_zero=model_in["floor_at_zero"],
        anchor_best=Decimal(model_in["anchor_best"]) if model_in["anchor_best"] is not None else None,
        anchor_zero=Decimal(model_in["anchor_zero"]) if model_in["anchor_zero"] is not None else None,
    )
    weights = {c["id"]: Decimal(c["weight_percent"]) for c in inputs["criteria"]}
    price_keys = frozenset(c["id"] for c in inputs["criteria"] if c["kind"] == CriterionKind.PRICE)
    by_key = {str(o["offer_id"]): o for o in inputs["offers"]}
    candidates = [
        scoring.Candidate(
            key=str(o["offer_id"]),
            price=Decimal(o["price_amount"]),
            scores={k: Decimal(v) for k, v in o["scores"].items()},
            framework_rank=o["framework_rank"],
        )
        for o in inputs["offers"]
    ]
    kwargs: dict[str, Any] = {
        "weights": weights,
        "price_keys": price_keys,
        "model": model,
        "tie_break": model_in["tie_break"],
    }
    try:
        ranked = scoring.rank(candidates, **kwargs)
        reversal = scoring.rank_reversal_risk(candidates, **kwargs)
    except ValueError as exc:
        raise Conflict(_("Evalueringsmodellen kan ikke brukes: %(error)s") % {"error": exc}) from exc
    ranking = []
    for row in ranked:
        offer = by_key[row.candidate.key]
        ranking.append(
            {
                "rank": row.rank,
                "supplier_id": offer["supplier_id"],
                "supplier_name": offer["supplier_name"],
                "offer_id": offer["offer_id"],
                "contract_id": offer["contract_id"],
                "price_amount": offer["price_amount"],
                "price_points": _dec(row.price_points),
                "criteria": {key: str(points) for key, points in row.criteria.items()},
                "total_points": str(row.total),
            }
        )
    name = {str(o["offer_id"]): o["supplier_name"] for o in inputs["offers"]}
    supplier = {str(o["offer_id"]): o["supplier_id"] for o in inputs["offers"]}
    return {
        "ranking": ranking,
        "excluded": [
            {"supplier_id": e["supplier_id"], "supplier_name": e["supplier_name"], "reason": e["reason"]}
            for e in inputs["excluded"]
        ],
        "rank_reversal": {
            "applies": reversal.applies,
            "has_risk": reversal.has_risk,
            "checks": [
                {
                    "removed_supplier_id": supplier[c.removed],
                    "removed_supplier_name": name[c.removed],
                    "winner_supplier_id": supplier[c.winner],
                    "winner_supplier_name": name[c.winner],
                    "winner_changed": c.winner_changed,
                    "order_changed": c.order_changed,
                }
                for c in reversal.checks
            ],
        },
    }


def evaluation_compute(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> Evaluation:
    """Compute and store the ranking from frozen inputs; sets `evaluated_at`. Each run is a new Evaluation row."""
    now = _at(now)
    if not permissions.can_compute_evaluation(actor, calloff):
        raise PermissionDenied(
            _("Bare innkjøper eller evaluator i oppdragsgiverens virksomhet kan beregne rangeringen.")
        )
    if not permissions.can_manage_calloff(actor, calloff):
        _require_impartial_evaluator(actor, calloff)
    with transaction.atomic():
        calloff = _locked(calloff)
        _require_open_for_evaluation(calloff)
        inputs = evaluation_inputs(calloff)
        result = evaluation_result(inputs)
        evaluation = Evaluation.objects.create(
            calloff=calloff,
            inputs=inputs,
            inputs_hash=_hash(inputs),
            result=result,
            has_rank_reversal_risk=result["rank_reversal"]["has_risk"],
            computed_by=actor,
            computed_at=now,
        )
        calloff.evaluated_at = now
        calloff.save(update_fields=["evaluated_at"])
        winner = result["ranking"][0]
        audit_record(
            actor=actor,
            verb="evaluation.computed",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "evaluation_id": evaluation.pk,
                "inputs_hash": evaluation.inputs_hash,
                "winner": winner["supplier_name"],
                "offers": len(result["ranking"]),
                "rank_reversal_risk": evaluation.has_rank_reversal_risk,
            },
            now=now,
        )
    return evaluation
