"""The check families the scanner runs on every target. Append one line per family (append-only).

Each family package exposes `run(target: str, context: ScanContext) -> list[CheckResult]`: retrieval + evaluation
for one target (a domain or hostname). It never raises for network trouble or bad answers (those become ERROR
results), honours `context.timeout`, and passes every address through `marketplace.cyber.checks.net.guard`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from marketplace.cyber.checks.base import CheckResult, ScanContext

RunFn = Callable[[str, ScanContext], list[CheckResult]]

FAMILY_MODULES: dict[str, str] = {
    "web": "marketplace.cyber.checks.web",
    "tls": "marketplace.cyber.checks.tls",
    "dns": "marketplace.cyber.checks.dns",
    "mail": "marketplace.cyber.checks.mail",
}


def families() -> dict[str, RunFn]:
    return {name: importlib.import_module(path).run for name, path in FAMILY_MODULES.items()}


# Families that only make sense on a domain (a zone with MX and NS), not on a host name such as www.example.no:
# a host would lose points for having no MX or NS of its own.
DOMAIN_ONLY: frozenset[str] = frozenset({"dns", "mail"})


def applies(family: str, kind: str) -> bool:
    """Whether a family runs on a target of this kind ("domain" or "host")."""
    return kind != "host" or family not in DOMAIN_ONLY
