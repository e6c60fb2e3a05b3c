"""CyberX models: intel. Owned by the intel area."""

from __future__ import annotations

__all__: list[str] = []
