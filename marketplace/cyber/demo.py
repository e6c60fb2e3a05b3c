"""Demo CyberX data: assets and three finished scans (about eight weeks apart, the newest yesterday) for state bodies,
municipalities and three suppliers, built directly as Scan and ScanResult rows (no network), so `make demo` shows a
score, a trend, deductions, the peer comparison and the supplier panels in the catalogue.

The results are invented: each organisation has a few problems, and every scan fixes some of them. Addresses are
from the documentation ranges (192.0.2.0/24, 2001:db8::/32). Scores are computed like the methodology page
describes (category % of counting results, weighted mean, grade bands). Idempotent: an organisation that already
has a scan is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.cyber import scoring
from marketplace.cyber.checks.base import Category, CheckResult, Level, Status
from marketplace.cyber.models import Asset, AssetKind, AssetSource, Scan, ScanResult, ScanStatus

# check id -> (category, level, target kind): "domain" checks run on the domain, "host" checks on www.<domain>.
CHECKS: list[tuple[str, str, str, str]] = [
    ("web.https_exists", "web_transport", "required", "host"),
    ("web.https_forced", "web_transport", "required", "host"),
    ("web.hsts", "web_transport", "required", "host"),
    ("tls.protocols", "web_transport", "required", "host"),
    ("tls.ciphers", "web_transport", "required", "host"),
    ("tls.key_exchange", "web_transport", "required", "host"),
    ("tls.certificate_trust", "web_transport", "required", "host"),
    ("tls.certificate_name", "web_transport", "required", "host"),
    ("tls.certificate_key", "web_transport", "required", "host"),
    ("tls.certificate_signature", "web_transport", "required", "host"),
    ("tls.ocsp_stapling", "web_transport", "recommended", "host"),
    ("web.csp", "web_headers", "required", "host"),
    ("web.x_content_type_options", "web_headers", "required", "host"),
    ("web.x_frame_options", "web_headers", "required", "host"),
    ("web.referrer_policy", "web_headers", "required", "host"),
    ("web.cookies", "web_headers", "required", "host"),
    ("web.cross_origin", "web_headers", "informational", "host"),
    ("web.security_txt", "disclosure", "required", "host"),
    ("tls.certificate_expiry", "disclosure", "required", "host"),
    ("mail.mx", "email", "required", "domain"),
    ("mail.spf", "email", "required", "domain"),
    ("mail.dmarc", "email", "required", "domain"),
    ("mail.dkim", "email", "required", "domain"),
    ("mail.starttls", "email", "required", "domain"),
    ("mail.mta_sts", "email", "recommended", "domain"),
    ("mail.tls_rpt", "email", "recommended", "domain"),
    ("dns.dnssec", "dns", "required", "domain"),
    ("dns.ns_count", "dns", "required", "domain"),
    ("dns.caa", "dns", "recommended", "domain"),
    ("dns.ns_ipv6", "network", "required", "domain"),
    ("dns.web_ipv6", "network", "required", "host"),
]

# What was seen when a check passes, and when it does not (by check id).
EVIDENCE_GOOD: dict[str, dict[str, Any]] = {
    "web.hsts": {"header": "max-age=31536000; includeSubDomains"},
    "tls.protocols": {"offered": ["TLSv1.3", "TLSv1.2"]},
    "web.csp": {"header": "default-src 'self'; frame-ancestors 'none'"},
    "mail.spf": {"record": "v=spf1 include:spf.protection.outlook.com -all", "lookups": 3},
    "mail.dmarc": {"record": "v=DMARC1; p=reject; rua=mailto:dmarc@{domain}"},
    "dns.dnssec": {"status": "secure"},
    "tls.certificate_expiry": {"days_left": 71},
}
EVIDENCE_BAD: dict[str, dict[str, Any]] = {
    "web.hsts": {"header": "max-age=86400", "minimum": 31536000},
    "tls.protocols": {"offered": ["TLSv1.2", "TLSv1.1", "TLSv1.0"]},
    "tls.ciphers": {"insufficient": ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]},
    "web.csp": {"header": None},
    "web.x_frame_options": {"header": None, "frame_ancestors": None},
    "web.referrer_policy": {"header": "unsafe-url"},
    "web.cookies": {"cookie": "JSESSIONID", "missing": ["Secure", "SameSite"]},
    "web.security_txt": {"url": "https://www.{domain}/.well-known/security.txt", "http_status": 404},
    "mail.spf": {"record": "v=spf1 include:_spf.example.net ~all", "lookups": 4},
    "mail.dmarc": {"record": "v=DMARC1; p=none; rua=mailto:dmarc@{domain}"},
    "mail.dkim": {"name": "_domainkey.{domain}", "answer": "NXDOMAIN"},
    "mail.starttls": {"mx": "mx1.{domain}", "offered": ["TLSv1.0"]},
    "dns.dnssec": {"status": "insecure"},
    "dns.ns_ipv6": {"ns_with_aaaa": 1, "required": 2},
    "dns.web_ipv6": {"aaaa": []},
    "tls.certificate_expiry": {"days_left": 9},
    "mail.mta_sts": {"record": None},
    "dns.caa": {"records": []},
}

# orgnr or supplier name -> (domain, problems: check id -> points in the first scan, fixed after scan 1, after scan 2)
Profile = tuple[str, dict[str, int], tuple[str, ...], tuple[str, ...]]
PROFILES: dict[str, Profile] = {
    "970205039": (  # NVE
        "nve.no",
        {
            "web.hsts": 2,
            "tls.protocols": 5,
            "web.csp": 0,
            "mail.dmarc": 2,
            "dns.ns_ipv6": 2,
            "web.security_txt": 0,
        },
        ("web.hsts", "tls.protocols"),
        ("mail.dmarc", "web.security_txt"),
    ),
    "974761467": (  # Tolletaten
        "toll.no",
        {"web.csp": 0, "web.referrer_policy": 0, "mail.dkim": 0, "dns.web_ipv6": 0},
        ("mail.dkim",),
        ("web.referrer_policy",),
    ),
    "961181399": (  # Arkivverket
        "arkivverket.no",
        {
            "tls.protocols": 5,
            "tls.ciphers": 0,
            "web.csp": 0,
            "web.x_frame_options": 0,
            "mail.dmarc": 2,
            "dns.dnssec": 2,
        },
        ("tls.ciphers",),
        ("web.x_frame_options", "tls.protocols"),
    ),
    "971040238": (  # Statens kartverk
        "kartverket.no",
        {"web.csp": 0, "dns.ns_ipv6": 2, "web.cookies": 0},
        ("web.cookies",),
        (),
    ),
    "991825827": (  # Digitaliseringsdirektoratet
        "digdir.no",
        {"web.security_txt": 0, "web.csp": 0},
        ("web.security_txt",),
        ("web.csp",),
    ),
    "964338442": (  # Voss herad
        "voss.kommune.no",
        {
            "web.hsts": 0,
            "tls.protocols": 5,
            "web.csp": 0,
            "web.x_frame_options": 0,
            "mail.dmarc": 2,
            "mail.spf": 5,
            "dns.dnssec": 2,
            "dns.web_ipv6": 0,
            "tls.certificate_expiry": 0,
        },
        ("tls.certificate_expiry", "web.hsts"),
        ("mail.spf",),
    ),
    "939760946": (  # Volda kommune
        "volda.kommune.no",
        {"web.csp": 0, "web.referrer_policy": 0, "mail.dmarc": 2, "dns.ns_ipv6": 2, "mail.starttls": 5},
        ("mail.starttls",),
        ("mail.dmarc",),
    ),
    "921153082": (  # Sogndal kommune
        "sogndal.kommune.no",
        {"web.hsts": 2, "web.csp": 0, "mail.dkim": 0, "dns.dnssec": 2, "web.security_txt": 0},
        ("mail.dkim",),
        ("web.hsts",),
    ),
    "Nordsky AS": (
        "nordsky.example",
        {"web.csp": 0, "web.security_txt": 0},
        ("web.security_txt",),
        (),
    ),
    "Fjellskyen AS": (
        "fjellskyen.example",
        {"tls.protocols": 5, "web.hsts": 2, "mail.dmarc": 2, "web.csp": 0},
        ("web.hsts",),
        ("mail.dmarc",),
    ),
    "Atlanterhavet Sky Norge AS": (
        "atlanterhavet.example",
        {"web.referrer_policy": 0},
        (),
        ("web.referrer_policy",),
    ),
}
SCAN_AGES_DAYS = (57, 29, 1)


def _organisation(key: str) -> Organisation | None:
    if key.isdigit():
        return Organisation.objects.filter(orgnr=key).first()
    return Organisation.objects.filter(name=key, kind=OrganisationKind.SUPPLIER).first()


def _evidence(check_id: str, is_good: bool, domain: str) -> dict[str, Any]:
    source = EVIDENCE_GOOD if is_good else EVIDENCE_BAD
    evidence = source.get(check_id, {"observed": "ok" if is_good else "mangler"})
    return {
        key: value.replace("{domain}", domain) if isinstance(value, str) else value
        for key, value in evidence.items()
    }


def _status(level: str, points: int) -> str:
    if points == 10:
        return "pass"
    if level == "required":
        return "fail"
    return "warning" if level == "recommended" else "info"


def _results(domain: str, problems: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for check_id, category, level, target_kind in CHECKS:
        points = problems.get(check_id, 10)
        target = domain if target_kind == "domain" else f"www.{domain}"
        rows.append(
            {
                "target": target,
                "check_id": check_id,
                "category": category,
                "level": level,
                "status": _status(level, points),
                "points": points,
                "max_points": 10,
                "evidence": _evidence(check_id, points == 10, domain),
            }
        )
    return rows


def score(rows: list[dict[str, Any]]) -> scoring.ScoreCard:
    """The scan's score card, computed as a real scan's is (`scoring.score_results`)."""
    return scoring.score_results(
        CheckResult(
            check_id=row["check_id"],
            category=Category(row["category"]),
            status=Status(row["status"]),
            level=Level(row["level"]),
            points=row["points"],
            max_points=row["max_points"],
            target=row["target"],
        )
        for row in rows
    )


def _resolved(domain: str, n: int) -> dict[str, dict[str, list[str]]]:
    return {
        domain: {
            "A": [f"192.0.2.{n}"],
            "AAAA": [f"2001:db8::{n:x}"],
            "MX": [f"mx1.{domain}", f"mx2.{domain}"],
            "NS": [f"ns1.{domain}", f"ns2.{domain}"],
        },
        f"www.{domain}": {
            "A": [f"192.0.2.{n + 100}"],
            "AAAA": [f"2001:db8::{n + 100:x}"],
            "MX": [],
            "NS": [],
        },
    }


def seed_organisation(
    organisation: Organisation, profile: Profile, *, now: dt.datetime, n: int
) -> list[Scan]:
    domain, problems, fixed_first, fixed_second = profile
    domain_asset, _created = Asset.objects.get_or_create(
        organisation=organisation,
        name=domain,
        defaults={"kind": AssetKind.DOMAIN, "source": AssetSource.ENTERED},
    )
    host_asset, _created = Asset.objects.get_or_create(
        organisation=organisation,
        name=f"www.{domain}",
        defaults={"kind": AssetKind.HOST, "source": AssetSource.IMPORTED},
    )
    assets = {domain: domain_asset, f"www.{domain}": host_asset}
    open_problems = dict(problems)
    scans = []
    for index, age in enumerate(SCAN_AGES_DAYS):
        if index == 1:
            for check_id in fixed_first:
                open_problems.pop(check_id, None)
        elif index == 2:
            for check_id in fixed_second:
                open_problems.pop(check_id, None)
        rows = _results(domain, open_problems)
        card = score(rows)
        finished_at = now - dt.timedelta(days=age)
        scan = Scan.objects.create(
            organisation=organisation,
            status=ScanStatus.DONE,
            started_at=finished_at - dt.timedelta(minutes=3),
            finished_at=finished_at,
            score=card.score,
            grade=card.grade,
            category_scores=card.category_scores,
            resolved=_resolved(domain, n),
        )
        Scan.objects.filter(pk=scan.pk).update(created_at=finished_at - dt.timedelta(minutes=4))
        ScanResult.objects.bulk_create(
            [ScanResult(scan=scan, asset=assets[row["target"]], **row) for row in rows]
        )
        scans.append(scan)
    return scans


def seed(result: DemoResult, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for n, (key, profile) in enumerate(PROFILES.items(), start=1):
        organisation = _organisation(key)
        if organisation is None or Scan.objects.filter(organisation=organisation).exists():
            continue
        seed_organisation(organisation, profile, now=now, n=n)
    result.counts["cyber_assets"] = Asset.objects.count()
    result.counts["cyber_scans"] = Scan.objects.count()


def register() -> None:
    core_demo.register("cyber", seed, order=70)
