"""The offers API: submit/replace/withdraw with receipts, errors as JSON, permission matrix."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from marketplace.accounts.services import api_token_create
from marketplace.calloffs.models import CallOff, Offer, OfferReceipt
from marketplace.calloffs.tests.mini_world import DESCRIPTION, PRICE, build_world, counts, live_publish
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BODY = {"price_amount": PRICE, "description": DESCRIPTION}


@pytest.fixture
def world():
    w = build_world()
    live_publish(w)
    return w


def client_for(user, organisation) -> Client:
    _, secret = api_token_create(actor=None, user=user, organisation=organisation)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client, calloff_id, body=BODY, suffix=""):
    return client.post(
        f"/api/v1/calloffs/{calloff_id}/offers{suffix}", json.dumps(body), content_type="application/json"
    )


def test_submit_replace_withdraw(world):
    client = client_for(world.bidders[0], world.suppliers[0])
    response = post(client, world.calloff.pk)
    assert response.status_code == 201
    data = response.json()
    offer = Offer.objects.get()
    assert data["sha256"] == offer.sha256
    assert (data["version"], data["kind"]) == (1, "submitted")
    assert abs(dt.datetime.fromisoformat(data["received_at"]) - offer.submitted_at) < dt.timedelta(
        milliseconds=1
    )
    assert PRICE not in response.content.decode()

    response = post(client, world.calloff.pk, {"price_amount": "10.00", "description": "Nytt"})
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["kind"]) == (2, "replaced")

    response = client.post(f"/api/v1/calloffs/{world.calloff.pk}/offers/withdraw")
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["kind"]) == (2, "withdrawn")

    receipts = client.get(f"/api/v1/calloffs/{world.calloff.pk}/offers/receipts").json()
    assert [(r["kind"], r["version"]) for r in receipts] == [
        ("submitted", 1),
        ("replaced", 2),
        ("withdrawn", 2),
    ]


def test_late_is_409_and_changes_nothing(world):
    client = client_for(world.bidders[0], world.suppliers[0])
    post(client, world.calloff.pk)
    CallOff.objects.filter(pk=world.calloff.pk).update(offer_deadline_at=world.calloff.published_at)
    before = counts(Offer, OfferReceipt, AuditEvent)
    response = post(client, world.calloff.pk, {"price_amount": "1.00", "description": "Sent"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Tilbudsfristen er ute. Tilbud kan ikke leveres, erstattes eller trekkes etter fristen.",
        "errors": [],
    }
    assert client.post(f"/api/v1/calloffs/{world.calloff.pk}/offers/withdraw").status_code == 409
    assert counts(Offer, OfferReceipt, AuditEvent) == before
    assert Offer.objects.get().version == 1


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {"price_amount": "abc", "description": "x"},
            422,
            "Prisen må være et tall, for eksempel «123456.50».",
        ),
        ({"price_amount": 12.5, "description": "x"}, 422, "Ugyldig forespørsel."),
        ({"description": "x"}, 422, "Ugyldig forespørsel."),
        ({"price_amount": "10", "description": ""}, 422, "Beskriv tilbudet."),
    ],
)
def test_bad_body_is_422(world, body, status, detail):
    client = client_for(world.bidders[0], world.suppliers[0])
    response = post(client, world.calloff.pk, body)
    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert Offer.objects.count() == 0


def test_not_json_is_422(world):
    client = client_for(world.bidders[0], world.suppliers[0])
    response = client.post(
        f"/api/v1/calloffs/{world.calloff.pk}/offers", "price=1", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert Offer.objects.count() == 0


def test_permission_matrix(world):
    pk = world.calloff.pk
    outsider = client_for(world.outsider_bidder, world.outsider_supplier)
    editor = client_for(world.listing_editor, world.suppliers[0])
    buyer = client_for(world.buyer, world.buyer_org)
    mps = client_for(world.mps_admin, world.mps_org)
    bidder = client_for(world.bidders[0], world.suppliers[0])
    before = counts(Offer, OfferReceipt, AuditEvent)
    # anonymous and a bad token
    assert post(Client(), pk).status_code == 401
    assert post(Client(HTTP_AUTHORIZATION="Bearer mps_nope"), pk).status_code == 401
    assert Client().get(f"/api/v1/calloffs/{pk}/offers/receipts").status_code == 401
    # another supplier, not on the lot: the call-off is invisible
    response = post(outsider, pk)
    assert response.status_code == 404
    assert response.json()["detail"]
    # same supplier, wrong role
    assert post(editor, pk).status_code == 404
    # the buyer sees the call-off but may not offer
    response = post(buyer, pk)
    assert response.status_code == 403
    assert response.json()["detail"] == "Du kan ikke levere tilbud i dette avropet for denne leverandøren."
    assert post(mps, pk).status_code == 403
    assert post(mps, pk, suffix="/withdraw").status_code == 403
    # a call-off that does not exist
    assert post(bidder, pk + 999).status_code == 404
    assert counts(Offer, OfferReceipt, AuditEvent) == before
    # the right role
    assert post(bidder, pk).status_code == 201


def test_supplier_admin_may_submit(world):
    from marketplace.accounts.models import Role
    from marketplace.accounts.tests.factories import member

    admin = member(world.suppliers[1], Role.SUPPLIER_ADMIN, username="lev.admin")
    assert post(client_for(admin, world.suppliers[1]), world.calloff.pk).status_code == 201


def test_receipts_only_own(world):
    post(client_for(world.bidders[0], world.suppliers[0]), world.calloff.pk)
    other = client_for(world.bidders[1], world.suppliers[1])
    assert other.get(f"/api/v1/calloffs/{world.calloff.pk}/offers/receipts").json() == []
    buyer = client_for(world.buyer, world.buyer_org)
    assert buyer.get(f"/api/v1/calloffs/{world.calloff.pk}/offers/receipts").json() == []
