"""DMARC analysis: record selection, tag parsing, effective policy (p, sp, organisational fallback, t=y)."""

from __future__ import annotations

import pytest

from marketplace.cyber.checks.mail.dmarc import analyse


@pytest.mark.parametrize(
    ("domain", "texts", "org_domain", "org_texts", "expected"),
    [
        # (policy, error, found_at)
        (
            "example.test",
            ("v=DMARC1; p=reject",),
            "example.test",
            None,
            ("reject", "", "_dmarc.example.test"),
        ),
        (
            "example.test",
            ("v=DMARC1;p=quarantine;rua=mailto:d@example.test",),
            "example.test",
            None,
            ("quarantine", "", "_dmarc.example.test"),
        ),
        ("example.test", ("v=DMARC1; p=none",), "example.test", None, ("none", "", "_dmarc.example.test")),
        (
            "example.test",
            ("v=DMARC1; p=Reject",),
            "example.test",
            None,
            ("reject", "", "_dmarc.example.test"),
        ),
        # t=y (RFC 9989 testing) lowers one step
        (
            "example.test",
            ("v=DMARC1; p=quarantine; t=y",),
            "example.test",
            None,
            ("none", "", "_dmarc.example.test"),
        ),
        (
            "example.test",
            ("v=DMARC1; p=reject; t=y",),
            "example.test",
            None,
            ("quarantine", "", "_dmarc.example.test"),
        ),
        # organisational domain: an explicit weaker sp leaves subdomains open
        (
            "example.test",
            ("v=DMARC1; p=reject; sp=none",),
            "example.test",
            None,
            ("none", "", "_dmarc.example.test"),
        ),
        (
            "example.test",
            ("v=DMARC1; p=quarantine; sp=reject",),
            "example.test",
            None,
            ("quarantine", "", "_dmarc.example.test"),
        ),
        # a subdomain with its own record: p applies
        (
            "mail.example.test",
            ("v=DMARC1; p=reject; sp=none",),
            "example.test",
            None,
            ("reject", "", "_dmarc.mail.example.test"),
        ),
        # a subdomain without a record: the organisational record's sp (default p)
        (
            "mail.example.test",
            (),
            "example.test",
            ("v=DMARC1; p=reject; sp=quarantine",),
            ("quarantine", "", "_dmarc.example.test"),
        ),
        (
            "mail.example.test",
            (),
            "example.test",
            ("v=DMARC1; p=reject",),
            ("reject", "", "_dmarc.example.test"),
        ),
        ("mail.example.test", (), "example.test", ("v=spf1 -all",), ("", "missing", "")),
        # broken
        ("example.test", (), "example.test", None, ("", "missing", "")),
        ("example.test", ("v=spf1 -all",), "example.test", None, ("", "missing", "")),
        ("example.test", ("p=reject; v=DMARC1",), "example.test", None, ("", "missing", "")),
        (
            "example.test",
            ("v=DMARC1; p=reject", "v=DMARC1; p=none"),
            "example.test",
            None,
            ("", "multiple", "_dmarc.example.test"),
        ),
        ("example.test", ("v=DMARC1; p=block",), "example.test", None, ("", "syntax", "_dmarc.example.test")),
        ("example.test", ("v=DMARC1",), "example.test", None, ("", "syntax", "_dmarc.example.test")),
        ("example.test", ("v=DMARC1 p=none",), "example.test", None, ("", "syntax", "_dmarc.example.test")),
        (
            "example.test",
            ("v=DMARC1; p=none; p=reject",),
            "example.test",
            None,
            ("", "syntax", "_dmarc.example.test"),
        ),
        (
            "example.test",
            ("v=DMARC1; p=reject; sp=maybe",),
            "example.test",
            None,
            ("", "syntax", "_dmarc.example.test"),
        ),
        (
            "example.test",
            ("v=DMARC1; p=reject; junk",),
            "example.test",
            None,
            ("", "syntax", "_dmarc.example.test"),
        ),
    ],
)
def test_analyse(domain, texts, org_domain, org_texts, expected):
    result = analyse(domain, texts, org_domain=org_domain, org_texts=org_texts)
    assert (result.policy, result.error, result.found_at) == expected


def test_evidence_shape():
    result = analyse(
        "example.test", ("v=DMARC1; p=reject; rua=mailto:d@example.test",), org_domain="example.test"
    )
    assert result.as_evidence() == {
        "record": "v=DMARC1; p=reject; rua=mailto:d@example.test",
        "found_at": "_dmarc.example.test",
        "tags": {"v": "DMARC1", "p": "reject", "rua": "mailto:d@example.test"},
        "policy": "reject",
        "error": "",
        "detail": "",
    }
