"""A call-off's state, derived from its stored timestamps in one pure function.

Nothing stores the state. Services set timestamps; every page, API and task asks `calloff_state`.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class CallOffState(enum.StrEnum):
    DRAFT = "draft"  # being prepared; for direct/desk this is where the cascade or evaluation runs
    TENDERING = "tendering"  # mini-competition: invitations sent, before the offer deadline
    AWAITING_OPENING = "awaiting_opening"  # deadline passed, offers still sealed
    EVALUATION = "evaluation"  # offers opened (mini) or evaluation done (desk), award not yet decided
    AWARD_DECIDED = "award_decided"  # approver signed the award, notice not yet sent
    STANDSTILL = "standstill"  # notice sent, standstill running
    ON_HOLD = "on_hold"  # a complaint put the call-off on hold
    READY_TO_SIGN = "ready_to_sign"  # notice sent, no standstill or it has ended
    CONTRACTED = "contracted"
    CANCELLED = "cancelled"


# States in which the call-off still binds framework value (everything but cancelled).
OPEN_STATES = frozenset(CallOffState) - {CallOffState.CANCELLED}


@dataclass(frozen=True)
class CallOffTimes:
    created_at: dt.datetime
    published_at: dt.datetime | None = None
    offer_deadline_at: dt.datetime | None = None
    offers_opened_at: dt.datetime | None = None
    evaluated_at: dt.datetime | None = None
    award_decided_at: dt.datetime | None = None
    award_notice_sent_at: dt.datetime | None = None
    standstill_ends_at: dt.datetime | None = None
    on_hold_since: dt.datetime | None = None
    contract_signed_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None

    @classmethod
    def of(cls, calloff: object) -> CallOffTimes:
        """Read the timestamps off any object that carries them (a CallOff row)."""
        return cls(**{name: getattr(calloff, name) for name in cls.__dataclass_fields__})


def calloff_state(times: CallOffTimes, now: dt.datetime) -> CallOffState:
    if times.cancelled_at is not None:
        return CallOffState.CANCELLED
    if times.contract_signed_at is not None:
        return CallOffState.CONTRACTED
    if times.on_hold_since is not None:
        return CallOffState.ON_HOLD
    if times.award_notice_sent_at is not None:
        if times.standstill_ends_at is not None and now < times.standstill_ends_at:
            return CallOffState.STANDSTILL
        return CallOffState.READY_TO_SIGN
    if times.award_decided_at is not None:
        return CallOffState.AWARD_DECIDED
    if times.offers_opened_at is not None or times.evaluated_at is not None:
        return CallOffState.EVALUATION
    if times.published_at is not None:
        if times.offer_deadline_at is not None and now >= times.offer_deadline_at:
            return CallOffState.AWAITING_OPENING
        return CallOffState.TENDERING
    return CallOffState.DRAFT


def offers_accepted(times: CallOffTimes, now: dt.datetime) -> bool:
    """Offers may be submitted, replaced or withdrawn only while tendering (server time, strictly before deadline)."""
    return calloff_state(times, now) is CallOffState.TENDERING
