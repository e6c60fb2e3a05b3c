"""Sealed offers: envelope encryption of offer content.

- Each call-off has its own random 256-bit data key. It is stored only wrapped (RFC 3394 AES key wrap) by the
  master key `settings.MPS_OFFER_MASTER_KEY` (32 bytes, urlsafe base64) in `CallOff.wrapped_data_key`.
- Offer content is the canonical JSON of `OfferContent` (sorted keys, no spaces, UTF-8, the price as a string with
  two decimals). The receipt hash is the SHA-256 of exactly these bytes, which are also what is sealed — so after
  opening anyone can check that the decrypted content is what the receipt says was received.
- Sealed bytes = 12-byte nonce || AES-256-GCM ciphertext+tag, with `calloff:<id>:supplier:<id>` as associated
  data: ciphertext moved to another call-off or supplier does not decrypt.

Only `services.offers` calls `unseal` (when opening, and in `offer_content_get` for display after opening).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.utils.translation import gettext as _

NONCE_BYTES = 12
KEY_BYTES = 32
PRICE_MAX = Decimal("99999999999999.99")  # Offer.opened_price_amount: max_digits=16, decimal_places=2


class SealingError(Exception):
    """Keys or ciphertext do not fit together (wrong master key, tampered bytes, wrong call-off/supplier)."""


class ContentInvalid(ValueError):
    """Offer content that cannot be sealed; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class OfferAttachment:
    name: str
    content_type: str
    data: bytes

    @property
    def size_bytes(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class OfferContent:
    """What a supplier offers: total price (NOK excl. VAT), a description, and optionally one attachment."""

    price_amount: Decimal
    description: str
    attachment: OfferAttachment | None = None

    def as_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "price_amount": f"{self.price_amount:.2f}",
            "description": self.description,
            "attachment": None,
        }
        if self.attachment is not None:
            data["attachment"] = {
                "name": self.attachment.name,
                "content_type": self.attachment.content_type,
                "base64": base64.b64encode(self.attachment.data).decode("ascii"),
            }
        return data

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.as_json_dict())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_bytes()).hexdigest()


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def price_parse(value: Any) -> Decimal:
    """A price in NOK excl. VAT: a positive decimal with at most two decimals (string or Decimal, never float)."""
    if isinstance(value, (float, bool)):
        raise ContentInvalid("price_amount", _("Oppgi prisen som tekst, for eksempel «123456.50»."))
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ContentInvalid("price_amount", _("Prisen må være et tall, for eksempel «123456.50».")) from exc
    if not amount.is_finite():
        raise ContentInvalid("price_amount", _("Prisen må være et tall, for eksempel «123456.50»."))
    if amount <= 0:
        raise ContentInvalid("price_amount", _("Prisen må være større enn null."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ContentInvalid("price_amount", _("Prisen kan ha høyst to desimaler."))
    if amount > PRICE_MAX:
        raise ContentInvalid("price_amount", _("Prisen er for høy."))
    return amount.quantize(Decimal("0.01"))


def content_from_json_dict(data: dict[str, Any]) -> OfferContent:
    """Parse the JSON shape (as stored, or as the API receives it) back into `OfferContent`."""
    attachment = None
    raw = data.get("attachment")
    if raw:
        try:
            payload = base64.b64decode(str(raw.get("base64", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ContentInvalid("attachment", _("Vedlegget er ikke gyldig base64.")) from exc
        attachment = OfferAttachment(
            name=str(raw.get("name", "")), content_type=str(raw.get("content_type", "")), data=payload
        )
    return OfferContent(
        price_amount=price_parse(data.get("price_amount")),
        description=str(data.get("description", "")),
        attachment=attachment,
    )


# --- keys ---


def master_key() -> bytes:
    try:
        key = base64.urlsafe_b64decode(settings.MPS_OFFER_MASTER_KEY)
    except (binascii.Error, ValueError) as exc:
        raise SealingError("MPS_OFFER_MASTER_KEY is not urlsafe base64") from exc
    if len(key) != KEY_BYTES:
        raise SealingError("MPS_OFFER_MASTER_KEY must decode to 32 bytes")
    return key


def data_key_new() -> bytes:
    return os.urandom(KEY_BYTES)


def data_key_wrap(data_key: bytes) -> bytes:
    return aes_key_wrap(master_key(), data_key)


def data_key_unwrap(wrapped: bytes | memoryview) -> bytes:
    try:
        return aes_key_unwrap(master_key(), bytes(wrapped))
    except InvalidUnwrap as exc:
        raise SealingError("the data key does not unwrap with this master key") from exc


# --- content ---


def associated_data(calloff_id: int, supplier_id: int) -> bytes:
    return f"calloff:{calloff_id}:supplier:{supplier_id}".encode("ascii")


def seal(data_key: bytes, plaintext: bytes, *, calloff_id: int, supplier_id: int) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, associated_data(calloff_id, supplier_id))


def unseal(data_key: bytes, sealed: bytes | memoryview, *, calloff_id: int, supplier_id: int) -> bytes:
    raw = bytes(sealed)
    if len(raw) <= NONCE_BYTES:
        raise SealingError("sealed content is too short")
    try:
        return AESGCM(data_key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data(calloff_id, supplier_id)
        )
    except InvalidTag as exc:
        raise SealingError(
            "sealed content does not decrypt (tampered, or another call-off/supplier)"
        ) from exc


def content_unseal(
    data_key: bytes, sealed: bytes | memoryview, *, calloff_id: int, supplier_id: int
) -> OfferContent:
    plaintext = unseal(data_key, sealed, calloff_id=calloff_id, supplier_id=supplier_id)
    return content_from_json_dict(json.loads(plaintext.decode("utf-8")))
