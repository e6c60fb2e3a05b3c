"""security.txt parsing (RFC 9116)."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.cyber.checks.web import securitytxt

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
URL = "https://www.example.no/.well-known/security.txt"
GOOD = """# Sikkerhetskontakt
Contact: mailto:security@example.no
Contact: https://www.example.no/sikkerhet
Expires: 2027-06-30T23:00:00.000Z
Preferred-Languages: nb, en
Canonical: https://www.example.no/.well-known/security.txt
Policy: https://www.example.no/sikkerhet/retningslinjer
"""


def test_good_file():
    parsed = securitytxt.parse(GOOD, now=NOW, url=URL)
    assert parsed.errors == ()
    assert parsed.fields["contact"] == ["mailto:security@example.no", "https://www.example.no/sikkerhet"]
    assert parsed.expires_at == dt.datetime(2027, 6, 30, 23, 0, tzinfo=dt.UTC)
    assert parsed.recommendations == ("not_signed",)
    assert parsed.valid


def test_crlf_and_offset_timezone():
    text = "Contact: tel:+4722000000\r\nExpires: 2027-01-01T01:00:00+01:00\r\n"
    parsed = securitytxt.parse(text, now=NOW)
    assert parsed.errors == ()
    assert parsed.expires_at == dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert parsed.recommendations == ("not_signed", "no_canonical")


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("Expires: 2027-01-01T00:00:00Z\n", ("no_contact",)),
        ("Contact: mailto:a@b.no\n", ("no_expires",)),
        ("Contact: mailto:a@b.no\nExpires: 2026-11-01T00:00:00Z\n", ("expired",)),
        ("Contact: mailto:a@b.no\nExpires: 2028-01-01T00:00:00Z\n", ("expires_too_far",)),
        ("Contact: mailto:a@b.no\nExpires: 1 January 2027\n", ("invalid_expires",)),
        ("Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00\n", ("invalid_expires",)),  # no zone
        (
            "Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-02-01T00:00:00Z\n",
            ("multiple_expires",),
        ),
        ("Contact: security at example\nExpires: 2027-01-01T00:00:00Z\n", ("contact_not_uri",)),
        ("Contact: http://example.no/sec\nExpires: 2027-01-01T00:00:00Z\n", ("contact_not_https",)),
        (
            "Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00Z\nCanonical: https://other.no/.well-known/security.txt\n",
            ("canonical_mismatch",),
        ),
        ("Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00Z\nthis is not a field\n", ("invalid_line:3",)),
        (
            "Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: nb\nPreferred-Languages: en\n",
            ("multiple_preferred_languages",),
        ),
        ("", ("no_contact", "no_expires")),
        ("<html><body>Not found</body></html>", ("invalid_line:1", "no_contact", "no_expires")),
    ],
)
def test_errors(text, errors):
    assert securitytxt.parse(text, now=NOW, url=URL).errors == errors


def test_unknown_fields_are_allowed():
    text = "Contact: mailto:a@b.no\nExpires: 2027-01-01T00:00:00Z\nX-Custom: yes\n"
    parsed = securitytxt.parse(text, now=NOW)
    assert parsed.errors == ()
    assert parsed.unknown_fields == ("x-custom",)


SIGNED = """-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Contact: mailto:security@example.no
Expires: 2027-03-01T00:00:00Z
- -not-a-field-but-dash-escaped: no
-----BEGIN PGP SIGNATURE-----

iHUEARYIAB0WIQ==
=abcd
-----END PGP SIGNATURE-----
"""


def test_signed_file_is_allowed():
    parsed = securitytxt.parse(SIGNED, now=NOW)
    assert parsed.signed
    assert parsed.fields["contact"] == ["mailto:security@example.no"]
    assert parsed.fields["-not-a-field-but-dash-escaped"] == ["no"]
    assert parsed.errors == ()
    assert parsed.recommendations == ("no_canonical",)


def test_signed_file_without_signature_block_is_malformed():
    text = SIGNED.split("-----BEGIN PGP SIGNATURE-----")[0]
    assert securitytxt.parse(text, now=NOW).errors == ("signature_malformed",)
