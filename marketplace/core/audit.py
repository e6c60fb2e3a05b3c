"""Write and verify the audit chain. Every service that changes state calls `audit_record` inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.core.rules import (
    GENESIS_HASH,
    ChainBreak,
    ChainLink,
    audit_hash,
    canonical_json,
    chain_first_break,
)

# pg_advisory_xact_lock key: serialises appends so the chain stays linear.
_AUDIT_LOCK_KEY = 7_301_442


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "organisation_label": event.organisation_label,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
    }


def audit_record(
    *,
    actor: Any | None,
    verb: str,
    target: models.Model | None = None,
    organisation: Any | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside transaction.atomic")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    occurred_at = (now or timezone.now()).astimezone(UTC)
    # Round-trip through canonical JSON so what is hashed is exactly what the JSON column stores.
    clean_data = json.loads(canonical_json(data or {}))
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "username", "") or "") if actor is not None else "system",
        organisation_id=getattr(organisation, "pk", None),
        organisation_label=(f"{organisation.orgnr} {organisation.name}" if organisation is not None else ""),
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=clean_data,
        previous_hash=last or GENESIS_HASH,
    )
    event.hash = audit_hash(_fields(event), event.previous_hash)
    event.save(force_insert=True)
    return event


def _links() -> Iterator[ChainLink]:
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        yield ChainLink(
            id=event.pk, fields=_fields(event), previous_hash=event.previous_hash, hash=event.hash
        )


def audit_chain_verify() -> tuple[int, ChainBreak | None]:
    """Return (number of events checked, first break or None)."""
    count = 0

    def counted() -> Iterator[ChainLink]:
        nonlocal count
        for link in _links():
            count += 1
            yield link

    broken = chain_first_break(counted())
    return count, broken
