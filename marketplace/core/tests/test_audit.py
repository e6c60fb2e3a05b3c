from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from marketplace.core.audit import audit_chain_verify, audit_record
from marketplace.core.models import AuditEvent
from marketplace.core.rules import GENESIS_HASH

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _record(verb: str, **data):
    with transaction.atomic():
        return audit_record(actor=None, verb=verb, data=data, now=NOW)


def test_events_link_to_the_one_before():
    first = _record("a.create", n=1)
    second = _record("a.update", n=2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert audit_chain_verify() == (2, None)


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET verb = 'x'", "DELETE FROM core_auditevent"]
)
def test_database_refuses_update_and_delete(statement):
    event = _record("a.create")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.get().verb == event.verb == "a.create"


def test_verify_command_reports_intact_chain():
    _record("a.create")
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == "OK: 1 events, chain intact."


def test_verify_command_names_the_first_forged_event():
    _record("a.create")
    forged_hash = "f" * 64
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (occurred_at, actor_label, organisation_label, verb, target_type, target_id,"
            " data, previous_hash, hash) VALUES (%s, '', '', 'forged', '', '', '{}', %s, %s)",
            [NOW, AuditEvent.objects.get().hash, forged_hash],
        )
    forged_id = AuditEvent.objects.get(verb="forged").pk
    with pytest.raises(CommandError, match=f"Broken at event {forged_id}: hash does not match"):
        call_command("audit", "verify", stdout=StringIO())
