"""CyberX models: awareness. Owned by the awareness area."""

from __future__ import annotations

__all__: list[str] = []
