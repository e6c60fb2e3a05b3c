"""CyberX scanner: scan many loopback hosts with mixed configurations and print total time, hosts/s and peak RSS.

    .venv/bin/python benchmarks/cyber_scan.py [--hosts 200] [--concurrency 16] [--target-timeout 60]
                                              [--families web,tls,dns,mail]

Starts, on 127.0.0.1 only, one threaded server per configuration and maps `--hosts` names
(`host<n>.bench.example`) onto them round-robin with `address_overrides` and per-target ports:

- HTTP: `good` (redirect to HTTPS), `headers` (200 with a full set of security headers), `bare` (200, no security
  headers), `leaky` (200, `Server: Apache/2.4.49`, a cookie without flags);
- HTTPS (TLS 1.2+1.3, a certificate from a private test CA for `*.bench.example`, that CA given as the context's
  ca_file): `good` (HSTS, CSP, ...), `bare` (no headers); and `wrongname` (a certificate for another name);
- DNS: a dnslib server answering A 127.0.0.1 for every name, NS for the domain, SPF and DMARC for even-numbered
  hosts only, so the DNS and mail families stay local and see two mail configurations.

The servers run in a child process (as remote hosts would), so the CPU time and peak RSS printed are the scanner's.

Runs every family in the registry (or those named in --families). With none registered, a small HTTP-header family
in this file stands in, so the figures still say something about the scanner itself. Never part of the test run.
"""

from __future__ import annotations

import argparse
import collections
import http.server
import multiprocessing
import os
import resource
import ssl
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from marketplace.cyber import scoring  # noqa: E402
from marketplace.cyber.checks.base import FULL, NONE, Category, CheckResult, Level, ScanContext, Status  # noqa: E402
from marketplace.cyber.checks.net import TargetRefused, guard, resolve_addresses  # noqa: E402
from marketplace.cyber.scanner import ScanTarget, load_families, scan_targets  # noqa: E402
from marketplace.cyber.tests.pki import TestCA  # noqa: E402

DOMAIN = "bench.example"
GOOD_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HTTP_CONFIGS: dict[str, dict[str, Any]] = {
    "good": {"status": 301, "headers": {"Location": "https://{host}/"}},
    "headers": {"status": 200, "headers": GOOD_HEADERS},
    "bare": {"status": 200, "headers": {}},
    "leaky": {"status": 200, "headers": {"Server": "Apache/2.4.49 (Unix)", "Set-Cookie": "sid=1; Path=/"}},
}
HTTPS_CONFIGS: dict[str, dict[str, Any]] = {
    "good": {"status": 200, "headers": GOOD_HEADERS, "cert": "wildcard"},
    "bare": {"status": 200, "headers": {}, "cert": "wildcard"},
    "wrongname": {"status": 200, "headers": GOOD_HEADERS, "cert": "other"},
}


def handler_for(config: dict[str, Any]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "bench"
        sys_version = ""

        def do_GET(self) -> None:
            body = b"<!doctype html><title>bench</title><p>ok</p>"
            host = (self.headers.get("Host") or "").split(":")[0]
            self.send_response(config["status"])
            for name, value in config["headers"].items():
                self.send_header(name, value.replace("{host}", host))
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class BenchHTTPServer(http.server.ThreadingHTTPServer):
    """Threaded; TLS handshakes happen in each connection's own thread (wrapping the listening socket would do
    them one at a time in the accept loop), and broken handshakes from probing scanners are not printed."""

    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            request.settimeout(10)
            request = self.tls.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class Server:
    def __init__(self, config: dict[str, Any], tls: ssl.SSLContext | None = None) -> None:
        self.httpd = BenchHTTPServer(("127.0.0.1", 0), handler_for(config))
        self.httpd.tls = tls
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def start_dns() -> tuple[Any, int]:
    """A loopback DNS server for the bench domain: A 127.0.0.1 for every name, two name servers, and for the
    even-numbered hosts SPF `-all` and DMARC `p=reject` (the odd ones have no mail policy)."""
    from dnslib import NS, QTYPE, RR, TXT, A
    from dnslib.server import BaseResolver, DNSLogger, DNSServer

    class Resolver(BaseResolver):
        def resolve(self, request: Any, handler: Any) -> Any:
            reply = request.reply()
            qname = str(request.q.qname).rstrip(".").lower()
            qtype = QTYPE[request.q.qtype]
            if not qname.endswith(DOMAIN):
                return reply
            host = qname.removeprefix("_dmarc.")
            even = host.startswith("host") and host[4:7].isdigit() and int(host[4:7]) % 2 == 0
            answers: list[Any] = []
            if qtype == "A" and not qname.startswith("_"):
                answers = [A("127.0.0.1")]
            elif qtype == "NS" and qname == DOMAIN:
                answers = [NS(f"ns1.{DOMAIN}."), NS(f"ns2.{DOMAIN}.")]
            elif qtype == "TXT" and even and qname.startswith("_dmarc."):
                answers = [TXT("v=DMARC1; p=reject")]
            elif qtype == "TXT" and even and not qname.startswith("_"):
                answers = [TXT("v=spf1 -all")]
            for rdata in answers:
                reply.add_answer(RR(request.q.qname, request.q.qtype, rdata=rdata, ttl=60))
            return reply

    quiet = DNSLogger(log="-recv,-send,-request,-reply,-truncated,-error,-data", prefix=False)
    server = DNSServer(Resolver(), port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    return server, server.server.server_address[1]


def serve(folder: str, conn: Any) -> None:
    """The child process: every server, ports sent back through the pipe, then wait for 'stop'."""
    certs = {
        label: (Path(folder) / f"{label}.crt", Path(folder) / f"{label}.key")
        for label in ("wildcard", "other")
    }
    http_servers = {name: Server(config) for name, config in HTTP_CONFIGS.items()}
    https_servers = {
        name: Server(config, tls_context(*certs[config["cert"]])) for name, config in HTTPS_CONFIGS.items()
    }
    try:
        dns_server, dns_port = start_dns()
    except ImportError:  # dnslib is a test dependency; without it the DNS and mail families see no resolver
        dns_server, dns_port = None, 0
    conn.send(
        {
            "http": {name: server.port for name, server in http_servers.items()},
            "https": {name: server.port for name, server in https_servers.items()},
            "dns": dns_port,
        }
    )
    conn.recv()
    for server in [*http_servers.values(), *https_servers.values()]:
        server.close()
    if dns_server is not None:
        dns_server.stop()


def builtin_header_family(target: str, context: ScanContext) -> list[CheckResult]:
    """Stand-in when no family is registered: GET http://target/ (loopback) and score four headers."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        address = guard(resolve_addresses(target, context), context, hostname=target)[0]
        request = urllib.request.Request(
            f"http://{address}:{context.port('http', 80)}/", headers={"Host": target}
        )
        with opener.open(request, timeout=context.timeout) as response:
            headers = response.headers
    except urllib.error.HTTPError as exc:
        headers = exc.headers
    except (OSError, TargetRefused) as exc:
        return [
            CheckResult(
                "bench.http",
                Category.WEB_HEADERS,
                Status.ERROR,
                Level.REQUIRED,
                NONE,
                evidence={"error": str(exc)},
            )
        ]
    results = []
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        present = name in headers
        results.append(
            CheckResult(
                f"bench.{name.lower()}",
                Category.WEB_HEADERS,
                Status.PASS if present else Status.FAIL,
                Level.REQUIRED,
                FULL if present else NONE,
                evidence={"value": headers.get(name, "")},
            )
        )
    return results


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--target-timeout", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per connection or query")
    parser.add_argument("--families", default="", help="comma-separated subset of the registered families")
    args = parser.parse_args()

    families = load_families()
    if args.families:
        wanted = {name.strip() for name in args.families.split(",") if name.strip()}
        families = {name: run for name, run in families.items() if name in wanted}
    if not families:
        print("No check family registered: using the benchmark's own HTTP header family.")
        families = {"bench": builtin_header_family}

    with tempfile.TemporaryDirectory() as folder:
        ca = TestCA(Path(folder))
        wildcard = ca.issue(f"*.{DOMAIN}", DOMAIN, label="wildcard")
        ca.issue("other.invalid", label="other")
        # The servers run in their own process, as remote hosts would: their CPU is not the scanner's.
        parent_end, child_end = multiprocessing.Pipe()
        child = multiprocessing.get_context("fork").Process(
            target=serve, args=(folder, child_end), daemon=True
        )
        child.start()
        ports = parent_end.recv()
        http_names, https_names = list(ports["http"]), list(ports["https"])
        targets, overrides, layout = [], {}, collections.Counter()
        for n in range(args.hosts):
            name = f"host{n:03d}.{DOMAIN}"
            http_cfg = http_names[n % len(http_names)]
            https_cfg = https_names[(n // len(http_names)) % len(https_names)]
            targets.append(
                ScanTarget(name, {"http": ports["http"][http_cfg], "https": ports["https"][https_cfg]})
            )
            overrides[name] = "127.0.0.1"
            layout[f"http={http_cfg} https={https_cfg} mail={'policy' if n % 2 == 0 else 'none'}"] += 1
        context = ScanContext(
            nameservers=("127.0.0.1",) if ports["dns"] else (),
            dns_port=ports["dns"] or 53,
            address_overrides=overrides,
            ca_file=str(wildcard.ca_path),
            allow_private=True,
            timeout=args.timeout,
        )
        print(
            f"{args.hosts} hosts on 127.0.0.1 ({len(layout)} configurations), families: {', '.join(families)}; "
            f"concurrency {args.concurrency}, target budget {args.target_timeout:g} s"
        )
        started = time.perf_counter()
        cpu_started = time.process_time()
        scanned = scan_targets(
            targets,
            context,
            families=families,
            concurrency=args.concurrency,
            target_timeout=args.target_timeout,
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        parent_end.send("stop")
        child.join(10)

    grades: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[str] = collections.Counter()
    slowest = max(scanned, key=lambda s: s.elapsed)
    for item in scanned:
        card = scoring.score_results(item.results)
        grades[card.grade or "-"] += 1
        for result in item.results:
            statuses[str(result.status)] += 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total time      {elapsed:8.2f} s   (scanner CPU {cpu:.2f} s)")
    print(f"hosts/s         {len(scanned) / elapsed:8.2f}")
    print(f"peak RSS        {peak_mb:8.1f} MB   (scanner process)")
    print(f"slowest host    {slowest.elapsed:8.2f} s   ({slowest.target})")
    print(
        f"results         {sum(statuses.values())}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    )
    print("grades          " + ", ".join(f"{k} {v}" for k, v in sorted(grades.items())))
    errors = collections.Counter(
        r.check_id for item in scanned for r in item.results if r.status == Status.ERROR
    )
    if errors:
        print("errors          " + ", ".join(f"{k} {v}" for k, v in errors.most_common()))


if __name__ == "__main__":
    main()
