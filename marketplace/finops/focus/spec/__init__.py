"""The FOCUS Cost and Usage columns of versions 1.0-1.3 as data (columns.json, generated from the spec's column
files; CC BY 4.0, FinOps Foundation) and small helpers to read it per version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).with_name("columns.json")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Decimal | String | DateTime | JSON
    level: str  # Mandatory | Conditional | Recommended
    nullable: bool
    since: str
    deprecated: str | None = None
    replaced_by: str | None = None
    replaces: str | None = None
    allowed: tuple[str, ...] = ()
    category_of: tuple[tuple[str, str], ...] = ()  # ServiceSubcategory -> ServiceCategory
    needed: bool = False
    stored: bool = True
    feature: str | None = None


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return data


@cache
def all_columns() -> dict[str, Column]:
    out: dict[str, Column] = {}
    for name, raw in spec()["columns"].items():
        out[name] = Column(
            name=name,
            type=raw["type"],
            level=raw["level"],
            nullable=raw["nullable"],
            since=raw["since"],
            deprecated=raw.get("deprecated"),
            replaced_by=raw.get("replaced_by"),
            replaces=raw.get("replaces"),
            allowed=tuple(raw.get("allowed", ())),
            category_of=tuple(sorted(raw.get("category_of", {}).items())),
            needed=raw.get("needed", False),
            stored=raw.get("stored", True),
            feature=raw.get("feature"),
        )
    return out


def versions() -> tuple[str, ...]:
    return tuple(spec()["versions"])


def columns_for(version: str) -> dict[str, Column]:
    """The columns defined in `version` (deprecated ones included until they are removed)."""
    return {name: col for name, col in all_columns().items() if _key(col.since) <= _key(version)}


def is_at_least(version: str, other: str) -> bool:
    return _key(version) >= _key(other)
