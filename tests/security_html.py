"""Checks on rendered HTML shared by tests/test_security.py and the e2e crawler: what a strict CSP forbids.

`html_findings(html, host)` lists everything in a page that breaks our rules: inline <script> (data blocks of
type application/json are allowed — the browser never executes them), <style> elements, style= attributes,
on*= event handler attributes, javascript: URLs, and <script>/<link>/<img>/<iframe> loading from another host.
`csp_findings(header)` checks the Content-Security-Policy header itself.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}


class _Auditor(HTMLParser):
    def __init__(self, host: str) -> None:
        super().__init__(convert_charrefs=True)
        self.host = host
        self.findings: list[str] = []
        self._inline_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        position = f"line {self.getpos()[0]}"
        for name, value in values.items():
            if name == "style":
                self.findings.append(f"{position}: style= attribute on <{tag}>: {value[:80]!r}")
            elif name.startswith("on"):
                self.findings.append(f"{position}: event handler {name}= on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.findings.append(f"{position}: javascript: URL in <{tag} {name}>")
        if tag == "style":
            self.findings.append(f"{position}: inline <style> element")
        if tag == "script" and "src" not in values:
            script_type = values.get("type", "").strip().lower()
            if script_type not in DATA_SCRIPT_TYPES:
                self._inline_script = position
        attribute = RESOURCE_ATTRIBUTES.get(tag)
        if attribute and values.get(attribute):
            url = values[attribute].strip()
            netloc = urlsplit(url).netloc
            if netloc and netloc != self.host:
                self.findings.append(f"{position}: <{tag} {attribute}> loads from another host: {url}")

    def handle_data(self, data: str) -> None:
        if self._inline_script is not None and data.strip():
            self.findings.append(f"{self._inline_script}: inline <script>: {data.strip()[:80]!r}")
            self._inline_script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline_script is not None:
            self.findings.append(f"{self._inline_script}: empty inline <script> without src")
            self._inline_script = None


def html_findings(html: str, host: str) -> list[str]:
    auditor = _Auditor(host)
    auditor.feed(html)
    auditor.close()
    return auditor.findings


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def csp_findings(header: str | None) -> list[str]:
    if not header:
        return ["no Content-Security-Policy header"]
    directives = csp_directives(header)
    findings = []
    script_src = directives.get("script-src", directives.get("default-src"))
    if script_src is None:
        findings.append("no script-src or default-src")
    else:
        if "'self'" not in script_src:
            findings.append(f"script-src lacks 'self': {script_src}")
        findings.extend(
            f"script-src allows {value}"
            for value in script_src
            if value in {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
        )
    style_src = directives.get("style-src", directives.get("default-src", []))
    if "'unsafe-inline'" in style_src:
        findings.append("style-src allows 'unsafe-inline'")
    if directives.get("object-src") != ["'none'"]:
        findings.append(f"object-src is not 'none': {directives.get('object-src')}")
    if directives.get("frame-ancestors") != ["'none'"]:
        findings.append(f"frame-ancestors is not 'none': {directives.get('frame-ancestors')}")
    if directives.get("base-uri") not in (["'self'"], ["'none'"]):
        findings.append(f"base-uri is not restricted: {directives.get('base-uri')}")
    return findings
