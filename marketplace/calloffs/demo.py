"""Demo call-offs in every state and by every route (seeded after the catalogue)."""

from __future__ import annotations

from marketplace.core.demo import DemoResult


def seed(result: DemoResult) -> None:
    """Idempotent. Filled in by the call-off demo work."""
