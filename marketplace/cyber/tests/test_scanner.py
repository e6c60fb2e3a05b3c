"""The scanner: families on targets with bounded concurrency, a per-target budget (time-out → ERROR result, never a
hang), exceptions → ERROR result, the network guard before any family, and the real loopback echo family."""

from __future__ import annotations

import threading
import time

import pytest

from marketplace.cyber.checks.base import Category, CheckResult, Level, ScanContext, Status
from marketplace.cyber.scanner import (
    ScanTarget,
    parse_target,
    refused_targets,
    resolve_records,
    scan_context_from_settings,
    scan_targets,
)
from marketplace.cyber.tests import echo_family

echo_server = echo_family.echo_server  # the loopback family's fixture
offline = echo_family.offline
pytestmark = pytest.mark.usefixtures("offline")

LOOPBACK = ScanContext(
    allow_private=True,
    address_overrides={"www.example.no": "127.0.0.1", "mx.example.no": "127.0.0.1"},
    timeout=2.0,
)


def passing(name: str = "ok.check"):
    def run(target: str, context: ScanContext) -> list[CheckResult]:
        return [CheckResult(name, Category.DNS, Status.PASS, Level.REQUIRED, 10, target=target)]

    return run


def test_echo_family_on_loopback(echo_server):
    echo_server.scores["www.example.no"] = 5
    (scan,) = scan_targets(["www.example.no"], LOOPBACK)
    assert scan.target == "www.example.no"
    assert scan.refused == ""
    assert [(r.check_id, r.status, r.points, r.target) for r in scan.results] == [
        ("echo.reachable", Status.PASS, 10, "www.example.no"),
        ("echo.reply", Status.FAIL, 5, "www.example.no"),
        ("echo.banner", Status.INFO, 0, "www.example.no"),  # the scanner fills in the target
    ]
    assert scan.resolved == {"A": ["127.0.0.1"], "AAAA": [], "MX": [], "NS": []}
    assert echo_server.seen == ["www.example.no"]


def test_slow_family_becomes_error_and_later_families_do_not_run():
    release = threading.Event()
    calls: list[str] = []

    def slow(target: str, context: ScanContext) -> list[CheckResult]:
        calls.append("slow")
        release.wait(10)
        return [CheckResult("slow.late", Category.DNS, Status.PASS, Level.REQUIRED, 10, target=target)]

    def after(target: str, context: ScanContext) -> list[CheckResult]:
        calls.append("after")
        return []

    started = time.monotonic()
    try:
        (scan,) = scan_targets(
            ["www.example.no"],
            LOOPBACK,
            families={"ok": passing(), "tls": slow, "later": after},
            target_timeout=0.3,
            resolve=False,
        )
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 3
    assert [(r.check_id, r.status, r.level, r.category, r.points) for r in scan.results] == [
        ("ok.check", Status.PASS, Level.REQUIRED, Category.DNS, 10),
        ("tls.error", Status.ERROR, Level.INFORMATIONAL, Category.WEB_TRANSPORT, 0),
        ("later.error", Status.ERROR, Level.INFORMATIONAL, Category.WEB_TRANSPORT, 0),
    ]
    assert scan.results[1].evidence == {"reason": "timeout", "detail": "budget 0.3 s exceeded"}
    assert scan.results[2].evidence == {"reason": "not_run", "detail": "budget 0.3 s exhausted"}
    time.sleep(0.05)
    assert calls == ["slow"]  # 'after' never started, even once 'slow' was released


def test_family_that_raises_becomes_error_and_others_still_run():
    def boom(target: str, context: ScanContext) -> list[CheckResult]:
        raise RuntimeError("garbage answer")

    (scan,) = scan_targets(
        ["www.example.no"], LOOPBACK, families={"mail": boom, "ok": passing()}, resolve=False
    )
    assert [(r.check_id, r.status, r.category) for r in scan.results] == [
        ("mail.error", Status.ERROR, Category.EMAIL),
        ("ok.check", Status.PASS, Category.DNS),
    ]
    assert scan.results[0].evidence == {"reason": "exception", "detail": "RuntimeError: garbage answer"}


@pytest.mark.parametrize(
    ("target", "overrides", "reason"),
    [
        ("127.0.0.1", {}, "127.0.0.1 resolves to non-public address 127.0.0.1"),
        (
            "intranet.example.no",
            {"intranet.example.no": "10.1.2.3"},
            "intranet.example.no resolves to non-public address 10.1.2.3",
        ),
        ("[::1]", {}, "::1 resolves to non-public address ::1"),
        (
            "http://169.254.169.254/latest/meta-data",
            {},
            "169.254.169.254 resolves to non-public address 169.254.169.254",
        ),
    ],
)
def test_private_targets_are_refused_before_any_family_runs(target, overrides, reason):
    calls: list[str] = []

    def record(name: str, context: ScanContext) -> list[CheckResult]:
        calls.append(name)
        return []

    context = ScanContext(address_overrides=overrides)
    (scan,) = scan_targets([target], context, families={"rec": record})
    assert scan.refused == reason
    assert scan.results == []
    assert scan.resolved == {}
    assert calls == []
    assert refused_targets([target], context) == {parse_target(target).name: reason}


def test_concurrency_is_bounded():
    lock = threading.Lock()
    active = {"now": 0, "max": 0}

    def busy(target: str, context: ScanContext) -> list[CheckResult]:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.05)
        with lock:
            active["now"] -= 1
        return [CheckResult("busy", Category.DNS, Status.PASS, Level.REQUIRED, 10, target=target)]

    names = [f"h{n}.example.no" for n in range(9)]
    context = ScanContext(allow_private=True, address_overrides=dict.fromkeys(names, "127.0.0.1"))
    scans = scan_targets(names, context, families={"busy": busy}, concurrency=3, resolve=False)
    assert [s.target for s in scans] == names  # order kept
    assert active["max"] == 3


def test_url_port_goes_into_the_target_context():
    seen: dict[str, int] = {}

    def ports(target: str, context: ScanContext) -> list[CheckResult]:
        seen.update(context.ports)
        return []

    scan_targets(["https://www.example.no:8443/path"], LOOPBACK, families={"p": ports}, resolve=False)
    assert seen == {"https": 8443}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.example.no", ScanTarget("www.example.no")),
        ("WWW.Example.NO.", ScanTarget("www.example.no")),
        ("https://www.example.no/sti?q=1", ScanTarget("www.example.no", kind="host")),
        ("https://www.example.no:8443", ScanTarget("www.example.no", {"https": 8443}, "host")),
        ("www.example.no/sti", ScanTarget("www.example.no")),
        ("blåbær.no", ScanTarget("xn--blbr-roah.no")),
        ("[2001:db8::1]", ScanTarget("2001:db8::1")),
    ],
)
def test_parse_target(text, expected):
    assert parse_target(text) == expected


def test_parse_target_refuses_empty():
    with pytest.raises(ValueError, match="empty host name"):
        parse_target("https:///x")


def test_resolve_records_uses_overrides_without_dns():
    context = ScanContext(address_overrides={"v6.example.no": "2001:db8::5"})
    assert resolve_records("v6.example.no", context) == {"A": [], "AAAA": ["2001:db8::5"], "MX": [], "NS": []}
    assert resolve_records("192.0.2.7", context) == {"A": ["192.0.2.7"], "AAAA": [], "MX": [], "NS": []}


def test_context_from_settings(settings):
    settings.MPS_ALLOW_PRIVATE_TARGETS = True
    settings.MPS_CYBER_TIMEOUT = 1.5
    settings.MPS_CYBER_NAMESERVERS = ["127.0.0.1"]
    settings.MPS_CYBER_RESOLVE = {"WWW.Example.no": "127.0.0.1"}
    context = scan_context_from_settings()
    assert context.allow_private is True
    assert context.timeout == 1.5
    assert context.nameservers == ("127.0.0.1",)
    assert context.address_overrides == {"www.example.no": "127.0.0.1"}


def test_family_that_cannot_be_imported_becomes_error(monkeypatch):
    monkeypatch.setattr(
        "marketplace.cyber.checks.registry.FAMILY_MODULES", {"dns": "marketplace.cyber.checks.does_not_exist"}
    )
    (scan,) = scan_targets(["www.example.no"], LOOPBACK, resolve=False)
    assert [(r.check_id, r.status, r.category) for r in scan.results] == [
        ("dns.error", Status.ERROR, Category.DNS)
    ]
    assert scan.results[0].evidence == {
        "reason": "exception",
        "detail": "RuntimeError: cannot load marketplace.cyber.checks.does_not_exist: "
        "ModuleNotFoundError: No module named 'marketplace.cyber.checks.does_not_exist'",
    }


def test_a_host_gets_only_the_host_families_a_domain_gets_all():
    seen: list[tuple[str, str]] = []

    def family(name):
        def run(target, context):
            seen.append((name, target))
            return []

        return run

    chosen = {name: family(name) for name in ("web", "tls", "dns", "mail")}
    scan_targets(
        [ScanTarget("www.example.no", kind="host"), ScanTarget("example.no")],
        ScanContext(
            allow_private=True, address_overrides=dict.fromkeys(["www.example.no", "example.no"], "127.0.0.1")
        ),
        families=chosen,
        concurrency=1,
        resolve=False,
    )
    assert sorted(seen) == [
        ("dns", "example.no"),
        ("mail", "example.no"),
        ("tls", "example.no"),
        ("tls", "www.example.no"),
        ("web", "example.no"),
        ("web", "www.example.no"),
    ]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], ((), 53)),
        (["192.0.2.53"], (("192.0.2.53",), 53)),
        (["192.0.2.53:5353"], (("192.0.2.53",), 5353)),
        (["[2001:db8::53]:5353", "2001:db8::54"], (("2001:db8::53", "2001:db8::54"), 5353)),
        (["::1"], (("::1",), 53)),
    ],
)
def test_nameservers_may_name_a_port(entries, expected):
    from marketplace.cyber.scanner import nameservers_and_port

    assert nameservers_and_port(entries) == expected
