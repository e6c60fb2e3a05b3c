"""Privacy tests run on a fixed day shortly after ASSESSED_ON, so "not in the past" rules on review dates give the
same answers whatever the real date is."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

TODAY_AT = dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY_AT, tick=True):
        yield
