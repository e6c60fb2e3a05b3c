"""security.txt (RFC 9116) parsing, pure.

Errors (the file does not do its job): no Contact; a Contact that is not a URI, or a web URI that is not https;
Expires missing, repeated, unparseable, in the past, or more than a year ahead (the RFC: "it is RECOMMENDED that
the value be less than a year into the future", internet.nl's `sectxt` treats a longer one as a problem);
Preferred-Languages repeated; a Canonical list that does not name the URL the file was fetched from; a PGP signed
message that is malformed. A valid OpenPGP cleartext signature is allowed (not verified: no key to check it with).
Unknown fields are allowed (RFC 9116 §2.4: ignored).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

ONE_YEAR = dt.timedelta(days=366)  # "less than a year", forgiving a leap day
KNOWN_FIELDS = (
    "acknowledgments",
    "canonical",
    "contact",
    "encryption",
    "expires",
    "hiring",
    "policy",
    "preferred-languages",
    "csaf",
)
SIGNED_HEADER = "-----BEGIN PGP SIGNED MESSAGE-----"
SIGNATURE_BEGIN = "-----BEGIN PGP SIGNATURE-----"
SIGNATURE_END = "-----END PGP SIGNATURE-----"
_FIELD = re.compile(r"^([A-Za-z0-9-]+):\s*(.*?)\s*$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# RFC 3339 date-time (the "Z" or a numeric offset is required)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class SecurityTxt:
    fields: dict[str, list[str]]
    errors: tuple[str, ...]
    recommendations: tuple[str, ...] = ()
    signed: bool = False
    expires_at: dt.datetime | None = None
    unknown_fields: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "fields": self.fields,
            "errors": list(self.errors),
            "recommendations": list(self.recommendations),
            "signed": self.signed,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "unknown_fields": list(self.unknown_fields),
        }


def _unsign(text: str) -> tuple[str, list[str]]:
    """The signed content of an OpenPGP cleartext message (RFC 4880 §7), dash-unescaped."""
    errors: list[str] = []
    lines = text.split("\n")
    # Armor headers ("Hash: SHA256") run until the first blank line.
    index = 1
    while index < len(lines) and lines[index].strip():
        index += 1
    body: list[str] = []
    found_signature = False
    for line in lines[index + 1 :]:
        if line.strip() == SIGNATURE_BEGIN:
            found_signature = True
            break
        body.append(line[2:] if line.startswith("- ") else line)
    if not found_signature or SIGNATURE_END not in text:
        errors.append("signature_malformed")
    return "\n".join(body), errors


def parse(text: str, *, now: dt.datetime, url: str = "") -> SecurityTxt:
    """Parse a security.txt. `now` decides whether Expires is in the past or too far ahead; `url` is where it was
    fetched from (checked against Canonical)."""
    errors: list[str] = []
    recommendations: list[str] = []
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    signed = text.lstrip().startswith(SIGNED_HEADER)
    if signed:
        text, signature_errors = _unsign(text.lstrip())
        errors += signature_errors
    fields: dict[str, list[str]] = {}
    unknown: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _FIELD.match(stripped)
        if match is None:
            errors.append(f"invalid_line:{number}")
            continue
        name = match.group(1).lower()
        fields.setdefault(name, []).append(match.group(2))
        if name not in KNOWN_FIELDS and name not in unknown:
            unknown.append(name)

    contacts = fields.get("contact", [])
    if not contacts:
        errors.append("no_contact")
    for contact in contacts:
        if not _URI.match(contact):
            errors.append("contact_not_uri")
        elif contact.lower().startswith("http:"):
            errors.append("contact_not_https")

    expires_at: dt.datetime | None = None
    expires = fields.get("expires", [])
    if not expires:
        errors.append("no_expires")
    elif len(expires) > 1:
        errors.append("multiple_expires")
    else:
        expires_at = _parse_datetime(expires[0])
        if expires_at is None:
            errors.append("invalid_expires")
        elif expires_at <= now:
            errors.append("expired")
        elif expires_at - now > ONE_YEAR:
            errors.append("expires_too_far")

    if len(fields.get("preferred-languages", [])) > 1:
        errors.append("multiple_preferred_languages")
    canonical = fields.get("canonical", [])
    if canonical and url and url not in canonical:
        errors.append("canonical_mismatch")
    for name in ("encryption", "policy", "acknowledgments", "hiring", "canonical", "csaf"):
        for value in fields.get(name, []):
            if value.lower().startswith("http:"):
                errors.append(f"{name}_not_https")
    if not signed:
        recommendations.append("not_signed")
    if not canonical:
        recommendations.append("no_canonical")
    return SecurityTxt(
        fields=fields,
        errors=tuple(dict.fromkeys(errors)),
        recommendations=tuple(recommendations),
        signed=signed,
        expires_at=expires_at,
        unknown_fields=tuple(unknown),
    )


def _parse_datetime(value: str) -> dt.datetime | None:
    if not _DATETIME.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC)
