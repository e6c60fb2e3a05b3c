"""The one deadline module: periods per Regulation (EEC, Euratom) 1182/71 as FOA § 7-6 applies it.

- The day of the event is not counted: day 1 is the day after.
- Calendar days by default (Saturdays, Sundays and public holidays count), or working days on request.
- A period whose last day is a Saturday, Sunday or public holiday runs to the end of the next working day.
- A period expires at the end (24:00) of its last day, Europe/Oslo time. Stored instants are UTC.

Norwegian public holidays come from the pinned `holidays` package; `MPS_EXTRA_CLOSED_DAYS` in settings adds days
(e.g. 24 and 31 December) when an organisation treats them as closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")


@lru_cache(maxsize=64)
def _norwegian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("NO", years=year, language="no").keys())


def is_working_day(day: dt.date, *, extra_closed: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year) and day not in set(extra_closed)


def holiday_name(day: dt.date) -> str | None:
    """The Norwegian name of the public holiday on `day`, or None."""
    names = holidays.country_holidays("NO", years=day.year, language="no")
    return names.get(day)


def period_last_day(
    event_on: dt.date, days: int, *, working_days: bool = False, extra_closed: Iterable[dt.date] = ()
) -> dt.date:
    """The last day of a period of `days` days that starts from an event on `event_on`."""
    if days < 1:
        raise ValueError("a period is at least one day")
    closed = frozenset(extra_closed)
    day = event_on
    if working_days:
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if is_working_day(day, extra_closed=closed):
                counted += 1
        return day
    day = event_on + dt.timedelta(days=days)
    while not is_working_day(day, extra_closed=closed):  # art. 3(4)
        day += dt.timedelta(days=1)
    return day


def period_expires_at(
    event_at: dt.datetime, days: int, *, working_days: bool = False, extra_closed: Iterable[dt.date] = ()
) -> dt.datetime:
    """The instant (UTC) a period of `days` days from the event at `event_at` expires: 24:00 Oslo on its last day."""
    if event_at.tzinfo is None:
        raise ValueError("event_at must be timezone-aware")
    event_on = event_at.astimezone(OSLO).date()
    last = period_last_day(event_on, days, working_days=working_days, extra_closed=extra_closed)
    midnight = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=OSLO)
    return midnight.astimezone(dt.UTC)


def oslo_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(OSLO).date()
