"""services.offers: submit/replace/withdraw with receipts, the deadline, opening, and reading content after opening."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from marketplace.calloffs import sealing
from marketplace.calloffs.models import CallOff, ImpartialityDeclaration, Offer, OfferReceipt
from marketplace.calloffs.services import offers
from marketplace.calloffs.tests.mini_world import (
    DEADLINE,
    DESCRIPTION,
    PRICE,
    T0,
    acting,
    build_world,
    counts,
    publish,
    submit,
)
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CANONICAL = json.dumps(
    {"attachment": None, "description": DESCRIPTION, "price_amount": PRICE},
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
).encode()


@pytest.fixture
def world():
    w = build_world()
    publish(w)
    return w


def test_submit_seals_and_returns_receipt(world):
    receipt = submit(world, 0)
    assert receipt.sha256 == hashlib.sha256(CANONICAL).hexdigest()
    assert receipt.version == 1
    assert receipt.kind == "submitted"
    assert receipt.received_at == T0 + dt.timedelta(days=1)
    offer = Offer.objects.get()
    assert offer.supplier == world.suppliers[0]
    assert offer.sha256 == receipt.sha256
    assert offer.size_bytes == len(CANONICAL)
    assert offer.opened_price_amount is None
    sealed = bytes(offer.sealed_content)
    assert PRICE.encode() not in sealed
    assert DESCRIPTION.encode() not in sealed
    stored = OfferReceipt.objects.get()
    assert (stored.kind, stored.sha256, stored.received_by) == ("submitted", receipt.sha256, world.bidders[0])
    event = AuditEvent.objects.filter(verb="offer.submitted").get()
    assert event.data == {
        "calloff": world.calloff.reference,
        "supplier": world.suppliers[0].orgnr,
        "sha256": receipt.sha256,
        "version": 1,
        "size_bytes": len(CANONICAL),
    }


def test_replace_and_withdraw_and_resubmit(world):
    first = submit(world, 0)
    second = submit(world, 0, price="1000.00", now=T0 + dt.timedelta(days=2))
    assert (second.kind, second.version) == ("replaced", 2)
    assert second.sha256 != first.sha256
    withdrawn = offers.offer_withdraw(
        actor=acting(world.bidders[0], world.suppliers[0]),
        calloff=world.calloff,
        supplier=world.suppliers[0],
        now=T0 + dt.timedelta(days=3),
    )
    assert (withdrawn.kind, withdrawn.version, withdrawn.sha256) == ("withdrawn", 2, second.sha256)
    assert Offer.objects.get().withdrawn_at == T0 + dt.timedelta(days=3)
    third = submit(world, 0, price="900.00", now=T0 + dt.timedelta(days=4))
    assert (third.kind, third.version) == ("submitted", 3)
    assert Offer.objects.count() == 1
    assert Offer.objects.get().withdrawn_at is None
    assert list(OfferReceipt.objects.values_list("kind", flat=True)) == [
        "submitted",
        "replaced",
        "withdrawn",
        "submitted",
    ]
    verbs = list(AuditEvent.objects.filter(verb__startswith="offer.").values_list("verb", flat=True))
    assert verbs == ["offer.submitted", "offer.replaced", "offer.withdrawn", "offer.submitted"]


def test_withdraw_without_offer_is_a_conflict(world):
    with pytest.raises(Conflict) as caught:
        offers.offer_withdraw(
            actor=acting(world.bidders[0], world.suppliers[0]),
            calloff=world.calloff,
            supplier=world.suppliers[0],
            now=T0 + dt.timedelta(days=1),
        )
    assert caught.value.message == "Det er ikke levert noe tilbud som kan trekkes."
    assert OfferReceipt.objects.count() == 0


@pytest.mark.parametrize(
    "late", [DEADLINE, DEADLINE + dt.timedelta(seconds=1), DEADLINE + dt.timedelta(days=9)]
)
def test_nothing_accepted_at_or_after_the_deadline(world, late):
    submit(world, 0)
    before = counts(Offer, OfferReceipt, AuditEvent)
    offer_before = Offer.objects.values().get()
    with pytest.raises(Conflict) as caught:
        submit(world, 0, price="1.00", now=late)
    assert caught.value.message == offers.LATE_MESSAGE
    with pytest.raises(Conflict):
        submit(world, 1, now=late)
    with pytest.raises(Conflict):
        offers.offer_withdraw(
            actor=acting(world.bidders[0], world.suppliers[0]),
            calloff=world.calloff,
            supplier=world.suppliers[0],
            now=late,
        )
    assert counts(Offer, OfferReceipt, AuditEvent) == before
    assert Offer.objects.values().get() == offer_before


def test_one_second_before_the_deadline_is_accepted(world):
    assert submit(world, 0, now=DEADLINE - dt.timedelta(seconds=1)).version == 1


def test_not_before_publishing():
    w = build_world()
    with pytest.raises(PermissionDenied):  # not invited yet: invited_at is set by publishing
        submit(w, 0)
    assert Offer.objects.count() == 0


def _denied(world, user, organisation, supplier):
    before = counts(Offer, OfferReceipt, AuditEvent)
    with pytest.raises(PermissionDenied):
        offers.offer_submit(
            actor=acting(user, organisation),
            calloff=world.calloff,
            supplier=supplier,
            content={"price_amount": PRICE, "description": DESCRIPTION},
            now=T0 + dt.timedelta(days=1),
        )
    assert counts(Offer, OfferReceipt, AuditEvent) == before


def test_submit_permission_matrix(world):
    _denied(world, world.outsider_bidder, world.outsider_supplier, world.outsider_supplier)  # not on the lot
    _denied(world, world.listing_editor, world.suppliers[0], world.suppliers[0])  # wrong role
    _denied(world, world.bidders[1], world.suppliers[1], world.suppliers[0])  # for another supplier
    _denied(world, world.buyer, world.buyer_org, world.suppliers[0])  # buyer
    _denied(world, world.mps_admin, world.mps_org, world.suppliers[0])


def test_excluded_supplier_cannot_submit():
    from marketplace.calloffs.models import Invitation
    from marketplace.calloffs.services import mini

    w = build_world()
    invitation = Invitation.objects.get(supplier=w.suppliers[2])
    mini.invitation_exclude(
        actor=acting(w.buyer, w.buyer_org), invitation=invitation, reason="Konkurs", now=T0
    )
    publish(w)
    _denied(w, w.bidders[2], w.suppliers[2], w.suppliers[2])


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (
            {"price_amount": "abc", "description": "x"},
            "price_amount",
            "Prisen må være et tall, for eksempel «123456.50».",
        ),
        ({"price_amount": "10", "description": "  "}, "description", "Beskriv tilbudet."),
        (
            {
                "price_amount": "10",
                "description": "x",
                "attachment": {"name": "a.exe", "content_type": "x", "base64": "TVo="},
            },
            "attachment",
            "Filtypen er ikke tillatt. Tillatt: PDF, ODT, DOCX, XLSX, ODS og TXT.",
        ),
        (
            {
                "price_amount": "10",
                "description": "x",
                "attachment": {"name": "a.pdf", "content_type": "x", "base64": "aGVp"},
            },
            "attachment",
            "Innholdet i filen stemmer ikke med filtypen.",
        ),
        (
            {"price_amount": "10", "description": "x", "attachment": {"name": "a.pdf", "base64": "%%%"}},
            "attachment",
            "Vedlegget er ikke gyldig base64.",
        ),
    ],
)
def test_bad_content_stores_nothing(world, content, field, message):
    before = counts(Offer, OfferReceipt, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        offers.offer_submit(
            actor=acting(world.bidders[0], world.suppliers[0]),
            calloff=world.calloff,
            supplier=world.suppliers[0],
            content=content,
            now=T0 + dt.timedelta(days=1),
        )
    assert caught.value.message == message
    assert caught.value.errors == [{"field": field, "message": message}]
    assert counts(Offer, OfferReceipt, AuditEvent) == before


def test_attachment_is_sealed_with_its_content_type(world):
    pdf = b"%PDF-1.7 vedlegg"
    receipt = offers.offer_submit(
        actor=acting(world.bidders[0], world.suppliers[0]),
        calloff=world.calloff,
        supplier=world.suppliers[0],
        content={
            "price_amount": "10",
            "description": "x",
            "attachment": {
                "name": "tilbud.pdf",
                "content_type": "text/html",
                "base64": base64.b64encode(pdf).decode(),
            },
        },
        now=T0 + dt.timedelta(days=1),
    )
    offer = Offer.objects.get()
    assert pdf not in bytes(offer.sealed_content)
    content = sealing.content_unseal(
        sealing.data_key_unwrap(CallOff.objects.get().wrapped_data_key),
        offer.sealed_content,
        calloff_id=world.calloff.pk,
        supplier_id=world.suppliers[0].pk,
    )
    assert content.attachment == sealing.OfferAttachment("tilbud.pdf", "application/pdf", pdf)
    assert receipt.sha256 == content.sha256


def test_one_offer_per_supplier_is_a_db_constraint(world):
    submit(world, 0)
    offer = Offer.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(
            calloff=world.calloff,
            supplier=offer.supplier,
            submitted_by=offer.submitted_by,
            sealed_content=b"x",
            sha256="0" * 64,
            size_bytes=1,
            submitted_at=T0,
        )


# --- opening ---


def test_open_before_the_deadline_is_refused(world):
    submit(world, 0)
    before = counts(AuditEvent)
    with pytest.raises(Conflict) as caught:
        offers.offers_open(
            actor=acting(world.buyer, world.buyer_org),
            calloff=world.calloff,
            now=DEADLINE - dt.timedelta(seconds=1),
        )
    assert caught.value.message == "Tilbudene kan ikke åpnes før tilbudsfristen er ute."
    assert CallOff.objects.get().offers_opened_at is None
    assert Offer.objects.get().opened_price_amount is None
    assert counts(AuditEvent) == before


@pytest.mark.parametrize("who", ["evaluator", "approver", "org_admin", "other_buyer", "mps_admin", "bidder"])
def test_only_the_buyer_opens(world, who):
    submit(world, 0)
    user, organisation = {
        "evaluator": (world.evaluator, world.buyer_org),
        "approver": (world.approver, world.buyer_org),
        "org_admin": (world.org_admin, world.buyer_org),
        "other_buyer": (world.other_buyer, world.other_buyer_org),
        "mps_admin": (world.mps_admin, world.mps_org),
        "bidder": (world.bidders[0], world.suppliers[0]),
    }[who]
    before = counts(AuditEvent)
    with pytest.raises(PermissionDenied):
        offers.offers_open(actor=acting(user, organisation), calloff=world.calloff, now=DEADLINE)
    assert CallOff.objects.get().offers_opened_at is None
    assert counts(AuditEvent) == before


def test_open_decrypts_fills_prices_and_writes_one_event(world):
    first = submit(world, 0)
    second = submit(world, 1, price="999.50", description="Annet tilbud")
    submit(world, 2, price="500.00")
    offers.offer_withdraw(
        actor=acting(world.bidders[2], world.suppliers[2]),
        calloff=world.calloff,
        supplier=world.suppliers[2],
        now=T0 + dt.timedelta(days=2),
    )
    before = counts(AuditEvent)
    opened = offers.offers_open(
        actor=acting(world.buyer, world.buyer_org), calloff=world.calloff, now=DEADLINE
    )
    assert len(opened) == 2
    assert CallOff.objects.get().offers_opened_at == DEADLINE
    prices = dict(Offer.objects.values_list("supplier__name", "opened_price_amount"))
    assert prices == {
        "Nordsky AS": Decimal("1234567.89"),
        "Fjellsky AS": Decimal("999.50"),
        "Havsky AS": None,
    }
    assert counts(AuditEvent) == (before[0] + 1,)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "offers.opened"
    assert event.data == {
        "calloff": world.calloff.reference,
        "offers": [
            {"supplier": world.suppliers[0].orgnr, "sha256": first.sha256, "version": 1},
            {"supplier": world.suppliers[1].orgnr, "sha256": second.sha256, "version": 1},
        ],
        "withdrawn": 1,
    }
    with pytest.raises(Conflict):
        offers.offers_open(actor=acting(world.buyer, world.buyer_org), calloff=world.calloff, now=DEADLINE)


def test_open_detects_content_that_does_not_match_its_receipt(world):
    submit(world, 0)
    Offer.objects.update(sha256="f" * 64)
    with pytest.raises(sealing.SealingError):
        offers.offers_open(actor=acting(world.buyer, world.buyer_org), calloff=world.calloff, now=DEADLINE)
    assert CallOff.objects.get().offers_opened_at is None


def test_open_with_no_offers(world):
    assert (
        offers.offers_open(actor=acting(world.buyer, world.buyer_org), calloff=world.calloff, now=DEADLINE)
        == []
    )
    assert AuditEvent.objects.order_by("-id").first().data["offers"] == []


# --- reading content ---


def test_content_get_only_after_opening_and_only_for_those_allowed(world):
    submit(world, 0)
    offer = Offer.objects.get()
    buyer = acting(world.buyer, world.buyer_org)
    with pytest.raises(Conflict):
        offers.offer_content_get(actor=buyer, offer=offer)
    offers.offers_open(actor=buyer, calloff=world.calloff, now=DEADLINE)
    offer.refresh_from_db()
    content = offers.offer_content_get(actor=buyer, offer=offer)
    assert content == sealing.OfferContent(price_amount=Decimal(PRICE), description=DESCRIPTION)
    assert offers.offer_content_get(actor=acting(world.approver, world.buyer_org), offer=offer) == content
    for user, organisation in [
        (world.evaluator, world.buyer_org),  # no declaration yet
        (world.org_admin, world.buyer_org),
        (world.other_buyer, world.other_buyer_org),
        (world.mps_admin, world.mps_org),
        (world.bidders[0], world.suppliers[0]),
        (world.bidders[1], world.suppliers[1]),
    ]:
        with pytest.raises(PermissionDenied):
            offers.offer_content_get(actor=acting(user, organisation), offer=offer)
    declaration = ImpartialityDeclaration.objects.create(
        calloff=world.calloff, user=world.evaluator, is_impartial=True, declared_at=DEADLINE
    )
    assert offers.offer_content_get(actor=acting(world.evaluator, world.buyer_org), offer=offer) == content
    declaration.is_impartial = False
    declaration.save()
    with pytest.raises(PermissionDenied):
        offers.offer_content_get(actor=acting(world.evaluator, world.buyer_org), offer=offer)


def test_content_get_refuses_before_opening_even_for_the_buyer_after_the_deadline(world):
    submit(world, 0)
    with pytest.raises(Conflict) as caught:
        offers.offer_content_get(actor=acting(world.buyer, world.buyer_org), offer=Offer.objects.get())
    assert caught.value.message == "Tilbudene er ikke åpnet ennå."


def test_data_key_is_stored_wrapped_at_publishing(world):
    wrapped = bytes(CallOff.objects.get().wrapped_data_key)
    assert len(wrapped) == 40
    assert len(sealing.data_key_unwrap(wrapped)) == 32
