"""Synthetic FOCUS data (deterministic, conformant enough to import) and the demo seeding through the real import."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import pytest

from marketplace.accounts import demo as accounts_demo
from marketplace.core.demo import DemoResult
from marketplace.finops import demo, synthetic
from marketplace.finops.analytics.backend import Scope, costs, execute
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.services.ingest import finops_import


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_arguments_give_the_same_file(tmp_path):
    a = synthetic.generate(tmp_path / "a.csv", 500, seed=3, fmt="csv", days=10)
    b = synthetic.generate(tmp_path / "b.csv", 500, seed=3, fmt="csv", days=10)
    c = synthetic.generate(tmp_path / "c.csv", 500, seed=4, fmt="csv", days=10)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_generated_rows_have_the_promised_shape(tmp_path):
    path = synthetic.generate(
        tmp_path / "s.parquet", 3000, seed=1, start=dt.date(2026, 1, 1), days=30, org="nve"
    )
    con = duckdb.connect()
    src = f"read_parquet('{path}')"
    row = con.execute(
        f"""SELECT count(*), count(DISTINCT ChargePeriodStart), min(ChargePeriodStart), max(ChargePeriodStart),
                   count(DISTINCT ProviderName), count(DISTINCT BillingCurrency),
                   count(*) FILTER (PricingCategory = 'Committed'), count(*) FILTER (Tags = '{{}}'),
                   bool_and(BillingAccountId LIKE 'nve-%'), count(*) FILTER (RegionId = 'norway-east')
            FROM {src}"""
    ).fetchone()
    assert row is not None
    assert row[:4] == (3000, 30, dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 30))
    # providers, currencies, committed rows, untagged rows, every account is the org's, rows in norway-east
    assert row[4:] == (6, 3, 150, 660, True, 840)
    assert con.execute(
        f"SELECT DISTINCT json_keys(Tags::JSON) FROM {src} WHERE Tags <> '{{}}'"
    ).fetchall() == [(["avdeling", "prosjekt", "miljo"],)]
    # the spike: one line item on day 20 (two thirds into 30 days) costs about ten times its median
    spike = con.execute(
        f"""WITH d AS (SELECT ResourceId, ChargePeriodStart, ListCost FROM {src}),
                 m AS (SELECT ResourceId, median(ListCost) AS med FROM d GROUP BY ALL)
            SELECT d.ChargePeriodStart, d.ListCost / m.med > 5 FROM d JOIN m USING (ResourceId)
            WHERE d.ListCost / m.med > 5"""
    ).fetchall()
    assert spike == [(dt.datetime(2026, 1, 21), True)]


@pytest.mark.django_db
def test_synthetic_csv_and_parquet_import_to_the_same_totals(tmp_path):
    from marketplace.accounts.tests.factories import OrganisationFactory

    a, b = OrganisationFactory(), OrganisationFactory()
    pq = synthetic.generate(tmp_path / "s.parquet", 2000, seed=9, days=40, org="a")
    csv = synthetic.generate(tmp_path / "s.csv", 2000, seed=9, days=40, org="b", fmt="csv")
    for org, path in ((a, pq), (b, csv)):
        imp = finops_import(organisation=org, paths=[path])
        assert (imp.status, imp.rows_loaded, imp.rows_rejected) == (ImportStatus.DONE, 2000, 0), imp.error

    def totals(org):
        t = costs(Scope((org.pk,)))
        return execute(
            t.group_by("BillingCurrency")
            .aggregate(billed=t.BilledCost.sum(), effective=t.EffectiveCost.sum())
            .order_by("BillingCurrency")
        )

    assert totals(a) == totals(b)
    assert all(isinstance(r["billed"], Decimal) for r in totals(a))


@pytest.mark.django_db
def test_demo_seeds_a_year_for_nve_and_tolletaten_once():
    result = DemoResult()
    accounts_demo.seed(result)
    today = dt.date(2026, 11, 28)
    demo.seed(result, today=today)
    days = (today - dt.date(2025, 12, 1)).days + 1
    by_org = {
        orgnr: list(
            BillingPeriodData.objects.filter(organisation__orgnr=orgnr, is_current=True)
            .order_by("billing_period")
            .values_list("billing_period", flat=True)
        )
        for orgnr in ("970205039", "974761467")
    }
    assert by_org["970205039"][0] == dt.date(2025, 12, 1)
    assert by_org["970205039"][-1] == dt.date(2026, 11, 1)
    assert len(by_org["970205039"]) == len(by_org["974761467"]) == 12
    assert list(FocusImport.objects.values_list("status", "rows_loaded").order_by("pk")) == [
        (ImportStatus.DONE, 80 * days),
        (ImportStatus.DONE, 40 * days),
    ]
    assert result.counts["finops_cost_rows"] == 120 * days
    assert result.counts["finops_exchange_rates"] == 48
    demo.seed(DemoResult(), today=today)
    assert FocusImport.objects.count() == 2


@pytest.mark.django_db
def test_demo_anomaly_page_shows_the_spike_in_its_default_30_days(login):
    """The demo's spike is ten days before the seeding day, so the anomaly page (default: the last 30 days) shows
    it to the demo user; with the spike two thirds into the year (the generator's default) it showed nothing."""
    import time_machine
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    result = DemoResult()
    accounts_demo.seed(result)
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        demo.seed(result, today=dt.date(2026, 11, 28))
        nve = demo.Organisation.objects.get(orgnr="970205039")
        client = login(get_user_model().objects.get(username="nve.admin"), nve)
        page = client.get(reverse("finops:anomalies")).content.decode()
    assert "18.11.2026" in page
    assert "<td>Økning</td>" in page
