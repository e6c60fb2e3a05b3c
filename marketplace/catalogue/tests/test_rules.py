from __future__ import annotations

import datetime as dt

import pytest

from marketplace.catalogue import rules


@pytest.mark.parametrize(
    ("status", "action", "has_pending", "expected"),
    [
        ("draft", "edit", False, "draft"),
        ("draft", "submit", False, "submitted"),
        ("draft", "withdraw", False, "withdrawn"),
        ("draft", "approve", False, None),
        ("draft", "return", False, None),
        ("submitted", "approve", False, "published"),
        ("submitted", "return", False, "draft"),
        ("submitted", "withdraw", False, "withdrawn"),
        ("submitted", "edit", False, None),
        ("submitted", "submit", False, None),
        ("published", "edit", False, "published"),
        ("published", "approve", False, None),
        ("published", "approve", True, "published"),
        ("published", "return", False, None),
        ("published", "return", True, "published"),
        ("published", "withdraw", False, "withdrawn"),
        ("published", "submit", False, None),
        ("withdrawn", "edit", False, None),
        ("withdrawn", "submit", False, None),
        ("withdrawn", "approve", False, None),
        ("withdrawn", "withdraw", False, None),
    ],
)
def test_transition_table(status, action, has_pending, expected):
    if expected is None:
        with pytest.raises(rules.TransitionNotAllowed):
            rules.transition_target(status, action, has_pending=has_pending)
        assert rules.transition_allowed(status, action, has_pending=has_pending) is False
    else:
        assert rules.transition_target(status, action, has_pending=has_pending) == expected
        assert rules.transition_allowed(status, action, has_pending=has_pending) is True


@pytest.mark.parametrize(
    ("status", "has_pending", "expected"),
    [
        ("draft", False, False),
        ("submitted", False, True),
        ("published", False, False),
        ("published", True, True),
    ],
)
def test_is_awaiting_approval(status, has_pending, expected):
    assert rules.is_awaiting_approval(status, has_pending) is expected


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        (["NO"], "norway"),
        (["no", "NO"], "norway"),
        (["NO", "SE"], "eea"),
        (["IS", "LI", "DE"], "eea"),
        (["FI"], "eea"),
        (["NO", "US"], "third_country"),
        (["GB"], "third_country"),
        (["CH"], "third_country"),
        ([], "third_country"),
    ],
)
def test_data_residency(countries, expected):
    assert rules.data_residency(countries) == expected


def test_eea_is_eu27_and_three():
    assert len(rules.EU27) == 27
    assert len(rules.EEA) == 30


@pytest.mark.parametrize(
    ("value", "expected"), [("no", "NO"), (" se ", "SE"), ("NOR", None), ("1A", None), ("", None)]
)
def test_country_code_clean(value, expected):
    assert rules.country_code_clean(value) == expected


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hei<script>alert(1)</script></p>", "<p>Hei</p>"),
        ('<img src=x onerror="alert(1)">', ""),
        ('<p onclick="alert(1)">Trykk</p>', "<p>Trykk</p>"),
        ('<a href="javascript:alert(1)">lenke</a>', '<a rel="noopener">lenke</a>'),
        (
            '<a href="https://example.no" target="_blank">lenke</a>',
            '<a href="https://example.no" rel="noopener">lenke</a>',
        ),
        ("<style>body{display:none}</style><p>Tekst</p>", "<p>Tekst</p>"),
        ("<svg><script>alert(1)</script></svg>", ""),
        ('<iframe src="https://evil.example"></iframe>', ""),
        (
            "<h3>Tittel</h3><ul><li><strong>a</strong> <em>b</em></li></ul><br>",
            "<h3>Tittel</h3><ul><li><strong>a</strong> <em>b</em></li></ul><br>",
        ),
        ('<div style="color:red">x</div>', "x"),
        ("<!-- kommentar --><p>x</p>", "<p>x</p>"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', '<a rel="noopener">x</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener">x</a>'),
        ("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        (
            '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
            '<a rel="noopener">x</a>',
        ),
        ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
        ("<body onload=alert(1)>", ""),
        ("<IMG SRC=\"javascript:alert('XSS');\">", ""),
        (
            '<a href="https://ok.no" onmouseover="alert(1)">ok</a>',
            '<a href="https://ok.no" rel="noopener">ok</a>',
        ),
        ('<form action="https://evil"><input name=x></form>', ""),
        ("<h3>ok</h3><h1>stor</h1>", "<h3>ok</h3>stor"),
        ('<a href="mailto:x@y.no">m</a>', '<a href="mailto:x@y.no" rel="noopener">m</a>'),
        ("", ""),
    ],
)
def test_html_sanitise(dirty, clean):
    assert rules.html_sanitise(dirty) == clean


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (dt.date(2026, 3, 1), "expired"),
        (dt.date(2026, 2, 28), "expired"),
        (dt.date(2026, 3, 2), "expiring"),
        (dt.date(2026, 5, 1), "expiring"),
        (dt.date(2026, 5, 2), "valid"),
    ],
)
def test_certification_status(valid_until, expected):
    # today 2026-03-02; 60 days later is 2026-05-01
    assert rules.certification_status(valid_until, dt.date(2026, 3, 2)) == expected


def test_certification_expired_day_after_valid_until():
    assert rules.certification_status(dt.date(2026, 3, 1), dt.date(2026, 3, 1)) == "expiring"


def test_facts_diff_lists_changed_keys_in_order():
    old = {"name": "A", "sla": "99.9", "same": 1}
    new = {"name": "B", "same": 1, "extra": [1]}
    assert rules.facts_diff(old, new) == [
        {"field": "extra", "old": None, "new": [1]},
        {"field": "name", "old": "A", "new": "B"},
        {"field": "sla", "old": "99.9", "new": None},
    ]


def test_facts_changed():
    assert rules.facts_changed({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": 3}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"summary": "x", "service_model": "iaas", "data_locations": [{"country": "NO"}]}, []),
        (
            {"summary": " ", "service_model": "advisory", "data_locations": []},
            [("summary", "missing_summary")],
        ),
        (
            {"summary": "x", "service_model": "paas", "data_locations": []},
            [("data_locations", "missing_data_location")],
        ),
        (
            {
                "summary": "x",
                "service_model": "saas",
                "data_locations": [{"country": "NO"}],
                "wcag_statement_url": "",
            },
            [("wcag_statement_url", "missing_wcag_statement")],
        ),
        (
            {
                "summary": "x",
                "service_model": "security",
                "data_locations": [{"country": "NO"}],
                "cyberx_phase": "",
            },
            [("cyberx_phase", "missing_cyberx_phase")],
        ),
    ],
)
def test_submission_problems(facts, expected):
    assert rules.submission_problems(facts) == expected


def test_contract_is_valid():
    start, end = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
    assert rules.contract_is_valid(start, end, dt.date(2025, 1, 1)) is True
    assert rules.contract_is_valid(start, end, dt.date(2026, 12, 31)) is True
    assert rules.contract_is_valid(start, end, dt.date(2027, 1, 1)) is False
    assert rules.contract_is_valid(start, end, dt.date(2024, 12, 31)) is False


def test_content_hash_is_sha256_hex():
    assert rules.content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://evil")', '\'=HYPERLINK("https://evil")'),
        ("+47 22 00 00 00", "'+47 22 00 00 00"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Objektlagring", "Objektlagring"),
        ("", ""),
    ],
)
def test_spreadsheet_text_safe(value, expected):
    assert rules.spreadsheet_text_safe(value) == expected
