"""SPF analysis on hand-made TXT answers: record selection, lookup counting, loops, syntax, DNS trouble."""

from __future__ import annotations

import pytest

from marketplace.cyber.checks.mail.spf import TxtAnswer, analyse, targets

D = "example.test"


def txt(*texts: str, rcode: str = "NOERROR") -> TxtAnswer:
    return TxtAnswer(rcode, texts)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # (all, lookups, error)
        ({D: txt("v=spf1 -all")}, ("-", 0, "")),
        ({D: txt("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")}, ("~", 0, "")),
        ({D: txt("v=spf1 mx ?all")}, ("?", 1, "")),
        ({D: txt("v=spf1 +all")}, ("+", 0, "")),
        ({D: txt("v=spf1 a mx")}, ("", 2, "")),
        ({D: txt("V=SPF1 -ALL")}, ("-", 0, "")),
        ({D: txt("google-site-verification=x", "v=spf1 -all")}, ("-", 0, "")),
        ({D: txt("v=spf1 a -all exp=explain.example.test foo=bar")}, ("-", 1, "")),
        # includes and redirects count recursively
        (
            {
                D: txt("v=spf1 include:a.test include:b.test -all"),
                "a.test": txt("v=spf1 a mx ~all"),
                "b.test": txt("v=spf1 ptr -all"),
            },
            ("-", 5, ""),
        ),
        ({D: txt("v=spf1 redirect=_spf.test"), "_spf.test": txt("v=spf1 mx -all")}, ("-", 2, "")),
        ({D: txt("v=spf1 redirect=_spf.test ~all"), "_spf.test": txt("v=spf1 mx -all")}, ("~", 0, "")),
        ({D: txt("v=spf1 include:%{l}._spf.test -all")}, ("-", 1, "")),
        # exactly 10 is allowed, 11 is a permerror
        ({D: txt("v=spf1 " + "a " * 10 + "-all")}, ("-", 10, "")),
        ({D: txt("v=spf1 " + "a " * 11 + "-all")}, ("", 11, "too_many_lookups")),
        (
            {
                D: txt("v=spf1 a a a a a include:n.test -all"),
                "n.test": txt("v=spf1 exists:x.test mx mx mx mx -all"),
            },
            ("", 11, "too_many_lookups"),
        ),
        # record selection
        ({D: txt("v=spf10 -all")}, ("", 0, "missing")),
        ({D: txt(rcode="NXDOMAIN")}, ("", 0, "missing")),
        ({D: txt("v=spf1 -all", "v=spf1 ~all")}, ("", 0, "multiple")),
        # syntax
        ({D: txt("v=spf1 ip4:300.1.1.1 -all")}, ("", 0, "syntax")),
        ({D: txt("v=spf1 ip6:192.0.2.1 -all")}, ("", 0, "syntax")),
        ({D: txt("v=spf1 ip4 -all")}, ("", 0, "syntax")),
        ({D: txt("v=spf1 include -all")}, ("", 1, "syntax")),
        ({D: txt("v=spf1 foo -all")}, ("", 0, "syntax")),
        ({D: txt("v=spf1 all:x")}, ("", 0, "syntax")),
        ({D: txt("v=spf1 redirect=a.test redirect=b.test")}, ("", 0, "syntax")),
        # loops and dead includes
        ({D: txt(f"v=spf1 include:{D} -all")}, ("", 1, "loop")),
        (
            {
                D: txt("v=spf1 include:a.test -all"),
                "a.test": txt("v=spf1 include:b.test -all"),
                "b.test": txt("v=spf1 include:a.test -all"),
            },
            ("", 3, "loop"),
        ),
        ({D: txt("v=spf1 redirect=a.test"), "a.test": txt(f"v=spf1 redirect={D}")}, ("", 2, "loop")),
        (
            {D: txt("v=spf1 include:gone.test -all"), "gone.test": txt(rcode="NXDOMAIN")},
            ("", 1, "include_without_spf"),
        ),
        (
            {D: txt("v=spf1 include:plain.test -all"), "plain.test": txt("hello")},
            ("", 1, "include_without_spf"),
        ),
        # DNS trouble is a temperror (ERROR), not a verdict
        ({D: txt(rcode="TIMEOUT")}, ("", 0, "temperror")),
        ({D: txt("v=spf1 include:slow.test -all"), "slow.test": txt(rcode="SERVFAIL")}, ("", 1, "temperror")),
        ({D: txt("v=spf1 include:unfetched.test -all")}, ("", 1, "temperror")),
    ],
)
def test_analyse(answers, expected):
    result = analyse(D, answers)
    assert (result.all, result.lookups, result.error) == expected


def test_multiple_records_are_named_in_the_detail():
    result = analyse(D, {D: txt("v=spf1 -all", "v=spf1 ~all")})
    assert result.detail == "example.test: 2 SPF records: v=spf1 -all | v=spf1 ~all"


def test_evidence_shape():
    result = analyse(D, {D: txt("v=spf1 include:a.test -all"), "a.test": txt("v=spf1 a ~all")})
    assert result.as_evidence() == {
        "record": "v=spf1 include:a.test -all",
        "all": "-",
        "lookups": 2,
        "error": "",
        "detail": "",
        "includes": ["a.test"],
    }


@pytest.mark.parametrize(
    ("record", "authorises"),
    [
        ("v=spf1 -all", False),
        ("v=spf1 ip4:192.0.2.1 -all", True),
        ("v=spf1 -mx -all", False),
        ("v=spf1 ~all a", False),
    ],
)
def test_authorises(record, authorises):
    assert analyse(D, {D: txt(record)}).authorises is authorises


def test_targets():
    assert targets("v=spf1 include:A.test. -include:b.test include:%{d}.x redirect=c.test a:d.test") == [
        "a.test",
        "b.test",
        "c.test",
    ]
