"""Call-off API (common + direct): JSON errors, permission matrix, nothing stored on refusal."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.calloffs.models import CallOff, CascadeStep
from marketplace.calloffs.services import common as common_services
from marketplace.calloffs.tests.common_helpers import need as need_of
from marketplace.calloffs.tests.common_helpers import world
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(buyer_org, other_buyer_org):
    w = world(buyer_org)
    w.framework.participants.add(other_buyer_org)
    return w


@pytest.fixture
def api(make_member, buyer_org, other_buyer_org, supplier_org):
    def _api(who):
        client = Client()
        if who == "anonymous":
            return client
        org, role = {
            "buyer": (buyer_org, Role.BUYER),
            "evaluator": (buyer_org, Role.EVALUATOR),
            "other": (other_buyer_org, Role.BUYER),
            "supplier": (supplier_org, Role.BIDDER),
        }[who]
        _, secret = api_token_create(actor=None, user=make_member(org, role), organisation=org)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return client

    return _api


@pytest.fixture
def calloff(buyer_org, w):
    calloff, _ = common_services.calloff_create(
        actor=acting(buyer_org, Role.BUYER), buyer=buyer_org, **need_of(w)
    )
    return calloff


def payload(w, **overrides):
    data = {
        "framework_id": w.framework.pk,
        "lot_id": w.lot.pk,
        "title": "Lagring",
        "description": "Objektlagring.",
        "estimated_value_amount": "400000.00",
        "period_starts_on": "2027-01-01",
        "period_ends_on": "2027-12-31",
    }
    data.update(overrides)
    return data


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def counts():
    return CallOff.objects.count(), AuditEvent.objects.count(), CascadeStep.objects.count()


def test_create_returns_route_and_warnings(api, w):
    response = post(api("buyer"), "/api/v1/calloffs", payload(w))
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("AV-")
    assert body["mechanism"] == "direct"
    assert body["state"] == "draft"
    assert body["procurement_part"] == "part_1"
    assert body["warnings"] == []
    assert CallOff.objects.get().pk == body["id"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("evaluator", 403), ("supplier", 403)])
def test_create_denied(api, w, who, status):
    client = api(who)
    before = counts()
    response = post(client, "/api/v1/calloffs", payload(w))
    assert response.status_code == status
    assert "detail" in response.json()
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"lot_id": 999999}, "lot_id", 422),
        ({"framework_id": 999999}, "framework_id", 422),
        ({"estimated_value_amount": "99999999.00"}, "estimated_value_amount", 422),
        ({"period_ends_on": "2026-01-01"}, "period_ends_on", 422),
    ],
)
def test_create_bad_input_is_json_and_stores_nothing(api, w, overrides, field, status):
    client = api("buyer")
    before = counts()
    response = post(client, "/api/v1/calloffs", payload(w, **overrides))
    assert response.status_code == status
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["detail"]
    assert counts() == before


def test_create_wrong_lot_message(api, w, buyer_org):
    other = world(buyer_org)
    response = post(api("buyer"), "/api/v1/calloffs", payload(w, lot_id=other.lot.pk))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Delkontrakten hører ikke til rammeavtalen")


@pytest.mark.parametrize(
    ("who", "status"), [("buyer", 200), ("evaluator", 200), ("other", 404), ("supplier", 404)]
)
def test_detail_matrix(api, calloff, who, status):
    response = api(who).get(f"/api/v1/calloffs/{calloff.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["reference"] == calloff.reference


def test_list_is_scoped(api, calloff):
    assert [row["id"] for row in api("buyer").get("/api/v1/calloffs").json()] == [calloff.pk]
    assert api("other").get("/api/v1/calloffs").json() == []
    assert api("anonymous").get("/api/v1/calloffs").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"), [("evaluator", 403), ("other", 404), ("supplier", 404), ("anonymous", 401)]
)
def test_cancel_denied(api, calloff, who, status):
    client = api(who)
    before = counts()
    assert post(client, f"/api/v1/calloffs/{calloff.pk}/cancel", {"reason": "x"}).status_code == status
    assert counts() == before
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None


def test_cancel_requires_reason_then_works(api, calloff):
    client = api("buyer")
    response = post(client, f"/api/v1/calloffs/{calloff.pk}/cancel", {"reason": " "})
    assert response.status_code == 422
    assert response.json()["detail"] == "Skriv hvorfor avropet avlyses."
    response = post(client, f"/api/v1/calloffs/{calloff.pk}/cancel", {"reason": "Feil behov"})
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert post(client, f"/api/v1/calloffs/{calloff.pk}/cancel", {"reason": "Igjen"}).status_code == 409


def test_cascade_flow(api, calloff, w):
    client = api("buyer")
    body = client.get(f"/api/v1/calloffs/{calloff.pk}/cascade").json()
    assert [row["contract_id"] for row in body["rows"]] == [c.pk for c in w.contracts]
    assert body["next_contract_id"] == w.contracts[0].pk
    skip = post(
        client,
        f"/api/v1/calloffs/{calloff.pk}/cascade",
        {"contract_id": w.contracts[1].pk, "outcome": "accepted"},
    )
    assert skip.status_code == 422
    assert skip.json()["errors"][0]["field"] == "contract"
    no_reason = post(
        client,
        f"/api/v1/calloffs/{calloff.pk}/cascade",
        {"contract_id": w.contracts[0].pk, "outcome": "declined"},
    )
    assert no_reason.status_code == 422
    assert CascadeStep.objects.count() == 0
    response = post(
        client,
        f"/api/v1/calloffs/{calloff.pk}/cascade",
        {"contract_id": w.contracts[0].pk, "outcome": "accepted"},
    )
    assert response.status_code == 201
    assert response.json()["winner_contract_id"] == w.contracts[0].pk
    missing = post(client, f"/api/v1/calloffs/{calloff.pk}/justification", {"justification": ""})
    assert missing.status_code == 422
    response = post(
        client, f"/api/v1/calloffs/{calloff.pk}/justification", {"justification": "Høyest rangert."}
    )
    assert response.status_code == 200
    assert response.json()["ready_for_award"] is True


@pytest.mark.parametrize(
    ("who", "status"), [("evaluator", 403), ("other", 404), ("supplier", 404), ("anonymous", 401)]
)
def test_cascade_record_denied(api, calloff, w, who, status):
    client = api(who)
    before = counts()
    response = post(
        client,
        f"/api/v1/calloffs/{calloff.pk}/cascade",
        {"contract_id": w.contracts[0].pk, "outcome": "accepted"},
    )
    assert response.status_code == status
    assert counts() == before


def test_cascade_read_hidden_from_asked_supplier(api, calloff, w, make_member):
    from marketplace.calloffs.services.direct import cascade_record

    cascade_record(
        actor=acting(calloff.buyer, Role.BUYER),
        calloff=calloff,
        contract=w.contracts[0],
        outcome="declined",
        reason="Nei",
    )
    supplier = w.contracts[0].supplier
    _, secret = api_token_create(actor=None, user=make_member(supplier, Role.BIDDER), organisation=supplier)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"/api/v1/calloffs/{calloff.pk}").status_code == 200
    assert client.get(f"/api/v1/calloffs/{calloff.pk}/cascade").status_code == 403
