"""Pure rules shared across apps (no Django imports): the audit chain's hashing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON-serialisable in an audit event: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same event always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def audit_hash(fields: Mapping[str, Any], previous_hash: str) -> str:
    payload = canonical_json({"event": fields, "previous_hash": previous_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    id: int
    fields: Mapping[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    id: int
    reason: str


def chain_first_break(links: Iterable[ChainLink]) -> ChainBreak | None:
    """Walk the chain in order; return the first link whose hash or back-pointer does not hold."""
    expected_previous = GENESIS_HASH
    for link in links:
        if link.previous_hash != expected_previous:
            return ChainBreak(link.id, "previous_hash does not match the hash of the link before")
        if audit_hash(link.fields, link.previous_hash) != link.hash:
            return ChainBreak(link.id, "hash does not match the event's content")
        expected_previous = link.hash
    return None
