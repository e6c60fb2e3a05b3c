"""SPF analysis on hand-made TXT answers: record selection, lookup counting, loops, syntax, DNS trouble."""

from __future__ import annotations

import pytest

from marketplace.cyber.checks.mail.spf import TxtAnswer, analyse, host_keys, targets

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
        "void_lookups": 0,
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


@pytest.mark.parametrize(
    ("record", "hosts", "expected"),
    [
        # (void lookups, error); hosts: record counts per query, 0 = NXDOMAIN or no records, None = query failed
        ("v=spf1 a mx -all", {"A:example.test": 1, "MX:example.test": 2}, (0, "")),
        ("v=spf1 a mx -all", {"A:example.test": 0, "MX:example.test": 0}, (2, "")),
        (
            "v=spf1 a:x.test mx:y.test exists:z.test -all",
            {"A:x.test": 0, "MX:y.test": 0, "A:z.test": 0},
            (3, "too_many_void_lookups"),
        ),
        (
            "v=spf1 a:x.test mx:y.test exists:z.test -all",
            {"A:x.test": 0, "MX:y.test": None, "A:z.test": 0},
            (2, ""),
        ),
        ("v=spf1 a:x.test/24 a:X.test. a:x.test//64 -all", {"A:x.test": 0}, (3, "too_many_void_lookups")),
        (
            "v=spf1 a/24 mx/24 exists:%{i}.x.test ip4:192.0.2.1 -all",
            {"A:example.test": 0, "MX:example.test": 0},
            (2, ""),
        ),
        ("v=spf1 ip4:192.0.2.1 -all", {}, (0, "")),
    ],
)
def test_void_lookups(record, hosts, expected):
    result = analyse(D, {D: txt(record)}, hosts)
    assert (result.void_lookups, result.error) == expected


def test_void_lookups_count_through_includes():
    answers = {D: txt("v=spf1 a include:i.test -all"), "i.test": txt("v=spf1 a mx -all")}
    result = analyse(D, answers, {"A:example.test": 0, "A:i.test": 0, "MX:i.test": 0})
    assert (result.void_lookups, result.error, result.detail) == (
        3,
        "too_many_void_lookups",
        "more than 2 void DNS lookups (at i.test: mx)",
    )


def test_host_keys():
    assert host_keys(
        "d.test", "v=spf1 a A:x.test/24 mx:Y.test. exists:%{i}.z.test exists:w.test mx a:x.test -all"
    ) == [
        "A:d.test",
        "A:x.test",
        "MX:y.test",
        "A:w.test",
        "MX:d.test",
    ]
