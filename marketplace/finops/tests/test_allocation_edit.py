"""Edit pages for cost centres, allocation rules and shared-cost rules: permission matrix, saved values and audit
events, Norwegian errors for bad input with nothing changed; and the shared-cost update service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.finops.models import AllocationRule, CostCentre, SharedCostRule
from marketplace.finops.services import allocation as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(buyer_org):
    admin = acting(buyer_org, Role.ORG_ADMIN)
    it = services.cost_centre_create(actor=admin, organisation=buyer_org, code="IT", name="IT-avdelingen")
    hr = services.cost_centre_create(actor=admin, organisation=buyer_org, code="HR", name="HR", parent=it)
    rule = services.allocation_rule_create(
        actor=admin, organisation=buyer_org, kind="tag", key="team", value="it", cost_centre=it, priority=10
    )
    shared = services.shared_cost_rule_create(
        actor=admin,
        organisation=buyer_org,
        name="Nettverk",
        kind="service",
        value="Network",
        method="even",
        targets=[it, hr],
    )
    return {"admin": admin, "it": it, "hr": hr, "rule": rule, "shared": shared}


@pytest.fixture
def client_as(login, make_member, buyer_org, other_buyer_org, mps_org, supplier_org):
    def _as(who: str) -> Client:
        if who == "anonymous":
            return Client()
        org, role = {
            "analyst": (buyer_org, Role.FINOPS_ANALYST),
            "admin": (buyer_org, Role.ORG_ADMIN),
            "buyer": (buyer_org, Role.BUYER),
            "other_analyst": (other_buyer_org, Role.FINOPS_ANALYST),
            "mps": (mps_org, Role.MPS_ADMIN),
            "supplier": (supplier_org, Role.SUPPLIER_ADMIN),
        }[who]
        return login(make_member(org, role), org)

    return _as


def _urls(world):
    return {
        "centre": reverse("finops:cost_centre_edit", args=[world["hr"].pk]),
        "rule": reverse("finops:allocation_rule_edit", args=[world["rule"].pk]),
        "shared": reverse("finops:shared_rule_edit", args=[world["shared"].pk]),
    }


@pytest.mark.parametrize("page", ["centre", "rule", "shared"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("buyer", 403),
        ("mps", 403),
        ("supplier", 403),
        ("other_analyst", 404),
        ("analyst", 200),
        ("admin", 200),
    ],
)
def test_permission_matrix(client_as, world, page, who, status):
    response = client_as(who).get(_urls(world)[page])
    assert response.status_code == status


def test_missing_object_is_404(client_as, world):
    response = client_as("analyst").get(reverse("finops:allocation_rule_edit", args=[999999]))
    assert response.status_code == 404


def test_edit_form_is_prefilled(client_as, world):
    body = client_as("analyst").get(_urls(world)["shared"]).content.decode()
    assert 'value="Nettverk"' in body
    assert 'value="Network"' in body
    body = client_as("analyst").get(_urls(world)["rule"]).content.decode()
    assert 'value="team"' in body
    assert 'value="10"' in body


def test_showback_links_to_the_edit_pages(client_as, world):
    body = client_as("analyst").get(reverse("finops:showback")).content.decode()
    for url in _urls(world).values():
        assert f'href="{url}"' in body


def test_edit_cost_centre(client_as, world):
    it, hr = world["it"], world["hr"]
    response = client_as("analyst").post(_urls(world)["centre"], {"name": " Personal ", "parent": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:showback")
    hr.refresh_from_db()
    assert (hr.code, hr.name, hr.parent_id) == ("HR", "Personal", None)
    event = AuditEvent.objects.filter(verb="finops.cost_centre_updated").latest("id")
    assert event.data == {"name": "Personal", "parent": None}
    assert it.children.count() == 0


def test_cost_centre_cannot_go_under_its_own_child(client_as, world):
    it, hr = world["it"], world["hr"]
    before = AuditEvent.objects.count()
    url = reverse("finops:cost_centre_edit", args=[it.pk])
    response = client_as("analyst").post(url, {"name": "IT", "parent": hr.pk})
    assert response.status_code == 400
    assert "Et kostnadssted kan ikke ligge under seg selv." in response.content.decode()
    it.refresh_from_db()
    assert (it.name, it.parent_id) == ("IT-avdelingen", None)
    assert AuditEvent.objects.count() == before


def test_cost_centre_cannot_be_its_own_parent(client_as, world):
    hr = world["hr"]
    response = client_as("analyst").post(_urls(world)["centre"], {"name": "HR", "parent": hr.pk})
    assert response.status_code == 400
    assert "Velg et gyldig valg." in response.content.decode()
    hr.refresh_from_db()
    assert hr.parent_id == world["it"].pk


def test_edit_allocation_rule(client_as, world):
    rule, hr = world["rule"], world["hr"]
    data = {"kind": "sub_account", "key": "ignored", "value": " sa-9 ", "cost_centre": hr.pk, "priority": 3}
    response = client_as("admin").post(_urls(world)["rule"], data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.kind, rule.key, rule.value, rule.cost_centre_id, rule.priority) == (
        "sub_account",
        "",
        "sa-9",
        hr.pk,
        3,
    )
    event = AuditEvent.objects.filter(verb="finops.allocation_rule_updated").latest("id")
    assert event.data == {
        "kind": "sub_account",
        "key": "",
        "value": "sa-9",
        "cost_centre": hr.pk,
        "priority": 3,
    }


def test_edit_allocation_rule_tag_without_key_is_refused(client_as, world):
    rule = world["rule"]
    data = {"kind": "tag", "key": " ", "value": "x", "cost_centre": world["hr"].pk, "priority": 1}
    response = client_as("analyst").post(_urls(world)["rule"], data)
    assert response.status_code == 400
    assert "Oppgi taggnøkkelen." in response.content.decode()
    rule.refresh_from_db()
    assert (rule.key, rule.value, rule.cost_centre_id, rule.priority) == ("team", "it", world["it"].pk, 10)


def test_edit_allocation_rule_centre_of_another_organisation_is_refused(client_as, world, other_buyer_org):
    other = services.cost_centre_create(
        actor=acting(other_buyer_org, Role.ORG_ADMIN), organisation=other_buyer_org, code="X", name="X"
    )
    data = {"kind": "tag", "key": "team", "value": "it", "cost_centre": other.pk, "priority": 1}
    response = client_as("analyst").post(_urls(world)["rule"], data)
    assert response.status_code == 400
    world["rule"].refresh_from_db()
    assert world["rule"].cost_centre_id == world["it"].pk


def test_edit_shared_rule_to_fixed_percentages(client_as, world):
    shared, it, hr = world["shared"], world["it"], world["hr"]
    data = {
        "name": "Nettverk og brannmur",
        "kind": "tag",
        "key": "shared",
        "value": "ja",
        "method": "fixed",
        "shares": "IT=60, HR=25.5",
        "priority": 2,
    }
    response = client_as("analyst").post(_urls(world)["shared"], data)
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.name, shared.kind, shared.key, shared.value, shared.method, shared.priority) == (
        "Nettverk og brannmur",
        "tag",
        "shared",
        "ja",
        "fixed",
        2,
    )
    assert list(shared.targets.all()) == []
    assert [(s.cost_centre.code, s.percent) for s in shared.shares.all()] == [
        ("HR", Decimal("25.5000")),
        ("IT", Decimal("60.0000")),
    ]
    event = AuditEvent.objects.filter(verb="finops.shared_cost_rule_updated").latest("id")
    assert event.data == {
        "name": "Nettverk og brannmur",
        "kind": "tag",
        "key": "shared",
        "value": "ja",
        "method": "fixed",
        "targets": [],
        "shares": [[it.pk, "60"], [hr.pk, "25.5"]],
        "priority": 2,
    }
    # the edit page shows the shares as they are written
    body = client_as("analyst").get(_urls(world)["shared"]).content.decode()
    assert 'value="HR=25.5, IT=60"' in body


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ("IT=60, HR=50", "Prosentene må være større enn 0 og til sammen høyst 100."),
        ("", "Oppgi minst ett kostnadssted med prosent."),
        ("IT=0", "Prosentene må være større enn 0 og til sammen høyst 100."),
        ("IT=10, IT=20", "Et kostnadssted er oppgitt to ganger."),
        ("XX=10", "Ukjent kostnadssted: XX"),
    ],
)
def test_bad_fixed_shares_are_refused_and_nothing_changes(client_as, world, shares, message):
    shared = world["shared"]
    before = AuditEvent.objects.count()
    data = {
        "name": "Ny",
        "kind": "service",
        "value": "Network",
        "method": "fixed",
        "shares": shares,
        "priority": 1,
    }
    response = client_as("analyst").post(_urls(world)["shared"], data)
    assert response.status_code == 400
    assert message in response.content.decode()
    shared.refresh_from_db()
    assert (shared.name, shared.method) == ("Nettverk", "even")
    assert sorted(c.code for c in shared.targets.all()) == ["HR", "IT"]
    assert shared.shares.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["anonymous", "buyer", "mps", "supplier", "other_analyst"])
def test_denied_posts_change_nothing(client_as, world, who):
    client = client_as(who)
    urls = _urls(world)
    client.post(urls["centre"], {"name": "Endret", "parent": ""})
    client.post(
        urls["rule"], {"kind": "sub_account", "value": "x", "cost_centre": world["hr"].pk, "priority": 1}
    )
    client.post(
        urls["shared"], {"name": "Endret", "kind": "service", "value": "x", "method": "even", "priority": 1}
    )
    assert CostCentre.objects.get(pk=world["hr"].pk).name == "HR"
    assert AllocationRule.objects.get(pk=world["rule"].pk).value == "it"
    assert SharedCostRule.objects.get(pk=world["shared"].pk).name == "Nettverk"


def test_shared_rule_update_service_switches_back_to_targets(world):
    admin, it, shared = world["admin"], world["it"], world["shared"]
    services.shared_cost_rule_update(
        actor=admin,
        rule=shared,
        name="N",
        kind="service",
        value="Network",
        method="fixed",
        shares=[(it, Decimal(100))],
    )
    services.shared_cost_rule_update(
        actor=admin,
        rule=shared,
        name="N",
        kind="service",
        value="Network",
        method="proportional",
        targets=[it],
    )
    shared.refresh_from_db()
    assert shared.method == "proportional"
    assert shared.shares.count() == 0
    assert [c.code for c in shared.targets.all()] == ["IT"]


def test_shared_rule_update_service_refuses_the_wrong_role(world, buyer_org):
    buyer = acting(buyer_org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        services.shared_cost_rule_update(
            actor=buyer, rule=world["shared"], name="N", kind="service", value="x", method="even"
        )
    with pytest.raises(ValidationFailed) as exc:
        services.shared_cost_rule_update(
            actor=world["admin"], rule=world["shared"], name=" ", kind="tag", value="x", method="odd"
        )
    assert sorted(e["field"] for e in exc.value.errors) == ["key", "method", "name"]
    assert SharedCostRule.objects.get(pk=world["shared"].pk).name == "Nettverk"
