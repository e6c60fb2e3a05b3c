"""Evaluation arithmetic (procurement-rules.md §2): price to points, weighted totals, ranking, rank-reversal check.

Pure: stdlib and dataclasses only, `Decimal` throughout.

Rounding: everything is computed exactly in `Decimal` with 28 significant digits (a local context, so the caller's
context does not matter); nothing is rounded before ranking or before comparing totals. `display(x)` rounds to
3 decimals (ROUND_HALF_UP) for people only, e.g. 10 × 100/130 = 7.692307692307692307692307692 → "7.692".

Scales: scores are 0–10; weights are percentages summing to exactly 100. Price models (DFØ):

- linear (basismodell, slope k): `10 − k × 10 × (Pe − Pb)/Pb`; negative allowed unless `floor_at_zero`;
- proportional (forholdsmessig): `10 × Pb/Pe`; never negative;
- anchored (fixed anchor prices P10 and P0): `10 × (P0 − Pe)/(P0 − P10)`; capped at 10 (a price below P10 earns no
  more than the maximum), negative allowed unless `floor_at_zero`. Independent of other offers: no rank reversal.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

LINEAR = "linear"
PROPORTIONAL = "proportional"
ANCHORED = "anchored"
RELATIVE_FORMULAS = frozenset({LINEAR, PROPORTIONAL})

LOWEST_PRICE = "lowest_price"
FRAMEWORK_RANK = "framework_rank"

TEN = Decimal(10)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
_DISPLAY = Decimal("0.001")


def display(value: Decimal) -> Decimal:
    """Round to 3 decimals for display (ROUND_HALF_UP). Never feed the result back into a computation."""
    return Decimal(value).quantize(_DISPLAY, rounding=decimal.ROUND_HALF_UP)


def price_points(
    formula: str,
    price: Decimal,
    best_price: Decimal,
    *,
    slope: Decimal | int = 1,
    floor_at_zero: bool = False,
    anchor_best: Decimal | None = None,
    anchor_zero: Decimal | None = None,
) -> Decimal:
    """The points (max 10) for `price`, given the lowest price `best_price` among the offers evaluated."""
    with decimal.localcontext(_CONTEXT):
        pe, pb = Decimal(price), Decimal(best_price)
        if pe <= 0:
            raise ValueError("price must be positive")
        if formula == LINEAR:
            if pb <= 0:
                raise ValueError("best price must be positive")
            points = TEN - Decimal(slope) * TEN * (pe - pb) / pb
        elif formula == PROPORTIONAL:
            if pb <= 0:
                raise ValueError("best price must be positive")
            points = TEN * pb / pe
        elif formula == ANCHORED:
            if anchor_best is None or anchor_zero is None:
                raise ValueError("anchored model needs both anchor prices")
            p10, p0 = Decimal(anchor_best), Decimal(anchor_zero)
            if p0 <= p10:
                raise ValueError("the 0-point anchor must be above the 10-point anchor")
            points = min(TEN, TEN * (p0 - pe) / (p0 - p10))
        else:
            raise ValueError(f"unknown price formula {formula!r}")
        if floor_at_zero and points < 0:
            points = ZERO
        return +points


def weighted_total(weights: Mapping[str, Decimal], scores: Mapping[str, Decimal]) -> Decimal:
    """Σ w_i · s_i with w_i in percent (summing to 100) and s_i on 0–10: the total on 0–10."""
    if sum(weights.values(), ZERO) != HUNDRED:
        raise ValueError("weights must sum to 100")
    if set(weights) != set(scores):
        raise ValueError("every weighted criterion needs exactly one score")
    with decimal.localcontext(_CONTEXT):
        return +sum((Decimal(weights[key]) * Decimal(scores[key]) / HUNDRED for key in weights), ZERO)


@dataclass(frozen=True)
class PriceModel:
    formula: str = LINEAR
    slope: Decimal = Decimal(1)
    floor_at_zero: bool = False
    anchor_best: Decimal | None = None
    anchor_zero: Decimal | None = None

    @property
    def is_relative(self) -> bool:
        return self.formula in RELATIVE_FORMULAS

    def points(self, price: Decimal, best_price: Decimal) -> Decimal:
        return price_points(
            self.formula,
            price,
            best_price,
            slope=self.slope,
            floor_at_zero=self.floor_at_zero,
            anchor_best=self.anchor_best,
            anchor_zero=self.anchor_zero,
        )


@dataclass(frozen=True)
class Candidate:
    """One offer to rank: its key, price, quality scores per criterion key and the framework rank (tie-break)."""

    key: str
    price: Decimal
    scores: Mapping[str, Decimal] = field(default_factory=dict)
    framework_rank: int | None = None


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate: Candidate
    price_points: Decimal | None
    criteria: Mapping[
        str, Decimal
    ]  # every weighted criterion key → points (price criteria get the price points)
    total: Decimal


def _tie_value(candidate: Candidate, tie_break: str) -> tuple[int, Decimal]:
    if tie_break == FRAMEWORK_RANK:
        rank = candidate.framework_rank
        return (0, Decimal(rank)) if rank is not None else (1, ZERO)
    if tie_break == LOWEST_PRICE:
        return (0, Decimal(candidate.price))
    raise ValueError(f"unknown tie-break {tie_break!r}")


def rank(
    candidates: Sequence[Candidate],
    *,
    weights: Mapping[str, Decimal],
    price_keys: frozenset[str] | set[str] = frozenset(),
    model: PriceModel | None = None,
    tie_break: str = LOWEST_PRICE,
) -> list[Ranked]:
    """Score and rank: highest total first; equal totals go by `tie_break` (lowest price, or better framework rank).

    Offers still equal after the tie-break share a rank (the caller must not pick a winner among them). The price
    points of every criterion in `price_keys` come from `model` against the lowest price of `candidates`.
    """
    if not candidates:
        return []
    if price_keys and model is None:
        raise ValueError("price criteria need a price model")
    best = min(Decimal(c.price) for c in candidates)
    scored: list[tuple[Candidate, Decimal | None, dict[str, Decimal], Decimal]] = []
    for candidate in candidates:
        points = model.points(candidate.price, best) if (price_keys and model is not None) else None
        criteria: dict[str, Decimal] = {
            key: (points if (key in price_keys and points is not None) else Decimal(candidate.scores[key]))
            for key in weights
        }
        scored.append((candidate, points, criteria, weighted_total(weights, criteria)))
    scored.sort(key=lambda row: (-row[3], _tie_value(row[0], tie_break), row[0].key))
    ranked: list[Ranked] = []
    for position, (candidate, points, row_criteria, total) in enumerate(scored, start=1):
        rank_number = position
        if ranked:
            previous = ranked[-1]
            if previous.total == total and _tie_value(previous.candidate, tie_break) == _tie_value(
                candidate, tie_break
            ):
                rank_number = previous.rank
        ranked.append(Ranked(rank_number, candidate, points, row_criteria, total))
    return ranked


@dataclass(frozen=True)
class ReversalCheck:
    removed: str  # key of the non-winning offer left out
    winner: str  # rank 1 without it
    winner_changed: bool
    order_changed: bool  # the order of the remaining offers differs from the full ranking


@dataclass(frozen=True)
class RankReversal:
    applies: bool  # False for absolute models (anchored) and evaluations without a price criterion
    has_risk: bool
    checks: tuple[ReversalCheck, ...] = ()


def rank_reversal_risk(
    candidates: Sequence[Candidate],
    *,
    weights: Mapping[str, Decimal],
    price_keys: frozenset[str] | set[str] = frozenset(),
    model: PriceModel | None = None,
    tie_break: str = LOWEST_PRICE,
) -> RankReversal:
    """Re-rank with each non-winning offer removed; a risk if the winner or the order of the others changes.

    Only relative price models (linear, proportional) depend on the other offers (§2.4); for the anchored model or
    without a price criterion the check does not apply and there is no risk.
    """
    applies = model is not None and bool(price_keys) and model.is_relative
    if not applies or len(candidates) < 3:
        return RankReversal(applies=applies, has_risk=False)
    kwargs = {"weights": weights, "price_keys": price_keys, "model": model, "tie_break": tie_break}
    full = [r.candidate.key for r in rank(candidates, **kwargs)]  # type: ignore[arg-type]
    winner = full[0]
    checks = []
    for removed in full[1:]:
        rest = [c for c in candidates if c.key != removed]
        order = [r.candidate.key for r in rank(rest, **kwargs)]  # type: ignore[arg-type]
        expected = [key for key in full if key != removed]
        checks.append(
            ReversalCheck(
                removed=removed,
                winner=order[0],
                winner_changed=order[0] != winner,
                order_changed=order != expected,
            )
        )
    return RankReversal(
        applies=True, has_risk=any(c.winner_changed or c.order_changed for c in checks), checks=tuple(checks)
    )
