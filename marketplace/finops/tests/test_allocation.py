"""Showback allocation: rule priority, tag and sub-account matches, shared-cost splits (proportional, even, fixed %)
summing exactly, unallocated rest; and the services that change the rules (audit, permissions, validation)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.allocation import allocate, plan_for, split
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule
from marketplace.finops.services import allocation as services
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 9, 1)


def test_split_sums_exactly():
    parts = split(D("100"), [D(1), D(1), D(1)])
    assert parts == [D("33.3333333333"), D("33.3333333333"), D("33.3333333334")]
    assert sum(parts) == D("100")
    assert split(D("-10"), [D(3), D(1)]) == [D("-7.5"), D("-2.5")]


@pytest.fixture
def world():
    org = OrganisationFactory()
    admin = acting(org, Role.FINOPS_ANALYST)
    it = services.cost_centre_create(actor=admin, organisation=org, code="IT", name="IT-avdelingen")
    hr = services.cost_centre_create(actor=admin, organisation=org, code="HR", name="HR", parent=it)
    store_costs(
        org,
        [
            cost_row(DAY, "60", Tags=json.dumps({"team": "it"})),
            cost_row(DAY, "20", Tags=json.dumps({"team": "hr"}), SubAccountId="sa-it"),
            cost_row(DAY, "20", SubAccountId="sa-it"),
            cost_row(DAY, "30", ServiceName="Shared Network", Tags=json.dumps({"team": "it"})),
            cost_row(DAY, "7"),  # matches nothing
        ],
    )
    return org, admin, it, hr


def _centres(result):
    return [(r["code"], r["direct_cost"], r["shared_cost"], r["total_cost"]) for r in result["centres"]]


def test_rules_by_priority_and_unallocated(world):
    org, admin, it, hr = world
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="tag", key="team", value="hr", cost_centre=hr, priority=1
    )
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="sub_account", value="sa-it", cost_centre=it, priority=5
    )
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="tag", key="team", value="it", cost_centre=it, priority=9
    )
    result = allocate(Scope((org.pk,)), plan_for(org))
    # HR's tag rule wins over the sub-account rule for the row that has both
    assert _centres(result) == [("HR", D(20), D(0), D(20)), ("IT", D(110), D(0), D(110))]
    assert result["unallocated"] == [{"currency": "NOK", "effective_cost": D(7)}]
    assert result["centres"][0]["parent"] == it.pk
    # IT's figure including the cost centres below it (HR)
    assert [(r["code"], r["tree_cost"]) for r in result["centres"]] == [("HR", D(20)), ("IT", D(130))]


@pytest.mark.parametrize(
    ("method", "shares", "expected", "unallocated"),
    [
        ("proportional", None, [("HR", D(20), D(6), D(26)), ("IT", D(80), D(24), D(104))], D(7)),
        ("even", None, [("HR", D(20), D(15), D(35)), ("IT", D(80), D(15), D(95))], D(7)),
        # 90 % shared out; the other 10 % of 30 stays unallocated
        (
            "fixed",
            [("IT", D(70)), ("HR", D(20))],
            [("HR", D(20), D(6), D(26)), ("IT", D(80), D(21), D(101))],
            D(10),
        ),
    ],
)
def test_shared_costs_split(world, method, shares, expected, unallocated):
    org, admin, it, hr = world
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="tag", key="team", value="hr", cost_centre=hr, priority=1
    )
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="sub_account", value="sa-it", cost_centre=it
    )
    services.allocation_rule_create(
        actor=admin, organisation=org, kind="tag", key="team", value="it", cost_centre=it
    )
    centres = {"IT": it, "HR": hr}
    services.shared_cost_rule_create(
        actor=admin,
        organisation=org,
        name="Nettverk",
        kind="service",
        value="Shared Network",
        method=method,
        shares=[(centres[c], p) for c, p in shares] if shares else None,
    )
    result = allocate(Scope((org.pk,)), plan_for(org))
    assert _centres(result) == expected
    assert result["unallocated"] == [{"currency": "NOK", "effective_cost": unallocated}]
    total = sum(r["total_cost"] for r in result["centres"]) + unallocated
    assert total == D(137)  # nothing lost or counted twice
    assert result["shared"][0]["effective_cost"] == D(30)


def test_shared_rule_with_targets_splits_among_them_only(world):
    org, admin, _it, hr = world
    services.shared_cost_rule_create(
        actor=admin,
        organisation=org,
        name="Alt umerket",
        kind="sub_account",
        value="sa-it",
        method="even",
        targets=[hr],
    )
    result = allocate(Scope((org.pk,)), plan_for(org))
    assert _centres(result) == [("HR", D(0), D(40), D(40))]
    assert result["unallocated"] == [{"currency": "NOK", "effective_cost": D(97)}]


def test_services_write_audit_events(world):
    org, admin, it, _hr = world
    before = AuditEvent.objects.count()
    rule = services.allocation_rule_create(
        actor=admin, organisation=org, kind="tag", key="team", value="it", cost_centre=it
    )
    services.allocation_rule_update(actor=admin, rule=rule, cost_centre=it, priority=3)
    services.allocation_rule_delete(actor=admin, rule=rule)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True)[before:])
    assert verbs == [
        "finops.allocation_rule_created",
        "finops.allocation_rule_updated",
        "finops.allocation_rule_deleted",
    ]
    assert AuditEvent.objects.filter(verb="finops.cost_centre_created", organisation_id=org.pk).count() == 2


def test_services_refuse_the_wrong_role_and_store_nothing(world):
    org, _admin, it, _hr = world
    buyer = acting(org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        services.allocation_rule_create(
            actor=buyer, organisation=org, kind="tag", key="team", value="x", cost_centre=it
        )
    with pytest.raises(PermissionDenied):
        services.cost_centre_create(actor=buyer, organisation=org, code="X", name="X")
    assert AllocationRule.objects.count() == 0
    assert CostCentre.objects.filter(code="X").count() == 0


def test_services_refuse_another_organisations_cost_centre(world):
    _org, _admin, it, _hr = world
    other = OrganisationFactory()
    other_admin = acting(other, Role.ORG_ADMIN)
    with pytest.raises(ValidationFailed):
        services.allocation_rule_create(
            actor=other_admin, organisation=other, kind="tag", key="team", value="x", cost_centre=it
        )
    assert AllocationRule.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "tag", "key": "", "value": "x", "method": "even"}, "key"),
        ({"kind": "tag", "key": "team", "value": " ", "method": "even"}, "value"),
        ({"kind": "service", "value": "x", "method": "fixed"}, "shares"),
        ({"kind": "service", "value": "x", "method": "sideways"}, "method"),
    ],
)
def test_shared_rule_validation(world, kwargs, field):
    org, admin, _it, _hr = world
    with pytest.raises(ValidationFailed) as exc:
        services.shared_cost_rule_create(actor=admin, organisation=org, name="R", **kwargs)
    assert field in [e["field"] for e in exc.value.errors]
    assert SharedCostRule.objects.count() == 0


def test_fixed_shares_over_100_are_refused(world):
    org, admin, it, hr = world
    with pytest.raises(ValidationFailed):
        services.shared_cost_rule_create(
            actor=admin,
            organisation=org,
            name="R",
            kind="service",
            value="x",
            method="fixed",
            shares=[(it, D(60)), (hr, D(41))],
        )
    assert SharedCostRule.objects.count() == 0


def test_cost_centre_rules(world):
    org, admin, it, hr = world
    with pytest.raises(ValidationFailed):
        services.cost_centre_create(actor=admin, organisation=org, code="IT", name="Dobbel")
    with pytest.raises(ValidationFailed):
        services.cost_centre_update(actor=admin, cost_centre=it, name="IT", parent=hr)  # a loop
    with pytest.raises(ValidationFailed):
        services.cost_centre_delete(actor=admin, cost_centre=it)  # has a child
    services.cost_centre_delete(actor=admin, cost_centre=hr)
    assert list(CostCentre.objects.filter(organisation=org).values_list("code", flat=True)) == ["IT"]
