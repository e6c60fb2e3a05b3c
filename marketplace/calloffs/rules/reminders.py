"""Which reminders are due for a call-off, and when to look again. Pure: times and facts in, kinds out.

- `offer_deadline`: to each invited supplier without an offer, from 24 h before the offer deadline until it passes;
- `questions_unanswered`: to the buyer, once the questions deadline has passed with questions still unanswered
  (while the offers are still sealed; afterwards it no longer helps anyone);
- `standstill_ended`: to the buyer, once the standstill has ended and the contract may be signed.

Each reminder has a key that includes the deadline it is about, so a moved deadline reminds again, and the same
deadline never twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state

OFFER_REMINDER_LEAD = dt.timedelta(hours=24)

OFFER_DEADLINE = "offer_deadline"
QUESTIONS_UNANSWERED = "questions_unanswered"
STANDSTILL_ENDED = "standstill_ended"


@dataclass(frozen=True)
class ReminderFacts:
    times: CallOffTimes
    questions_deadline_at: dt.datetime | None
    has_unanswered_questions: bool


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def reminder_key(kind: str, deadline_at: dt.datetime, supplier_id: int | None = None) -> str:
    suffix = f":{supplier_id}" if supplier_id is not None else ""
    return f"{kind}:{_stamp(deadline_at)}{suffix}"


def reminders_due(facts: ReminderFacts, now: dt.datetime) -> list[str]:
    """The kinds of reminder due now (the service picks the recipients and skips those already sent)."""
    times = facts.times
    state = calloff_state(times, now)
    due = []
    deadline = times.offer_deadline_at
    if (
        state is CallOffState.TENDERING
        and deadline is not None
        and deadline - OFFER_REMINDER_LEAD <= now < deadline
    ):
        due.append(OFFER_DEADLINE)
    if (
        state in (CallOffState.TENDERING, CallOffState.AWAITING_OPENING)
        and facts.questions_deadline_at is not None
        and facts.questions_deadline_at <= now
        and facts.has_unanswered_questions
    ):
        due.append(QUESTIONS_UNANSWERED)
    if (
        state is CallOffState.READY_TO_SIGN
        and times.standstill_ends_at is not None
        and times.award_notice_sent_at is not None
        and times.standstill_ends_at <= now
    ):
        due.append(STANDSTILL_ENDED)
    return due


def reminder_run_times(facts: ReminderFacts, now: dt.datetime) -> list[dt.datetime]:
    """The future moments at which a reminder may fall due (for scheduling deferred tasks)."""
    times = facts.times
    candidates = []
    if times.offer_deadline_at is not None:
        candidates.append(times.offer_deadline_at - OFFER_REMINDER_LEAD)
    if facts.questions_deadline_at is not None:
        candidates.append(facts.questions_deadline_at)
    if times.standstill_ends_at is not None:
        candidates.append(times.standstill_ends_at)
    return sorted({c for c in candidates if c > now})
