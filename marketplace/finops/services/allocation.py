"""Writes for showback: cost centres, allocation rules and shared-cost rules. Every change is checked against the
actor's permission for the organisation and written with an audit event in one transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.finops.models import (
    AllocationRule,
    CostCentre,
    MatchKind,
    SharedCostRule,
    SharedCostShare,
    SplitMethod,
)
from marketplace.finops.permissions import can_manage_finops


def _require(actor: Any, organisation: Any) -> None:
    if not can_manage_finops(actor, organisation):
        raise PermissionDenied(
            _("Du har ikke tilgang til å endre kostnadsfordelingen for denne virksomheten.")
        )


def _centre_of(organisation: Any, cost_centre: CostCentre | None, field: str) -> None:
    if cost_centre is not None and cost_centre.organisation_id != organisation.pk:
        raise ValidationFailed(
            _("Kostnadsstedet hører til en annen virksomhet."),
            errors=[{"field": field, "message": _("Kostnadsstedet hører til en annen virksomhet.")}],
        )


def _match_errors(kind: str, key: str, value: str, kinds: list[str]) -> list[dict[str, str]]:
    errors = []
    if kind not in kinds:
        errors.append({"field": "kind", "message": _("Ukjent type.")})
    if kind == MatchKind.TAG and not key.strip():
        errors.append({"field": "key", "message": _("Oppgi taggnøkkelen.")})
    if not value.strip():
        errors.append({"field": "value", "message": _("Oppgi verdien.")})
    return errors


# --- cost centres -------------------------------------------------------------------------------------------------


@transaction.atomic
def cost_centre_create(
    *, actor: Any, organisation: Any, code: str, name: str, parent: CostCentre | None = None
) -> CostCentre:
    _require(actor, organisation)
    _centre_of(organisation, parent, "parent")
    code, name = code.strip(), name.strip()
    errors = []
    if not code:
        errors.append({"field": "code", "message": _("Oppgi en kode.")})
    elif CostCentre.objects.filter(organisation=organisation, code=code).exists():
        errors.append({"field": "code", "message": _("Koden er allerede i bruk.")})
    if not name:
        errors.append({"field": "name", "message": _("Oppgi et navn.")})
    if errors:
        raise ValidationFailed(_("Kostnadsstedet ble ikke lagret."), errors=errors)
    centre = CostCentre.objects.create(organisation=organisation, code=code, name=name, parent=parent)
    audit_record(
        actor=actor,
        verb="finops.cost_centre_created",
        target=centre,
        organisation=organisation,
        data={"code": code, "name": name, "parent": parent.pk if parent else None},
    )
    return centre


@transaction.atomic
def cost_centre_update(
    *, actor: Any, cost_centre: CostCentre, name: str, parent: CostCentre | None = None
) -> CostCentre:
    organisation = cost_centre.organisation
    _require(actor, organisation)
    _centre_of(organisation, parent, "parent")
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == cost_centre.pk:
            raise ValidationFailed(
                _("Et kostnadssted kan ikke ligge under seg selv."),
                errors=[{"field": "parent", "message": _("Et kostnadssted kan ikke ligge under seg selv.")}],
            )
        ancestor = ancestor.parent
    if not name.strip():
        raise ValidationFailed(
            _("Kostnadsstedet ble ikke lagret."), errors=[{"field": "name", "message": _("Oppgi et navn.")}]
        )
    cost_centre.name = name.strip()
    cost_centre.parent = parent
    cost_centre.save(update_fields=["name", "parent"])
    audit_record(
        actor=actor,
        verb="finops.cost_centre_updated",
        target=cost_centre,
        organisation=organisation,
        data={"name": cost_centre.name, "parent": parent.pk if parent else None},
    )
    return cost_centre


@transaction.atomic
def cost_centre_delete(*, actor: Any, cost_centre: CostCentre) -> None:
    organisation = cost_centre.organisation
    _require(actor, organisation)
    if cost_centre.children.exists():
        raise ValidationFailed(_("Kostnadsstedet har underordnede kostnadssteder og kan ikke slettes."))
    audit_record(
        actor=actor,
        verb="finops.cost_centre_deleted",
        target=cost_centre,
        organisation=organisation,
        data={"code": cost_centre.code},
    )
    cost_centre.delete()


# --- allocation rules ---------------------------------------------------------------------------------------------


@transaction.atomic
def allocation_rule_create(
    *,
    actor: Any,
    organisation: Any,
    kind: str,
    key: str = "",
    value: str,
    cost_centre: CostCentre,
    priority: int = 100,
) -> AllocationRule:
    _require(actor, organisation)
    _centre_of(organisation, cost_centre, "cost_centre")
    errors = _match_errors(kind, key, value, [MatchKind.TAG, MatchKind.SUB_ACCOUNT])
    if errors:
        raise ValidationFailed(_("Regelen ble ikke lagret."), errors=errors)
    rule = AllocationRule.objects.create(
        organisation=organisation,
        kind=kind,
        key=key.strip() if kind == MatchKind.TAG else "",
        value=value.strip(),
        cost_centre=cost_centre,
        priority=priority,
    )
    audit_record(
        actor=actor,
        verb="finops.allocation_rule_created",
        target=rule,
        organisation=organisation,
        data={
            "kind": kind,
            "key": rule.key,
            "value": rule.value,
            "cost_centre": cost_centre.pk,
            "priority": priority,
        },
    )
    return rule


@transaction.atomic
def allocation_rule_update(
    *,
    actor: Any,
    rule: AllocationRule,
    cost_centre: CostCentre,
    priority: int,
    kind: str | None = None,
    key: str | None = None,
    value: str | None = None,
) -> AllocationRule:
    """Move a rule to another cost centre or priority; with `kind`/`key`/`value` also change what it matches (the
    same checks as `allocation_rule_create`). Omitted match fields keep their value."""
    organisation = rule.organisation
    _require(actor, organisation)
    _centre_of(organisation, cost_centre, "cost_centre")
    kind = rule.kind if kind is None else kind
    key = rule.key if key is None else key
    value = rule.value if value is None else value
    errors = _match_errors(kind, key, value, [MatchKind.TAG, MatchKind.SUB_ACCOUNT])
    if errors:
        raise ValidationFailed(_("Regelen ble ikke lagret."), errors=errors)
    rule.kind = kind
    rule.key = key.strip() if kind == MatchKind.TAG else ""
    rule.value = value.strip()
    rule.cost_centre = cost_centre
    rule.priority = priority
    rule.save(update_fields=["kind", "key", "value", "cost_centre", "priority"])
    audit_record(
        actor=actor,
        verb="finops.allocation_rule_updated",
        target=rule,
        organisation=organisation,
        data={
            "kind": rule.kind,
            "key": rule.key,
            "value": rule.value,
            "cost_centre": cost_centre.pk,
            "priority": priority,
        },
    )
    return rule


@transaction.atomic
def allocation_rule_delete(*, actor: Any, rule: AllocationRule) -> None:
    organisation = rule.organisation
    _require(actor, organisation)
    audit_record(
        actor=actor,
        verb="finops.allocation_rule_deleted",
        target=rule,
        organisation=organisation,
        data={"kind": rule.kind, "key": rule.key, "value": rule.value},
    )
    rule.delete()


# --- shared-cost rules --------------------------------------------------------------------------------------------


def _shared_errors(
    organisation: Any,
    *,
    name: str,
    kind: str,
    key: str,
    value: str,
    method: str,
    targets: list[CostCentre],
    shares: list[tuple[CostCentre, Decimal]],
) -> list[dict[str, str]]:
    errors = _match_errors(kind, key, value, list(MatchKind.values))
    if not name.strip():
        errors.append({"field": "name", "message": _("Oppgi et navn.")})
    if method not in SplitMethod.values:
        errors.append({"field": "method", "message": _("Ukjent fordelingsmetode.")})
    for centre in [*targets, *(c for c, _p in shares)]:
        _centre_of(organisation, centre, "targets")
    if method == SplitMethod.FIXED:
        total = sum((p for _c, p in shares), Decimal(0))
        if not shares:
            errors.append({"field": "shares", "message": _("Oppgi minst ett kostnadssted med prosent.")})
        elif any(p <= 0 for _c, p in shares) or total > 100:
            errors.append(
                {"field": "shares", "message": _("Prosentene må være større enn 0 og til sammen høyst 100.")}
            )
        if len({c.pk for c, _p in shares}) != len(shares):
            errors.append({"field": "shares", "message": _("Et kostnadssted er oppgitt to ganger.")})
    return errors


def _set_split(
    rule: SharedCostRule, method: str, targets: list[CostCentre], shares: list[tuple[CostCentre, Decimal]]
) -> None:
    """Targets for proportional/even, shares for fixed; the other kind is cleared."""
    rule.shares.all().delete()
    if method != SplitMethod.FIXED:
        rule.targets.set(targets)
    else:
        rule.targets.clear()
        SharedCostShare.objects.bulk_create(
            [SharedCostShare(rule=rule, cost_centre=c, percent=p) for c, p in shares]
        )


def _shared_data(
    rule: SharedCostRule, targets: list[CostCentre], shares: list[tuple[CostCentre, Decimal]]
) -> dict[str, Any]:
    fixed = rule.method == SplitMethod.FIXED
    return {
        "name": rule.name,
        "kind": rule.kind,
        "key": rule.key,
        "value": rule.value,
        "method": rule.method,
        "targets": [] if fixed else sorted(c.pk for c in targets),
        "shares": [[c.pk, str(p)] for c, p in shares] if fixed else [],
        "priority": rule.priority,
    }


@transaction.atomic
def shared_cost_rule_create(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    kind: str,
    key: str = "",
    value: str,
    method: str,
    targets: list[CostCentre] | None = None,
    shares: list[tuple[CostCentre, Decimal]] | None = None,
    priority: int = 100,
) -> SharedCostRule:
    """`targets` for proportional/even (none = every cost centre); `shares` (cost centre, percent) for fixed,
    summing to at most 100 (the rest stays unallocated)."""
    _require(actor, organisation)
    targets, shares = targets or [], shares or []
    errors = _shared_errors(
        organisation,
        name=name,
        kind=kind,
        key=key,
        value=value,
        method=method,
        targets=targets,
        shares=shares,
    )
    if errors:
        raise ValidationFailed(_("Regelen ble ikke lagret."), errors=errors)
    rule = SharedCostRule.objects.create(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        key=key.strip() if kind == MatchKind.TAG else "",
        value=value.strip(),
        method=method,
        priority=priority,
    )
    _set_split(rule, method, targets, shares)
    audit_record(
        actor=actor,
        verb="finops.shared_cost_rule_created",
        target=rule,
        organisation=organisation,
        data=_shared_data(rule, targets, shares),
    )
    return rule


@transaction.atomic
def shared_cost_rule_update(
    *,
    actor: Any,
    rule: SharedCostRule,
    name: str,
    kind: str,
    key: str = "",
    value: str,
    method: str,
    targets: list[CostCentre] | None = None,
    shares: list[tuple[CostCentre, Decimal]] | None = None,
    priority: int = 100,
) -> SharedCostRule:
    """Change what a shared-cost rule matches and how it is split, with the same rules as `shared_cost_rule_create`.
    Switching the method replaces the split: targets are cleared for fixed, shares for the others."""
    organisation = rule.organisation
    _require(actor, organisation)
    targets, shares = targets or [], shares or []
    errors = _shared_errors(
        organisation,
        name=name,
        kind=kind,
        key=key,
        value=value,
        method=method,
        targets=targets,
        shares=shares,
    )
    if errors:
        raise ValidationFailed(_("Regelen ble ikke lagret."), errors=errors)
    rule.name = name.strip()
    rule.kind = kind
    rule.key = key.strip() if kind == MatchKind.TAG else ""
    rule.value = value.strip()
    rule.method = method
    rule.priority = priority
    rule.save(update_fields=["name", "kind", "key", "value", "method", "priority"])
    _set_split(rule, method, targets, shares)
    audit_record(
        actor=actor,
        verb="finops.shared_cost_rule_updated",
        target=rule,
        organisation=organisation,
        data=_shared_data(rule, targets, shares),
    )
    return rule


@transaction.atomic
def shared_cost_rule_delete(*, actor: Any, rule: SharedCostRule) -> None:
    organisation = rule.organisation
    _require(actor, organisation)
    audit_record(
        actor=actor,
        verb="finops.shared_cost_rule_deleted",
        target=rule,
        organisation=organisation,
        data={"name": rule.name},
    )
    rule.delete()
