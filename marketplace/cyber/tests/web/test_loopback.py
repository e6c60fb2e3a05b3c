"""The web family end to end against servers the tests start on 127.0.0.1 (never another address)."""

from __future__ import annotations

import datetime as dt
import platform
import socket
import time
from contextlib import ExitStack

import pytest

from marketplace.cyber.checks import registry
from marketplace.cyber.checks.base import ScanContext, Status
from marketplace.cyber.checks.web import CHECK_IDS, run
from marketplace.cyber.checks.web.retrieve import fetch
from marketplace.cyber.tests.pki import TestCA
from marketplace.cyber.tests.web.servers import (
    Reply,
    closed_port,
    garbage,
    http_server,
    huge_head,
    raw_server,
    silent,
)

HOST = "www.example.test"
HTML = ("Content-Type", "text/html; charset=utf-8")


def security_txt(expires: dt.datetime) -> bytes:
    return (
        "Contact: mailto:security@example.test\n"
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        "Canonical: https://www.example.test/.well-known/security.txt\n"
    ).encode()


GOOD_HTTPS = {
    "/": Reply(
        200,
        [
            HTML,
            (
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; img-src 'self'; frame-ancestors 'none'",
            ),
            ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cross-Origin-Embedder-Policy", "require-corp"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
            ("Set-Cookie", "sessionid=abc; Secure; HttpOnly; SameSite=Lax; Path=/"),
            ("Set-Cookie", "lang=nb; Secure; SameSite=Strict; Path=/"),
        ],
        b'<html><head><script src="/app.js" integrity="sha384-xyz"></script></head><body>Hei</body></html>',
    ),
    "/.well-known/security.txt": Reply(
        200,
        [("Content-Type", "text/plain; charset=utf-8")],
        security_txt(dt.datetime.now(dt.UTC) + dt.timedelta(days=180)),
    ),
}
GOOD_HTTP = {"/": Reply(301, [("Location", "https://www.example.test/")])}

BAD_HTTPS = {
    "/": Reply(
        200,
        [
            HTML,
            ("Strict-Transport-Security", "max-age=86400"),
            ("X-Frame-Options", "sometimes"),
            ("Referrer-Policy", "unsafe-url"),
            ("Set-Cookie", "sessionid=abc; Path=/"),
            ("Server", "Apache/2.4.49 (Unix)"),
        ],
        b'<html><head><meta name="generator" content="WordPress 5.8"></head>'
        b'<script src="http://cdn.other.net/x.js"></script></html>',
        reflect_origin=True,
    ),
}
BAD_HTTP = {"/": Reply(200, [HTML], b"<html>plain http</html>")}


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    ca = TestCA(tmp_path_factory.mktemp("pki"))
    return ca.issue(HOST, days=90)


def context(http_port: int, https_port: int, *, ca_file=None, **changes) -> ScanContext:
    values = {
        "allow_private": True,
        "address_overrides": {HOST: "127.0.0.1"},
        "ports": {"http": http_port, "https": https_port},
        "ca_file": str(ca_file) if ca_file else None,
        "timeout": 2.0,
    }
    values.update(changes)
    return ScanContext(**values)


def by_id(results):
    assert [r.check_id for r in results] == list(CHECK_IDS)
    return {r.check_id: r for r in results}


def scan(http_routes, https_routes, pki, **changes):
    with ExitStack() as stack:
        http_port = (
            stack.enter_context(http_server(http_routes)) if http_routes is not None else closed_port()
        )
        https_port = (
            stack.enter_context(http_server(https_routes, cert=pki.cert_path, key=pki.key_path))
            if https_routes is not None
            else closed_port()
        )
        changes.setdefault("ca_file", pki.ca_path)
        return by_id(run(HOST, context(http_port, https_port, **changes)))


def summary(results):
    return {check_id: (str(r.status), r.points) for check_id, r in results.items()}


def test_well_configured_host(pki):
    results = scan(GOOD_HTTP, GOOD_HTTPS, pki)
    assert summary(results) == {
        "web.https_exists": ("pass", 10),
        "web.https_forced": ("pass", 10),
        "web.hsts": ("pass", 10),
        "web.headers": ("pass", 10),
        "web.csp": ("pass", 10),
        "web.x_content_type_options": ("pass", 10),
        "web.x_frame_options": ("pass", 10),
        "web.referrer_policy": ("pass", 10),
        "web.cookies": ("pass", 10),
        "web.cors": ("pass", 10),
        "web.sri": ("pass", 10),
        "web.cross_origin": ("pass", 10),
        "web.security_txt": ("pass", 10),
        "web.software": ("info", 0),
    }
    headers = results["web.headers"].evidence
    assert headers["modifiers"] == {
        "content-security-policy": 10,
        "cookies": 5,
        "cross-origin-resource-sharing": 0,
        "redirection": 0,
        "referrer-policy": 5,
        "strict-transport-security": 0,
        "subresource-integrity": 5,
        "x-content-type-options": 0,
        "x-frame-options": 5,
        "cross-origin-resource-policy": 10,
        "cross-origin-embedder-policy": 10,
        "cross-origin-opener-policy": 10,
    }
    assert (headers["score"], headers["grade"], headers["uncurved"]) == (160, "A+", 100)
    assert results["web.https_exists"].evidence["cert_trusted"] is True
    hsts = results["web.hsts"].evidence
    assert (hsts["max_age"], hsts["include_subdomains"], hsts["preload"]) == (63072000, True, True)
    assert results["web.https_forced"].evidence["route"] == [
        "http://www.example.test/",
        "https://www.example.test/",
    ]
    assert results["web.security_txt"].evidence["errors"] == []
    # both Set-Cookie headers were kept
    assert set(results["web.cookies"].evidence["tests"]["cookies"]["data"]["cookies"]) == {
        "sessionid",
        "lang",
    }
    assert all(r.target == HOST for r in results.values())


def test_badly_configured_host_loses_exactly_these_points(pki):
    results = scan(BAD_HTTP, BAD_HTTPS, pki)
    assert summary(results) == {
        "web.https_exists": ("pass", 10),
        "web.https_forced": ("fail", 0),
        "web.hsts": ("fail", 2),
        "web.headers": ("fail", 0),
        "web.csp": ("warning", 0),
        "web.x_content_type_options": ("warning", 0),
        "web.x_frame_options": ("info", 0),
        "web.referrer_policy": ("warning", 0),
        "web.cookies": ("warning", 0),
        "web.cors": ("warning", 0),
        "web.sri": ("warning", 0),
        "web.cross_origin": ("warning", 0),
        "web.security_txt": ("warning", 0),
        "web.software": ("info", 0),
    }
    # what the responses name, for the KEV matching (never scored)
    assert results["web.software"].evidence == {
        "software": [
            ["banner", "Apache/2.4.49 (Unix)"],
            ["generator", "WordPress 5.8"],
            ["banner", f"BaseHTTP/0.6 Python/{platform.python_version()}"],  # the plain-HTTP test server
        ]
    }
    assert results["web.software"].points_lost == 0
    assert results["web.https_forced"].evidence["reason"] == "no_redirect"
    assert results["web.hsts"].evidence["reason"] == "max_age_too_short"
    headers = results["web.headers"].evidence
    assert headers["modifiers"] == {
        "content-security-policy": -25,
        "cookies": -40,
        "cross-origin-resource-sharing": -50,
        "redirection": -20,
        "referrer-policy": -5,
        "strict-transport-security": -10,
        "subresource-integrity": -50,
        "x-content-type-options": -5,
        "x-frame-options": -20,
        "cross-origin-resource-policy": 0,
        "cross-origin-embedder-policy": 0,
        "cross-origin-opener-policy": 0,
    }
    assert (headers["score"], headers["grade"]) == (0, "F")
    assert results["web.security_txt"].evidence["errors"] == ["not_found"]
    good = scan(GOOD_HTTP, GOOD_HTTPS, pki)
    required = [r for r in CHECK_IDS if results[r].counts]
    assert sum(good[r].points for r in required) - sum(results[r].points for r in required) == 28


def test_untrusted_certificate_is_recorded_and_costs_hsts_and_redirection(pki):
    results = scan(GOOD_HTTP, GOOD_HTTPS, pki, ca_file=None)  # the test CA is not in the system store
    exists = results["web.https_exists"]
    assert (exists.status, exists.points, exists.evidence["cert_trusted"]) == (Status.PASS, 10, False)
    assert "certificate" in exists.evidence["cert_error"]
    assert results["web.hsts"].evidence["cert_trusted"] is False
    assert (
        results["web.hsts"].points == 10
    )  # internet.nl reads HSTS regardless; the TLS family grades the chain
    modifiers = results["web.headers"].evidence["modifiers"]
    assert (modifiers["strict-transport-security"], modifiers["redirection"]) == (-20, -20)
    # 100 - 40 = 60: below the bonus gate, so the +55 of bonuses do not count
    assert (results["web.headers"].evidence["score"], results["web.headers"].points) == (60, 6)


def test_http_only_host(pki):
    results = scan({"/": Reply(200, [HTML, ("X-Content-Type-Options", "nosniff")], b"<p>hei</p>")}, None, pki)
    assert {k: str(v.status) for k, v in results.items() if v.status != Status.WARNING} == {
        "web.https_exists": "fail",
        "web.https_forced": "not_tested",
        "web.hsts": "not_tested",
        "web.headers": "fail",
        "web.x_content_type_options": "pass",
        "web.x_frame_options": "info",
        "web.cookies": "pass",
        "web.cors": "pass",
        "web.sri": "pass",
        "web.security_txt": "not_tested",
        "web.software": "info",
    }
    assert results["web.https_exists"].evidence["error"] == "connection_refused"
    evidence = results["web.headers"].evidence
    assert evidence["url"] == "http://www.example.test/"
    assert evidence["modifiers"]["strict-transport-security"] == -20
    assert evidence["results"]["strict-transport-security"] == "hsts-not-implemented-no-https"
    assert evidence["modifiers"]["redirection"] == -20  # http listener without redirect
    assert evidence["score"] == 100 - 25 - 20 - 20 - 20


def test_redirect_loop_on_https_is_an_error_for_the_header_checks(pki):
    https = {
        "/": Reply(302, [("Location", "/loop"), ("Strict-Transport-Security", "max-age=31536000")]),
        "/loop": Reply(302, [("Location", "https://www.example.test/")]),
    }
    results = scan(GOOD_HTTP, https, pki)
    assert results["web.https_exists"].status == Status.PASS
    assert results["web.hsts"].status == Status.PASS
    for check_id in ("web.headers", "web.csp", "web.cookies", "web.cross_origin"):
        assert (results[check_id].status, results[check_id].evidence["error"]) == (
            Status.ERROR,
            "redirect_loop",
        )
    assert results["web.https_forced"].status == Status.ERROR  # the http route runs into the same loop


def test_registry_runs_the_family(pki):
    assert registry.FAMILY_MODULES["web"] == "marketplace.cyber.checks.web"
    with (
        http_server(GOOD_HTTP) as http_port,
        http_server(GOOD_HTTPS, cert=pki.cert_path, key=pki.key_path) as port,
    ):
        results = registry.families()["web"](HOST, context(http_port, port, ca_file=pki.ca_path))
    assert len(results) == 14
    assert all(r.status == Status.PASS for r in results if r.check_id != "web.software")
    assert [r.status for r in results if r.check_id == "web.software"] == [Status.INFO]


def all_errors(results) -> set[str]:
    assert {str(r.status) for r in results.values()} == {"error"}
    assert all(r.points == 0 for r in results.values())
    return {r.evidence["error"] for r in results.values()}


def test_garbage_answer_is_an_error():
    with raw_server(garbage) as port:
        results = by_id(run(HOST, context(port, closed_port())))
    assert all_errors(results) == {"garbage"}


def test_garbage_on_the_https_port_is_a_tls_error():
    with raw_server(garbage) as port:
        results = by_id(run(HOST, context(closed_port(), port)))
    assert all_errors(results) == {"tls_error"}


def test_silent_server_times_out():
    with raw_server(silent) as http_port, raw_server(silent) as https_port:
        started = time.monotonic()
        results = by_id(run(HOST, context(http_port, https_port, timeout=0.5)))
        elapsed = time.monotonic() - started
    assert all_errors(results) == {"timeout"}
    assert elapsed < 3


def test_huge_response_head_is_refused():
    with raw_server(huge_head) as port:
        results = by_id(run(HOST, context(port, closed_port(), max_header_bytes=16 * 1024)))
    assert all_errors(results) == {"headers_too_large"}
    assert "16384" in results["web.headers"].evidence["detail"]


def test_nothing_listening_is_an_error():
    results = by_id(run(HOST, context(closed_port(), closed_port())))
    assert all_errors(results) == {"connection_refused"}


def test_loopback_refused_without_allow_private(pki):
    with (
        http_server(GOOD_HTTP) as http_port,
        http_server(GOOD_HTTPS, cert=pki.cert_path, key=pki.key_path) as port,
    ):
        results = by_id(run(HOST, context(http_port, port, allow_private=False)))
    assert all_errors(results) == {"refused_target"}
    assert "127.0.0.1" in results["web.https_exists"].evidence["detail"]


def test_redirect_hop_to_a_private_address_is_refused_before_connecting():
    """Every hop goes through net.guard: a Location pointing inside is refused, nothing is fetched."""
    fetched = fetch("http://10.0.0.1/admin", ScanContext(timeout=0.5))
    assert (fetched.hops, fetched.error) == ((), "refused_target")
    assert "10.0.0.1" in fetched.detail


def test_unresolvable_name(monkeypatch):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # the network edge: the system resolver
    results = by_id(run("nowhere.example.test", ScanContext(allow_private=True, timeout=0.5)))
    assert all_errors(results) == {"unresolvable"}


@pytest.mark.parametrize("target", ["", "exa mple.test", "a..b", "-bad-.test", "x" * 300])
def test_invalid_target(target):
    results = by_id(run(target, ScanContext(allow_private=True)))
    assert all_errors(results) == {"invalid_target"}


def _keeps_open_after(payload: bytes):
    """A server that answers, then keeps the connection open (ignoring Connection: close)."""

    def handle(connection: socket.socket) -> None:
        connection.recv(4096)
        connection.sendall(payload)
        silent(connection)

    return handle


@pytest.mark.parametrize(
    ("payload", "status", "body"),
    [
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
            b"5\r\nhello\r\n8\r\n, verden\r\n0\r\n\r\n",
            200,
            "hello, verden",
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhei", 200, "hei"),
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204, ""),
        (b"HTTP/1.0 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nhi", 200, "hi"),  # bare LF
    ],
)
def test_complete_responses_do_not_wait_for_close(payload, status, body):
    with raw_server(_keeps_open_after(payload)) as port:
        started = time.monotonic()
        fetched = fetch("http://www.example.test/", context(port, closed_port(), timeout=3.0))
        elapsed = time.monotonic() - started
    assert (fetched.error, fetched.final.status, fetched.body) == ("", status, body)
    assert elapsed < 2


def test_repeated_headers_are_kept_in_order():
    payload = (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Secure\r\nSet-Cookie: b=2; HttpOnly\r\n"
        b"X-Folded: one\r\n two\r\nContent-Length: 0\r\n\r\n"
    )
    with raw_server(_keeps_open_after(payload)) as port:
        fetched = fetch("http://www.example.test/", context(port, closed_port()))
    assert fetched.final.header_all("set-cookie") == ["a=1; Secure", "b=2; HttpOnly"]
    assert fetched.final.header("x-folded") == "one two"


def test_redirect_location_is_resolved_and_percent_encoded():
    routes = {
        "/": Reply(302, [("Location", "/søk?q=blåbær")]),
        "/s%C3%B8k?q=bl%C3%A5b%C3%A6r": Reply(200, [("Content-Type", "text/plain")], b"funnet"),
    }
    with http_server(routes) as port:
        fetched = fetch("http://www.example.test/", context(port, closed_port()))
    assert [hop.status for hop in fetched.hops] == [302, 200]
    assert fetched.hops[1].url == "http://www.example.test/søk?q=blåbær"
    assert fetched.body == "funnet"
