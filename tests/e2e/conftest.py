"""Fixtures for the browser journeys (marker `e2e`; `make test-e2e` runs them with `-p no:xdist`).

- `e2e_server` (session): a real app server on a fresh, seeded database — see server.py.
- `demo_users` (session): what `seed_demo --format json` created, as `DemoUsers`.
- `browser` (session): Debian's Chromium through Playwright; never a downloaded browser.
- `page` (function): a fresh context (no cookies), Norwegian locale, base URL = the e2e server, so
  `page.goto("/tjenester/")` works; the test fails if Chromium reports a CSP violation or a JavaScript error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.helpers import DemoUsers, watch_for_problems
from tests.e2e.server import E2EServer

CHROMIUM = os.environ.get("MPS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_server() -> Iterator[E2EServer]:
    server = E2EServer()
    server.start()
    sys.stderr.write(
        f"\n[e2e] server on {server.base_url} ({server.vendor}, DEBUG={int(server.debug)}) "
        f"ready in {server.seconds_to_start:.1f} s\n"
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(e2e_server: E2EServer) -> str:
    return e2e_server.base_url


@pytest.fixture(scope="session")
def demo_users(e2e_server: E2EServer) -> DemoUsers:
    return DemoUsers(e2e_server.demo["users"])


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (browsers are never downloaded)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that also fails the test on a CSP violation or an uncaught JavaScript error."""
    page = context.new_page()
    problems = watch_for_problems(page)
    yield page
    assert problems == [], "\n".join(problems)
