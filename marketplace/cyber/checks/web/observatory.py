"""The Mozilla/MDN HTTP Observatory score (cyber-privacy.md §A2), pure.

Twelve tests, each giving one expectation with a modifier. `score = 100 + Σ negative modifiers`; when that is at
least 90 the positive modifiers are added as well (the bonus gate); never below 0, no upper cap. The grade key is
`min(score − score mod 5, 100)`.

Deliberate differences from the hosted service, because the scanner runs offline:
- the HSTS preload list is not consulted, so `hsts-preloaded` (+5) and `redirection-all-redirects-preloaded` are
  never awarded (the `preload` directive is reported in the data);
- CORS looks at the `Access-Control-Allow-*` headers only, not crossdomain.xml / clientaccesspolicy.xml;
- 'same second-level domain' for SRI compares the last two labels (no public-suffix list);
- several CSP policies are merged directive by directive, the first policy naming a directive wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
SIX_MONTHS = 15_552_000  # the Observatory's threshold ("a white lie" for 15 768 000)

MODIFIERS: dict[str, int] = {
    # CSP
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-but-duplicate-directives": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "csp-not-implemented-but-reporting-enabled": -25,
    # Cookies
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    # CORS
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    # Redirection
    "redirection-all-redirects-preloaded": 0,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "redirection-invalid-cert": -20,
    # Referrer-Policy
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    # HSTS
    "hsts-preloaded": 5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "hsts-not-implemented-no-https": -20,
    "hsts-invalid-cert": -20,
    # SRI
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    # X-Content-Type-Options
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    # X-Frame-Options
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 5,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    # Cross-Origin-Resource-Policy
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-header-invalid": -5,
    # Cross-Origin-Embedder-Policy
    "cross-origin-embedder-policy-implemented-with-require-corp": 10,
    "cross-origin-embedder-policy-implemented-with-credentialless": 10,
    "cross-origin-embedder-policy-implemented-with-unsafe-none": 0,
    "cross-origin-embedder-policy-not-implemented": 0,
    "cross-origin-embedder-policy-header-invalid": -5,
    # Cross-Origin-Opener-Policy
    "cross-origin-opener-policy-implemented-with-same-origin": 10,
    "cross-origin-opener-policy-implemented-with-same-origin-allow-popups": 10,
    "cross-origin-opener-policy-implemented-with-noopener-allow-popups": 10,
    "cross-origin-opener-policy-implemented-with-unsafe-none": 0,
    "cross-origin-opener-policy-not-implemented": 0,
    "cross-origin-opener-policy-header-invalid": -5,
    # Generic
    "html-not-parseable": -20,
}

# The expectations that pass each test (the hosted service's "pass" flag).
PASSING: frozenset[str] = frozenset(
    {
        "csp-implemented-with-no-unsafe-default-src-none",
        "csp-implemented-with-no-unsafe",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
        "csp-implemented-but-duplicate-directives",
        "cookies-secure-with-httponly-sessions-and-samesite",
        "cookies-secure-with-httponly-sessions",
        "cookies-not-found",
        "cross-origin-resource-sharing-not-implemented",
        "cross-origin-resource-sharing-implemented-with-public-access",
        "cross-origin-resource-sharing-implemented-with-restricted-access",
        "redirection-all-redirects-preloaded",
        "redirection-to-https",
        "redirection-not-needed-no-http",
        "referrer-policy-private",
        "referrer-policy-not-implemented",
        "hsts-preloaded",
        "hsts-implemented-max-age-at-least-six-months",
        "sri-implemented-and-all-scripts-loaded-securely",
        "sri-implemented-and-external-scripts-loaded-securely",
        "sri-not-implemented-response-not-html",
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        "sri-not-implemented-but-no-scripts-loaded",
        "x-content-type-options-nosniff",
        "x-frame-options-implemented-via-csp",
        "x-frame-options-sameorigin-or-deny",
        "x-frame-options-allow-from-origin",
        "cross-origin-resource-policy-implemented-with-same-origin",
        "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin-resource-policy-implemented-with-cross-origin",
        "cross-origin-resource-policy-not-implemented",
        "cross-origin-embedder-policy-implemented-with-require-corp",
        "cross-origin-embedder-policy-implemented-with-credentialless",
        "cross-origin-embedder-policy-implemented-with-unsafe-none",
        "cross-origin-embedder-policy-not-implemented",
        "cross-origin-opener-policy-implemented-with-same-origin",
        "cross-origin-opener-policy-implemented-with-same-origin-allow-popups",
        "cross-origin-opener-policy-implemented-with-noopener-allow-popups",
        "cross-origin-opener-policy-implemented-with-unsafe-none",
        "cross-origin-opener-policy-not-implemented",
    }
)

GRADE_CHART: tuple[tuple[int, str], ...] = (
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
)

TEST_NAMES: tuple[str, ...] = (
    "content-security-policy",
    "cookies",
    "cross-origin-resource-sharing",
    "redirection",
    "referrer-policy",
    "strict-transport-security",
    "subresource-integrity",
    "x-content-type-options",
    "x-frame-options",
    "cross-origin-resource-policy",
    "cross-origin-embedder-policy",
    "cross-origin-opener-policy",
)

Headers = Sequence[tuple[str, str]]


def header_first(headers: Headers, name: str) -> str | None:
    name = name.lower()
    return next((value for key, value in headers if key.lower() == name), None)


def header_all(headers: Headers, name: str) -> list[str]:
    name = name.lower()
    return [value for key, value in headers if key.lower() == name]


@dataclass(frozen=True)
class ObservatoryInput:
    """What the tests look at. `headers`/`body`/`url` are the final response of the HTTPS fetch (the
    Observatory's 'auto' response; the HTTP one when the site has no HTTPS)."""

    url: str  # final URL of the analysed response
    headers: Headers = ()
    body: str = ""
    https_headers: Headers | None = None  # first response of https://host/; None = no HTTPS
    https_cert_trusted: bool = True
    http_route: Sequence[str] | None = None  # URLs from http://host/ to its final response; None = no HTTP
    http_route_cert_trusted: bool = True  # every HTTPS hop on that route had a trusted certificate
    set_cookies: Sequence[tuple[str, bool]] = ()  # (raw Set-Cookie value, received over HTTPS)
    cors_headers: Headers | None = None  # the response to the request sent with `cors_origin`
    cors_origin: str = ""


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False

    name: str
    result: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def modifier(self) -> int:
        return MODIFIERS[self.result]

    @property
    def passed(self) -> bool:
        return self.result in PASSING

    def as_dict(self) -> dict[str, Any]:
        return {"result": self.result, "modifier": self.modifier, "pass": self.passed, "data": self.data}


@dataclass(frozen=True)
class ObservatoryResult:
    score: int
    grade: str
    uncurved: int
    tests: dict[str, TestOutcome]

    def modifiers(self) -> dict[str, int]:
        return {name: outcome.modifier for name, outcome in self.tests.items()}


def score_modifiers(modifiers: Sequence[int]) -> int:
    """100 + penalties; bonuses only when that is >= 90; never below 0."""
    uncurved = 100 + sum(m for m in modifiers if m < 0)
    total = 100 + sum(modifiers) if uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT else uncurved
    return max(total, 0)


def grade(score: int) -> str:
    key = min(score - score % 5, 100)
    return next(letter for floor, letter in GRADE_CHART if key >= floor)


def evaluate(inp: ObservatoryInput) -> ObservatoryResult:
    page = parse_html(inp.body) if _is_html(inp.headers) else None
    csp = csp_test(inp, page)
    hsts = hsts_test(inp)
    tests = {
        "content-security-policy": csp,
        "cookies": cookies_test(inp, hsts_passed=hsts.passed),
        "cross-origin-resource-sharing": cors_test(inp),
        "redirection": redirection_test(inp),
        "referrer-policy": referrer_policy_test(inp, page),
        "strict-transport-security": hsts,
        "subresource-integrity": sri_test(inp, page),
        "x-content-type-options": xcto_test(inp),
        "x-frame-options": xfo_test(inp, csp),
        "cross-origin-resource-policy": corp_test(inp),
        "cross-origin-embedder-policy": coep_test(inp),
        "cross-origin-opener-policy": coop_test(inp),
    }
    modifiers = [outcome.modifier for outcome in tests.values()]
    uncurved = max(100 + sum(m for m in modifiers if m < 0), 0)
    score = score_modifiers(modifiers)
    return ObservatoryResult(score=score, grade=grade(score), uncurved=uncurved, tests=tests)


# --- HTML ---------------------------------------------------------------------------------------------------

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _is_html(headers: Headers) -> bool:
    mime = (header_first(headers, "content-type") or "").split(";")[0].strip().lower()
    return not mime or mime in HTML_TYPES


@dataclass
class Page:
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    http_equiv: dict[str, list[str]] = field(default_factory=dict)  # lower-cased http-equiv -> contents
    meta_referrer: list[str] = field(default_factory=list)  # <meta name="referrer">


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value for name, value in attrs}
        if tag == "script":
            self.page.scripts.append(
                {
                    "src": values.get("src"),
                    "integrity": values.get("integrity"),
                    "crossorigin": values.get("crossorigin"),
                }
            )
        elif tag == "meta":
            content = values.get("content")
            if content is None:
                return
            equiv = (values.get("http-equiv") or "").strip().lower()
            if equiv:
                self.page.http_equiv.setdefault(equiv, []).append(content)
            if (values.get("name") or "").strip().lower() == "referrer":
                self.page.meta_referrer.append(content)

    handle_startendtag = handle_starttag


def parse_html(body: str) -> Page:
    parser = _PageParser()
    parser.feed(body)
    parser.close()
    return parser.page


# --- CSP ------------------------------------------------------------------------------------------------------

DANGEROUSLY_BROAD = frozenset(
    {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
)
UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
BROAD_OR_INLINE = DANGEROUSLY_BROAD | UNSAFE_INLINE
PASSIVE_DIRECTIVES = ("img-src", "media-src")
NONCES_HASHES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
_DIRECTIVE_NAME = re.compile(r"^[a-z0-9-]+$")
# Directives a <meta http-equiv> policy may not carry (CSP3 §6.1)
META_IGNORED = frozenset({"frame-ancestors", "report-uri", "report-to", "sandbox"})


class CspInvalid(ValueError):
    pass


def parse_csp(policies: Sequence[str]) -> tuple[dict[str, list[str]], bool]:
    """Directive -> sources (lower-cased), and whether a directive repeated inside one policy. Raises CspInvalid."""
    merged: dict[str, list[str]] = {}
    duplicates = False
    for policy in policies:
        seen: set[str] = set()
        for part in policy.split(";"):
            tokens = part.strip().split()
            if not tokens:
                continue
            name = tokens[0].lower()
            if not _DIRECTIVE_NAME.match(name) or not all(t.isascii() and t.isprintable() for t in tokens):
                raise CspInvalid(f"bad directive {part.strip()[:80]!r}")
            if name in seen:
                duplicates = True
                continue
            seen.add(name)
            if name not in merged:
                merged[name] = [
                    t.lower() if not t.lower().startswith(NONCES_HASHES) else t for t in tokens[1:]
                ]
    if not merged and any(p.strip() for p in policies):
        raise CspInvalid("no directives")
    return merged, duplicates


def _split_policies(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _has_nonce_or_hash(sources: Sequence[str]) -> bool:
    return any(s.lower().startswith(NONCES_HASHES) for s in sources)


def csp_test(inp: ObservatoryInput, page: Page | None) -> TestOutcome:
    name = "content-security-policy"
    header_policies = _split_policies(header_all(inp.headers, "content-security-policy"))
    meta_policies = _split_policies(page.http_equiv.get("content-security-policy", [])) if page else []
    try:
        csp, duplicates = parse_csp(header_policies + meta_policies)
    except CspInvalid as exc:
        return TestOutcome(name, "csp-header-invalid", {"error": str(exc)})
    try:
        header_csp, _ = parse_csp(header_policies)
    except CspInvalid:
        header_csp = {}
    try:
        meta_csp, _ = parse_csp(meta_policies)
    except CspInvalid:
        meta_csp = {}
    meta_csp = {k: v for k, v in meta_csp.items() if k not in META_IGNORED}
    if not header_csp and not meta_csp:
        if header_first(inp.headers, "content-security-policy-report-only"):
            return TestOutcome(name, "csp-not-implemented-but-reporting-enabled")
        return TestOutcome(name, "csp-not-implemented")
    data: dict[str, Any] = {"policy": {k: sorted(v) for k, v in csp.items()}, "http": bool(header_policies)}
    data["meta"] = bool(meta_policies)
    default_src = csp.get("default-src")
    object_src = set(csp.get("object-src") or default_src or ["*"])
    script_src = set(csp.get("script-src") or default_src or ["*"])
    style_src = set(csp.get("style-src") or default_src or ["*"])
    for sources in (script_src, style_src):
        if _has_nonce_or_hash(list(sources)):
            sources.discard("'unsafe-inline'")
    result: str | None = None
    if "'strict-dynamic'" in script_src:
        if _has_nonce_or_hash(list(script_src)):
            for source in list(script_src):
                if any(source.startswith(b) for b in DANGEROUSLY_BROAD) or source in (
                    "'self'",
                    "'unsafe-inline'",
                ):
                    script_src.discard(source)
        else:
            result = "csp-header-invalid"
    active = [
        s for d, sources in csp.items() if d not in PASSIVE_DIRECTIVES and d != "script-src" for s in sources
    ]
    active += list(script_src)
    passive = [s for d in PASSIVE_DIRECTIVES for s in (csp.get(d) or default_src or [])]
    secure_site = urlsplit(inp.url).scheme == "https"

    def first(candidate: str, condition: bool) -> None:
        nonlocal result
        if condition and result is None:
            result = candidate

    first(
        "csp-implemented-with-unsafe-inline",
        bool(script_src & BROAD_OR_INLINE) or bool(object_src & DANGEROUSLY_BROAD),
    )
    first(
        "csp-implemented-with-insecure-scheme",
        secure_site and any(s.startswith(("http:", "ftp:")) for s in active),
    )
    first("csp-implemented-with-unsafe-eval", "'unsafe-eval'" in (script_src | style_src))
    first(
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
        secure_site and any(s.startswith(("http:", "ftp:")) for s in passive),
    )
    first("csp-implemented-with-unsafe-inline-in-style-src-only", bool(style_src & BROAD_OR_INLINE))
    first("csp-implemented-with-no-unsafe-default-src-none", default_src == ["'none'"])
    first("csp-implemented-with-no-unsafe", True)
    assert result is not None
    if result in PASSING and duplicates:
        result = "csp-implemented-but-duplicate-directives"
    frame_ancestors = header_csp.get("frame-ancestors")
    data["frame_ancestors"] = frame_ancestors
    data["anti_clickjacking"] = frame_ancestors is not None and not set(frame_ancestors) & DANGEROUSLY_BROAD
    return TestOutcome(name, result, data)


# --- Cookies -------------------------------------------------------------------------------------------------

COOKIE_BADNESS = (
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
)
IGNORED_COOKIES = frozenset({"heroku-session-affinity"})


@dataclass(frozen=True)
class Cookie:
    name: str
    secure: bool
    httponly: bool
    samesite: str | None  # the attribute's value as sent ("" when present without a value), None when absent
    over_https: bool


def parse_set_cookie(raw: str, *, over_https: bool) -> Cookie | None:
    parts = raw.split(";")
    name, sep, _ = parts[0].partition("=")
    name = name.strip()
    if not sep or not name:
        return None
    secure = httponly = False
    samesite: str | None = None
    for attribute in parts[1:]:
        key, _, value = attribute.strip().partition("=")
        key = key.strip().lower()
        if key == "secure":
            secure = True
        elif key == "httponly":
            httponly = True
        elif key == "samesite":
            samesite = value.strip()
    return Cookie(name, secure, httponly, samesite, over_https)


def _worse(new: str, current: str | None, order: Sequence[str]) -> str:
    if current is None or order.index(new) > order.index(current):
        return new
    return current


def cookies_test(inp: ObservatoryInput, *, hsts_passed: bool) -> TestOutcome:
    name = "cookies"
    cookies = [
        cookie
        for raw, over_https in inp.set_cookies
        if (cookie := parse_set_cookie(raw, over_https=over_https)) and cookie.name not in IGNORED_COOKIES
    ]
    if not cookies:
        return TestOutcome(name, "cookies-not-found")
    result: str | None = None
    missing_samesite = False
    for cookie in cookies:
        lower = cookie.name.lower()
        session = "login" in lower or "sess" in lower
        anticsrf = "csrf" in lower
        samesite = (cookie.samesite or "").lower()
        # a cookie sent over plain HTTP is exposed however it is flagged
        secure = cookie.secure and cookie.over_https
        if cookie.samesite is not None and samesite not in ("lax", "strict", "none"):
            result = _worse("cookies-samesite-flag-invalid", result, COOKIE_BADNESS)
        if not secure and samesite == "none":
            result = _worse("cookies-samesite-flag-invalid", result, COOKIE_BADNESS)
        if not secure:
            label = (
                "cookies-without-secure-flag-but-protected-by-hsts"
                if hsts_passed
                else "cookies-without-secure-flag"
            )
            result = _worse(label, result, COOKIE_BADNESS)
        if anticsrf and not cookie.samesite:
            result = _worse("cookies-anticsrf-without-samesite-flag", result, COOKIE_BADNESS)
        if session and not secure:
            label = (
                "cookies-session-without-secure-flag-but-protected-by-hsts"
                if hsts_passed
                else "cookies-session-without-secure-flag"
            )
            result = _worse(label, result, COOKIE_BADNESS)
        if session and not cookie.httponly:
            result = _worse("cookies-session-without-httponly-flag", result, COOKIE_BADNESS)
        if not cookie.samesite:
            missing_samesite = True
    if result is None:
        result = (
            "cookies-secure-with-httponly-sessions"
            if missing_samesite
            else "cookies-secure-with-httponly-sessions-and-samesite"
        )
    data = {
        c.name: {
            "secure": c.secure,
            "httponly": c.httponly,
            "samesite": c.samesite,
            "over_https": c.over_https,
        }
        for c in cookies
    }
    return TestOutcome(name, result, {"cookies": data})


# --- CORS, redirection, Referrer-Policy, HSTS -------------------------------------------------------------------


def cors_test(inp: ObservatoryInput) -> TestOutcome:
    name = "cross-origin-resource-sharing"
    if inp.cors_headers is None:
        return TestOutcome(name, "cross-origin-resource-sharing-not-implemented")
    acao = header_first(inp.cors_headers, "access-control-allow-origin")
    if not acao:
        return TestOutcome(name, "cross-origin-resource-sharing-not-implemented")
    credentials = (header_first(inp.cors_headers, "access-control-allow-credentials") or "").strip().lower()
    data = {
        "allow_origin": acao[:256].strip().lower(),
        "allow_credentials": credentials,
        "origin_sent": inp.cors_origin,
    }
    if acao.strip() == "*":
        return TestOutcome(name, "cross-origin-resource-sharing-implemented-with-public-access", data)
    if inp.cors_origin and acao.strip() == inp.cors_origin and credentials == "true":
        return TestOutcome(name, "cross-origin-resource-sharing-implemented-with-universal-access", data)
    return TestOutcome(name, "cross-origin-resource-sharing-implemented-with-restricted-access", data)


def redirection_test(inp: ObservatoryInput) -> TestOutcome:
    name = "redirection"
    if inp.http_route is None:
        return TestOutcome(name, "redirection-not-needed-no-http")
    route = list(inp.http_route)
    data: dict[str, Any] = {"route": route if len(str(route)) <= 8192 else []}
    if not inp.http_route_cert_trusted:
        return TestOutcome(name, "redirection-invalid-cert", data)
    parts = [urlsplit(url) for url in route]
    if len(route) == 1:
        return TestOutcome(name, "redirection-missing", data)
    if parts[-1].scheme != "https":
        return TestOutcome(name, "redirection-not-to-https", data)
    if parts[1].scheme == "http":
        return TestOutcome(name, "redirection-not-to-https-on-initial-redirection", data)
    if parts[0].scheme == "http" and parts[1].scheme == "https" and parts[0].hostname != parts[1].hostname:
        return TestOutcome(name, "redirection-off-host-from-http", data)
    return TestOutcome(name, "redirection-to-https", data)


REFERRER_PRIVATE = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
REFERRER_UNSAFE = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")


def referrer_policy_test(inp: ObservatoryInput, page: Page | None) -> TestOutcome:
    name = "referrer-policy"
    values = header_all(inp.headers, "referrer-policy")
    if page:
        values += page.http_equiv.get("referrer-policy", []) + page.meta_referrer
    if not values:
        return TestOutcome(name, "referrer-policy-not-implemented")
    joined = ", ".join(values)
    valid = [
        token.strip().lower()
        for token in joined.split(",")
        if token.strip().lower() in REFERRER_PRIVATE + REFERRER_UNSAFE
    ]
    policy = valid[-1] if valid else ""
    data = {"value": joined[:1024], "policy": policy}
    if policy in REFERRER_PRIVATE:
        return TestOutcome(name, "referrer-policy-private", data)
    if policy in REFERRER_UNSAFE:
        return TestOutcome(name, "referrer-policy-unsafe", data)
    return TestOutcome(name, "referrer-policy-header-invalid", data)


@dataclass(frozen=True)
class Hsts:
    max_age: int | None
    include_subdomains: bool
    preload: bool
    valid: bool
    raw: str


def parse_hsts(value: str) -> Hsts:
    """RFC 6797 directives; invalid when max-age is missing or not a number, or the header was repeated (a comma)."""
    raw = value[:1024]
    max_age: int | None = None
    include_subdomains = preload = False
    valid = "," not in raw
    for directive in raw.split(";"):
        key, sep, argument = directive.strip().partition("=")
        key = key.strip().lower()
        if key == "max-age":
            digits = argument.strip().strip('"')
            if sep and digits.isdigit():
                max_age = int(digits[:128])
            else:
                valid = False
        elif key == "includesubdomains":
            include_subdomains = True
        elif key == "preload":
            preload = True
    if max_age is None:
        valid = False
    return Hsts(max_age, include_subdomains, preload, valid, raw)


def hsts_test(inp: ObservatoryInput) -> TestOutcome:
    name = "strict-transport-security"
    if inp.https_headers is None:
        return TestOutcome(name, "hsts-not-implemented-no-https")
    if not inp.https_cert_trusted:
        return TestOutcome(name, "hsts-invalid-cert")
    value = header_first(inp.https_headers, "strict-transport-security")
    if value is None:
        return TestOutcome(name, "hsts-not-implemented")
    hsts = parse_hsts(value)
    data = {
        "value": hsts.raw,
        "max_age": hsts.max_age,
        "include_subdomains": hsts.include_subdomains,
        "preload": hsts.preload,
    }
    if not hsts.valid or hsts.max_age is None:
        return TestOutcome(name, "hsts-header-invalid", data)
    if hsts.max_age < SIX_MONTHS:
        return TestOutcome(name, "hsts-implemented-max-age-less-than-six-months", data)
    return TestOutcome(name, "hsts-implemented-max-age-at-least-six-months", data)


# --- SRI ---------------------------------------------------------------------------------------------------------

SRI_BADNESS = (
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
    "sri-not-implemented-response-not-html",
)


def _site(hostname: str) -> str:
    return ".".join(hostname.lower().rstrip(".").split(".")[-2:])


def sri_test(inp: ObservatoryInput, page: Page | None) -> TestOutcome:
    name = "subresource-integrity"
    if page is None:
        return TestOutcome(name, "sri-not-implemented-response-not-html")
    if not page.scripts:
        return TestOutcome(name, "sri-not-implemented-but-no-scripts-loaded")
    own = urlsplit(inp.url)
    page_secure = own.scheme == "https"
    result: str | None = None
    foreign = False
    external: dict[str, dict[str, str | None]] = {}
    for script in page.scripts:
        src = (script.get("src") or "").strip()
        if not src:
            continue
        integrity = script.get("integrity")
        relative_protocol = src.startswith("//") and not src.startswith("///")
        full_url = re.match(r"^https?://", src, re.IGNORECASE) is not None
        relative_origin = not relative_protocol and not full_url
        if relative_protocol:
            same_site = True
        elif full_url:
            same_site = _site(urlsplit(src).hostname or "") == _site(own.hostname or "")
        else:
            same_site = True
        secure_origin = relative_origin or (same_site and not relative_protocol)
        scheme = urlsplit(src).scheme.lower() if full_url else ""
        secure_scheme = scheme == "https" or (relative_origin and page_secure)
        if not secure_origin:
            foreign = True
            external[src[:512]] = {"integrity": integrity, "crossorigin": script.get("crossorigin")}
            if integrity and not secure_scheme:
                result = _worse(
                    "sri-implemented-but-external-scripts-not-loaded-securely", result, SRI_BADNESS
                )
            elif not integrity and secure_scheme:
                result = _worse(
                    "sri-not-implemented-but-external-scripts-loaded-securely", result, SRI_BADNESS
                )
            elif not integrity:
                result = _worse(
                    "sri-not-implemented-and-external-scripts-not-loaded-securely", result, SRI_BADNESS
                )
        elif integrity and secure_scheme and result is None:
            result = "sri-implemented-and-all-scripts-loaded-securely"
    if result is None:
        result = (
            "sri-implemented-and-external-scripts-loaded-securely"
            if foreign
            else "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
        )
    return TestOutcome(name, result, {"external_scripts": external})


# --- Single-value headers ---------------------------------------------------------------------------------------


def xcto_test(inp: ObservatoryInput) -> TestOutcome:
    name = "x-content-type-options"
    value = header_first(inp.headers, "x-content-type-options")
    if value is None:
        return TestOutcome(name, "x-content-type-options-not-implemented")
    data = {"value": value[:256]}
    if value.strip().lower() == "nosniff":
        return TestOutcome(name, "x-content-type-options-nosniff", data)
    return TestOutcome(name, "x-content-type-options-header-invalid", data)


def xfo_test(inp: ObservatoryInput, csp: TestOutcome) -> TestOutcome:
    name = "x-frame-options"
    value = header_first(inp.headers, "x-frame-options")
    data: dict[str, Any] = {"value": value[:1024] if value else None}
    if value is None:
        result = "x-frame-options-not-implemented"
    elif value.strip().lower() in ("deny", "sameorigin"):
        result = "x-frame-options-sameorigin-or-deny"
    elif value.strip().lower().startswith("allow-from"):
        result = "x-frame-options-allow-from-origin"
    else:
        result = "x-frame-options-header-invalid"
    if csp.data.get("frame_ancestors"):
        result = "x-frame-options-implemented-via-csp"
        data["frame_ancestors"] = csp.data["frame_ancestors"]
    return TestOutcome(name, result, data)


def _policy_token(value: str) -> str:
    return value.split(";")[0].strip().lower()


def _enum_header_test(
    inp: ObservatoryInput, header: str, name: str, good: Sequence[str], neutral: Sequence[str]
) -> TestOutcome:
    value = header_first(inp.headers, header)
    if value is None:
        return TestOutcome(name, f"{name}-not-implemented")
    token = _policy_token(value)
    data = {"value": value[:256]}
    if token in good or token in neutral:
        return TestOutcome(name, f"{name}-implemented-with-{token}", data)
    return TestOutcome(name, f"{name}-header-invalid", data)


def corp_test(inp: ObservatoryInput) -> TestOutcome:
    return _enum_header_test(
        inp,
        "cross-origin-resource-policy",
        "cross-origin-resource-policy",
        ("same-origin", "same-site"),
        ("cross-origin",),
    )


def coep_test(inp: ObservatoryInput) -> TestOutcome:
    return _enum_header_test(
        inp,
        "cross-origin-embedder-policy",
        "cross-origin-embedder-policy",
        ("require-corp", "credentialless"),
        ("unsafe-none",),
    )


def coop_test(inp: ObservatoryInput) -> TestOutcome:
    return _enum_header_test(
        inp,
        "cross-origin-opener-policy",
        "cross-origin-opener-policy",
        ("same-origin", "same-origin-allow-popups", "noopener-allow-popups"),
        ("unsafe-none",),
    )
