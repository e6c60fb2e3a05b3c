"""The small pure parts of retrieve.py, and the promise that the evaluation modules load without sslyze or Django."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.tls import convert, retrieve
from marketplace.cyber.tests.pki import TestCA
from marketplace.cyber.tests.tls.servers import closed_port, serve, tls_context


@pytest.mark.parametrize(
    ("exception", "text", "kind"),
    [
        ("ServerRejectedConnection", "", "refused"),
        ("ConnectionToServerTimedOut", "", "timeout"),
        ("TlsHandshakeTimedOut", "", "timeout"),
        ("ServerTlsConfigurationNotSupported", "", "not_tls"),
        ("ServerRejectedTlsHandshake", "", "not_tls"),
        ("ServerRejectedOpportunisticTlsNegotiation", "", "starttls_failed"),
        ("ConnectionToServerFailed", 'Unexpected connection error: "timed out"', "timeout"),
        ("ConnectionToServerFailed", "Connection to the server failed", "unreachable"),
        ("", "", "unreachable"),
    ],
)
def test_error_kind(exception, text, kind):
    assert convert.error_kind(exception, text) == kind


@pytest.mark.parametrize(
    ("algorithm", "key_type"),
    [
        ("sha256WithRSAEncryption", "RSA"),
        ("ecdsa-with-SHA384", "EC"),
        ("RSASSA-PSS", "RSA-PSS"),
        ("ed25519", "Ed25519"),
        ("ed448", "Ed448"),
        ("dsa_with_SHA256", "DSA"),
        ("md5WithRSAEncryption", "RSA"),
    ],
)
def test_signature_key_type(algorithm, key_type):
    assert convert.signature_key_type(algorithm) == key_type


@pytest.mark.parametrize(
    ("addresses", "picked"),
    [
        (["192.0.2.1"], ["192.0.2.1"]),
        (["192.0.2.1", "192.0.2.2", "2001:db8::1"], ["192.0.2.1", "2001:db8::1"]),
        (["2001:db8::1", "2001:db8::2", "2001:db8::3"], ["2001:db8::1", "2001:db8::2"]),
        (["192.0.2.1", "192.0.2.2", "192.0.2.3"], ["192.0.2.1", "192.0.2.2"]),
    ],
)
def test_pick_addresses(addresses, picked):
    assert retrieve._pick_addresses(addresses) == picked


def test_evaluation_modules_load_without_sslyze_or_django():
    code = (
        "import sys\n"
        "import marketplace.cyber.checks.tls.evaluate, marketplace.cyber.checks.tls.grade\n"
        "import marketplace.cyber.checks.tls\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sslyze', 'nassl', 'django'))\n"
        "print(','.join(loaded))\n"
    )
    root = Path(__file__).resolve().parents[4]
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=root
    )
    assert out.stdout.strip() == ""


def test_probe_handshake_tells_silent_servers_from_non_tls_ones(tmp_path):
    context = ScanContext(allow_private=True, timeout=0.3)
    with socket.socket() as silent:  # accepts TCP (the kernel completes the handshake) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        assert retrieve.probe_handshake("127.0.0.1", silent.getsockname()[1], context) == "timeout"
    with serve(None) as plain:
        assert retrieve.probe_handshake("127.0.0.1", plain.port, context) == "not_tls"
    assert retrieve.probe_handshake("127.0.0.1", closed_port(), context) == "refused"
    issued = TestCA(tmp_path).issue("www.example.test", key="ec")
    with serve(tls_context(issued.cert_path, issued.key_path)) as tls:
        assert retrieve.probe_handshake("127.0.0.1", tls.port, context) is None
