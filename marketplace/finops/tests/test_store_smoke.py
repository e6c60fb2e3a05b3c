"""The storage layout and the analytics backend agree: rows stored for an organisation come back from `costs()`
with the stored types, only for that organisation, and a re-stored period replaces the old one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope, costs, execute
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db


def _total(scope: Scope) -> list[dict]:
    t = costs(scope)
    return execute(
        t.group_by("x_Organisation").aggregate(billed=t.BilledCost.sum()).order_by("x_Organisation")
    )


def test_costs_reads_current_files_of_the_scope_only():
    nve, toll = OrganisationFactory(), OrganisationFactory()
    store_costs(nve, [cost_row(dt.date(2026, 9, 1), "10.5"), cost_row(dt.date(2026, 9, 2), "0.0000000001")])
    store_costs(toll, [cost_row(dt.date(2026, 9, 1), "99")])
    assert _total(Scope((nve.pk,))) == [{"x_Organisation": nve.orgnr, "billed": Decimal("10.5000000001")}]


def test_restoring_a_period_replaces_it():
    nve = OrganisationFactory()
    store_costs(nve, [cost_row(dt.date(2026, 9, 1), "10")])
    store_costs(nve, [cost_row(dt.date(2026, 9, 1), "7")])
    assert _total(Scope((nve.pk,))) == [{"x_Organisation": nve.orgnr, "billed": Decimal("7.0000000000")}]


def test_empty_scope_is_an_empty_table():
    nve = OrganisationFactory()
    assert _total(Scope((nve.pk,))) == []
