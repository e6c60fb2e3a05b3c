"""Desk evaluation (skrivebordskonkurranse): the buyer's basket and requirements, and the frozen, reproducible
evaluation on the framework's price lists in force.

Only the buyer of the call-off's organisation; only a call-off whose route is desk; basket and requirements only
while the call-off is a draft; evaluating is allowed in draft and again before the award (each run is a new
`Evaluation`, history is kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.calloffs import permissions
from marketplace.calloffs.models import BasketLine, CallOff, DeskCriterion, DeskRequirement, Evaluation
from marketplace.calloffs.rules import basket as basket_rule
from marketplace.calloffs.rules.reproducible import inputs_hash, json_round_trip
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.calloffs.selectors import desk as desk_selectors
from marketplace.catalogue.models import Mechanism, PriceList, PriceUnit
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed

MAX_LINES = 50
QUANTITY_PLACES = 4
QUANTITY_MAX = Decimal("100000000000000")  # max_digits 18, 4 decimals
DESCRIPTION_MAX = 300
EVALUATE_STATES = frozenset({CallOffState.DRAFT, CallOffState.EVALUATION})


def _locked(calloff: CallOff) -> CallOff:
    """The call-off row, locked for the rest of the transaction (two buyers editing at once queue up)."""
    return CallOff.objects.select_for_update().select_related("buyer", "lot").get(pk=calloff.pk)


def _check_desk(actor: Any, calloff: CallOff) -> None:
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Bare innkjøpere i virksomheten som eier avropet kan gjøre dette."))
    if calloff.mechanism != Mechanism.DESK:
        raise Conflict(_("Avropet skal ikke gjennomføres som skrivebordskonkurranse."))


def _check_draft(calloff: CallOff, now: dt.datetime) -> None:
    if calloff_state(CallOffTimes.of(calloff), now) is not CallOffState.DRAFT:
        raise Conflict(_("Handlekurven og kravene kan bare endres mens avropet er et utkast."))


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _quantity_clean(value: Any, field: str, errors: list[dict[str, str]]) -> Decimal | None:
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.append(_error(field, _("Skriv mengden som et tall, for eksempel 350400 eller 20,5.")))
        return None
    if not quantity.is_finite():
        errors.append(_error(field, _("Skriv mengden som et tall, for eksempel 350400 eller 20,5.")))
        return None
    if quantity <= 0:
        errors.append(_error(field, _("Mengden må være større enn null.")))
        return None
    if quantity >= QUANTITY_MAX:
        errors.append(_error(field, _("Mengden er for stor.")))
        return None
    exponent = quantity.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > QUANTITY_PLACES:
        errors.append(_error(field, _("Mengden kan ha høyst fire desimaler.")))
        return None
    return quantity


def basket_lines_clean(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validated basket rows ({"unit", "quantity": Decimal, "description"}); ValidationFailed lists every error."""
    errors: list[dict[str, str]] = []
    if not lines:
        message = _("Legg inn minst én linje i handlekurven.")
        raise ValidationFailed(message, errors=[_error("lines", message)])
    if len(lines) > MAX_LINES:
        message = _("Handlekurven kan ha høyst %(n)s linjer.") % {"n": MAX_LINES}
        raise ValidationFailed(message, errors=[_error("lines", message)])
    clean = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        unit = str(line.get("unit") or "")
        if unit not in PriceUnit.values:
            errors.append(_error(f"{prefix}.unit", _("Velg en enhet fra prislistenes enheter.")))
        quantity = _quantity_clean(line.get("quantity"), f"{prefix}.quantity", errors)
        description = str(line.get("description") or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors.append(
                _error(
                    f"{prefix}.description",
                    _("Beskrivelsen kan ha høyst %(n)s tegn.") % {"n": DESCRIPTION_MAX},
                )
            )
        clean.append({"unit": unit, "quantity": quantity, "description": description})
    if errors:
        raise ValidationFailed(_("Handlekurven er ikke lagret. Rett opp feilene."), errors=errors)
    return clean


@transaction.atomic
def basket_set(
    *, actor: Any, calloff: CallOff, lines: Sequence[Mapping[str, Any]], now: dt.datetime | None = None
) -> list[BasketLine]:
    """Replace the call-off's basket with `lines` ({"unit", "quantity", "description"}), in the given order."""
    now = now or timezone.now()
    calloff = _locked(calloff)
    _check_desk(actor, calloff)
    _check_draft(calloff, now)
    clean = basket_lines_clean(lines)
    BasketLine.objects.filter(calloff=calloff).delete()
    created = BasketLine.objects.bulk_create(
        [
            BasketLine(
                calloff=calloff,
                unit=row["unit"],
                quantity=row["quantity"],
                description=row["description"],
                position=position,
            )
            for position, row in enumerate(clean, start=1)
        ]
    )
    audit_record(
        actor=actor,
        verb="desk.basket_set",
        target=calloff,
        organisation=calloff.buyer,
        data={
            "lines": [
                {"unit": row["unit"], "quantity": str(row["quantity"]), "description": row["description"]}
                for row in clean
            ]
        },
        now=now,
    )
    return created


@transaction.atomic
def desk_requirements_set(
    *,
    actor: Any,
    calloff: CallOff,
    requirements: Iterable[str],
    optional: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> list[DeskCriterion]:
    """Replace the quality requirements: `requirements` are mandatory (exclude a supplier that fails them);
    `optional` are only reported in the calculation. A code may not be in both."""
    now = now or timezone.now()
    calloff = _locked(calloff)
    _check_desk(actor, calloff)
    _check_draft(calloff, now)
    mandatory = list(dict.fromkeys(requirements))
    reported = list(dict.fromkeys(optional))
    unknown = [code for code in [*mandatory, *reported] if code not in DeskRequirement.values]
    if unknown:
        message = _("Ukjent krav: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationFailed(message, errors=[_error("requirements", message)])
    both = [code for code in mandatory if code in reported]
    if both:
        message = _("Et krav kan ikke både være absolutt og bare til orientering.")
        raise ValidationFailed(message, errors=[_error("requirements", message)])
    DeskCriterion.objects.filter(calloff=calloff).delete()
    rows = DeskCriterion.objects.bulk_create(
        [DeskCriterion(calloff=calloff, requirement=code, is_mandatory=True) for code in mandatory]
        + [DeskCriterion(calloff=calloff, requirement=code, is_mandatory=False) for code in reported]
    )
    audit_record(
        actor=actor,
        verb="desk.requirements_set",
        target=calloff,
        organisation=calloff.buyer,
        data={"mandatory": sorted(mandatory), "optional": sorted(reported)},
        now=now,
    )
    return rows


def _price_model(calloff: CallOff) -> basket_rule.PriceModel:
    return basket_rule.PriceModel(
        formula=calloff.price_formula,
        slope=calloff.price_slope,
        floor_at_zero=calloff.price_floor_at_zero,
        anchor_best_amount=calloff.anchor_price_best_amount,
        anchor_zero_amount=calloff.anchor_price_zero_amount,
        tie_break=calloff.tie_break,
    )


def evaluation_date(now: dt.datetime) -> dt.date:
    """The evaluation date is the Oslo calendar date of the run: contracts, price lists and certificates are read
    as they stand on it."""
    return timezone.localtime(now).date()


@transaction.atomic
def desk_evaluate(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> Evaluation:
    """Price the basket against every valid contract's price list in force, apply the requirements, rank, and freeze
    the inputs with their SHA-256 so the result can be re-run (`evaluation_rerun`)."""
    now = now or timezone.now()
    calloff = _locked(calloff)
    _check_desk(actor, calloff)
    if calloff_state(CallOffTimes.of(calloff), now) not in EVALUATE_STATES:
        raise Conflict(_("Evalueringen kan bare kjøres før tildelingen er besluttet."))
    basket_rows = list(desk_selectors.basket_lines_of(calloff))
    if not basket_rows:
        message = _("Legg inn handlekurven før du beregner.")
        raise ValidationFailed(message, errors=[_error("lines", message)])
    model = _price_model(calloff)
    if model.formula == basket_rule.FORMULA_ANCHORED and (
        model.anchor_best_amount is None
        or model.anchor_zero_amount is None
        or model.anchor_best_amount == model.anchor_zero_amount
    ):
        message = _("Prismodellen med faste ankerpriser mangler to ulike ankerpriser.")
        raise ValidationFailed(message, errors=[_error("price_formula", message)])
    on_date = evaluation_date(now)
    basket = [
        basket_rule.BasketItem(
            unit=row.unit,
            quantity=row.quantity.quantize(desk_selectors.QUANTITY_PLACES),
            description=row.description,
        )
        for row in basket_rows
    ]
    requirements = [
        basket_rule.Requirement(row.requirement, row.is_mandatory)
        for row in desk_selectors.desk_requirements_of(calloff)
    ]
    candidates = desk_selectors.desk_candidates(calloff, units=[b.unit for b in basket], on_date=on_date)
    inputs = json_round_trip(
        basket_rule.desk_inputs_json(
            calloff_id=calloff.pk,
            calloff_reference=calloff.reference,
            basket=basket,
            candidates=candidates,
            requirements=requirements,
            model=model,
            on_date=on_date,
        )
    )
    result = json_round_trip(basket_rule.desk_evaluate_inputs(inputs))
    digest = inputs_hash(inputs)
    evaluation = Evaluation.objects.create(
        calloff=calloff,
        inputs=inputs,
        inputs_hash=digest,
        result=result,
        # price is the only weighted criterion, so the order is the order of totals whatever Pb is: no reversal
        has_rank_reversal_risk=False,
        computed_by=actor,
        computed_at=now,
    )
    price_list_ids = [c.price_list_id for c in candidates if c.price_list_id is not None]
    evaluation.price_lists.set(PriceList.objects.filter(pk__in=price_list_ids))
    calloff.evaluated_at = now
    calloff.save(update_fields=["evaluated_at"])
    winner = result["ranking"][0] if result["ranking"] else None
    audit_record(
        actor=actor,
        verb="desk.evaluated",
        target=calloff,
        organisation=calloff.buyer,
        data={
            "evaluation_id": evaluation.pk,
            "inputs_hash": digest,
            "evaluation_date": on_date.isoformat(),
            "ranked": len(result["ranking"]),
            "excluded": len(result["excluded"]),
            "winner_supplier_id": winner["supplier_id"] if winner else None,
            "winner_price_amount": winner["price_amount"] if winner else None,
        },
        now=now,
    )
    return evaluation


def evaluation_rerun(evaluation: Evaluation) -> dict[str, Any]:
    """Recompute the result from the frozen inputs only (no database reads); equals `evaluation.result`.

    Raises ValueError when the stored inputs no longer match their hash."""
    if inputs_hash(evaluation.inputs) != evaluation.inputs_hash:
        raise ValueError("the frozen inputs do not match their hash")
    return json_round_trip(basket_rule.desk_evaluate_inputs(evaluation.inputs))
