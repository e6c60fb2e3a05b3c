"""Workload findings: cost without usage, idle (flat trickle), unattached block storage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.workload import workload_findings
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.optimise_pages import assert_page_matrix

pytestmark = pytest.mark.django_db
SEP = dt.date(2026, 9, 1)


def days(n: int) -> list[dt.date]:
    return [SEP + dt.timedelta(days=i) for i in range(n)]


def rows() -> list[dict]:
    result = [
        # cost without usage: 2 rows, no consumption
        cost_row(SEP, "12", ResourceId="ip-1", ResourceName="Offentlig IP", ConsumedQuantity=None),
        cost_row(
            SEP + dt.timedelta(days=1),
            "3",
            ResourceId="ip-1",
            ResourceName="Offentlig IP",
            ConsumedQuantity=Decimal(0),
        ),
        # used: not a finding
        cost_row(SEP, "40", ResourceId="vm-1", ConsumedQuantity=Decimal(24)),
        # a tagless tax row without a resource: never a finding
        cost_row(SEP, "5", ChargeCategory="Tax", ConsumedQuantity=None),
    ]
    # idle: 7 days of exactly 0.5 GB a day in a non-time unit
    result += [
        cost_row(
            d,
            "2",
            ResourceId="db-1",
            ServiceCategory="Databases",
            ConsumedUnit="GB",
            ConsumedQuantity=Decimal("0.5"),
        )
        for d in days(7)
    ]
    # not idle: only 6 days
    result += [
        cost_row(
            d,
            "2",
            ResourceId="db-2",
            ServiceCategory="Databases",
            ConsumedUnit="GB",
            ConsumedQuantity=Decimal("0.5"),
        )
        for d in days(6)
    ]
    # not idle: varies
    result += [
        cost_row(
            d,
            "2",
            ResourceId="db-3",
            ServiceCategory="Databases",
            ConsumedUnit="GB",
            ConsumedQuantity=Decimal(i % 2 + 0.5),
        )
        for i, d in enumerate(days(7))
    ]
    # not idle: hours
    result += [cost_row(d, "2", ResourceId="vm-2", ConsumedQuantity=Decimal("0.5")) for d in days(7)]
    # unattached: a disk in a sub-account without compute
    result.append(
        cost_row(
            SEP,
            "30",
            ResourceId="disk-1",
            SubAccountId="sa-2",
            ServiceCategory="Storage",
            ServiceSubcategory="Block",
            ConsumedUnit="GB-Mo",
            ConsumedQuantity=Decimal(100),
        )
    )
    # attached: a disk in sa-1, which has compute
    result.append(
        cost_row(
            SEP,
            "30",
            ResourceId="disk-2",
            ResourceType="Managed Disk",
            ServiceCategory="Storage",
            ConsumedUnit="GB-Mo",
            ConsumedQuantity=Decimal(100),
        )
    )
    return result


def test_findings_exact():
    org = OrganisationFactory()
    store_costs(org, rows())
    findings = workload_findings(Scope((org.pk,)))
    assert [(f.kind, f.resource_id, f.sub_account_id, f.cost, f.currency) for f in findings] == [
        ("cost_no_usage", "ip-1", "sa-1", Decimal("15"), "NOK"),
        ("idle", "db-1", "sa-1", Decimal("14"), "NOK"),
        ("unattached_storage", "disk-1", "sa-2", Decimal("30"), "NOK"),
    ]
    assert findings[1].heuristic.startswith(
        "Ressursen har samme lave daglige forbruk (høyst 1 enhet) hver dag i minst 7"
    )
    assert findings[2].heuristic.startswith("Blokklagring")
    looser = workload_findings(Scope((org.pk,)), idle_min_days=6)
    assert [f.resource_id for f in looser if f.kind == "idle"] == ["db-1", "db-2"]


def test_workload_page(client):
    org = OrganisationFactory()
    store_costs(org, rows())
    url = reverse("finops:workload")
    page = assert_page_matrix(client, url, org, "disk-1")
    assert "ip-1" in page
    response = client.get(url + "?kind=idle&format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "kind;resource_id;resource_name;sub_account_id;service_name;cost;currency;heuristic"
    assert len(lines) == 2
    assert lines[1].startswith("idle;db-1;;sa-1;Virtual Machines;14;NOK;")
