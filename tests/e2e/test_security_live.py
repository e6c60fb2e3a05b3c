"""The demo server as a visitor meets it: crawl every page reachable by links (anonymous and logged in) and
check headers and markup; static assets come from the app itself (whitenoise); Chromium reports no CSP
violation on the pages it renders."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import APIRequestContext, BrowserContext, ConsoleMessage, Page

from tests.e2e.helpers import login_as, watch_for_problems
from tests.security_html import csp_findings, html_findings

SKIP_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/konto/logg-ut/", "/oidc/")
MAX_PAGES = 80
MAX_PER_PATTERN = 3  # /tjenester/<id>/ etc.: a few of each kind is enough


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.pages.append(values["href"])
        elif tag == "script" and values.get("src"):
            self.assets.append(values["src"])
        elif tag == "link" and values.get("href"):
            self.assets.append(values["href"])


def crawl(request: APIRequestContext, base_url: str, start: str = "/") -> dict[str, list[str]]:
    """Breadth-first over same-origin links; returns {path: findings} and checks every asset once."""
    host = urlsplit(base_url).netloc
    queue: deque[str] = deque([start])
    seen = {start}
    patterns: Counter[str] = Counter()
    assets: set[str] = set()
    results: dict[str, list[str]] = {}
    while queue and len(results) < MAX_PAGES:
        path = queue.popleft()
        response = request.get(base_url + path)
        findings: list[str] = []
        if response.status != 200:
            findings.append(f"status {response.status}")
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/html"):
            results[path] = findings
            continue
        findings += csp_findings(response.headers.get("content-security-policy"))
        if response.headers.get("x-frame-options") != "DENY":
            findings.append(f"X-Frame-Options {response.headers.get('x-frame-options')!r}")
        html = response.text()
        findings += html_findings(html, host)
        results[path] = findings
        links = _Links()
        links.feed(html)
        assets.update(urljoin(base_url + path, asset) for asset in links.assets)
        for href in links.pages:
            target = urlsplit(urljoin(base_url + path, href))
            if target.netloc != host or target.scheme not in {"http", "https"}:
                continue
            next_path = target.path + (f"?{target.query}" if target.query else "")
            if next_path in seen or target.path.startswith(SKIP_PREFIXES):
                continue
            seen.add(next_path)
            pattern = re.sub(r"\d+", "<id>", target.path) + ("?" if target.query else "")
            patterns[pattern] += 1
            if patterns[pattern] <= MAX_PER_PATTERN:
                queue.append(next_path)
    for asset in sorted(assets):
        if urlsplit(asset).netloc == host:
            status = request.get(asset).status
            if status != 200:
                results.setdefault(asset, []).append(f"asset status {status}")
    return results


def _problems(results: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {finding}" for path, findings in results.items() for finding in findings)


def test_every_reachable_public_page_is_clean(page: Page, base_url: str) -> None:
    results = crawl(page.context.request, base_url)
    assert {"/", "/tilgjengelighet/", "/leverandorer/", "/konto/logg-inn/"} <= set(results)
    assert _problems(results) == ""


def test_every_reachable_page_of_a_logged_in_buyer_is_clean(page: Page, base_url: str) -> None:
    login_as(page, "radgiver")
    results = crawl(page.context.request, base_url)
    assert {"/", "/konto/profil/", "/konto/passord/", "/tjenester/kortlister/"} <= set(results)
    assert _problems(results) == ""


def test_static_assets_are_served_by_the_app(page: Page, base_url: str) -> None:
    request = page.context.request
    htmx = request.get(base_url + "/static/vendor/htmx/htmx.min.js")
    assert htmx.status == 200
    assert htmx.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert htmx.headers["access-control-allow-origin"] == "*"  # set by whitenoise, not by Django's views
    assert b"htmx" in htmx.body()[:2000]
    css = request.get(base_url + "/static/vendor/designsystemet/designsystemet.css")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert request.get(base_url + "/static/core/site.js").status == 200
    assert request.get(base_url + "/static/vendor/finnes-ikke.js").status == 404


def test_unknown_page_gets_the_site_404_page(page: Page, base_url: str) -> None:
    response = page.context.request.get(base_url + "/finnes-ikke/")
    assert response.status == 404
    html = response.text()
    assert "<title>Fant ikke siden – Markedsplassen</title>" in html
    assert html_findings(html, urlsplit(base_url).netloc) == []
    assert csp_findings(response.headers.get("content-security-policy")) == []


def test_chromium_reports_no_csp_violation(page: Page) -> None:
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            messages.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    for path in ("/", "/tjenester/", "/tjenester/rammeavtaler/", "/leverandorer/", "/konto/logg-inn/"):
        page.goto(path)
        page.wait_for_load_state("load")
        # htmx and site.js loaded (external files under script-src 'self').
        assert page.evaluate("() => typeof window.htmx") == "object", path
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info").wait_for()
    login_as(page, "radgiver")
    assert messages == []


def test_page_watch_catches_inline_script_and_errors(context: BrowserContext) -> None:
    """What the `page` fixture relies on: an injected inline script is refused and reported."""
    page = context.new_page()
    problems = watch_for_problems(page)
    page.goto("/tilgjengelighet/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
        }"""
    )
    page.evaluate("() => { setTimeout(() => { throw new Error('boom'); }, 0); }")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected === undefined") is True
    assert len(problems) == 2, problems
    assert problems[0].startswith(
        "CSP: Executing inline script violates the following Content Security Policy"
    )
    assert problems[1].startswith("JavaScript error: boom")
