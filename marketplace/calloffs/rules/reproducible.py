"""Frozen evaluations: canonical inputs and their content hash, so anyone can re-run an evaluation and check it.

The canonical form is `marketplace.core.rules.canonical_json` (sorted keys, no spaces, UTF-8 kept), the same one the
audit chain hashes. Inputs must already be plain JSON (money and quantities as text, dates ISO): floats never enter,
so the text — and the hash — is the same after a round trip through a JSON column on SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from marketplace.core.rules import canonical_json


def inputs_canonical(inputs: Mapping[str, Any]) -> str:
    """The canonical text of frozen inputs; refuses floats (they do not round-trip exactly)."""
    _refuse_floats(inputs)
    return canonical_json(inputs)


def inputs_hash(inputs: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the inputs."""
    return hashlib.sha256(inputs_canonical(inputs).encode("utf-8")).hexdigest()


def inputs_hash_matches(inputs: Mapping[str, Any], expected_hash: str) -> bool:
    return inputs_hash(inputs) == expected_hash


def json_round_trip(value: Any) -> Any:
    """What a JSON column gives back: the value as stored, so results compare equal after saving."""
    return json.loads(canonical_json(value))


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("frozen inputs must not contain floats; use text for amounts")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)
