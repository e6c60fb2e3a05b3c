"""Mail family retrieval: DNS through the shared resolver factory, SMTP STARTTLS to each MX and the MTA-STS policy
over HTTPS (`probes.py`). Never raises for network trouble; `evaluate.py` judges what came back."""

from __future__ import annotations

import ipaddress
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import dns.resolver

from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.dns.resolver import (
    NOERROR,
    NXDOMAIN,
    TIMEOUT,
    Lookup,
    host_addresses,
    lookup,
    make_resolver,
)
from marketplace.cyber.checks.dns.retrieve import normalise_target
from marketplace.cyber.checks.mail import spf
from marketplace.cyber.checks.mail.probes import HttpFetch, SmtpProbe, fetch_https, probe_starttls
from marketplace.cyber.checks.mail.spf import TxtAnswer

MAX_MX = 10  # MX hosts probed for STARTTLS (by preference)
MAX_SPF_FETCHES = 25  # include/redirect targets fetched; beyond that the lookup limit is long exceeded
MAX_SPF_HOST_QUERIES = 20  # a/mx/exists terms resolved for the void-lookup count
PROBE_WORKERS = 4
MTA_STS_PATH = "/.well-known/mta-sts.txt"


@dataclass(frozen=True)
class MailEvidence:
    domain: str
    mx: Lookup
    mx_hosts: list[tuple[int, str]] = field(default_factory=list)  # (preference, host) in preference order
    null_mx: bool = False
    spf: dict[str, TxtAnswer] = field(default_factory=dict)  # domain and include/redirect targets
    dmarc: TxtAnswer | None = None
    org_domain: str = ""
    dmarc_org: TxtAnswer | None = None
    dkim: TxtAnswer | None = None  # _domainkey.<domain>: NOERROR (exists) vs NXDOMAIN
    mta_sts: TxtAnswer | None = None
    mta_sts_policy: HttpFetch | None = None
    tls_rpt: TxtAnswer | None = None
    smtp: list[SmtpProbe] = field(default_factory=list)
    smtp_port: int = 25
    mx_problems: dict[str, str] = field(default_factory=dict)  # MX host -> why it has no address to probe
    tlsa: dict[str, Lookup] = field(
        default_factory=dict
    )  # MX host -> TLSA at _25._tcp.<mx> (DANE, shown only)
    spf_hosts: dict[str, int | None] = field(
        default_factory=dict
    )  # "A:<name>"/"MX:<name>" -> records (void: 0)


def txt_answer(resolver: dns.resolver.Resolver, name: str) -> TxtAnswer:
    found = lookup(resolver, name, "TXT")
    texts: list[str] = []
    for rdata in found.rrset or []:
        joined = b"".join(rdata.strings)
        texts.append(joined.decode("utf-8", errors="replace"))
    return TxtAnswer(found.rcode, tuple(texts), found.error)


def fetch_spf_tree(resolver: dns.resolver.Resolver, domain: str) -> dict[str, TxtAnswer]:
    """TXT at the domain and, breadth-first, at every include/redirect target named by the SPF records found."""
    answers: dict[str, TxtAnswer] = {}
    queue = [domain]
    while queue and len(answers) < MAX_SPF_FETCHES:
        name = queue.pop(0)
        if name in answers:
            continue
        answer = txt_answer(resolver, name)
        answers[name] = answer
        records = spf.spf_records(answer.texts)
        if len(records) == 1:
            queue.extend(t for t in spf.targets(records[0]) if t not in answers)
    return answers


def _records(found: Lookup) -> int | None:
    if found.rcode == NXDOMAIN:
        return 0
    if found.rcode != NOERROR:
        return None
    return len(found.rrset or [])


def fetch_spf_hosts(resolver: dns.resolver.Resolver, answers: dict[str, TxtAnswer]) -> dict[str, int | None]:
    """Record counts for the a/mx/exists terms of the SPF records fetched (spf.host_keys): "A:<name>" counts A
    and AAAA together, "MX:<name>" the MX records; None when a query failed."""
    keys: list[str] = []
    for name, answer in answers.items():
        records = spf.spf_records(answer.texts)
        if len(records) == 1:
            keys.extend(key for key in spf.host_keys(name, records[0]) if key not in keys)
    counts: dict[str, int | None] = {}
    for key in keys[:MAX_SPF_HOST_QUERIES]:
        kind, name = key.split(":", 1)
        if kind == "MX":
            counts[key] = _records(lookup(resolver, name, "MX"))
            continue
        v4, v6 = _records(lookup(resolver, name, "A")), _records(lookup(resolver, name, "AAAA"))
        counts[key] = None if v4 is None or v6 is None else v4 + v6
    return counts


def organisational_domain(domain: str) -> str:
    """The registrable domain by the Public Suffix List (bundled with checkdmarc; no network)."""
    from checkdmarc.utils import get_base_domain

    try:
        return str(get_base_domain(domain))
    except (ValueError, UnicodeError):
        return domain


def _mx_hosts(mx: Lookup) -> tuple[list[tuple[int, str]], bool]:
    if mx.rrset is None:
        return [], False
    entries = sorted(
        (int(rdata.preference), rdata.exchange.to_text().rstrip(".").lower()) for rdata in mx.rrset
    )
    null_mx = len(entries) == 1 and entries[0][1] == ""
    return [(pref, host) for pref, host in entries if host], null_mx


def _probe_targets(
    resolver: dns.resolver.Resolver, hosts: list[str], context: ScanContext
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(MX, address) pairs to probe: one IPv4 and one IPv6 address per MX (as internet.nl does)."""
    pairs: list[tuple[str, str]] = []
    problems: dict[str, str] = {}
    for host in hosts:
        addresses, problem = host_addresses(resolver, host, context)
        if not addresses:
            problems[host] = problem
            continue
        v4 = [a for a in addresses if ipaddress.ip_address(a).version == 4]
        v6 = [a for a in addresses if ipaddress.ip_address(a).version == 6]
        pairs.extend((host, a) for a in (v4[:1] + v6[:1]))
    return pairs, problems


def retrieve(target: str, context: ScanContext) -> MailEvidence:
    domain = normalise_target(target)
    resolver = make_resolver(context)
    mx = lookup(resolver, domain, "MX")
    if mx.rcode in (NXDOMAIN, TIMEOUT):
        return MailEvidence(domain, mx)  # no domain, or its DNS does not answer: every check is an ERROR
    hosts, null_mx = _mx_hosts(mx)
    spf_answers = fetch_spf_tree(resolver, domain)
    spf_hosts = fetch_spf_hosts(resolver, spf_answers)
    dmarc = txt_answer(resolver, f"_dmarc.{domain}")
    org = organisational_domain(domain)
    dmarc_org = None
    if org != domain and not any(t.lower().startswith("v=dmarc1") for t in dmarc.texts):
        dmarc_org = txt_answer(resolver, f"_dmarc.{org}")
    smtp_port = context.port("smtp", 25)
    if null_mx:
        return MailEvidence(
            domain, mx, [], True, spf_answers, dmarc, org, dmarc_org, smtp_port=smtp_port, spf_hosts=spf_hosts
        )
    dkim = txt_answer(resolver, f"_domainkey.{domain}")
    mta_sts = txt_answer(resolver, f"_mta-sts.{domain}")
    policy = None
    if mta_sts.rcode == NOERROR and any(t.lower().startswith("v=stsv1") for t in mta_sts.texts):
        policy_host = f"mta-sts.{domain}"
        addresses, problem = host_addresses(resolver, policy_host, context)
        policy = (
            fetch_https(policy_host, MTA_STS_PATH, addresses, context)
            if addresses
            else HttpFetch(f"https://{policy_host}{MTA_STS_PATH}", error=f"no address: {problem}")
        )
    tls_rpt = txt_answer(resolver, f"_smtp._tls.{domain}")
    pairs, problems = _probe_targets(resolver, [h for _, h in hosts[:MAX_MX]], context)
    tlsa = {host: lookup(resolver, f"_25._tcp.{host}", "TLSA") for _, host in hosts[:MAX_MX]}
    probes: list[SmtpProbe] = []
    if pairs:
        with ThreadPoolExecutor(max_workers=min(PROBE_WORKERS, len(pairs))) as pool:
            probes = list(pool.map(lambda pair: probe_starttls(pair[0], pair[1], context), pairs))
    return MailEvidence(
        domain,
        mx,
        hosts,
        False,
        spf_answers,
        dmarc,
        org,
        dmarc_org,
        dkim,
        mta_sts,
        policy,
        tls_rpt,
        probes,
        smtp_port,
        problems,
        tlsa,
        spf_hosts,
    )
