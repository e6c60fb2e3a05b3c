"""Evaluation of recorded web evidence, pure (no network): the branches the loopback tests do not reach."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.cyber.checks.base import Status
from marketplace.cyber.checks.web.evaluate import CHECK_IDS, evaluate, headers_points
from marketplace.cyber.checks.web.retrieve import Fetch, Hop, WebEvidence

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
HOST = "www.example.no"
HTML = ("content-type", "text/html")


def hop(url, status=200, *headers, trusted=None):
    if trusted is None and url.startswith("https:"):
        trusted = True
    return Hop(url, status, tuple(headers), address="192.0.2.1", cert_trusted=trusted)


def redirect(url, to):
    return hop(url, 301, ("location", to))


def evidence(http: Fetch, https: Fetch, security_txt: Fetch | None = None) -> WebEvidence:
    return WebEvidence(host=HOST, fetched_at=NOW, http=http, https=https, security_txt=security_txt)


OK_HTTPS = Fetch("https://www.example.no/", (hop("https://www.example.no/", 200, HTML),), body="<p>hei</p>")
OK_HTTP = Fetch(
    "http://www.example.no/",
    (
        redirect("http://www.example.no/", "https://www.example.no/"),
        hop("https://www.example.no/", 200, HTML),
    ),
)


def results_of(ev):
    results = evaluate(ev)
    assert [r.check_id for r in results] == list(CHECK_IDS)
    return {r.check_id: r for r in results}


@pytest.mark.parametrize(
    ("score", "points"),
    [(0, 0), (4, 0), (5, 1), (30, 3), (84, 8), (85, 9), (94, 9), (95, 10), (100, 10), (160, 10)],
)
def test_headers_points(score, points):
    assert headers_points(score) == points


@pytest.mark.parametrize(
    ("value", "status", "points", "reason"),
    [
        (None, Status.FAIL, 0, "missing"),
        ("max-age=31536000", Status.PASS, 10, "ok"),
        ("max-age=31535999; includeSubDomains", Status.FAIL, 2, "max_age_too_short"),
        ("max-age=0", Status.FAIL, 0, "max_age_zero"),
        ("max-age=soon", Status.FAIL, 0, "invalid"),
    ],
)
def test_hsts_thresholds(value, status, points, reason):
    headers = [HTML] + ([("strict-transport-security", value)] if value else [])
    https = Fetch("https://www.example.no/", (hop("https://www.example.no/", 200, *headers),))
    result = results_of(evidence(OK_HTTP, https))["web.hsts"]
    assert (result.status, result.points, result.evidence["reason"]) == (status, points, reason)


@pytest.mark.parametrize(
    ("http", "status", "reason"),
    [
        (OK_HTTP, Status.PASS, "redirect_to_https"),
        (
            Fetch("http://www.example.no/", error="connection_refused", detail="refused"),
            Status.PASS,
            "no_http",
        ),
        (
            Fetch(
                "http://www.example.no/",
                (
                    redirect("http://www.example.no/", "http://www.example.no/home"),
                    redirect("http://www.example.no/home", "https://www.example.no/home"),
                    hop("https://www.example.no/home", 200),
                ),
            ),
            Status.FAIL,
            "initial_redirect_not_https",
        ),
        (
            Fetch(
                "http://www.example.no/",
                (redirect("http://www.example.no/", "https://example.no/"), hop("https://example.no/", 200)),
            ),
            Status.FAIL,
            "initial_redirect_off_host",
        ),
        (
            Fetch(
                "http://www.example.no/",
                (
                    redirect("http://www.example.no/", "http://www.example.no/x"),
                    hop("http://www.example.no/x", 200),
                ),
            ),
            Status.FAIL,
            "not_to_https",
        ),
        (Fetch("http://www.example.no/", (hop("http://www.example.no/", 200),)), Status.FAIL, "no_redirect"),
    ],
)
def test_https_forced(http, status, reason):
    result = results_of(evidence(http, OK_HTTPS))["web.https_forced"]
    assert (result.status, result.evidence["reason"]) == (status, reason)
    assert result.points == (10 if status == Status.PASS else 0)


def test_http_time_out_is_an_error_for_https_forced_only():
    http = Fetch("http://www.example.no/", error="timeout", detail="no answer")
    results = results_of(evidence(http, OK_HTTPS))
    assert (results["web.https_forced"].status, results["web.https_forced"].evidence["error"]) == (
        Status.ERROR,
        "timeout",
    )
    assert results["web.https_exists"].status == Status.PASS
    # no HTTP answer: the Observatory counts it as 'no HTTP listener'
    assert results["web.headers"].evidence["results"]["redirection"] == "redirection-not-needed-no-http"


def test_server_error_page_cannot_be_scored():
    https = Fetch("https://www.example.no/", (hop("https://www.example.no/", 500, HTML),))
    results = results_of(evidence(OK_HTTP, https))
    assert (results["web.headers"].status, results["web.headers"].evidence["error"]) == (
        Status.ERROR,
        "status_not_scannable",
    )
    assert results["web.https_exists"].status == Status.PASS


def security_txt_fetch(body: str, content_type="text/plain; charset=utf-8", status=200):
    url = "https://www.example.no/.well-known/security.txt"
    return Fetch(url, (hop(url, status, ("content-type", content_type)),), body=body)


GOOD_TXT = "Contact: mailto:sikkerhet@example.no\nExpires: 2027-05-01T00:00:00Z\n"


@pytest.mark.parametrize(
    ("fetched", "status", "errors"),
    [
        (security_txt_fetch(GOOD_TXT), Status.PASS, []),
        (security_txt_fetch(GOOD_TXT, content_type="text/html"), Status.WARNING, ["invalid_media_type"]),
        (
            security_txt_fetch("Contact: mailto:a@b.no\nExpires: 2026-01-01T00:00:00Z\n"),
            Status.WARNING,
            ["expired"],
        ),
        (security_txt_fetch("", status=404), Status.WARNING, ["not_found"]),
    ],
)
def test_security_txt(fetched, status, errors):
    result = results_of(evidence(OK_HTTP, OK_HTTPS, fetched))["web.security_txt"]
    assert (result.status, result.evidence["errors"]) == (status, errors)
    assert result.category == "disclosure"


def test_levels_and_categories():
    results = results_of(evidence(OK_HTTP, OK_HTTPS, security_txt_fetch(GOOD_TXT)))
    assert {k: (str(r.category), str(r.level)) for k, r in results.items()} == {
        "web.https_exists": ("web_transport", "required"),
        "web.https_forced": ("web_transport", "required"),
        "web.hsts": ("web_transport", "required"),
        "web.headers": ("web_headers", "required"),
        "web.csp": ("web_headers", "recommended"),
        "web.x_content_type_options": ("web_headers", "recommended"),
        "web.x_frame_options": ("web_headers", "informational"),
        "web.referrer_policy": ("web_headers", "recommended"),
        "web.cookies": ("web_headers", "recommended"),
        "web.cors": ("web_headers", "recommended"),
        "web.sri": ("web_headers", "recommended"),
        "web.cross_origin": ("web_headers", "recommended"),
        "web.security_txt": ("disclosure", "recommended"),
        "web.software": ("vulnerabilities", "informational"),
    }


def test_evidence_is_json_serialisable():
    import json

    results = evaluate(evidence(OK_HTTP, OK_HTTPS, security_txt_fetch(GOOD_TXT)))
    assert json.loads(json.dumps([r.as_dict() for r in results]))[0]["check_id"] == "web.https_exists"
