from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from marketplace.core.rules import GENESIS_HASH, ChainLink, audit_hash, canonical_json, chain_first_break


def test_canonical_json_sorts_keys_and_keeps_norwegian_letters():
    assert canonical_json({"b": 1, "a": "Økonomi"}) == '{"a":"Økonomi","b":1}'


def test_canonical_json_writes_decimal_and_datetime_as_text():
    value = {"amount": Decimal("12.50"), "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    assert canonical_json(value) == '{"amount":"12.50","at":"2026-01-02T03:04:05+00:00"}'


def test_canonical_json_refuses_unknown_types():
    with pytest.raises(TypeError, match="object"):
        canonical_json({"x": object()})


def test_audit_hash_is_sha256_of_event_and_previous_hash():
    fields = {"verb": "service.publish", "target_id": "7"}
    expected = hashlib.sha256(
        (
            '{"event":{"target_id":"7","verb":"service.publish"},"previous_hash":"' + GENESIS_HASH + '"}'
        ).encode()
    ).hexdigest()
    assert audit_hash(fields, GENESIS_HASH) == expected


def _chain(n: int) -> list[ChainLink]:
    links, previous = [], GENESIS_HASH
    for i in range(1, n + 1):
        fields = {"verb": f"v{i}"}
        digest = audit_hash(fields, previous)
        links.append(ChainLink(id=i, fields=fields, previous_hash=previous, hash=digest))
        previous = digest
    return links


def test_intact_chain_has_no_break():
    assert chain_first_break(_chain(5)) is None


def test_changed_content_is_found_at_its_link():
    links = _chain(5)
    links[2] = ChainLink(
        id=3, fields={"verb": "tampered"}, previous_hash=links[2].previous_hash, hash=links[2].hash
    )
    broken = chain_first_break(links)
    assert broken is not None
    assert (broken.id, broken.reason) == (3, "hash does not match the event's content")


def test_removed_link_is_found_at_the_next_one():
    links = _chain(5)
    del links[1]
    broken = chain_first_break(links)
    assert broken is not None
    assert (broken.id, broken.reason) == (3, "previous_hash does not match the hash of the link before")
