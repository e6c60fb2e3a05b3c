"""The optimisation analyses give identical Decimal results on DuckDB and on PySpark local mode (skipped where no
Java runtime is installed)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.carbon import carbon_estimate
from marketplace.finops.analytics.licences import focus_seat_price
from marketplace.finops.analytics.prices import price_check
from marketplace.finops.analytics.unit_costs import monthly_cost_expr
from marketplace.finops.analytics.workload import workload_findings
from marketplace.finops.tests import test_prices, test_workload
from marketplace.finops.tests.helpers import store_costs
from marketplace.finops.tests.test_licences import spec_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="PySpark needs a Java runtime"),
]


def test_same_results_on_duckdb_and_pyspark():
    from marketplace.finops.analytics.backend import execute

    test_prices.price_world()
    org = OrganisationFactory()
    store_costs(
        org,
        test_workload.rows()
        + [test_prices.vm(test_prices.SEP, "50", "100"), test_prices.vm(dt.date(2026, 9, 20), "4.20", "10")]
        + [
            {
                **row,
                "BillingPeriodStart": dt.datetime(2026, 9, 1),
                "BillingPeriodEnd": dt.datetime(2026, 10, 1),
            }
            for row in spec_rows("simple_saas_agreements_c.csv")
        ],
    )
    # one billing period = one Parquet file: backend.costs() hands PySpark a list of several files as one string
    scope = Scope((org.pk,))
    for analysis in (
        lambda engine: price_check(scope, engine=engine),
        lambda engine: carbon_estimate(scope, engine=engine),
        lambda engine: workload_findings(scope, engine=engine),
        lambda engine: focus_seat_price(scope, sku_id="ACL-123", engine=engine),
        lambda engine: execute(monthly_cost_expr(scope, engine=engine), engine=engine),
    ):
        on_duckdb = analysis("duckdb")
        assert on_duckdb  # something to compare
        assert analysis("pyspark") == on_duckdb
