"""The supplier's offer page (submit, replace, withdraw, receipts) and the buyer's "open offers"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from marketplace.calloffs.models import CallOff, Offer, OfferReceipt
from marketplace.calloffs.tests.mini_world import (
    DESCRIPTION,
    PRICE,
    build_world,
    counts,
    live_publish,
    move_deadline,
)
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    live_publish(w)
    return w


def page(calloff):
    return f"/avrop/{calloff.pk}/tilbud/"


def test_offer_page_permission_matrix(world, login):
    assert Client().get(page(world.calloff)).status_code == 302
    assert login(world.outsider_bidder, world.outsider_supplier).get(page(world.calloff)).status_code == 404
    assert login(world.listing_editor, world.suppliers[0]).get(page(world.calloff)).status_code == 404
    assert login(world.other_buyer, world.other_buyer_org).get(page(world.calloff)).status_code == 404
    response = login(world.buyer, world.buyer_org).get(page(world.calloff))
    assert response.status_code == 302
    assert response["Location"] == f"/avrop/{world.calloff.pk}/minikonkurranse/"
    response = login(world.bidders[0], world.suppliers[0]).get(page(world.calloff))
    assert response.status_code == 200
    assert "Lever tilbud" in response.content.decode()


def test_submit_replace_withdraw_with_receipts(world, login):
    client = login(world.bidders[0], world.suppliers[0])
    response = client.post(
        page(world.calloff),
        {
            "price_amount": "1 234 567,89",
            "description": DESCRIPTION,
            "attachment": SimpleUploadedFile("tilbud.pdf", b"%PDF-1.7 tilbud", "application/pdf"),
        },
        follow=True,
    )
    offer = Offer.objects.get()
    body = response.content.decode()
    assert f"Tilbudet er mottatt (versjon 1). Kvittering SHA-256: {offer.sha256}" in body
    assert body.count(offer.sha256) == 2  # the message and the receipt table
    assert PRICE not in body
    assert "1 234 567,89" not in body
    assert DESCRIPTION not in body
    assert "Erstatt tilbudet" in body
    response = client.post(
        page(world.calloff), {"price_amount": "1000", "description": "Ny versjon"}, follow=True
    )
    assert "Tilbudet er mottatt (versjon 2)." in response.content.decode()
    response = client.post(f"/avrop/{world.calloff.pk}/tilbud/trekk/", follow=True)
    assert "Tilbudet er trukket." in response.content.decode()
    assert list(OfferReceipt.objects.values_list("kind", flat=True)) == ["submitted", "replaced", "withdrawn"]
    assert Offer.objects.get().withdrawn_at is not None


def test_bad_offer_is_a_form_error(world, login):
    client = login(world.bidders[0], world.suppliers[0])
    response = client.post(page(world.calloff), {"price_amount": "gratis", "description": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Beskriv tilbudet." in body
    response = client.post(page(world.calloff), {"price_amount": "gratis", "description": "x"})
    assert response.status_code == 400
    assert "Prisen må være et tall, for eksempel «123456.50»." in response.content.decode()
    response = client.post(
        page(world.calloff),
        {"price_amount": "10", "description": "x", "attachment": SimpleUploadedFile("virus.exe", b"MZ")},
    )
    assert "Filtypen er ikke tillatt." in response.content.decode()
    assert counts(Offer, OfferReceipt) == (0, 0)


def test_late_offer_is_refused(world, login):
    client = login(world.bidders[0], world.suppliers[0])
    client.post(page(world.calloff), {"price_amount": "10", "description": "x"})
    move_deadline(world.calloff, timezone.now() - dt.timedelta(seconds=1))
    before = counts(Offer, OfferReceipt, AuditEvent)
    response = client.post(page(world.calloff), {"price_amount": "5", "description": "sent"}, follow=True)
    body = response.content.decode()
    assert "Tilbudsfristen er ute." in body
    assert "Lever tilbud" not in body
    client.post(f"/avrop/{world.calloff.pk}/tilbud/trekk/")
    assert counts(Offer, OfferReceipt, AuditEvent) == before
    assert Offer.objects.get().version == 1


def test_submit_denied_for_others(world, login):
    data = {"price_amount": "10", "description": "x"}
    assert (
        login(world.outsider_bidder, world.outsider_supplier).post(page(world.calloff), data).status_code
        == 404
    )
    assert (
        login(world.buyer, world.buyer_org).post(page(world.calloff), data).status_code == 302
    )  # to the workspace
    assert login(world.mps_admin, world.mps_org).post(page(world.calloff), data).status_code == 302
    assert login(world.listing_editor, world.suppliers[0]).post(page(world.calloff), data).status_code == 404
    assert (
        login(world.buyer, world.buyer_org).post(f"/avrop/{world.calloff.pk}/tilbud/trekk/").status_code
        == 403
    )
    assert counts(Offer, OfferReceipt) == (0, 0)


def test_open_offers(world, login):
    login(world.bidders[0], world.suppliers[0]).post(
        page(world.calloff), {"price_amount": PRICE, "description": DESCRIPTION}
    )
    open_url = f"/avrop/{world.calloff.pk}/tilbud/apne/"
    buyer = login(world.buyer, world.buyer_org)
    # before the deadline: refused, and the buyer sees nothing about offers
    workspace = buyer.get(f"/avrop/{world.calloff.pk}/minikonkurranse/").content.decode()
    assert "Tilbudene er forseglet til tilbudsfristen er ute." in workspace
    assert "tilbud mottatt" not in workspace
    response = buyer.post(open_url, follow=True)
    assert "Tilbudene kan ikke åpnes før tilbudsfristen er ute." in response.content.decode()
    move_deadline(world.calloff, timezone.now() - dt.timedelta(seconds=1))
    workspace = buyer.get(f"/avrop/{world.calloff.pk}/minikonkurranse/").content.decode()
    assert "1 tilbud mottatt." in workspace
    assert Offer.objects.get().sha256 in workspace
    assert "Åpne tilbud" in workspace
    # wrong role / other organisation
    assert login(world.evaluator, world.buyer_org).post(open_url).status_code == 403
    assert login(world.other_buyer, world.other_buyer_org).post(open_url).status_code == 404
    assert login(world.bidders[0], world.suppliers[0]).post(open_url).status_code == 403
    assert CallOff.objects.get().offers_opened_at is None
    response = buyer.post(open_url, follow=True)
    body = response.content.decode()
    assert "Tilbudene er åpnet (1 tilbud)." in body
    assert "<td>1234567,89</td>" in body
    assert CallOff.objects.get().offers_opened_at is not None


def test_offer_detail_and_attachment_only_after_opening(world, login):
    import base64

    from marketplace.calloffs.models import ImpartialityDeclaration
    from marketplace.calloffs.services import offers
    from marketplace.calloffs.tests.mini_world import acting

    offers.offer_submit(
        actor=acting(world.bidders[0], world.suppliers[0]),
        calloff=world.calloff,
        supplier=world.suppliers[0],
        content={
            "price_amount": PRICE,
            "description": "Linje 1\n<script>alert(1)</script>",
            "attachment": {"name": "tilbud.txt", "base64": base64.b64encode(b"vedlegg").decode()},
        },
    )
    offer = Offer.objects.get()
    detail = f"/avrop/{world.calloff.pk}/tilbud/{offer.pk}/"
    attachment = detail + "vedlegg/"
    buyer = login(world.buyer, world.buyer_org)
    assert buyer.get(detail).status_code == 404  # not opened
    assert buyer.get(attachment).status_code == 404
    move_deadline(world.calloff, timezone.now() - dt.timedelta(seconds=1))
    assert buyer.get(detail).status_code == 404  # deadline passed, still not opened
    buyer.post(f"/avrop/{world.calloff.pk}/tilbud/apne/")
    response = buyer.get(detail)
    assert response.status_code == 200
    body = response.content.decode()
    assert "1234567,89" in body
    assert "Linje 1<br>&lt;script&gt;alert(1)&lt;/script&gt;" in body
    response = buyer.get(attachment)
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        b"vedlegg",
        "text/plain",
    )
    assert response["Content-Disposition"] == 'attachment; filename="tilbud.txt"'
    # evaluator only after declaring impartiality; others never
    evaluator = login(world.evaluator, world.buyer_org)
    assert evaluator.get(detail).status_code == 403
    ImpartialityDeclaration.objects.create(
        calloff=world.calloff, user=world.evaluator, is_impartial=True, declared_at=timezone.now()
    )
    assert evaluator.get(detail).status_code == 200
    assert login(world.org_admin, world.buyer_org).get(detail).status_code == 403
    assert login(world.mps_admin, world.mps_org).get(detail).status_code == 403
    assert login(world.bidders[1], world.suppliers[1]).get(detail).status_code == 403
    assert login(world.bidders[0], world.suppliers[0]).get(attachment).status_code == 403
    assert login(world.other_buyer, world.other_buyer_org).get(detail).status_code == 404
    assert login(world.outsider_bidder, world.outsider_supplier).get(detail).status_code == 404


def test_too_large_attachment_is_refused_before_reading(world, login, settings):
    settings.MPS_UPLOAD_MAX_BYTES = 1024 * 1024
    response = login(world.bidders[0], world.suppliers[0]).post(
        page(world.calloff),
        {
            "price_amount": "10",
            "description": "x",
            "attachment": SimpleUploadedFile("stor.txt", b"a" * (1024 * 1024 + 1)),
        },
    )
    assert response.status_code == 400
    assert "Filen er for stor (høyst 1 MB)." in response.content.decode()
    assert counts(Offer, OfferReceipt) == (0, 0)
