"""Run the registered check families on targets: bounded concurrency, a wall-clock budget per target, and never a
crash or a hung worker.

- Targets run on a `ThreadPoolExecutor` with `concurrency` workers (MPS_CYBER_SCAN_CONCURRENCY, default 16).
- Each target first passes the network guard (`checks.net.guard`): a target resolving to a private, loopback or
  link-local address is refused (unless the context allows it) and no family runs on it.
- A target's families run one after the other in a daemon thread; the worker waits at most `target_timeout`
  seconds (MPS_CYBER_TARGET_TIMEOUT, default 60) for all of them. A family still running then, one that never
  started, and one that raised, each become one ERROR result (`<family>.error`, informational: the scanner's own
  trouble does not cost the organisation points; the families score network trouble themselves). A hung family
  keeps only its daemon thread; the worker moves on and the process can still exit.
- `resolved`: A/AAAA/MX/NS per target for the scan's record (dnspython, the context's resolver; names in
  `address_overrides` are never looked up).

Only `scan_context_from_settings()` and `limits_from_settings()` read Django settings (imported lazily), so the
benchmark and pure tests can use the scanner without a configured project.
"""

from __future__ import annotations

import dataclasses
import importlib
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import idna  # IDNA 2008 with UTS #46 mapping (via requests/dnspython)

from marketplace.cyber.checks import registry
from marketplace.cyber.checks.base import Category, CheckResult, Level, ScanContext, Status
from marketplace.cyber.checks.net import TargetRefused, guard, resolve_addresses

DEFAULT_CONCURRENCY = 16
DEFAULT_TARGET_TIMEOUT = 60.0

# The category a family's own ERROR result is filed under (a family may declare CATEGORY itself).
FAMILY_CATEGORIES: dict[str, Category] = {
    "web": Category.WEB_HEADERS,
    "tls": Category.WEB_TRANSPORT,
    "dns": Category.DNS,
    "mail": Category.EMAIL,
}

RECORD_TYPES = ("A", "AAAA", "MX", "NS")

__all__ = [
    "ScanTarget",
    "TargetScan",
    "limits_from_settings",
    "load_families",
    "parse_target",
    "resolve_records",
    "scan_context_from_settings",
    "scan_targets",
]


@dataclass(frozen=True)
class ScanTarget:
    """A hostname or domain (IDNA, lower case) and service ports of its own (from a URL such as
    `https://www.example.no:8443/`): `{"https": 8443}` is merged into the context's ports for this target."""

    name: str
    ports: dict[str, int] = field(default_factory=dict)
    kind: str = "domain"  # "host": only the families that apply to a host name run (registry.applies)


@dataclass
class TargetScan:
    target: str
    results: list[CheckResult] = field(default_factory=list)
    resolved: dict[str, list[str]] = field(default_factory=dict)
    refused: str = ""  # why the guard refused the target; no family ran
    elapsed: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "refused": self.refused,
            "resolved": self.resolved,
            "elapsed_s": round(self.elapsed, 3),
            "checks": [r.as_dict() for r in self.results],
        }


def parse_target(text: str) -> ScanTarget:
    """`www.example.no`, `https://www.example.no/path` or `https://www.example.no:8443` → ScanTarget; the name in
    IDNA (`blåbær.no` → `xn--blbr-roa2b.no`), lower case, no trailing dot. A bare name is a domain (every family
    runs); a URL is a web host (the web and TLS families only). Raises ValueError on an empty name."""
    text = text.strip()
    ports: dict[str, int] = {}
    if "://" in text:
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.port is not None:
            ports[parts.scheme.lower()] = parts.port
    else:
        host = text.split("/", 1)[0]
        if host.count(":") == 1:  # host:port without a scheme is ambiguous; keep the host
            host = host.split(":", 1)[0]
    return ScanTarget(idna_name(host), ports, "host" if "://" in text else "domain")


def idna_name(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host:
        raise ValueError("empty host name")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return str(idna.encode(host, uts46=True).decode("ascii"))
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"{host!r} is not a valid host name: {exc}") from None


# --- settings -------------------------------------------------------------------------------------------------


def nameservers_and_port(entries: Any) -> tuple[tuple[str, ...], int]:
    """MPS_CYBER_NAMESERVERS entries ('192.0.2.53', '192.0.2.53:5353', '[2001:db8::53]:5353', '2001:db8::53') as
    (addresses, port); the port is the last one given (a resolver set-up uses one port), 53 by default."""
    addresses: list[str] = []
    port = 53
    for entry in entries:
        text = str(entry).strip()
        if text.startswith("[") and "]" in text:
            address, _sep, rest = text[1:].partition("]")
            if rest.startswith(":") and rest[1:].isdigit():
                port = int(rest[1:])
        elif text.count(":") == 1:
            address, _sep, number = text.partition(":")
            if number.isdigit():
                port = int(number)
        else:
            address = text
        if address:
            addresses.append(address)
    return tuple(addresses), port


def scan_context_from_settings(**overrides: Any) -> ScanContext:
    """The context for real scans: MPS_ALLOW_PRIVATE_TARGETS, MPS_CYBER_TIMEOUT (seconds per connection or
    query), MPS_CYBER_NAMESERVERS (empty = the system resolver; `ip` or `ip:port`), MPS_CYBER_RESOLVE (host name ->
    address)."""
    from django.conf import settings

    nameservers, dns_port = nameservers_and_port(getattr(settings, "MPS_CYBER_NAMESERVERS", ()) or ())
    values: dict[str, Any] = {
        "allow_private": bool(getattr(settings, "MPS_ALLOW_PRIVATE_TARGETS", False)),
        "timeout": float(getattr(settings, "MPS_CYBER_TIMEOUT", 5.0)),
        "nameservers": nameservers,
        "dns_port": dns_port,
        "address_overrides": {
            str(name).strip().lower(): str(address).strip()
            for name, address in dict(getattr(settings, "MPS_CYBER_RESOLVE", {}) or {}).items()
        },
    }
    values.update(overrides)
    return ScanContext(**values)


def limits_from_settings() -> tuple[int, float]:
    """(concurrency, target time-out in seconds) from MPS_CYBER_SCAN_CONCURRENCY and MPS_CYBER_TARGET_TIMEOUT."""
    from django.conf import settings

    return (
        max(1, int(getattr(settings, "MPS_CYBER_SCAN_CONCURRENCY", DEFAULT_CONCURRENCY))),
        float(getattr(settings, "MPS_CYBER_TARGET_TIMEOUT", DEFAULT_TARGET_TIMEOUT)),
    )


# --- resolution ----------------------------------------------------------------------------------------------


def resolve_records(name: str, context: ScanContext) -> dict[str, list[str]]:
    """A/AAAA/MX/NS for the record kept with the scan; empty lists where nothing (or no answer) came back."""
    records: dict[str, list[str]] = {t: [] for t in RECORD_TYPES}
    if name in context.address_overrides:
        address = context.address_overrides[name]
        records["AAAA" if ":" in address else "A"] = [address]
        return records
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        records["AAAA" if ip.version == 6 else "A"] = [str(ip)]
        return records
    import dns.exception
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not context.nameservers)
    if context.nameservers:
        resolver.nameservers = list(context.nameservers)
        resolver.port = context.dns_port
    resolver.lifetime = context.timeout
    resolver.timeout = context.timeout
    for rdtype in RECORD_TYPES:
        try:
            answer = resolver.resolve(name, rdtype, raise_on_no_answer=False)
        except (dns.exception.DNSException, OSError, ValueError):
            continue
        values = []
        for rdata in answer:
            if rdtype == "MX":
                values.append(str(rdata.exchange).rstrip(".").lower())
            elif rdtype == "NS":
                values.append(str(rdata.target).rstrip(".").lower())
            else:
                values.append(str(rdata))
        records[rdtype] = sorted(set(values))
    return records


def _check_guard(name: str, context: ScanContext) -> str:
    """'' when the target may be scanned (or does not resolve: the families report that), else the reason."""
    try:
        guard(resolve_addresses(name, context), context, hostname=name)
    except TargetRefused as exc:
        return str(exc)
    except (OSError, UnicodeError, ValueError):
        return ""
    return ""


# --- running -------------------------------------------------------------------------------------------------


def _error(family: str, target: str, reason: str, detail: str = "") -> CheckResult:
    return CheckResult(
        check_id=f"{family}.error",
        category=FAMILY_CATEGORIES.get(family, Category.WEB_TRANSPORT),
        status=Status.ERROR,
        level=Level.INFORMATIONAL,
        points=0,
        evidence={"reason": reason, **({"detail": detail[:500]} if detail else {})},
        target=target,
    )


def load_families() -> dict[str, Callable[[str, ScanContext], list[CheckResult]]]:
    """The registered families; one that cannot be imported still 'runs' and reports its ERROR result on every
    target instead of stopping the whole scan."""
    loaded: dict[str, Callable[[str, ScanContext], list[CheckResult]]] = {}
    for name, path in registry.FAMILY_MODULES.items():
        try:
            loaded[name] = importlib.import_module(path).run
        except Exception as exc:
            loaded[name] = _broken(f"cannot load {path}: {type(exc).__name__}: {exc}")
    return loaded


def _broken(message: str) -> Callable[[str, ScanContext], list[CheckResult]]:
    def run(target: str, context: ScanContext) -> list[CheckResult]:
        raise RuntimeError(message)

    return run


def _run_target(
    target: ScanTarget,
    context: ScanContext,
    families: Mapping[str, Callable[[str, ScanContext], list[CheckResult]]],
    budget: float,
    resolve: bool,
) -> TargetScan:
    """Guard, families one after the other, then the DNS record: all in a daemon thread the caller waits for at
    most `budget` seconds."""
    started = time.monotonic()
    done: dict[str, list[CheckResult]] = {}
    state: dict[str, Any] = {"running": "", "refused": "", "resolved": {}}
    lock = threading.Lock()
    cancelled = threading.Event()

    def work() -> None:
        refused = _check_guard(target.name, context)
        with lock:
            state["refused"] = refused
        if refused:
            return
        for family, run in families.items():
            if cancelled.is_set():
                return
            with lock:
                state["running"] = family
            try:
                found = [
                    r if r.target else dataclasses.replace(r, target=target.name)
                    for r in run(target.name, context)
                ]
            except Exception as exc:
                found = [_error(family, target.name, "exception", f"{type(exc).__name__}: {exc}")]
            with lock:
                if not cancelled.is_set():
                    done[family] = found
                state["running"] = ""
        if resolve and not cancelled.is_set():
            try:
                resolved = resolve_records(target.name, context)
            except Exception:  # the record is a convenience, never a reason to fail the scan
                resolved = {}
            with lock:
                state["resolved"] = resolved

    thread = threading.Thread(target=work, name=f"cyber-scan-{target.name}", daemon=True)
    thread.start()
    thread.join(budget)
    with lock:
        cancelled.set()
        finished = dict(done)
        running = state["running"]
        scan = TargetScan(target=target.name, refused=state["refused"], resolved=dict(state["resolved"]))
    if not scan.refused:
        for family in families:
            if family in finished:
                scan.results.extend(finished[family])
            elif family == running:
                scan.results.append(_error(family, target.name, "timeout", f"budget {budget:g} s exceeded"))
            else:
                scan.results.append(_error(family, target.name, "not_run", f"budget {budget:g} s exhausted"))
    scan.elapsed = time.monotonic() - started
    return scan


def scan_targets(
    targets: Iterable[str | ScanTarget],
    context: ScanContext,
    *,
    families: Mapping[str, Callable[[str, ScanContext], list[CheckResult]]] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    target_timeout: float = DEFAULT_TARGET_TIMEOUT,
    resolve: bool = True,
) -> list[TargetScan]:
    """Scan every target with every family; results in the order of the targets given."""
    items = [t if isinstance(t, ScanTarget) else parse_target(t) for t in targets]
    chosen = load_families() if families is None else dict(families)

    def one(target: ScanTarget) -> TargetScan:
        target_context = (
            dataclasses.replace(context, ports={**context.ports, **target.ports}) if target.ports else context
        )
        wanted = {name: run for name, run in chosen.items() if registry.applies(name, target.kind)}
        return _run_target(target, target_context, wanted, target_timeout, resolve)

    if not items:
        return []
    with ThreadPoolExecutor(
        max_workers=max(1, min(concurrency, len(items))), thread_name_prefix="cyber"
    ) as pool:
        return list(pool.map(one, items))


def refused_targets(targets: Sequence[str | ScanTarget], context: ScanContext) -> dict[str, str]:
    """target -> reason, for the targets the guard refuses (for a clear message before any scanning)."""
    refused = {}
    for target in targets:
        item = target if isinstance(target, ScanTarget) else parse_target(target)
        reason = _check_guard(item.name, context)
        if reason:
            refused[item.name] = reason
    return refused
