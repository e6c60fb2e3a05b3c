"""Demo-data seeders. Each app registers one from its AppConfig.ready(); `mps seed-demo` runs them in order.

A seeder is idempotent: run twice, it creates nothing new. It returns what it created or found, for the
summary `mps seed-demo --format json` prints: {"organisations": [...], "users": [...], ...}.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoResult:
    organisations: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


Seeder = Callable[[DemoResult], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register(name: str, seeder: Seeder, *, order: int) -> None:
    if any(existing == name for _, existing, _ in _SEEDERS):
        return
    _SEEDERS.append((order, name, seeder))
    _SEEDERS.sort(key=lambda item: item[0])


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, seeder) for _, name, seeder in _SEEDERS]


def seed_all() -> DemoResult:
    """Run every registered seeder in one transaction."""
    from django.db import transaction

    result = DemoResult()
    with transaction.atomic():
        for _name, seeder in seeders():
            seeder(result)
    return result


def format_logins(result: DemoResult) -> str:
    lines = ["", "Demo log-ins (username / password — organisation — roles):"]
    for user in result.users:
        lines.append(
            f"  {user['username']:<22} {user['password']:<18} {user['organisation']} — {', '.join(user['roles'])}"
        )
    return "\n".join(lines)
