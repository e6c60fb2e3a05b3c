"""The Observatory score (cyber-privacy.md §A2), table-driven: one expectation per header set."""

from __future__ import annotations

import dataclasses

import pytest

from marketplace.cyber.checks.web import observatory
from marketplace.cyber.checks.web.observatory import ObservatoryInput

URL = "https://www.example.no/"
HTML = [("content-type", "text/html; charset=utf-8")]
ORIGIN = "https://cors-probe.cyberx.invalid"


def make(headers=(), *, body="<html><body>Hei</body></html>", **changes) -> ObservatoryInput:
    """An HTTPS site whose HTTP listener redirects properly; only the given headers are set."""
    base = ObservatoryInput(
        url=URL,
        headers=[*HTML, *headers],
        body=body,
        https_headers=[*HTML, *headers],
        http_route=["http://www.example.no/", URL],
        cors_origin=ORIGIN,
    )
    return dataclasses.replace(base, **changes)


def outcome(test: str, inp: ObservatoryInput):
    result = observatory.evaluate(inp).tests[test]
    return result.result, result.modifier


GOOD_HEADERS = [
    ("content-security-policy", "default-src 'none'; img-src 'self'; frame-ancestors 'none'"),
    ("strict-transport-security", "max-age=63072000; includeSubDomains; preload"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-embedder-policy", "require-corp"),
    ("cross-origin-resource-policy", "same-origin"),
    ("set-cookie", "sessionid=abc; Secure; HttpOnly; SameSite=Lax; Path=/"),
]


def good_site() -> ObservatoryInput:
    headers = [h for h in GOOD_HEADERS if h[0] != "set-cookie"]
    return make(headers, set_cookies=[(GOOD_HEADERS[-1][1], True)])


def test_bare_https_site_scores_30_grade_d():
    result = observatory.evaluate(make())
    assert result.modifiers() == {
        "content-security-policy": -25,
        "cookies": 0,
        "cross-origin-resource-sharing": 0,
        "redirection": 0,
        "referrer-policy": 0,
        "strict-transport-security": -20,
        "subresource-integrity": 0,
        "x-content-type-options": -5,
        "x-frame-options": -20,
        "cross-origin-resource-policy": 0,
        "cross-origin-embedder-policy": 0,
        "cross-origin-opener-policy": 0,
    }
    assert (result.score, result.grade, result.uncurved) == (30, "D", 30)


def test_well_configured_site_gets_every_bonus():
    result = observatory.evaluate(good_site())
    assert result.modifiers() == {
        "content-security-policy": 10,
        "cookies": 5,
        "cross-origin-resource-sharing": 0,
        "redirection": 0,
        "referrer-policy": 5,
        "strict-transport-security": 0,
        "subresource-integrity": 0,
        "x-content-type-options": 0,
        "x-frame-options": 5,
        "cross-origin-resource-policy": 10,
        "cross-origin-embedder-policy": 10,
        "cross-origin-opener-policy": 10,
    }
    assert (result.score, result.grade, result.uncurved) == (155, "A+", 100)


def test_bonus_only_counts_from_90():
    # uncurved 85: CSP bonus +10 ignored
    below = [
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
        ("strict-transport-security", "max-age=31536000"),
        ("referrer-policy", "unsafe-url"),
        ("cross-origin-resource-policy", "bogus"),
    ]
    result = observatory.evaluate(make(below))
    assert (result.uncurved, result.score, result.grade) == (85, 85, "A-")
    # uncurved 90: +10 CSP, +5 XFO via frame-ancestors are added -> 105
    at = [h for h in below if h[0] != "cross-origin-resource-policy"]
    result = observatory.evaluate(make(at))
    assert (result.uncurved, result.score, result.grade) == (90, 105, "A+")


@pytest.mark.parametrize(
    ("modifiers", "score"),
    [
        ([], 100),
        ([-10, 10], 100),  # 90 -> bonus counts
        ([-15, 10], 85),  # 85 -> no bonus
        ([-50, -50, -25], 0),  # never below 0
        ([10, 10, 10, 10, 5, 5, 5, 5, 5], 165),  # no upper cap
    ],
)
def test_score_formula(modifiers, score):
    assert observatory.score_modifiers(modifiers) == score


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (0, "F"), (24, "F"), (25, "D-"), (29, "D-"), (30, "D"), (39, "D"), (40, "D+"), (44, "D+"),
        (45, "C-"), (49, "C-"), (50, "C"), (59, "C"), (60, "C+"), (64, "C+"), (65, "B-"), (69, "B-"),
        (70, "B"), (79, "B"), (80, "B+"), (84, "B+"), (85, "A-"), (89, "A-"), (90, "A"), (99, "A"),
        (100, "A+"), (165, "A+"),
    ],
)  # fmt: skip
def test_grade_chart(score, grade):
    assert observatory.grade(score) == grade


@pytest.mark.parametrize(
    ("csp", "expected"),
    [
        ("default-src 'none'", ("csp-implemented-with-no-unsafe-default-src-none", 10)),
        ("default-src 'self'", ("csp-implemented-with-no-unsafe", 5)),
        (
            "default-src 'self'; script-src 'self' 'unsafe-inline'",
            ("csp-implemented-with-unsafe-inline", -20),
        ),
        ("default-src 'self'; script-src 'self' data:", ("csp-implemented-with-unsafe-inline", -20)),
        ("default-src 'self'; script-src 'nonce-AbC' 'unsafe-inline'", ("csp-implemented-with-no-unsafe", 5)),
        ("default-src 'self'; object-src https:", ("csp-implemented-with-unsafe-inline", -20)),
        ("script-src 'self'", ("csp-implemented-with-unsafe-inline", -20)),  # object-src unrestricted
        (
            "default-src 'self'; script-src http://cdn.example.no",
            ("csp-implemented-with-insecure-scheme", -20),
        ),
        ("default-src 'self'; script-src 'self' 'unsafe-eval'", ("csp-implemented-with-unsafe-eval", -10)),
        (
            "default-src 'self'; img-src http://img.example.no",
            ("csp-implemented-with-insecure-scheme-in-passive-content-only", -10),
        ),
        (
            "default-src 'self'; style-src 'self' 'unsafe-inline'",
            ("csp-implemented-with-unsafe-inline-in-style-src-only", 0),
        ),
        (
            "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic' https: 'unsafe-inline'",
            ("csp-implemented-with-no-unsafe", 5),
        ),
        ("default-src 'self'; script-src 'strict-dynamic'", ("csp-header-invalid", -25)),
        ("default-src 'self'; default-src 'none'", ("csp-implemented-but-duplicate-directives", 0)),
        ("default-src 'self'; ☃ x", ("csp-header-invalid", -25)),
        (";;", ("csp-header-invalid", -25)),
    ],
)
def test_csp(csp, expected):
    assert outcome("content-security-policy", make([("content-security-policy", csp)])) == expected


def test_csp_absent_but_report_only():
    inp = make([("content-security-policy-report-only", "default-src 'none'")])
    assert outcome("content-security-policy", inp) == ("csp-not-implemented-but-reporting-enabled", -25)


def test_csp_from_meta_tag_counts_but_not_its_frame_ancestors():
    body = (
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"></head></html>'
    )
    assert outcome("content-security-policy", make(body=body)) == (
        "csp-implemented-with-no-unsafe-default-src-none",
        10,
    )
    only_frame = '<meta http-equiv="content-security-policy" content="frame-ancestors \'none\'">'
    assert outcome("content-security-policy", make(body=only_frame)) == ("csp-not-implemented", -25)
    assert outcome("x-frame-options", make(body=only_frame)) == ("x-frame-options-not-implemented", -20)


@pytest.mark.parametrize(
    ("cookie", "over_https", "hsts", "expected"),
    [
        ("sessionid=a; Secure; HttpOnly; SameSite=Lax", True, True, ("cookies-secure-with-httponly-sessions-and-samesite", 5)),
        ("sessionid=a; Secure; HttpOnly", True, True, ("cookies-secure-with-httponly-sessions", 0)),
        ("sessionid=a; HttpOnly; SameSite=Lax", True, False, ("cookies-session-without-secure-flag", -40)),
        ("sessionid=a; HttpOnly; SameSite=Lax", True, True, ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)),
        ("theme=dark; SameSite=Lax", True, True, ("cookies-without-secure-flag-but-protected-by-hsts", -5)),
        ("theme=dark; SameSite=Lax", True, False, ("cookies-without-secure-flag", -20)),
        ("theme=dark; Secure; SameSite=Lax", False, False, ("cookies-without-secure-flag", -20)),
        ("login=a; Secure; SameSite=Strict", True, True, ("cookies-session-without-httponly-flag", -30)),
        ("csrftoken=a; Secure", True, True, ("cookies-anticsrf-without-samesite-flag", -20)),
        ("id=a; Secure; HttpOnly; SameSite=Bogus", True, True, ("cookies-samesite-flag-invalid", -20)),
        ("id=a; SameSite=None", True, True, ("cookies-samesite-flag-invalid", -20)),
        ("id=a; Secure; SameSite=None", True, True, ("cookies-secure-with-httponly-sessions-and-samesite", 5)),
        ("heroku-session-affinity=x", True, False, ("cookies-not-found", 0)),
    ],
)  # fmt: skip
def test_cookies(cookie, over_https, hsts, expected):
    hsts_headers = [("strict-transport-security", "max-age=31536000")] if hsts else []
    inp = make(hsts_headers, set_cookies=[(cookie, over_https)])
    assert outcome("cookies", inp) == expected


def test_cookies_worst_wins():
    cookies = [
        ("theme=dark; Secure", True),
        ("sessionid=a; Secure", True),
        ("csrf=b; Secure; HttpOnly", True),
    ]
    assert outcome("cookies", make(set_cookies=cookies)) == ("cookies-session-without-httponly-flag", -30)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, ("cross-origin-resource-sharing-not-implemented", 0)),
        ([], ("cross-origin-resource-sharing-not-implemented", 0)),
        ([("access-control-allow-origin", "*")], ("cross-origin-resource-sharing-implemented-with-public-access", 0)),
        (
            [("access-control-allow-origin", "https://partner.example.no"), ("access-control-allow-credentials", "true")],
            ("cross-origin-resource-sharing-implemented-with-restricted-access", 0),
        ),
        (
            [("access-control-allow-origin", ORIGIN), ("access-control-allow-credentials", "true")],
            ("cross-origin-resource-sharing-implemented-with-universal-access", -50),
        ),
        ([("access-control-allow-origin", ORIGIN)], ("cross-origin-resource-sharing-implemented-with-restricted-access", 0)),
    ],
)  # fmt: skip
def test_cors(headers, expected):
    assert outcome("cross-origin-resource-sharing", make(cors_headers=headers)) == expected


@pytest.mark.parametrize(
    ("route", "trusted", "expected"),
    [
        (None, True, ("redirection-not-needed-no-http", 0)),
        (["http://www.example.no/"], True, ("redirection-missing", -20)),
        (["http://www.example.no/", "https://www.example.no/"], True, ("redirection-to-https", 0)),
        (["http://www.example.no/", "https://www.example.no/"], False, ("redirection-invalid-cert", -20)),
        (["http://www.example.no/", "http://www.example.no/x"], True, ("redirection-not-to-https", -20)),
        (
            ["http://www.example.no/", "http://example.no/", "https://example.no/"],
            True,
            ("redirection-not-to-https-on-initial-redirection", -10),
        ),
        (["http://example.no/", "https://www.example.no/"], True, ("redirection-off-host-from-http", -5)),
    ],
)
def test_redirection(route, trusted, expected):
    assert outcome("redirection", make(http_route=route, http_route_cert_trusted=trusted)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=31536000; includeSubDomains; preload", ("hsts-implemented-max-age-at-least-six-months", 0)),
        ("max-age=15552000", ("hsts-implemented-max-age-at-least-six-months", 0)),
        ("max-age=15551999", ("hsts-implemented-max-age-less-than-six-months", -10)),
        ('max-age="31536000"', ("hsts-implemented-max-age-at-least-six-months", 0)),
        ("max-age=abc", ("hsts-header-invalid", -20)),
        ("includeSubDomains", ("hsts-header-invalid", -20)),
        ("max-age=31536000, max-age=31536000", ("hsts-header-invalid", -20)),
    ],
)
def test_hsts(value, expected):
    assert outcome("strict-transport-security", make([("strict-transport-security", value)])) == expected


def test_hsts_without_https_or_trusted_certificate():
    assert outcome("strict-transport-security", make()) == ("hsts-not-implemented", -20)
    assert outcome("strict-transport-security", make(https_headers=None)) == (
        "hsts-not-implemented-no-https",
        -20,
    )
    good = make([("strict-transport-security", "max-age=31536000")], https_cert_trusted=False)
    assert outcome("strict-transport-security", good) == ("hsts-invalid-cert", -20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("referrer-policy-not-implemented", 0)),
        ("no-referrer", ("referrer-policy-private", 5)),
        ("strict-origin-when-cross-origin", ("referrer-policy-private", 5)),
        ("unsafe-url", ("referrer-policy-unsafe", -5)),
        ("no-referrer-when-downgrade", ("referrer-policy-unsafe", -5)),
        ("unsafe-url, strict-origin", ("referrer-policy-private", 5)),  # last valid one wins
        ("nonsense", ("referrer-policy-header-invalid", -5)),
    ],
)
def test_referrer_policy(value, expected):
    headers = [("referrer-policy", value)] if value is not None else []
    assert outcome("referrer-policy", make(headers)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<html><p>no scripts</p></html>", ("sri-not-implemented-but-no-scripts-loaded", 0)),
        (
            '<script src="/app.js"></script>',
            ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0),
        ),
        ("<script>inline()</script>", ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)),
        (
            '<script src="https://static.example.no/app.js"></script>',
            ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0),
        ),
        (
            '<script src="/app.js" integrity="sha384-abc"></script>',
            ("sri-implemented-and-all-scripts-loaded-securely", 5),
        ),
        (
            '<script src="https://cdn.other.net/x.js" integrity="sha384-abc" crossorigin="anonymous"></script>',
            ("sri-implemented-and-external-scripts-loaded-securely", 5),
        ),
        (
            '<script src="https://cdn.other.net/x.js"></script>',
            ("sri-not-implemented-but-external-scripts-loaded-securely", -5),
        ),
        (
            '<script src="http://cdn.other.net/x.js" integrity="sha384-abc"></script>',
            ("sri-implemented-but-external-scripts-not-loaded-securely", -20),
        ),
        (
            '<script src="http://cdn.other.net/x.js"></script>',
            ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        ),
        (
            '<script src="//cdn.other.net/x.js"></script>',
            ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        ),
        (
            '<script src="https://cdn.other.net/a.js" integrity="sha384-a"></script>'
            '<script src="http://cdn.other.net/b.js"></script>',
            ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        ),
    ],
)
def test_sri(body, expected):
    assert outcome("subresource-integrity", make(body=body)) == expected


def test_sri_not_html():
    inp = make(headers=[], body="<script src='http://x.net/a.js'></script>")
    inp = dataclasses.replace(inp, headers=[("content-type", "application/json")])
    assert outcome("subresource-integrity", inp) == ("sri-not-implemented-response-not-html", 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("x-content-type-options-not-implemented", -5)),
        ("nosniff", ("x-content-type-options-nosniff", 0)),
        (" NoSniff ", ("x-content-type-options-nosniff", 0)),
        ("sniff", ("x-content-type-options-header-invalid", -5)),
    ],
)
def test_x_content_type_options(value, expected):
    headers = [("x-content-type-options", value)] if value is not None else []
    assert outcome("x-content-type-options", make(headers)) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], ("x-frame-options-not-implemented", -20)),
        ([("x-frame-options", "DENY")], ("x-frame-options-sameorigin-or-deny", 5)),
        ([("x-frame-options", "sameorigin")], ("x-frame-options-sameorigin-or-deny", 5)),
        ([("x-frame-options", "ALLOW-FROM https://a.no")], ("x-frame-options-allow-from-origin", 0)),
        ([("x-frame-options", "bogus")], ("x-frame-options-header-invalid", -20)),
        (
            [
                ("x-frame-options", "bogus"),
                ("content-security-policy", "default-src 'self'; frame-ancestors 'self'"),
            ],
            ("x-frame-options-implemented-via-csp", 5),
        ),
    ],
)
def test_x_frame_options(headers, expected):
    assert outcome("x-frame-options", make(headers)) == expected


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("cross-origin-resource-policy", None, ("cross-origin-resource-policy-not-implemented", 0)),
        ("cross-origin-resource-policy", "same-origin", ("cross-origin-resource-policy-implemented-with-same-origin", 10)),
        ("cross-origin-resource-policy", "same-site", ("cross-origin-resource-policy-implemented-with-same-site", 10)),
        ("cross-origin-resource-policy", "cross-origin", ("cross-origin-resource-policy-implemented-with-cross-origin", 0)),
        ("cross-origin-resource-policy", "everyone", ("cross-origin-resource-policy-header-invalid", -5)),
        ("cross-origin-embedder-policy", "require-corp", ("cross-origin-embedder-policy-implemented-with-require-corp", 10)),
        ("cross-origin-embedder-policy", "credentialless", ("cross-origin-embedder-policy-implemented-with-credentialless", 10)),
        ("cross-origin-embedder-policy", "unsafe-none", ("cross-origin-embedder-policy-implemented-with-unsafe-none", 0)),
        ("cross-origin-embedder-policy", "yes", ("cross-origin-embedder-policy-header-invalid", -5)),
        ("cross-origin-opener-policy", 'same-origin; report-to="coop"', ("cross-origin-opener-policy-implemented-with-same-origin", 10)),
        ("cross-origin-opener-policy", "same-origin-allow-popups", ("cross-origin-opener-policy-implemented-with-same-origin-allow-popups", 10)),
        ("cross-origin-opener-policy", "noopener-allow-popups", ("cross-origin-opener-policy-implemented-with-noopener-allow-popups", 10)),
        ("cross-origin-opener-policy", "unsafe-none", ("cross-origin-opener-policy-implemented-with-unsafe-none", 0)),
        ("cross-origin-opener-policy", "maybe", ("cross-origin-opener-policy-header-invalid", -5)),
    ],
)  # fmt: skip
def test_cross_origin_policies(header, value, expected):
    headers = [(header, value)] if value is not None else []
    assert outcome(header, make(headers)) == expected


def test_every_result_has_a_modifier():
    for expectation in observatory.PASSING:
        assert expectation in observatory.MODIFIERS
    assert len(observatory.TEST_NAMES) == 12
