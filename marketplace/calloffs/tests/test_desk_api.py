"""Desk API: PUT basket, POST evaluate, GET evaluation — permission matrix, JSON errors, nothing half-stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import BasketLine, Evaluation
from marketplace.calloffs.rules.reproducible import inputs_hash
from marketplace.calloffs.services.desk import basket_set, evaluation_rerun
from marketplace.calloffs.tests.desk_data import BASKET, NOW, desk_world
from marketplace.core.models import AuditEvent

BODY = {
    "lines": [
        {"unit": "vcpu_hour", "quantity": "350400", "description": "40 vCPU × 730 t × 12 mnd"},
        {"unit": "gib_month", "quantity": "20480"},
        {"unit": "gb_egress", "quantity": "60000"},
    ]
}


@pytest.fixture
def world(buyer_org):
    return desk_world(buyer_org)


def bearer(user, organisation):
    _token, secret = api_token_create(actor=None, user=user, organisation=organisation, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _counts(calloff):
    calloff.refresh_from_db()
    return (
        list(BasketLine.objects.filter(calloff=calloff).values_list("unit", "quantity")),
        Evaluation.objects.filter(calloff=calloff).count(),
        calloff.evaluated_at,
        AuditEvent.objects.exclude(verb__startswith="api_token").count(),
    )


def _calls(calloff):
    base = f"/api/v1/calloffs/{calloff.pk}/desk"
    return [
        ("put", f"{base}/basket", BODY),
        ("post", f"{base}/evaluate", None),
        ("get", f"{base}/evaluation", None),
    ]


def _send(client, method, path, body, headers):
    if method == "put":
        return client.put(path, json.dumps(body), content_type="application/json", **headers)
    if method == "post":
        return client.post(path, content_type="application/json", **headers)
    return client.get(path, **headers)


def test_api_permission_matrix(world, buyer_org, other_buyer_org):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _counts(world.calloff)
    client = Client()
    denied = {
        "anonymous": ({}, 401),
        "other organisation": (bearer(member(other_buyer_org, Role.BUYER), other_buyer_org), 404),
        "supplier": (bearer(member(world.nordsky.supplier, Role.BIDDER), world.nordsky.supplier), 404),
    }
    for method, path, body in _calls(world.calloff):
        for label, (headers, status) in denied.items():
            response = _send(client, method, path, body, headers)
            assert response.status_code == status, (label, method, response.content)
            assert set(response.json()) == {"detail", "errors"}
        evaluator = bearer(member(buyer_org, Role.EVALUATOR), buyer_org)
        expected = 404 if method == "get" else 403  # an evaluator may read; there is no evaluation yet
        assert _send(client, method, path, body, evaluator).status_code == expected
    assert _counts(world.calloff) == before


def test_api_basket_evaluate_and_read(world, buyer_org):
    client = Client()
    headers = bearer(world.buyer, buyer_org)
    base = f"/api/v1/calloffs/{world.calloff.pk}/desk"
    response = _send(client, "put", f"{base}/basket", BODY, headers)
    assert response.status_code == 200
    assert response.json()[0] == {
        "position": 1,
        "unit": "vcpu_hour",
        "quantity": "350400.0000",
        "description": "40 vCPU × 730 t × 12 mnd",
    }
    response = _send(client, "post", f"{base}/evaluate", None, headers)
    assert response.status_code == 201
    created = response.json()
    assert [(r["rank"], r["supplier_name"], r["price_amount"]) for r in created["result"]["ranking"]] == [
        (1, "Fjellskyen AS", "189312.00"),
        (2, "Nordsky AS", "192800.00"),
    ]
    assert created["inputs_hash"] == inputs_hash(created["inputs"])
    evaluator = bearer(member(buyer_org, Role.EVALUATOR), buyer_org)
    read = _send(client, "get", f"{base}/evaluation", None, evaluator).json()
    assert read == created
    assert evaluation_rerun(Evaluation.objects.get(pk=read["id"])) == read["result"]


def test_api_bad_basket_is_a_json_error_and_stores_nothing(world, buyer_org):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _counts(world.calloff)
    headers = bearer(world.buyer, buyer_org)
    path = f"/api/v1/calloffs/{world.calloff.pk}/desk/basket"
    body = {"lines": [{"unit": "vcpu_hour", "quantity": "10"}, {"unit": "liter", "quantity": "-1"}]}
    response = _send(Client(), "put", path, body, headers)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Handlekurven er ikke lagret. Rett opp feilene.",
        "errors": [
            {"field": "lines.1.unit", "message": "Velg en enhet fra prislistenes enheter."},
            {"field": "lines.1.quantity", "message": "Mengden må være større enn null."},
        ],
    }
    response = _send(Client(), "put", path, {"lines": "mange"}, headers)
    assert response.status_code == 422
    assert _counts(world.calloff) == before


def test_api_evaluate_twice_keeps_history_and_refuses_basket_change(world, buyer_org):
    headers = bearer(world.buyer, buyer_org)
    base = f"/api/v1/calloffs/{world.calloff.pk}/desk"
    _send(Client(), "put", f"{base}/basket", BODY, headers)
    first = _send(Client(), "post", f"{base}/evaluate", None, headers).json()
    second = _send(Client(), "post", f"{base}/evaluate", None, headers).json()
    assert first["id"] != second["id"]
    assert first["result"] == second["result"]
    response = _send(Client(), "put", f"{base}/basket", BODY, headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "Handlekurven og kravene kan bare endres mens avropet er et utkast."
    assert Evaluation.objects.filter(calloff=world.calloff).count() == 2
