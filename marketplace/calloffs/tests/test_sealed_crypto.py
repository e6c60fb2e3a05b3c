"""sealing: key wrap, AES-GCM with call-off/supplier as associated data, canonical content and its hash."""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal

import pytest

from marketplace.calloffs import sealing

MASTER = base64.urlsafe_b64encode(b"k" * 32).decode()


@pytest.fixture(autouse=True)
def _master(settings):
    settings.MPS_OFFER_MASTER_KEY = MASTER


def test_data_key_wraps_and_unwraps():
    key = sealing.data_key_new()
    wrapped = sealing.data_key_wrap(key)
    assert len(key) == 32
    assert len(wrapped) == 40
    assert key not in wrapped
    assert sealing.data_key_unwrap(memoryview(wrapped)) == key


def test_unwrap_with_another_master_key_fails(settings):
    wrapped = sealing.data_key_wrap(sealing.data_key_new())
    settings.MPS_OFFER_MASTER_KEY = base64.urlsafe_b64encode(b"x" * 32).decode()
    with pytest.raises(sealing.SealingError):
        sealing.data_key_unwrap(wrapped)


@pytest.mark.parametrize("value", ["", "not-base64!!", base64.urlsafe_b64encode(b"short").decode()])
def test_master_key_must_be_32_bytes(settings, value):
    settings.MPS_OFFER_MASTER_KEY = value
    with pytest.raises(sealing.SealingError):
        sealing.master_key()


def test_seal_round_trip_and_associated_data():
    key = sealing.data_key_new()
    sealed = sealing.seal(key, b"pris 100", calloff_id=7, supplier_id=9)
    assert b"pris 100" not in sealed
    assert len(sealed) == 12 + len(b"pris 100") + 16
    assert sealing.unseal(key, sealed, calloff_id=7, supplier_id=9) == b"pris 100"
    with pytest.raises(sealing.SealingError):
        sealing.unseal(key, sealed, calloff_id=7, supplier_id=10)
    with pytest.raises(sealing.SealingError):
        sealing.unseal(key, sealed, calloff_id=8, supplier_id=9)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(sealing.SealingError):
        sealing.unseal(key, tampered, calloff_id=7, supplier_id=9)
    with pytest.raises(sealing.SealingError):
        sealing.unseal(key, b"short", calloff_id=7, supplier_id=9)


def test_two_seals_of_the_same_content_differ():
    key = sealing.data_key_new()
    assert sealing.seal(key, b"a", calloff_id=1, supplier_id=1) != sealing.seal(
        key, b"a", calloff_id=1, supplier_id=1
    )


def test_canonical_bytes_and_hash():
    content = sealing.OfferContent(price_amount=Decimal("123.4"), description="Løsning")
    expected = '{"attachment":null,"description":"Løsning","price_amount":"123.40"}'.encode()
    assert content.canonical_bytes() == expected
    assert content.sha256 == hashlib.sha256(expected).hexdigest()


def test_content_with_attachment_round_trips():
    key = sealing.data_key_new()
    content = sealing.OfferContent(
        price_amount=Decimal("10.00"),
        description="x",
        attachment=sealing.OfferAttachment(name="a.txt", content_type="text/plain", data=b"hei"),
    )
    sealed = sealing.seal(key, content.canonical_bytes(), calloff_id=1, supplier_id=2)
    assert sealing.content_unseal(key, sealed, calloff_id=1, supplier_id=2) == content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123.45", Decimal("123.45")),
        ("1 000,5", Decimal("1000.50")),
        (100, Decimal("100.00")),
        (Decimal("7"), Decimal("7.00")),
    ],
)
def test_price_parse_accepts(value, expected):
    assert sealing.price_parse(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "Oppgi prisen som tekst, for eksempel «123456.50»."),
        ("abc", "Prisen må være et tall, for eksempel «123456.50»."),
        (None, "Prisen må være et tall, for eksempel «123456.50»."),
        ("NaN", "Prisen må være et tall, for eksempel «123456.50»."),
        ("0", "Prisen må være større enn null."),
        ("-5", "Prisen må være større enn null."),
        ("1.005", "Prisen kan ha høyst to desimaler."),
        ("100000000000000", "Prisen er for høy."),
    ],
)
def test_price_parse_refuses(value, message):
    with pytest.raises(sealing.ContentInvalid) as caught:
        sealing.price_parse(value)
    assert caught.value.field == "price_amount"
    assert caught.value.message == message
