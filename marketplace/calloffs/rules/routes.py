"""Which call-off route the framework's own rule gives for a need — never a free choice (KOFA 2024/256, 2024/577).

MPS frameworks store their mechanisms with an objective rule and, for direct award, a value limit. The rule as
announced (catalogue demo texts) reads:

- direct award to the top-ranked supplier when the need is covered by standard services in the price list and the
  estimated value is under the limit (a framework with one supplier always awards directly);
- desk evaluation on framework prices when the need can be described in the price-list units;
- mini-competition when the need requires customisation, the value is above the limit, or there are special
  information-security and privacy requirements.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DIRECT = "direct"
DESK = "desk"
MINI_COMPETITION = "mini_competition"


@dataclass(frozen=True)
class MechanismRule:
    mechanism: str
    max_value_amount: Decimal | None


@dataclass(frozen=True)
class Need:
    estimated_value_amount: Decimal
    needs_customisation: bool
    has_special_requirements: bool


@dataclass(frozen=True)
class RouteDecision:
    mechanism: str | None
    reason_code: str  # stable code; the UI turns it into a sentence


class NoLawfulRoute(Exception):
    pass


def _within(rule: MechanismRule, value: Decimal) -> bool:
    return rule.max_value_amount is None or value <= rule.max_value_amount


def route_for(mechanisms: list[MechanismRule], need: Need, *, supplier_count: int) -> RouteDecision:
    by_name = {m.mechanism: m for m in mechanisms}
    value = need.estimated_value_amount
    standard = not need.needs_customisation and not need.has_special_requirements
    direct = by_name.get(DIRECT)
    desk = by_name.get(DESK)
    mini = by_name.get(MINI_COMPETITION)

    if supplier_count == 1 and direct is not None and _within(direct, value):
        return RouteDecision(DIRECT, "single_supplier")
    if standard and direct is not None and _within(direct, value):
        return RouteDecision(DIRECT, "standard_under_limit")
    if standard and desk is not None and _within(desk, value):
        return RouteDecision(DESK, "standard_price_list")
    if mini is not None and _within(mini, value):
        if not standard:
            return RouteDecision(MINI_COMPETITION, "customisation_or_special_requirements")
        return RouteDecision(MINI_COMPETITION, "above_limit")
    raise NoLawfulRoute("the framework's rule gives no route for this need")
