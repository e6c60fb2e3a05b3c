"""The same report on DuckDB and on PySpark local mode gives identical Decimal results.

The data set is built to catch float paths and precision loss: thousands of rows of 0.0000000001, amounts near the
DECIMAL(28,10) limit, negative credits, several currencies, months, tags and a commitment. Spark starts once per
test process (one session, `getOrCreate`); a run takes well under a minute on two cores.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics import allocation, backend, report
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.report import Filters
from marketplace.finops.tests.helpers import cost_row, store_costs

# No skip when Java is missing: this must run in CI (.ci/run installs a Java runtime when there is none).
pytestmark = [pytest.mark.django_db, pytest.mark.spark]

# Tiny data: one shuffle partition and no code generation make each Spark query cheap (semantics unchanged).
QUICK_SPARK = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
}


@pytest.fixture(scope="module", autouse=True)
def spark():
    session = backend.spark_session()
    previous = {key: session.conf.get(key, None) for key in QUICK_SPARK}
    for key, value in QUICK_SPARK.items():
        session.conf.set(key, value)
    yield session
    for key, value in previous.items():
        if value is not None:
            session.conf.set(key, value)


TINY = Decimal("0.0000000001")
HUGE = Decimal("999999999999999999.9999999999")  # the largest DECIMAL(28,10)


def tricky_rows() -> list[dict]:
    rows = []
    for i in range(2000):
        day = dt.date(2026, 7 + i % 3, 1 + i % 28)
        rows.append(
            cost_row(
                day,
                TINY,
                ServiceName=("Virtual Machines", "Blob Storage", "Functions")[i % 3],
                ServiceCategory=("Compute", "Storage", "Compute")[i % 3],
                SubAccountId=f"sa-{i % 5}",
                RegionId=("norway-east", "eu-north-1")[i % 2],
                ResourceId=f"r-{i % 7}",
                Tags=json.dumps({"team": f"t{i % 4}"}) if i % 6 else None,
                BillingCurrency=("NOK", "USD", "EUR")[i % 3],
            )
        )
    rows += [
        cost_row(dt.date(2026, 7, 5), HUGE, Tags=json.dumps({"team": "t1"})),
        cost_row(dt.date(2026, 8, 5), HUGE, ResourceId="big"),
        cost_row(dt.date(2026, 9, 5), HUGE, BillingCurrency="USD", ProviderName="Amazon Web Services"),
        cost_row(
            dt.date(2026, 9, 6),
            "-123.4567890123",
            ChargeCategory="Credit",
            EffectiveCost=Decimal("-123.4567890123"),
        ),
        cost_row(
            dt.date(2026, 9, 7),
            "3.3333333333",
            EffectiveCost=Decimal("1.1111111111"),
            ListCost=Decimal("7.7777777777"),
        ),
        cost_row(
            dt.date(2026, 9, 8),
            "0",
            EffectiveCost=Decimal("0.75"),
            ContractedCost=Decimal("1.2"),
            PricingCategory="Committed",
            CommitmentDiscountId="ri-1",
            CommitmentDiscountStatus="Used",
        ),
        cost_row(
            dt.date(2026, 9, 8),
            "0",
            EffectiveCost=Decimal("0.25"),
            PricingCategory="Committed",
            CommitmentDiscountId="ri-1",
            CommitmentDiscountStatus="Unused",
        ),
        cost_row(
            dt.date(2026, 9, 1),
            "1.0000000003",
            EffectiveCost=Decimal("0"),
            ChargeCategory="Purchase",
            ChargeFrequency="Recurring",
            CommitmentDiscountId="ri-1",
        ),
    ]
    return rows


def test_report_is_identical_on_duckdb_and_pyspark():
    org = OrganisationFactory()
    store_costs(org, tricky_rows())
    scope = Scope((org.pk,))
    plan = allocation.Plan(
        centres=(allocation.CentreInfo(1, "A", "A"), allocation.CentreInfo(2, "B", "B")),
        rules=(
            allocation.Rule(1, allocation.Match("tag", "team", "t1")),
            allocation.Rule(2, allocation.Match("sub_account", "sa-2", "sa-2")),
        ),
        shared=(
            allocation.SharedRule(9, "Felles", allocation.Match("service", "", "Functions"), "proportional"),
        ),
    )

    duck = report.report_build(scope, "duckdb")
    spark = report.report_build(scope, "pyspark")
    assert duck == spark
    # and with filters, a tag dimension and the day grain
    filters = Filters(tag_key="team", tag_value="t1", service_category="Compute")
    assert report.by_dimension(scope, "tag:team", filters, engine="duckdb") == report.by_dimension(
        scope, "tag:team", filters, engine="pyspark"
    )
    assert report.cost_over_time(
        scope, engine="duckdb", grain="day", stack_by="provider"
    ) == report.cost_over_time(scope, engine="pyspark", grain="day", stack_by="provider")
    assert allocation.allocate(scope, plan, engine="duckdb") == allocation.allocate(
        scope, plan, engine="pyspark"
    )

    # the answers themselves are exact, not just equal
    nok = next(r for r in duck["totals"] if r["currency"] == "NOK")
    assert nok["billed_cost"] == Decimal("1999999999999999880.8765443878")
    assert nok["rows"] == 667 + 7
    assert type(nok["billed_cost"]) is Decimal
    [ri] = duck["commitments"]["utilisation"]
    assert (ri["used_cost"], ri["unused_cost"], ri["utilisation"]) == (
        Decimal("0.75"),
        Decimal("0.25"),
        Decimal("0.75"),
    )


def test_files_with_narrow_and_wide_decimal_columns_read_the_same_on_both(tmp_path):
    """The import stores a decimal column narrow where every value of the file fits (schema.NARROW_DECIMAL): here
    July's file is all narrow and August's has a wide BilledCost. Spark, which takes the first file's types, and
    DuckDB both read the exact values."""
    from marketplace.finops.models import ImportStatus
    from marketplace.finops.services.ingest import finops_import
    from marketplace.finops.tests.ingest_files import usage, write_csv

    org = OrganisationFactory()
    source = write_csv(
        tmp_path / "c.csv",
        [
            usage("2026-07-01", "0.0000000001"),
            usage("2026-07-02", "-99999999.9999999999"),
            usage("2026-08-01", "123456789012345678.0000000001"),
        ],
    )
    assert finops_import(organisation=org, paths=[source]).status == ImportStatus.DONE
    scope = Scope((org.pk,))

    duck = report.report_build(scope, "duckdb")
    spark = report.report_build(scope, "pyspark")
    assert duck == spark
    [nok] = duck["totals"]
    assert nok["billed_cost"] == Decimal("123456789012345678.0000000001") + Decimal("-99999999.9999999998")
    assert nok["rows"] == 3
