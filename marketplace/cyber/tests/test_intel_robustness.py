"""Garbage in never crashes the parsers: software text, STIX patterns, KEV documents and awareness CSVs either
parse or give a named error (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.cyber.intel_rules import (
    UnparsableSoftware,
    observable_hits,
    parse_software,
    pattern_observables,
)
from marketplace.cyber.services.awareness import awareness_parse
from marketplace.cyber.services.intel import kev_errors

TEXT = st.text(max_size=200)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(source=st.sampled_from(["banner", "generator", "declared"]), text=TEXT)
def test_parse_software_parses_or_says_unparsable(source, text):
    try:
        identity = parse_software(source, text)
    except UnparsableSoftware:
        return
    assert identity.kev_keys
    assert len(identity.cpe) == 0 or identity.cpe.startswith("cpe:2.3:")


@settings(max_examples=300, deadline=None)
@given(pattern=TEXT | st.builds(lambda v: f"[ipv4-addr:value = '{v}' OR domain-name:value = '{v}']", TEXT))
def test_pattern_observables_never_crash(pattern):
    for observable in pattern_observables(pattern):
        assert observable.type in {"domain-name", "ipv4-addr", "ipv6-addr"}
        observable_hits(observable, {"www.nve.no"}, {"203.0.113.5", "2001:db8::1", "garbage"})


@settings(max_examples=200, deadline=None)
@given(document=JSON)
def test_kev_errors_never_crash(document):
    assert isinstance(kev_errors(document), list)


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_awareness_parse_never_crashes(text):
    rows, errors = awareness_parse("period,users,lessons_sent,lessons_completed\n" + text)
    assert rows or errors


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        (
            {"vulnerabilities": [None, 3, "x"]},
            [
                "catalogVersion",
                "dateReleased",
                "count",
                "vulnerabilities[0]",
                "vulnerabilities[1]",
                "vulnerabilities[2]",
            ],
        ),
        (
            {
                "catalogVersion": 1,
                "dateReleased": 5,
                "count": True,
                "vulnerabilities": [{"cveID": 7, "cwes": "CWE-1"}],
            },
            ["catalogVersion", "dateReleased", "count"]
            + [
                f"vulnerabilities[0].{name}"
                for name in (
                    "cveID",
                    "vendorProject",
                    "product",
                    "vulnerabilityName",
                    "dateAdded",
                    "shortDescription",
                    "requiredAction",
                    "dueDate",
                    "cwes",
                )
            ],
        ),
    ],
)
def test_kev_errors_on_wrong_types(document, fields):
    assert [error["field"] for error in kev_errors(document)] == fields
