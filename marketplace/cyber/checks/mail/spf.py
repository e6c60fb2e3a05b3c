"""SPF (RFC 7208), pure: pick the record, follow include/redirect through already-fetched TXT answers, count the
DNS-querying terms and find the effective `all`.

Why not checkdmarc's `parse_spf_record` here: it resolves while it parses (so it cannot be table-tested without a
network), keeps a process-wide 30-minute DNS cache (a rescan after a fix, or two tests reusing a name, would see
stale answers) and resolves `exp=` through the system resolver instead of the injected one. The retrieval side
(`retrieve.fetch_spf_tree`) fetches the TXT answers with the context's resolver; this module only reads them.

Counting (RFC 7208 §4.6.4): `include`, `a`, `mx`, `ptr`, `exists` and `redirect` each cost one lookup, recursively
through includes and redirects; more than 10 is a permerror. A loop (a name included again while it is being
evaluated) is a permerror too. An include whose target has no SPF record is a permerror (§5.2).

Void lookups (RFC 7208 §4.6.4): an `a`, `mx` or `exists` term whose DNS query answers NXDOMAIN or no records is a
void lookup; more than two are a permerror ("SPF implementations SHOULD limit void lookups to two"). Retrieval
resolves each such term once (`host_keys`) and passes the record counts in `hosts`: "A:<name>" (A and AAAA
together, for `a` and `exists`) and "MX:<name>"; a count of None means the query failed (not counted as void).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_LOOKUPS = 10
MAX_VOID_LOOKUPS = 2
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
MECHANISMS = LOOKUP_MECHANISMS | {"all", "ip4", "ip6"}
_TERM = re.compile(r"^([+\-~?]?)([a-z0-9]+)(?:([:/])(.*))?$", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.-]*)=(.*)$", re.IGNORECASE)

# error kinds
MISSING = "missing"
MULTIPLE = "multiple"
SYNTAX = "syntax"
TOO_MANY_LOOKUPS = "too_many_lookups"
TOO_MANY_VOID_LOOKUPS = "too_many_void_lookups"
LOOP = "loop"
INCLUDE_WITHOUT_SPF = "include_without_spf"
TEMPERROR = "temperror"  # a DNS time-out or SERVFAIL on the way: nothing can be said


@dataclass(frozen=True)
class TxtAnswer:
    """TXT strings at a name (each record's strings joined), with the lookup's rcode (NOERROR, NXDOMAIN,
    SERVFAIL, TIMEOUT, ERROR)."""

    rcode: str
    texts: tuple[str, ...] = ()
    error: str = ""


@dataclass
class SpfAnalysis:
    domain: str
    record: str = ""
    all: str = ""  # qualifier of the effective all: "-", "~", "?", "+", or "" (none: neutral)
    lookups: int = 0
    void_lookups: int = 0
    error: str = ""
    detail: str = ""
    includes: list[str] = field(default_factory=list)  # every name followed (include and redirect targets)
    authorises: bool = False  # some mechanism other than -all/~all/?all could pass mail

    def as_evidence(self) -> dict[str, object]:
        return {
            "record": self.record,
            "all": self.all,
            "lookups": self.lookups,
            "void_lookups": self.void_lookups,
            "error": self.error,
            "detail": self.detail,
            "includes": self.includes,
        }


def spf_records(texts: tuple[str, ...] | list[str]) -> list[str]:
    """The TXT strings that are SPF records: exactly 'v=spf1' or 'v=spf1 ...' (RFC 7208 §4.5)."""
    return [t for t in texts if t.lower() == "v=spf1" or t.lower().startswith("v=spf1 ")]


class _Stop(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _record_at(name: str, answers: Mapping[str, TxtAnswer], *, for_include: bool) -> str:
    answer = answers.get(name)
    if answer is None:
        raise _Stop(TEMPERROR, f"{name}: not retrieved")
    if answer.rcode not in ("NOERROR", "NXDOMAIN"):
        raise _Stop(TEMPERROR, f"{name}: {answer.rcode} {answer.error}".strip())
    records = spf_records(answer.texts)
    if not records:
        if for_include:
            raise _Stop(INCLUDE_WITHOUT_SPF, f"{name}: no SPF record ({answer.rcode})")
        raise _Stop(MISSING, f"{name}: no SPF record")
    if len(records) > 1:
        raise _Stop(MULTIPLE, f"{name}: {len(records)} SPF records")
    return records[0]


def host_key(mechanism: str, separator: str, value: str, name: str) -> str | None:
    """The `hosts` key an a/mx/exists term queries ("A:<name>" or "MX:<name>"), or None for a macro."""
    target = value.split("/", 1)[0] if separator == ":" else name
    target = target.lower().rstrip(".")
    if not target or "%" in target:
        return None
    return f"{'MX' if mechanism == 'mx' else 'A'}:{target}"


def _walk(
    name: str,
    record: str,
    answers: Mapping[str, TxtAnswer],
    stack: list[str],
    out: SpfAnalysis,
    hosts: Mapping[str, int | None],
) -> str:
    """Evaluate one record; returns its effective all-qualifier. Adds lookups to `out`."""
    terms = record.split()[1:]
    all_qualifier = ""
    has_all = False
    redirect = ""
    for term in terms:
        modifier = _MODIFIER.match(term)
        if modifier and modifier.group(1).lower() not in MECHANISMS:
            key, value = modifier.group(1).lower(), modifier.group(2)
            if key == "redirect":
                if redirect:
                    raise _Stop(SYNTAX, f"{name}: more than one redirect")
                if not value:
                    raise _Stop(SYNTAX, f"{name}: empty redirect")
                redirect = value.lower().rstrip(".")
            continue  # exp= and unknown modifiers are allowed and cost nothing
        match = _TERM.match(term)
        if not match or match.group(2).lower() not in MECHANISMS:
            raise _Stop(SYNTAX, f"{name}: unknown term {term!r}")
        qualifier = match.group(1) or "+"
        mechanism = match.group(2).lower()
        separator = match.group(3) or ""
        value = match.group(4) or ""
        if mechanism == "all":
            if separator:
                raise _Stop(SYNTAX, f"{name}: 'all' takes no value ({term!r})")
            if not has_all:
                all_qualifier = qualifier
                has_all = True
            continue
        if qualifier == "+" and not has_all:
            out.authorises = True
        if mechanism in ("ip4", "ip6"):
            if separator != ":":
                raise _Stop(SYNTAX, f"{name}: {mechanism} needs an address ({term!r})")
            try:
                network = ipaddress.ip_network(value, strict=False)
            except ValueError as exc:
                raise _Stop(SYNTAX, f"{name}: bad {mechanism} {value!r}") from exc
            if network.version != (4 if mechanism == "ip4" else 6):
                raise _Stop(SYNTAX, f"{name}: {mechanism} with an IPv{network.version} address")
            continue
        out.lookups += 1
        if mechanism in ("include", "exists") and (separator != ":" or not value):
            raise _Stop(SYNTAX, f"{name}: {mechanism} needs a domain ({term!r})")
        if out.lookups > MAX_LOOKUPS:
            raise _Stop(TOO_MANY_LOOKUPS, f"more than {MAX_LOOKUPS} DNS lookups (at {name}: {term})")
        if mechanism in ("a", "mx", "exists"):
            key = host_key(mechanism, separator, value, name)
            if key is not None and hosts.get(key) == 0:
                out.void_lookups += 1
                if out.void_lookups > MAX_VOID_LOOKUPS:
                    raise _Stop(
                        TOO_MANY_VOID_LOOKUPS,
                        f"more than {MAX_VOID_LOOKUPS} void DNS lookups (at {name}: {term})",
                    )
        if mechanism == "include":
            target = value.lower().rstrip(".")
            if "%" in target:
                continue  # a macro: expanded per message, not followable here
            if target in stack:
                raise _Stop(LOOP, f"include loop: {' → '.join([*stack, target])}")
            out.includes.append(target)
            child = _record_at(target, answers, for_include=True)
            _walk(target, child, answers, [*stack, target], out, hosts)
    if redirect and not has_all:
        out.lookups += 1
        if out.lookups > MAX_LOOKUPS:
            raise _Stop(TOO_MANY_LOOKUPS, f"more than {MAX_LOOKUPS} DNS lookups (at {name}: redirect)")
        if "%" in redirect:
            return ""
        if redirect in stack:
            raise _Stop(LOOP, f"redirect loop: {' → '.join([*stack, redirect])}")
        out.includes.append(redirect)
        child = _record_at(redirect, answers, for_include=True)
        return _walk(redirect, child, answers, [*stack, redirect], out, hosts)
    return all_qualifier


def analyse(
    domain: str, answers: Mapping[str, TxtAnswer], hosts: Mapping[str, int | None] | None = None
) -> SpfAnalysis:
    """The SPF verdict for `domain` from TXT answers keyed by name (the domain and every include/redirect target)
    and, for the void-lookup limit, the record counts of the a/mx/exists terms (`hosts`). Never raises."""
    out = SpfAnalysis(domain=domain)
    try:
        out.record = _record_at(domain, answers, for_include=False)
        out.all = _walk(domain, out.record, answers, [domain], out, hosts or {})
    except _Stop as stop:
        out.error, out.detail = stop.kind, stop.detail
        if stop.kind == MULTIPLE:
            out.detail = f"{stop.detail}: " + " | ".join(spf_records(answers[domain].texts))
    return out


def targets(record: str) -> list[str]:
    """The include/redirect targets named in one record (what retrieval must fetch next)."""
    found = []
    for term in record.split()[1:]:
        lowered = term.lower()
        for prefix in ("include:", "+include:", "-include:", "~include:", "?include:", "redirect="):
            if lowered.startswith(prefix):
                value = lowered[len(prefix) :].rstrip(".")
                if value and "%" not in value:
                    found.append(value)
    return found


def host_keys(name: str, record: str) -> list[str]:
    """The "A:<name>" / "MX:<name>" queries one record's a/mx/exists terms make (what retrieval resolves)."""
    keys = []
    for term in record.split()[1:]:
        match = _TERM.match(term)
        if not match or match.group(2).lower() not in ("a", "mx", "exists"):
            continue
        key = host_key(match.group(2).lower(), match.group(3) or "", match.group(4) or "", name)
        if key is not None and key not in keys:
            keys.append(key)
    return keys
