"""The deadline module: Reg. 1182/71 with Norwegian holidays; the 2026 standstill examples of procurement-rules.md §1.6."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.calloffs.services.common import extra_closed_days
from marketplace.core.deadlines import (
    OSLO,
    holiday_name,
    is_working_day,
    oslo_day,
    period_expires_at,
    period_last_day,
)


@pytest.mark.parametrize(
    ("sent", "last"),
    [
        (dt.date(2026, 3, 24), dt.date(2026, 4, 7)),  # day 10 = Langfredag → 2. påskedag → Tue 7 April
        (dt.date(2026, 5, 4), dt.date(2026, 5, 15)),  # day 10 = Kristi himmelfartsdag → Fri 15 May
        (
            dt.date(2026, 12, 15),
            dt.date(2026, 12, 28),
        ),  # day 10 = 1. juledag → 2. juledag, Sunday → Mon 28 Dec
        (dt.date(2026, 4, 20), dt.date(2026, 4, 30)),  # plain: Thu 30 April
    ],
)
def test_standstill_examples_2026(sent, last):
    assert period_last_day(sent, 10) == last


def test_standstill_expires_24_00_oslo_in_utc():
    # summer time (CEST, UTC+2): 24:00 on Tue 7 April 2026 is 22:00 UTC
    sent = dt.datetime(2026, 3, 24, 14, 0, tzinfo=dt.UTC)
    assert period_expires_at(sent, 10) == dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)
    # winter time (CET, UTC+1): 24:00 on Mon 28 Dec 2026 is 23:00 UTC
    sent = dt.datetime(2026, 12, 15, 9, 30, tzinfo=dt.UTC)
    assert period_expires_at(sent, 10) == dt.datetime(2026, 12, 28, 23, 0, tzinfo=dt.UTC)
    # Ascension Day example and the plain one
    assert period_expires_at(dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC), 10) == dt.datetime(
        2026, 5, 15, 22, 0, tzinfo=dt.UTC
    )
    assert period_expires_at(dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC), 10) == dt.datetime(
        2026, 4, 30, 22, 0, tzinfo=dt.UTC
    )


def test_event_day_is_the_oslo_day():
    # 23:30 UTC on 23 March is already 24 March in Oslo (CET): counts as the Easter example
    late = dt.datetime(2026, 3, 23, 23, 30, tzinfo=dt.UTC)
    assert oslo_day(late) == dt.date(2026, 3, 24)
    assert period_expires_at(late, 10) == dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)
    assert period_expires_at(late.astimezone(OSLO), 10) == dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)


def test_expiry_across_the_dst_change():
    # sent Fri 20 March 2026 (CET), 10 days → Mon 30 March (CEST): 22:00 UTC
    assert period_expires_at(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), 10) == dt.datetime(
        2026, 3, 30, 22, 0, tzinfo=dt.UTC
    )
    # sent Mon 19 Oct 2026 (CEST), 10 days → Thu 29 Oct (CET): 23:00 UTC
    assert period_expires_at(dt.datetime(2026, 10, 19, 12, 0, tzinfo=dt.UTC), 10) == dt.datetime(
        2026, 10, 29, 23, 0, tzinfo=dt.UTC
    )


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        period_expires_at(dt.datetime(2026, 3, 24, 14, 0), 10)


def test_period_must_be_at_least_one_day():
    with pytest.raises(ValueError, match="at least one day"):
        period_last_day(dt.date(2026, 3, 24), 0)


@pytest.mark.parametrize(
    ("event", "days", "last"),
    [
        (dt.date(2026, 3, 27), 1, dt.date(2026, 3, 30)),  # Fri → next working day Mon
        (
            dt.date(2026, 3, 31),
            3,
            dt.date(2026, 4, 8),
        ),  # Wed 1, Tue 7, Wed 8 (skips skjærtorsdag..2. påskedag)
        (dt.date(2026, 5, 13), 1, dt.date(2026, 5, 15)),  # skips Kristi himmelfartsdag
        (
            dt.date(2026, 12, 23),
            2,
            dt.date(2026, 12, 28),
        ),  # Thu 24 (not a public holiday), (25-27 closed), Mon 28
        (dt.date(2026, 4, 20), 10, dt.date(2026, 5, 5)),  # skips 1 May and weekends
    ],
)
def test_working_days_mode(event, days, last):
    assert period_last_day(event, days, working_days=True) == last


def test_extra_closed_days_from_settings(settings):
    # 24 December treated as closed by the organisation
    settings.MPS_EXTRA_CLOSED_DAYS = ["2026-12-24", "2026-12-31"]
    closed = extra_closed_days()
    assert period_last_day(dt.date(2026, 12, 23), 2, working_days=True, extra_closed=closed) == dt.date(
        2026, 12, 29
    )
    assert period_last_day(dt.date(2026, 12, 23), 1, working_days=True, extra_closed=closed) == dt.date(
        2026, 12, 28
    )
    assert period_last_day(dt.date(2026, 12, 23), 1, working_days=True) == dt.date(2026, 12, 24)
    # calendar mode: a period ending on a closed day runs to the next working day
    assert period_last_day(dt.date(2026, 12, 14), 10, extra_closed=closed) == dt.date(2026, 12, 28)
    assert period_last_day(dt.date(2026, 12, 14), 10) == dt.date(2026, 12, 24)
    assert period_expires_at(
        dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC), 10, extra_closed=closed
    ) == dt.datetime(2026, 12, 28, 23, 0, tzinfo=dt.UTC)


def test_holiday_facts():
    assert holiday_name(dt.date(2026, 4, 3)) == "Langfredag"
    assert holiday_name(dt.date(2026, 4, 8)) is None
    assert is_working_day(dt.date(2026, 4, 8)) is True
    assert is_working_day(dt.date(2026, 5, 17)) is False
    assert is_working_day(dt.date(2026, 4, 8), extra_closed=[dt.date(2026, 4, 8)]) is False
