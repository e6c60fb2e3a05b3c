"""calloff_state: every state, and the boundaries at the offer deadline and at the end of standstill."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.calloffs.rules.state import (
    OPEN_STATES,
    CallOffState,
    CallOffTimes,
    calloff_state,
    offers_accepted,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DEADLINE = dt.datetime(2026, 3, 16, 11, 0, tzinfo=dt.UTC)
STANDSTILL_END = dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)  # 24:00 Oslo (CEST) on 7 April 2026
TICK = dt.timedelta(microseconds=1)


def times(**kw):
    return CallOffTimes(created_at=T0, **kw)


PUBLISHED = {"published_at": T0, "offer_deadline_at": DEADLINE}
DECIDED = {**PUBLISHED, "offers_opened_at": DEADLINE, "award_decided_at": DEADLINE + dt.timedelta(days=5)}
NOTICE = {
    **DECIDED,
    "award_notice_sent_at": DEADLINE + dt.timedelta(days=8),
    "standstill_ends_at": STANDSTILL_END,
}


@pytest.mark.parametrize(
    ("kw", "now", "state"),
    [
        ({}, T0, CallOffState.DRAFT),
        (PUBLISHED, T0, CallOffState.TENDERING),
        (PUBLISHED, DEADLINE - TICK, CallOffState.TENDERING),
        (PUBLISHED, DEADLINE, CallOffState.AWAITING_OPENING),
        (PUBLISHED, DEADLINE + TICK, CallOffState.AWAITING_OPENING),
        ({"published_at": T0}, DEADLINE, CallOffState.TENDERING),  # no deadline set yet
        ({**PUBLISHED, "offers_opened_at": DEADLINE}, DEADLINE, CallOffState.EVALUATION),
        ({"evaluated_at": T0}, T0, CallOffState.EVALUATION),  # desk evaluation without publication
        (DECIDED, DEADLINE, CallOffState.AWARD_DECIDED),
        (NOTICE, STANDSTILL_END - TICK, CallOffState.STANDSTILL),
        (NOTICE, STANDSTILL_END, CallOffState.READY_TO_SIGN),
        (
            {**DECIDED, "award_notice_sent_at": DEADLINE + dt.timedelta(days=8)},
            DEADLINE,
            CallOffState.READY_TO_SIGN,
        ),
        (
            {**NOTICE, "on_hold_since": STANDSTILL_END - dt.timedelta(days=1)},
            STANDSTILL_END,
            CallOffState.ON_HOLD,
        ),
        ({**NOTICE, "contract_signed_at": STANDSTILL_END}, STANDSTILL_END, CallOffState.CONTRACTED),
        (
            {**NOTICE, "contract_signed_at": STANDSTILL_END, "cancelled_at": T0},
            STANDSTILL_END,
            CallOffState.CANCELLED,
        ),
        ({"cancelled_at": T0}, T0, CallOffState.CANCELLED),
    ],
)
def test_state(kw, now, state):
    assert calloff_state(times(**kw), now) is state


def test_every_state_is_covered():
    reached = {
        calloff_state(times(**kw), now)
        for kw, now in [
            ({}, T0),
            (PUBLISHED, T0),
            (PUBLISHED, DEADLINE),
            ({**PUBLISHED, "offers_opened_at": DEADLINE}, DEADLINE),
            (DECIDED, DEADLINE),
            (NOTICE, T0),
            ({**NOTICE, "on_hold_since": T0}, T0),
            (NOTICE, STANDSTILL_END),
            ({"contract_signed_at": T0}, T0),
            ({"cancelled_at": T0}, T0),
        ]
    }
    assert reached == set(CallOffState)
    assert CallOffState.CANCELLED not in OPEN_STATES
    assert len(OPEN_STATES) == len(CallOffState) - 1


def test_offers_accepted_strictly_before_deadline():
    assert offers_accepted(times(**PUBLISHED), DEADLINE - TICK) is True
    assert offers_accepted(times(**PUBLISHED), DEADLINE) is False
    assert offers_accepted(times(), T0) is False


def test_times_of_reads_attributes():
    class Row:
        created_at = T0
        published_at = None
        offer_deadline_at = None
        offers_opened_at = None
        evaluated_at = None
        award_decided_at = None
        award_notice_sent_at = None
        standstill_ends_at = None
        on_hold_since = None
        contract_signed_at = None
        cancelled_at = T0

    assert CallOffTimes.of(Row()) == CallOffTimes(created_at=T0, cancelled_at=T0)
