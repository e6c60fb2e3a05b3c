"""Evaluation of the web family, pure: `WebEvidence` -> one `CheckResult` per check id.

Levels and points follow internet.nl where it has the subtest (cyber-privacy.md §A1.3); the Observatory-only
ones are RECOMMENDED, except `web.headers` (the whole Observatory score) which is REQUIRED and is the
WEB_HEADERS category's score.

Outcomes of retrieval:
- nothing answered on either port (refused, time-out, garbage, unresolvable, refused by net.guard...): every
  check is ERROR, the host could not be tested;
- a port that cannot be connected to (refused, or no TCP connection: `unreachable`, a filtered port) means
  'nothing listens'. HTTP not listening while HTTPS works passes `web.https_forced` (internet.nl: no HTTP);
- HTTPS not listening while HTTP answers: `web.https_exists` FAILs (a finding: no HTTPS), HSTS and security.txt are
  NOT_TESTED, the Observatory scores the HTTP response (as the hosted service does);
- any other trouble on a fetch a check needs (time-out, garbage, huge head, redirect loop): that check is ERROR;
- an untrusted certificate: like internet.nl, HTTPS exists (`cert_trusted: false` and the verification error in
  the evidence; the TLS family grades the certificate), HSTS is still read from the response, and the
  Observatory deducts `hsts-invalid-cert` / `redirection-invalid-cert`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from marketplace.cyber.checks.base import FULL, LESS, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.checks.web import observatory, securitytxt
from marketplace.cyber.checks.web.retrieve import (
    CONNECTION_REFUSED,
    CORS_PROBE_ORIGIN,
    UNREACHABLE,
    Fetch,
    Hop,
    WebEvidence,
)
from marketplace.cyber.intel_rules import software_strings

HSTS_MIN_MAX_AGE = 31_536_000  # internet.nl: one year
HEADERS_PASS_SCORE = 90  # Observatory grade A or better
SCANNABLE_STATUSES = (401, 403)  # plus 2xx and 3xx (§A2: otherwise the Observatory scan fails)

# check id -> (category, level)
CHECKS: dict[str, tuple[Category, Level]] = {
    "web.https_exists": (Category.WEB_TRANSPORT, Level.REQUIRED),
    "web.https_forced": (Category.WEB_TRANSPORT, Level.REQUIRED),
    "web.hsts": (Category.WEB_TRANSPORT, Level.REQUIRED),
    "web.headers": (Category.WEB_HEADERS, Level.REQUIRED),
    "web.csp": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.x_content_type_options": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.x_frame_options": (Category.WEB_HEADERS, Level.INFORMATIONAL),
    "web.referrer_policy": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.cookies": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.cors": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.sri": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.cross_origin": (Category.WEB_HEADERS, Level.RECOMMENDED),
    "web.security_txt": (Category.DISCLOSURE, Level.RECOMMENDED),
    # what the responses say about the software behind them (Server, X-Powered-By, generator tags), for the
    # threat-intelligence matching; shown, never scored
    "web.software": (Category.VULNERABILITIES, Level.INFORMATIONAL),
}
CHECK_IDS: tuple[str, ...] = tuple(CHECKS)

# check id -> the Observatory tests it reports
OBSERVATORY_CHECKS: dict[str, tuple[str, ...]] = {
    "web.csp": ("content-security-policy",),
    "web.x_content_type_options": ("x-content-type-options",),
    "web.x_frame_options": ("x-frame-options",),
    "web.referrer_policy": ("referrer-policy",),
    "web.cookies": ("cookies",),
    "web.cors": ("cross-origin-resource-sharing",),
    "web.sri": ("subresource-integrity",),
    "web.cross_origin": (
        "cross-origin-opener-policy",
        "cross-origin-embedder-policy",
        "cross-origin-resource-policy",
    ),
}


def result(check_id: str, status: Status, points: int, evidence: dict[str, Any], target: str) -> CheckResult:
    category, level = CHECKS[check_id]
    return CheckResult(
        check_id=check_id,
        category=category,
        status=status,
        level=level,
        points=points,
        max_points=FULL,
        evidence=evidence,
        target=target,
    )


def error(check_id: str, target: str, kind: str, detail: str, **extra: Any) -> CheckResult:
    return result(check_id, Status.ERROR, NONE, {"error": kind, "detail": detail, **extra}, target)


def _unmet(check_id: str) -> Status:
    """How a check that is not met shows: FAIL when required, WARNING when recommended, INFO when informational."""
    level = CHECKS[check_id][1]
    return {Level.REQUIRED: Status.FAIL, Level.RECOMMENDED: Status.WARNING}.get(level, Status.INFO)


def _absent(fetch: Fetch) -> bool:
    """Nothing listens on the port (refused, or no TCP connection at all): a finding, not an error. internet.nl and
    the Observatory read a port that cannot be connected to as 'no HTTP(S) listener' the same way."""
    return not fetch.hops and fetch.error in (CONNECTION_REFUSED, UNREACHABLE)


def _hop_summary(hop: Hop) -> dict[str, Any]:
    return {
        "url": hop.url,
        "status": hop.status,
        "cert_trusted": hop.cert_trusted,
        "cert_error": hop.cert_error,
    }


def evaluate(evidence: WebEvidence) -> list[CheckResult]:
    host = evidence.host
    if evidence.error:
        return [error(check_id, host, evidence.error, evidence.detail) for check_id in CHECK_IDS]
    https, http = evidence.https, evidence.http
    if not https.hops and not http.hops:
        detail = {"https": https.as_dict(), "http": http.as_dict()}
        kind = http.error if _absent(https) else https.error
        message = f"https: {https.detail}; http: {http.detail}"
        return [error(check_id, host, kind, message, fetches=detail) for check_id in CHECK_IDS]
    results = [https_exists(evidence), https_forced(evidence), hsts(evidence)]
    results += headers(evidence)
    results.append(security_txt(evidence))
    results.append(software(evidence))
    return results


def software(evidence: WebEvidence) -> CheckResult:
    """The products the final HTTPS and HTTP responses name: [source, text] pairs, in order, no repeats."""
    found: list[list[str]] = []
    for fetch in (evidence.https, evidence.http):
        final = fetch.final
        if final is None:
            continue
        for source, text in software_strings(dict(final.headers), fetch.body):
            if [source, text] not in found:
                found.append([source, text])
    return result("web.software", Status.INFO, NONE, {"software": found}, evidence.host)


def https_exists(evidence: WebEvidence) -> CheckResult:
    check_id, https = "web.https_exists", evidence.https
    if https.first is not None:
        return result(
            check_id,
            Status.PASS,
            FULL,
            {**_hop_summary(https.first), "fetch": https.as_dict()},
            evidence.host,
        )
    if _absent(https):
        return result(
            check_id, Status.FAIL, NONE, {"error": https.error, "detail": https.detail}, evidence.host
        )
    return error(check_id, evidence.host, https.error, https.detail)


def https_forced(evidence: WebEvidence) -> CheckResult:
    check_id, http, https, host = "web.https_forced", evidence.http, evidence.https, evidence.host
    if https.first is None:
        if _absent(https):
            return result(check_id, Status.NOT_TESTED, NONE, {"reason": "no_https"}, host)
        return error(check_id, host, https.error, https.detail)
    if _absent(http):
        return result(check_id, Status.PASS, FULL, {"reason": "no_http", "detail": http.detail}, host)
    if not http.hops:
        return error(check_id, host, http.error, http.detail)
    route = [hop.url for hop in http.hops]
    evidence_data: dict[str, Any] = {"route": route, "statuses": [hop.status for hop in http.hops]}
    first_hop = http.hops[0]
    if first_hop.location is None:
        return result(check_id, Status.FAIL, NONE, {**evidence_data, "reason": "no_redirect"}, host)
    if http.error:
        return error(check_id, host, http.error, http.detail, **evidence_data)
    parts = [urlsplit(url) for url in route]
    if parts[-1].scheme != "https":
        reason = "not_to_https"
    elif parts[1].scheme != "https":
        reason = "initial_redirect_not_https"
    elif parts[1].hostname != parts[0].hostname:
        reason = "initial_redirect_off_host"
    else:
        return result(check_id, Status.PASS, FULL, {**evidence_data, "reason": "redirect_to_https"}, host)
    return result(check_id, Status.FAIL, NONE, {**evidence_data, "reason": reason}, host)


def hsts(evidence: WebEvidence) -> CheckResult:
    check_id, https, host = "web.hsts", evidence.https, evidence.host
    first = https.first
    if first is None:
        if _absent(https):
            return result(check_id, Status.NOT_TESTED, NONE, {"reason": "no_https"}, host)
        return error(check_id, host, https.error, https.detail)
    values = first.header_all("strict-transport-security")
    data: dict[str, Any] = {"url": first.url, "cert_trusted": first.cert_trusted, "values": values}
    if not values:
        return result(check_id, Status.FAIL, NONE, {**data, "reason": "missing"}, host)
    parsed = observatory.parse_hsts(values[0])
    data.update(
        max_age=parsed.max_age,
        include_subdomains=parsed.include_subdomains,
        preload=parsed.preload,
        min_max_age=HSTS_MIN_MAX_AGE,
    )
    if not parsed.valid or parsed.max_age is None:
        return result(check_id, Status.FAIL, NONE, {**data, "reason": "invalid"}, host)
    if parsed.max_age == 0:
        return result(check_id, Status.FAIL, NONE, {**data, "reason": "max_age_zero"}, host)
    if parsed.max_age < HSTS_MIN_MAX_AGE:
        return result(check_id, Status.FAIL, LESS, {**data, "reason": "max_age_too_short"}, host)
    return result(check_id, Status.PASS, FULL, {**data, "reason": "ok"}, host)


def observatory_input(evidence: WebEvidence) -> observatory.ObservatoryInput | tuple[str, str]:
    """The Observatory's view of the site, or (error kind, detail) when there is no response to analyse."""
    https, http = evidence.https, evidence.http
    if https.final is not None:
        auto = https
    elif _absent(https) and http.final is not None:
        auto = http
    elif https.hops or not _absent(https):
        return (https.error, f"https: {https.detail}")
    else:
        return (http.error, f"http: {http.detail}")
    final = auto.final
    assert final is not None
    if not (200 <= final.status < 400 or final.status in SCANNABLE_STATUSES):
        return ("status_not_scannable", f"{final.url} answered {final.status}")
    cookies = [
        (value, hop.url.startswith("https:"))
        for fetch in (https, http)
        for hop in fetch.hops
        for value in hop.header_all("set-cookie")
    ]
    cors = evidence.cors.final if evidence.cors is not None else None
    return observatory.ObservatoryInput(
        url=final.url,
        headers=final.headers,
        body=auto.body,
        https_headers=https.first.headers if https.first is not None else None,
        https_cert_trusted=https.first.cert_trusted is not False if https.first is not None else True,
        http_route=[hop.url for hop in http.hops] if http.hops else None,
        http_route_cert_trusted=http.cert_trusted,
        set_cookies=cookies,
        cors_headers=cors.headers if cors is not None else None,
        cors_origin=CORS_PROBE_ORIGIN,
    )


def headers_points(score: int) -> int:
    """round(score / 10) with halves rounded up, at most 10."""
    return min(FULL, (score + 5) // 10)


def headers(evidence: WebEvidence) -> list[CheckResult]:
    host = evidence.host
    inp = observatory_input(evidence)
    if isinstance(inp, tuple):
        kind, detail = inp
        return [error(check_id, host, kind, detail) for check_id in ("web.headers", *OBSERVATORY_CHECKS)]
    outcome = observatory.evaluate(inp)
    modifiers = outcome.modifiers()
    status = Status.PASS if outcome.score >= HEADERS_PASS_SCORE else Status.FAIL
    summary = {
        "url": inp.url,
        "score": outcome.score,
        "grade": outcome.grade,
        "uncurved": outcome.uncurved,
        "modifiers": modifiers,
        "results": {name: test.result for name, test in outcome.tests.items()},
    }
    results = [result("web.headers", status, headers_points(outcome.score), summary, host)]
    for check_id, names in OBSERVATORY_CHECKS.items():
        tests = [outcome.tests[name] for name in names]
        data = {name: test.as_dict() for name, test in zip(names, tests, strict=True)}
        if check_id == "web.referrer_policy":
            # internet.nl: a missing Referrer-Policy is a notice, though the Observatory does not deduct for it
            met = tests[0].result == "referrer-policy-private"
        elif check_id == "web.cross_origin":
            # at least one isolating policy set, none invalid
            met = all(test.passed for test in tests) and sum(test.modifier for test in tests) > 0
        else:
            met = all(test.passed for test in tests)
        status = Status.PASS if met else _unmet(check_id)
        results.append(result(check_id, status, FULL if met else NONE, {"url": inp.url, "tests": data}, host))
    return results


def security_txt(evidence: WebEvidence) -> CheckResult:
    check_id, https, host = "web.security_txt", evidence.https, evidence.host
    fetch = evidence.security_txt
    if https.first is None:
        if _absent(https):
            return result(check_id, Status.NOT_TESTED, NONE, {"reason": "no_https"}, host)
        return error(check_id, host, https.error, https.detail)
    if fetch is None:
        return result(check_id, Status.NOT_TESTED, NONE, {"reason": "not_fetched"}, host)
    if fetch.error:
        return error(check_id, host, fetch.error, fetch.detail, fetch=fetch.as_dict())
    final = fetch.final
    assert final is not None
    data: dict[str, Any] = {
        "url": final.url,
        "status": final.status,
        "route": [hop.url for hop in fetch.hops],
        "cert_trusted": fetch.cert_trusted,
    }
    if final.status != 200:
        return result(check_id, _unmet(check_id), NONE, {**data, "errors": ["not_found"]}, host)
    content_type = (final.header("content-type") or "").split(";")[0].strip().lower()
    data["content_type"] = content_type
    parsed = securitytxt.parse(fetch.body, now=evidence.fetched_at, url=final.url)
    errors = list(parsed.errors)
    if content_type != "text/plain":
        errors.insert(0, "invalid_media_type")
    if final.url.startswith("http:"):
        errors.insert(0, "not_https")
    if fetch.body_truncated:
        errors.append("too_large")
    data.update(parsed.as_dict())
    data["errors"] = errors
    if errors:
        return result(check_id, _unmet(check_id), NONE, data, host)
    return result(check_id, Status.PASS, FULL, data, host)
