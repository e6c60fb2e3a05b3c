"""Reminders: the pure rule, the idempotent service, the tasks, scheduling and `mps calloffs tick`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.rules.reminders import ReminderFacts, reminder_run_times, reminders_due
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes
from marketplace.calloffs.services.reminders import calloff_reminders_send, calloffs_reminders_sweep
from marketplace.calloffs.tasks import calloff_reminders_task, calloff_schedule_reminders, calloffs_sweep_task
from marketplace.calloffs.tests import ocds_stages as s
from marketplace.catalogue.models import Mechanism
from marketplace.core.audit import audit_chain_verify
from marketplace.core.models import AuditEvent

UTC = dt.UTC


def t(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


MINI = CallOffTimes(
    created_at=s.CREATED, published_at=s.PUBLISHED, offer_deadline_at=s.OFFER_DEADLINE
)  # offer deadline 17 March 11:00 UTC


# --- rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("times", "questions_at", "unanswered", "now", "due"),
    [
        (MINI, None, False, t(16, 10, 59), []),  # 24 h + 1 min before
        (MINI, None, False, t(16, 11), ["offer_deadline"]),  # exactly 24 h before
        (MINI, None, False, t(17, 10, 59), ["offer_deadline"]),
        (MINI, None, False, t(17, 11), []),  # deadline passed: awaiting opening
        (MINI, t(10, 11), True, t(10, 10, 59), []),
        (MINI, t(10, 11), True, t(10, 11), ["questions_unanswered"]),
        (MINI, t(10, 11), False, t(10, 12), []),
        (MINI, t(10, 11), True, t(16, 12), ["offer_deadline", "questions_unanswered"]),
        (MINI, t(10, 11), True, t(17, 12), ["questions_unanswered"]),  # awaiting opening
        (
            CallOffTimes(created_at=s.CREATED, published_at=s.PUBLISHED, offers_opened_at=s.OPENED),
            t(10, 11),
            True,
            t(18, 9),
            [],
        ),
        (
            CallOffTimes(
                created_at=s.CREATED, award_notice_sent_at=s.NOTICE, standstill_ends_at=s.STANDSTILL_ENDS
            ),
            None,
            False,
            t(30, 21, 59),
            [],
        ),
        (
            CallOffTimes(
                created_at=s.CREATED, award_notice_sent_at=s.NOTICE, standstill_ends_at=s.STANDSTILL_ENDS
            ),
            None,
            False,
            t(30, 22),
            ["standstill_ended"],
        ),
        (
            CallOffTimes(
                created_at=s.CREATED,
                award_notice_sent_at=s.NOTICE,
                standstill_ends_at=s.STANDSTILL_ENDS,
                on_hold_since=s.ON_HOLD,
            ),
            None,
            False,
            t(31, 9),
            [],
        ),
        (
            CallOffTimes(
                created_at=s.CREATED,
                award_notice_sent_at=s.NOTICE,
                standstill_ends_at=s.STANDSTILL_ENDS,
                cancelled_at=t(31, 8),
            ),
            None,
            False,
            t(31, 9),
            [],
        ),
    ],
)
def test_reminders_due(times, questions_at, unanswered, now, due):
    facts = ReminderFacts(
        times=times, questions_deadline_at=questions_at, has_unanswered_questions=unanswered
    )
    assert reminders_due(facts, now) == due


def test_run_times_are_the_future_moments_only():
    facts = ReminderFacts(
        times=CallOffTimes(
            created_at=s.CREATED,
            published_at=s.PUBLISHED,
            offer_deadline_at=s.OFFER_DEADLINE,
            standstill_ends_at=s.STANDSTILL_ENDS,
        ),
        questions_deadline_at=s.QUESTIONS_DEADLINE,
        has_unanswered_questions=False,
    )
    assert reminder_run_times(facts, t(3, 9)) == [t(10, 11), t(16, 11), t(30, 22)]
    assert reminder_run_times(facts, t(12, 9)) == [t(16, 11), t(30, 22)]


# --- service --------------------------------------------------------------------------------


@pytest.fixture
def w(db):
    world = s.world()
    world["buyer_user"].email = "innkjoper@nve.no"
    world["buyer_user"].save()
    for role, username, email in [
        (Role.BIDDER, "kystsky.tilbyder", "tilbud@kystsky.no"),
        (Role.LISTING_EDITOR, "kystsky.redaktor", "redaktor@kystsky.no"),  # not a bidder: no reminder
    ]:
        user = member(world["silent"], role, username=username)
        user.email = email
        user.save()
    return world


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send reminders and run the on-commit e-mail at once (the test transaction never commits)."""

    def _send(calloff_id: int, now: dt.datetime) -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            return calloff_reminders_send(calloff_id=calloff_id, now=now)

    return _send


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def _sweep(now: dt.datetime) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return calloffs_reminders_sweep(now=now)

    return _sweep


def _reminder_events(calloff: CallOff) -> list[dict]:
    return list(
        AuditEvent.objects.filter(verb="reminder.sent", target_id=str(calloff.pk)).values_list(
            "data", flat=True
        )
    )


def test_offer_reminder_goes_to_invited_suppliers_without_an_offer_once(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0001")
    calloff.questions.update(answer="Ja.", answered_by=w["buyer_user"], answered_at=t(6, 9))
    # Nordsky and Fjellsky have offered; Kystsky has not.
    assert send(calloff.pk, t(16, 10)) == []
    assert mail.outbox == []

    keys = send(calloff.pk, t(16, 12))

    supplier_id = w["silent"].pk
    assert keys == [f"offer_deadline:20260317T110000Z:{supplier_id}"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["tilbud@kystsky.no"], "Påminnelse: tilbudsfristen i AV-2026-0001 går ut 17.03.2026 kl. 12:00")
    ]
    assert mail.outbox[0].body == (
        "Virksomheten deres er invitert til minikonkurransen AV-2026-0001 Skylagring for hydrologiske modeller og "
        "har ikke levert tilbud. Tilbudsfristen er 17.03.2026 kl. 12:00 (norsk tid). Tilbud som kommer etter "
        "fristen, kan ikke tas med."
    )
    assert _reminder_events(calloff) == [
        {"key": f"offer_deadline:20260317T110000Z:{supplier_id}", "kind": "offer_deadline", "recipients": 1}
    ]
    event = AuditEvent.objects.get(verb="reminder.sent")
    assert event.organisation_id == supplier_id
    assert event.actor_label == "system"

    # Idempotent: the next run, and the run an hour later, send nothing new.
    assert send(calloff.pk, t(16, 12)) == []
    assert send(calloff.pk, t(17, 9)) == []
    assert len(mail.outbox) == 1
    assert len(_reminder_events(calloff)) == 1
    assert audit_chain_verify()[1] is None


def test_moved_deadline_reminds_again(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0001")
    calloff.questions.update(answer="Ja.", answered_by=w["buyer_user"], answered_at=t(6, 9))
    send(calloff.pk, t(16, 12))
    CallOff.objects.filter(pk=calloff.pk).update(offer_deadline_at=t(19, 11))
    keys = send(calloff.pk, t(18, 12))
    assert keys == [f"offer_deadline:20260319T110000Z:{w['silent'].pk}"]
    assert len(mail.outbox) == 2


def test_unanswered_questions_remind_the_buyer(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0002")
    keys = send(calloff.pk, t(10, 12))
    assert keys == ["questions_unanswered:20260310T110000Z"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["innkjoper@nve.no"], "Ubesvarte spørsmål i AV-2026-0002")
    ]
    assert mail.outbox[0].body == (
        "Fristen for spørsmål i AV-2026-0002 Skylagring for hydrologiske modeller gikk ut 10.03.2026 kl. 12:00, og "
        "1 spørsmål er ikke besvart. Svar sendes til alle inviterte leverandører."
    )
    assert send(calloff.pk, t(11, 12)) == []


def test_answered_questions_send_nothing(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0002")
    calloff.questions.update(answer="Ja.", answered_by=w["buyer_user"], answered_at=t(6, 9))
    assert send(calloff.pk, t(10, 12)) == []
    assert mail.outbox == []
    assert AuditEvent.objects.filter(verb="reminder.sent").count() == 0


def test_standstill_end_notifies_the_buyer(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.DIRECT, CallOffState.STANDSTILL, reference="AV-2026-0003")
    assert send(calloff.pk, t(30, 21)) == []
    assert send(calloff.pk, t(30, 22)) == ["standstill_ended:20260330T220000Z"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["innkjoper@nve.no"], "Karensperioden i AV-2026-0003 er utløpt")
    ]
    assert mail.outbox[0].body == (
        "Karensperioden i AV-2026-0003 Skylagring for hydrologiske modeller utløp 31.03.2026 kl. 00:00. Kontrakten "
        "kan nå signeres, med mindre en klage gjør at dere bør vente."
    )
    assert send(calloff.pk, t(31, 9)) == []


def test_on_hold_sends_no_standstill_notice(w, send):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.ON_HOLD, reference="AV-2026-0004")
    assert send(calloff.pk, t(31, 9)) == []
    assert mail.outbox == []


def test_missing_calloff_sends_nothing(db, send):
    assert send(424242, t(16, 12)) == []


def test_sweep_covers_every_candidate_and_is_idempotent(w, sweep):
    a, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0005")
    b, _ = s.calloff_at(w, Mechanism.DESK, CallOffState.READY_TO_SIGN, reference="AV-2026-0006")
    s.calloff_at(
        w, Mechanism.DIRECT, CallOffState.CONTRACTED, reference="AV-2026-0007"
    )  # signed: not a candidate
    s.calloff_at(
        w, Mechanism.MINI_COMPETITION, CallOffState.DRAFT, reference="AV-2026-0008"
    )  # not a candidate

    result = sweep(t(31, 9))
    assert result == {
        "checked": 2,
        "sent": 2,
        "keys": ["questions_unanswered:20260310T110000Z", "standstill_ended:20260330T220000Z"],
    }
    result = sweep(t(16, 12))
    assert result["keys"] == [f"offer_deadline:20260317T110000Z:{w['silent'].pk}"]
    assert sweep(t(16, 12)) == {"checked": 2, "sent": 0, "keys": []}
    assert len(mail.outbox) == 3
    assert a.pk != b.pk


def test_tick_command(w):
    s.calloff_at(w, Mechanism.DESK, CallOffState.READY_TO_SIGN, reference="AV-2026-0009")
    out = StringIO()
    with time_machine.travel(t(31, 9), tick=False):
        call_command("calloffs_tick", "tick", stdout=out)
        call_command("calloffs_tick", "tick", "--format", "json", stdout=out)
    first, second = out.getvalue().splitlines()
    assert first == "Reminders: 1 sent, 1 call-offs checked."
    assert json.loads(second) == {"checked": 1, "sent": 0, "keys": []}


# --- tasks and scheduling -------------------------------------------------------------------


def test_tasks_run_the_service(w):
    calloff, _ = s.calloff_at(w, Mechanism.DIRECT, CallOffState.STANDSTILL, reference="AV-2026-0010")
    with time_machine.travel(t(31, 9), tick=False):
        result = calloff_reminders_task.enqueue(calloff.pk)
        assert result.return_value == ["standstill_ended:20260330T220000Z"]
        assert calloff_reminders_task.enqueue(calloff.pk).return_value == []
        assert calloffs_sweep_task.enqueue().return_value == {"checked": 1, "sent": 0, "keys": []}


def test_schedule_without_deferral_schedules_nothing(w):
    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0011")
    assert calloff_schedule_reminders(calloff, now=t(3, 9)) == []
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_schedule_enqueues_a_deferred_run_per_moment(w):
    from django_tasks import default_task_backend

    calloff, _ = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0012")
    times = calloff_schedule_reminders(calloff, now=t(3, 9))
    assert times == [t(10, 11), t(16, 11)]
    results = default_task_backend.results  # type: ignore[attr-defined]
    assert [(r.task.run_after, r.args) for r in results] == [
        (t(10, 11), [calloff.pk]),
        (t(16, 11), [calloff.pk]),
    ]


@pytest.mark.django_db(transaction=True)  # run_from_argv closes the connection afterwards
def test_mps_command_names(capsys):
    from config.cli import main

    main(["calloffs", "tick", "--format", "json"])
    main(["ocds", "export", "--output", "-", "--format", "json"])
    out, err = capsys.readouterr()
    # (system-check warnings, if any, come first)
    assert json.loads(out.strip().splitlines()[-1]) == {"checked": 0, "sent": 0, "keys": []}
    assert json.loads(err.strip().splitlines()[-1]) == {"calloffs": 0, "output": "-", "files": []}
