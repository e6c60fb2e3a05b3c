"""Showback: effective cost per cost centre from allocation rules, shared costs split among cost centres, and the
unallocated rest.

One Ibis query labels each row with the first matching shared-cost rule (those rows are shared) or else the cost
centre of the first matching allocation rule, and sums EffectiveCost per (label, currency). The split of shared
costs is then done in Python with Decimal: proportional to the cost centres' direct cost in that currency (evenly
when they have none), evenly, or by fixed percentages; each split adds up exactly to the shared amount (the last
share takes the rounding remainder at 10 decimals).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.analytics.report import ZERO, Filters, Rows, exact, scoped, tag_value

PLACES = Decimal("0.0000000001")


@dataclass(frozen=True)
class Match:
    kind: str  # "tag", "sub_account" or "service"
    key: str
    value: str

    def expr(self, t: ir.Table) -> ir.BooleanValue:
        if self.kind == "tag":
            return tag_value(t, self.key) == self.value
        if self.kind == "sub_account":
            return t.SubAccountId == self.value
        if self.kind == "service":
            return t.ServiceName == self.value
        raise ValueError(f"Unknown match kind {self.kind!r}")


@dataclass(frozen=True)
class Rule:
    cost_centre: int
    match: Match


@dataclass(frozen=True)
class SharedRule:
    rule_id: int
    name: str
    match: Match
    method: str  # "proportional", "even", "fixed"
    targets: tuple[int, ...] = ()  # empty = every cost centre
    shares: tuple[tuple[int, Decimal], ...] = ()  # (cost centre, percent) for "fixed"


@dataclass(frozen=True)
class CentreInfo:
    pk: int
    code: str
    name: str
    parent: int | None = None


@dataclass(frozen=True)
class Plan:
    """Rules in priority order and the organisation's cost centres."""

    centres: tuple[CentreInfo, ...]
    rules: tuple[Rule, ...] = ()
    shared: tuple[SharedRule, ...] = field(default=())


def plan_for(organisation: Any) -> Plan:
    """The organisation's (or organisation id's) cost centres and rules (read-only lookup in the app DB)."""
    from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule

    organisation = getattr(organisation, "pk", organisation)
    centres = tuple(
        CentreInfo(c.pk, c.code, c.name, c.parent_id)
        for c in CostCentre.objects.filter(organisation_id=organisation).order_by("code")
    )
    rules = tuple(
        Rule(r.cost_centre_id, Match(r.kind, r.key, r.value))
        for r in AllocationRule.objects.filter(organisation_id=organisation).order_by("priority", "pk")
    )
    shared = tuple(
        SharedRule(
            rule_id=s.pk,
            name=s.name,
            match=Match(s.kind, s.key, s.value),
            method=s.method,
            targets=tuple(sorted(c.pk for c in s.targets.all())),
            shares=tuple((sh.cost_centre_id, sh.percent) for sh in s.shares.all()),
        )
        for s in SharedCostRule.objects.filter(organisation_id=organisation)
        .order_by("priority", "pk")
        .prefetch_related("targets", "shares")
    )
    return Plan(centres=centres, rules=rules, shared=shared)


def _labelled(scope: Scope, plan: Plan, filters: Filters | None, engine: str | None) -> Rows:
    t = scoped(scope, filters, engine=engine)
    shared_cases = [(s.match.expr(t), s.rule_id) for s in plan.shared]
    rule_cases = [(r.match.expr(t), r.cost_centre) for r in plan.rules]
    null_id = ibis.null().cast("int64")
    shared_id = ibis.cases(*shared_cases, else_=null_id) if shared_cases else null_id
    centre_id = ibis.cases(*rule_cases, else_=null_id) if rule_cases else null_id
    expr = (
        t.group_by(shared_rule=shared_id, cost_centre=centre_id, currency=t.BillingCurrency)
        .aggregate(effective_cost=t.EffectiveCost.sum())
        .order_by(["shared_rule", "cost_centre", "currency"])
    )
    return execute(expr, engine=engine)


def showback(
    scope: Scope, filters: Filters | None = None, *, engine: str | None = None
) -> dict[str, Any] | None:
    """The report section: `allocate` with the organisation's own rules (None for a scope of several
    organisations: cost centres belong to one)."""
    if scope.organisation_ids is None or len(scope.organisation_ids) != 1:
        return None
    return allocate(scope, plan_for(scope.organisation_ids[0]), filters, engine=engine)


def split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`amount` split by `weights` (not all 0), each at 10 decimals, summing exactly to `amount`."""
    total = sum(weights, Decimal(0))
    parts: list[Decimal] = []
    with exact():
        for weight in weights[:-1]:
            parts.append((amount * weight / total).quantize(PLACES, rounding=ROUND_DOWN))
        parts.append(amount - sum(parts, Decimal(0)))
    return parts


def allocate(
    scope: Scope, plan: Plan, filters: Filters | None = None, *, engine: str | None = None
) -> dict[str, Any]:
    """{"centres": rows per (cost centre, currency) with direct, shared and total cost; "unallocated": rows per
    currency; "shared": rows per (shared rule, currency) with the amount split}."""
    rows = _labelled(scope, plan, filters, engine)
    with exact():
        return _allocate(plan, rows)


def _allocate(plan: Plan, rows: Rows) -> dict[str, Any]:
    centre_ids = [c.pk for c in plan.centres]
    direct: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    unallocated: dict[str, Decimal] = defaultdict(lambda: ZERO)
    pools: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        amount = row["effective_cost"] if row["effective_cost"] is not None else ZERO
        currency = row["currency"]
        if row["shared_rule"] is not None:
            pools[(row["shared_rule"], currency)] += amount
        elif row["cost_centre"] is not None:
            direct[(row["cost_centre"], currency)] += amount
        else:
            unallocated[currency] += amount
    shared_in: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    shared_rows: Rows = []
    rules = {s.rule_id: s for s in plan.shared}
    for (rule_id, currency), amount in sorted(pools.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        rule = rules[rule_id]
        targets, weights = _weights(rule, centre_ids, direct, currency)
        if not targets:
            unallocated[currency] += amount
            shared_rows.append(
                {"rule": rule.name, "currency": currency, "effective_cost": amount, "split": []}
            )
            continue
        parts = split(amount, weights)
        covered = sum(parts, Decimal(0))
        if rule.method == "fixed" and sum(weights, Decimal(0)) < 100:
            # percentages below 100: the rest stays unallocated
            with exact():
                parts = [(amount * w / 100).quantize(PLACES, rounding=ROUND_DOWN) for w in weights]
            covered = sum(parts, Decimal(0))
            unallocated[currency] += amount - covered
        for centre, part in zip(targets, parts, strict=True):
            shared_in[(centre, currency)] += part
        shared_rows.append(
            {
                "rule": rule.name,
                "currency": currency,
                "effective_cost": amount,
                "split": [
                    {"cost_centre": c, "effective_cost": p} for c, p in zip(targets, parts, strict=True)
                ],
            }
        )
    centres: Rows = []
    currencies = sorted({c for _cc, c in direct} | {c for _cc, c in shared_in}, key=lambda c: c or "")
    for info in plan.centres:
        for currency in currencies:
            own, shared = direct.get((info.pk, currency)), shared_in.get((info.pk, currency))
            if own is None and shared is None:
                continue
            own, shared = own or ZERO, shared or ZERO
            centres.append(
                {
                    "cost_centre": info.pk,
                    "code": info.code,
                    "name": info.name,
                    "parent": info.parent,
                    "currency": currency,
                    "direct_cost": own,
                    "shared_cost": shared,
                    "total_cost": own + shared,
                }
            )
    _roll_up(plan, centres)
    return {
        "centres": centres,
        "unallocated": [
            {"currency": c, "effective_cost": v}
            for c, v in sorted(unallocated.items(), key=lambda kv: kv[0] or "")
        ],
        "shared": shared_rows,
    }


def _roll_up(plan: Plan, centres: Rows) -> None:
    """`tree_cost`: a cost centre's total plus the totals of every cost centre below it (same currency)."""
    parents = {c.pk: c.parent for c in plan.centres}
    tree: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in centres:
        node: int | None = row["cost_centre"]
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            tree[(node, row["currency"])] += row["total_cost"]
            node = parents.get(node)
    for row in centres:
        row["tree_cost"] = tree[(row["cost_centre"], row["currency"])]


def _weights(
    rule: SharedRule, centre_ids: list[int], direct: dict[tuple[int, str], Decimal], currency: str
) -> tuple[list[int], list[Decimal]]:
    if rule.method == "fixed":
        shares = [(c, p) for c, p in rule.shares if c in centre_ids]
        return [c for c, _p in shares], [p for _c, p in shares]
    targets = [c for c in (rule.targets or tuple(centre_ids)) if c in centre_ids]
    if not targets:
        return [], []
    if rule.method == "proportional":
        weights = [direct.get((c, currency), ZERO) for c in targets]
        if any(weights) and all(w >= 0 for w in weights):
            return targets, weights
    return targets, [Decimal(1)] * len(targets)
