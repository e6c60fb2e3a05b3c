"""Pure rules for organisations and tokens (no Django)."""

from __future__ import annotations

import hashlib
import secrets

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import orgnr as stdnum_orgnr

TOKEN_PREFIX = "mps_"  # noqa: S105 - a public prefix, not a secret


class InvalidOrgnr(ValueError):
    pass


def orgnr_clean(value: str) -> str:
    """Return the 9-digit organisation number, or raise InvalidOrgnr with a Norwegian message."""
    raw = (value or "").strip().replace(" ", "").replace("-", "").replace(".", "")
    if not raw:
        raise InvalidOrgnr("Organisasjonsnummer mangler.")
    if not raw.isdigit() or len(raw) != 9:
        raise InvalidOrgnr(f"«{value}» er ikke et organisasjonsnummer: det må være 9 sifre.")
    try:
        return str(stdnum_orgnr.validate(raw))
    except StdnumValidationError as exc:
        raise InvalidOrgnr(f"«{value}» er ikke et gyldig organisasjonsnummer (feil kontrollsiffer).") from exc


def token_generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    return token[:12]


def orgnr_first_valid_from(base: int) -> str:
    """The first valid organisation number whose first eight digits are `base` or the next numbers after it.

    For invented organisations in demo and test data: python-stdnum decides which check digit is valid.
    """
    while True:
        for check in range(10):
            candidate = f"{base:08d}{check}"
            if stdnum_orgnr.is_valid(candidate):
                return candidate
        base += 1
