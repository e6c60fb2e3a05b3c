"""Helpers for the browser journeys: log-in, language, accessibility scans.

Write a journey as a plain test taking the `page` fixture (a fresh browser context, Norwegian locale, base URL
of the e2e server) and, if it needs people, `demo_users`:

    def test_buyer_saves_a_shortlist(page, demo_users):
        login_as(page, demo_users.first(role="buyer", orgnr="970205039")["username"])
        page.goto("/tjenester/")
        assert_no_serious_axe_violations(page)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.server import REPO_ROOT

AXE_PATH = REPO_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
LOGIN_PATH = "/konto/logg-inn/"
DEMO_PASSWORD = "Skyavtale-2026"  # printed by `mps seed-demo` for every demo user


class DemoUsers:
    """The users `mps seed-demo --format json` created (one row per user and organisation)."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows = list(rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def get(self, username: str) -> dict[str, Any]:
        for row in self.rows:
            if row["username"] == username:
                return row
        raise LookupError(f"no demo user {username!r}; known: {sorted({r['username'] for r in self.rows})}")

    def first(self, *, role: str, orgnr: str | None = None) -> dict[str, Any]:
        """The first demo user holding `role` (e.g. "buyer", "category_manager"), optionally in `orgnr`."""
        for row in self.rows:
            if role in row["roles"] and (orgnr is None or row["orgnr"] == orgnr):
                return row
        raise LookupError(f"no demo user with role {role!r}" + (f" in {orgnr}" if orgnr else ""))


def login_as(page: Page, username: str, password: str = DEMO_PASSWORD, *, next_path: str = "/") -> None:
    """Log in through the real form (from a logged-out context) and wait for the header's log-out button."""
    page.goto(f"{LOGIN_PATH}?next={quote(next_path)}")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("link", name="Logg inn")).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    """Press the language button in the header (it offers the other language) and wait for the reload."""
    label = {"en": "English", "nb": "Norsk"}[code]
    page.locator("header").get_by_role("button", name=label).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def watch_for_problems(page: Page) -> list[str]:
    """Collect CSP violations and uncaught JavaScript errors on the page into the returned (live) list."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text
        ):
            problems.append(f"CSP: {message.text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error} ({page.url})"))
    return problems


def htmx_settle(page: Page) -> None:
    """Wait until no htmx request is in flight (htmx marks the requesting element with .htmx-request)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def download(page: Page, action: Callable[[], None]) -> tuple[str, bytes]:
    """Run `action` (e.g. a click on an export button) and return the downloaded file's name and bytes."""
    with page.expect_download() as info:
        action()
    downloaded = info.value
    return downloaded.suggested_filename, Path(downloaded.path()).read_bytes()


@cache
def axe_source() -> str:
    if not AXE_PATH.is_file():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `cd frontend && npm ci`")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_inject(page: Page) -> None:
    """Load axe-core into the page.

    The CSP (script-src 'self', no 'unsafe-inline') blocks `add_script_tag` — with `path=` Playwright inlines
    the file too. Evaluation over the DevTools protocol is not subject to the page's CSP, so evaluate the source.
    """
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    page.evaluate("source => { (0, eval)(source); }", axe_source())
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise RuntimeError("axe-core did not load into the page")


def axe_run(page: Page, *, tags: Iterable[str] = AXE_TAGS, exclude: Iterable[str] = ()) -> dict[str, Any]:
    axe_inject(page)
    context: dict[str, Any] = {"include": [["html"]]}
    excluded = [[selector] for selector in exclude]
    if excluded:
        context["exclude"] = excluded
    return page.evaluate(
        "async ([context, tags]) => await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        [context, list(tags)],
    )


def format_violations(violations: Sequence[dict[str, Any]], url: str) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:200]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the current page; fail on serious or critical findings.

    Returns the full axe result so a test can also look at minor/moderate findings.
    """
    result = axe_run(page, exclude=exclude)
    blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, format_violations(blocking, page.url)
    return result


def choose_organisation(page: Page, name: str) -> None:
    """Act for another of the user's organisations via the header's switch (auto-submits with JavaScript)."""
    page.get_by_label("Virksomhet du handler for").select_option(label=name)
    expect(page.get_by_role("status")).to_contain_text(f"Du handler nå for {name}.")
