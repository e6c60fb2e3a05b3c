"""Converters from native exports to FOCUS 1.2, on small files made for the tests
(fixtures/converters/, see the README there): source file -> reader -> converter -> conformance checker."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from marketplace.finops.converters import CONVERTERS, to_focus
from marketplace.finops.converters._common import utc_timestamp
from marketplace.finops.converters.aws_cur import athena_name
from marketplace.finops.focus.check import check_relation
from marketplace.finops.focus.findings import ERROR, INFO, WARNING, Finding
from marketplace.finops.reader import open_sources

FIXTURES = Path(__file__).parent / "fixtures" / "converters"
D = Decimal


def T(iso: str) -> dt.datetime:  # noqa: N802 - reads like D above
    """A UTC time as the converters give it: a naive TIMESTAMP in UTC."""
    return dt.datetime.fromisoformat(iso.removesuffix("Z"))


def convert(paths: list[Path], fmt: str) -> tuple[duckdb.DuckDBPyConnection, str, list[Finding]]:
    con = duckdb.connect()
    open_sources(con, [str(p) for p in paths], "source")
    view, findings = to_focus(con, "source", fmt)
    return con, view, findings


def rows_of(con: duckdb.DuckDBPyConnection, view: str, columns: str) -> list[tuple[Any, ...]]:
    return con.execute(f'SELECT "x_SourceRow", {columns} FROM "{view}" ORDER BY 1, 2').fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row


def assert_conformant(con: duckdb.DuckDBPyConnection, view: str, expected_rows: int) -> None:
    result = check_relation(con, view)
    assert result.focus_version == "1.2"
    assert not result.fatal
    assert [f for f in result.findings if f.severity == ERROR] == []
    sql = f"SELECT count(*), count(x_RejectReason) FROM ({result.select_sql})"
    assert one(con, sql) == (expected_rows, 0)


def test_every_format_of_the_import_command_has_a_converter():
    assert sorted(CONVERTERS) == ["aws-cur", "azure-ea", "oci"]


# --- AWS CUR ------------------------------------------------------------------------------------------------------

AWS_COSTS = (
    "ChargeCategory, ChargeFrequency, PricingCategory, BilledCost, EffectiveCost, ListCost, ContractedCost"
)


def test_aws_cur_categories_and_costs_with_amortised_commitments():
    con, view, findings = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    assert rows_of(con, view, AWS_COSTS) == [
        (1, "Usage", "Usage-Based", "Standard", D("2.304"), D("2.304"), D("2.304"), D("2.304")),
        (2, "Usage", "Usage-Based", "Standard", D("2.3115"), D("2.3115"), D("2.3115"), D("2.3115")),
        # reserved instance covers the usage: billed 0, amortised reservation/EffectiveCost, list = on-demand
        (3, "Usage", "Usage-Based", "Committed", D("0"), D("2.88"), D("4.608"), D("4.608")),
        # the RI fee is a purchase (EffectiveCost 0); its unused part becomes an "Unused" usage row
        (4, "Purchase", "Recurring", "Standard", D("86.4"), D("0"), D("86.4"), D("86.4")),
        (4, "Usage", "Usage-Based", "Committed", D("0"), D("5.76"), D("5.76"), D("5.76")),
        # Savings Plan: covered usage at its effective cost, the negation line cancels the billed on-demand amount
        (5, "Usage", "Usage-Based", "Committed", D("0.68"), D("0.45"), D("0.68"), D("0.68")),
        (6, "Usage", "Usage-Based", "Committed", D("-0.68"), D("0"), D("0"), D("0")),
        (7, "Purchase", "Recurring", "Standard", D("72"), D("0"), D("72"), D("72")),
        (7, "Usage", "Usage-Based", "Committed", D("0"), D("1.5"), D("1.5"), D("1.5")),
        (8, "Tax", "One-Time", None, D("5.25"), D("5.25"), D("5.25"), D("5.25")),
        (9, "Credit", "One-Time", None, D("-10"), D("-10"), D("-10"), D("-10")),
        (10, "Usage", "Usage-Based", "Standard", D("1.5"), D("1.5"), D("1.5"), D("1.5")),
        # spot: list cost at the public on-demand rate, contracted at the spot rate
        (11, "Usage", "Usage-Based", "Dynamic", D("0.175"), D("0.175"), D("0.48"), D("0.175")),
        # the reservation's upfront fee: a one-time purchase, amortised into the covered usage
        (12, "Purchase", "One-Time", "Standard", D("500"), D("0"), D("500"), D("500")),
    ]
    assert findings == [
        Finding(
            "aws-cur-service-category-unknown",
            INFO,
            "ServiceCategory",
            1,
            "1 rows have a service the mapping table does not know (AWSFancyNewService); "
            "their ServiceCategory is set to 'Other'.",
        )
    ]
    assert_conformant(con, view, 14)


def test_aws_cur_commitment_columns_and_quantities():
    con, view, _ = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    got = rows_of(
        con,
        view,
        "ChargeCategory, CommitmentDiscountId, CommitmentDiscountCategory, CommitmentDiscountType, "
        "CommitmentDiscountStatus, PricingQuantity, PricingUnit, ConsumedQuantity, ConsumedUnit",
    )
    ri = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/ri-0001"
    sp = "arn:aws:savingsplans::111122223333:savingsplan/sp-0001"
    assert got[2:9] == [
        (3, "Usage", ri, "Usage", "Reserved Instance", "Used", D("24"), "Hrs", D("24"), "Hrs"),
        (4, "Purchase", ri, "Usage", "Reserved Instance", None, D("720"), "Hrs", None, None),
        (4, "Usage", ri, "Usage", "Reserved Instance", "Unused", D("48"), "Hrs", None, None),
        (5, "Usage", sp, "Spend", "Savings Plan", "Used", D("10"), "Hrs", D("10"), "Hrs"),
        (6, "Usage", sp, "Spend", "Savings Plan", "Used", D("0"), "Hrs", D("0"), "Hrs"),
        (7, "Purchase", sp, "Spend", "Savings Plan", None, D("720"), "Hrs", None, None),
        (7, "Usage", sp, "Spend", "Savings Plan", "Unused", D("1.5"), "USD", None, None),
    ]
    # tax and credit carry no quantity, unit or commitment
    assert got[9:11] == [
        (8, "Tax", None, None, None, None, None, None, None, None),
        (9, "Credit", None, None, None, None, None, None, None, None),
    ]
    # per commitment: EffectiveCost of usage = used + unused (FOCUS effectivecost.md)
    sums = one(
        con,
        f"""SELECT sum(EffectiveCost) FILTER (CommitmentDiscountStatus = 'Used'),
                   sum(EffectiveCost) FILTER (CommitmentDiscountStatus = 'Unused'),
                   sum(EffectiveCost) FILTER (ChargeCategory = 'Usage')
            FROM "{view}" WHERE CommitmentDiscountId = ?""",
        [ri],
    )
    assert sums == (D("2.88"), D("5.76"), D("8.64"))


def test_aws_cur_dimensions_periods_and_tags():
    con, view, _ = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    first = con.execute(f'SELECT * FROM "{view}" WHERE "x_SourceRow" = 1').fetchall()
    columns = [d[0] for d in con.execute(f'SELECT * FROM "{view}" LIMIT 0').description]
    row = dict(zip(columns, first[0], strict=True))
    assert {k: row[k] for k in columns if row[k] is not None} == {
        "AvailabilityZone": "us-east-1a",
        "BilledCost": D("2.304"),
        "BillingAccountId": "111122223333",
        "BillingAccountType": "Payer Account",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": T("2026-10-01T00:00:00Z"),
        "BillingPeriodStart": T("2026-09-01T00:00:00Z"),
        "ChargeCategory": "Usage",
        "ChargeDescription": "$0.096 per On Demand Linux m5.large Instance Hour",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": T("2026-09-02T00:00:00Z"),
        "ChargePeriodStart": T("2026-09-01T00:00:00Z"),
        "ConsumedQuantity": D("24"),
        "ConsumedUnit": "Hrs",
        "ContractedCost": D("2.304"),
        "ContractedUnitPrice": D("0.096"),
        "EffectiveCost": D("2.304"),
        "InvoiceId": "EUINNO26-000123",
        "InvoiceIssuerName": "Amazon Web Services EMEA SARL",
        "ListCost": D("2.304"),
        "ListUnitPrice": D("0.096"),
        "PricingCategory": "Standard",
        "PricingQuantity": D("24"),
        "PricingUnit": "Hrs",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services EMEA SARL",
        "RegionId": "us-east-1",
        "RegionName": "US East (N. Virginia)",
        "ResourceId": "i-0aaa1111",
        "ResourceName": "web-1",
        "ServiceCategory": "Compute",
        "ServiceName": "Amazon Elastic Compute Cloud",
        "SkuId": "SKUM5LARGE",
        "SkuPriceId": "SKUM5LARGE.JRTCKXETXF.6YS6EN2CT7",
        "SubAccountId": "444455556666",
        "SubAccountType": "Linked Account",
        "Tags": '{"Name":"web-1","CostCenter":"4711"}',
        "x_SourceRow": 1,
    }
    tags = rows_of(con, view, "Tags, ServiceCategory")
    assert [(r[0], json.loads(r[1]) if r[1] else None, r[2]) for r in tags if r[0] in (2, 7, 10)] == [
        (2, {"CostCenter": "4712", "aws:createdBy": "IAMUser:alice"}, "Storage"),
        (7, None, "Management and Governance"),
        (7, None, "Management and Governance"),
        (10, None, "Other"),
    ]


def test_aws_cur_from_parquet_with_double_costs_gives_the_same_decimals(tmp_path):
    parquet = tmp_path / "cur.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * REPLACE (CAST("lineItem/UnblendedCost" AS DOUBLE) AS "lineItem/UnblendedCost",
                                   CAST("lineItem/UsageAmount" AS DOUBLE) AS "lineItem/UsageAmount",
                                   CAST("lineItem/UsageStartDate" AS TIMESTAMP) AS "lineItem/UsageStartDate")
                  FROM read_csv('{FIXTURES / "aws_cur.csv"}', all_varchar = true))
            TO '{parquet}' (FORMAT parquet)"""
    )
    con, view, _ = convert([parquet], "aws-cur")
    csv_con, csv_view, _ = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    columns = f"{AWS_COSTS}, PricingQuantity, ChargePeriodStart"
    assert rows_of(con, view, columns) == rows_of(csv_con, csv_view, columns)


def test_aws_cur_in_the_athena_snake_case_spelling_converts_alike(tmp_path):
    parquet = tmp_path / "cur-athena.parquet"
    con = duckdb.connect()
    source = FIXTURES / "aws_cur.csv"
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_csv('{source}')").fetchall()]
    renamed = ", ".join(f'"{n}" AS "{athena_name(n)}"' for n in names)
    con.execute(
        f"""COPY (SELECT {renamed} FROM read_csv('{source}', all_varchar = true))
            TO '{parquet}' (FORMAT parquet)"""
    )
    con, view, findings = convert([parquet], "aws-cur")
    csv_con, csv_view, csv_findings = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    columns = f"{AWS_COSTS}, CommitmentDiscountId, ResourceName, ServiceCategory, ChargePeriodStart"
    assert rows_of(con, view, columns) == rows_of(csv_con, csv_view, columns)
    assert findings == csv_findings
    # the snake_case spelling has lost the tag keys' case
    assert rows_of(con, view, "Tags")[:2] == [
        (1, '{"name":"web-1","cost_center":"4711"}'),
        (2, '{"cost_center":"4712","aws:created_by":"IAMUser:alice"}'),
    ]


# --- Azure EA / MCA -----------------------------------------------------------------------------------------------


def test_azure_ea_categories_costs_and_commitments():
    con, view, findings = convert([FIXTURES / "azure_ea.csv"], "azure-ea")
    assert rows_of(
        con,
        view,
        "ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory, BilledCost, EffectiveCost, ListCost, "
        "ContractedCost, CommitmentDiscountId, CommitmentDiscountStatus, ServiceCategory",
    ) == [
        (1, "Usage", None, "Usage-Based", "Standard", D("2.4"), D("2.4"), D("2.88"), D("2.4"), None, None, "Compute"),
        (2, "Usage", None, "Usage-Based", "Standard", D("10.25"), D("10.25"), D("10.25"), D("10.25"), None, None,
         "Storage"),
        # reservation-covered usage in the actual-cost export: 0 billed, EffectivePrice x Quantity amortised
        (3, "Usage", None, "Usage-Based", "Committed", D("0"), D("1.56"), D("2.88"), D("2.4"), "res-0001", "Used",
         "Compute"),
        (4, "Usage", None, "Usage-Based", "Committed", D("0"), D("0.26"), D("0.48"), D("0.4"), "res-0001", "Unused",
         "Compute"),
        (5, "Purchase", None, "Recurring", "Standard", D("46.8"), D("0"), D("46.8"), D("46.8"), "res-0001", None,
         "Compute"),
        (6, "Usage", None, "Usage-Based", "Dynamic", D("0.2"), D("0.2"), D("1.2"), D("0.2"), None, None, "Compute"),
        (7, "Purchase", "Correction", "One-Time", "Standard", D("-10"), D("0"), D("-10"), D("-10"), "res-0001", None,
         "Compute"),
        (8, "Tax", None, "One-Time", None, D("12.5"), D("12.5"), D("12.5"), D("12.5"), None, None, "Other"),
        (9, "Usage", None, "Usage-Based", "Standard", D("3"), D("3"), D("3"), D("3"), None, None, "Other"),
        (10, "Usage", None, "Usage-Based", "Standard", D("0.2"), D("0.2"), D("0.2"), D("0.2"), None, None, "Storage"),
    ]  # fmt: skip
    assert findings == [
        Finding(
            "azure-ea-service-category-unknown",
            INFO,
            "ServiceCategory",
            2,
            "2 rows have a service the mapping table does not know (Quantum Widgets, Tax); "
            "their ServiceCategory is set to 'Other'.",
        ),
        Finding(
            "azure-ea-tags-unreadable",
            WARNING,
            "Tags",
            1,
            "1 rows have a Tags value that is not a JSON object even with braces added; their Tags are left empty.",
        ),
    ]
    assert_conformant(con, view, 10)


def test_azure_ea_dimensions_periods_and_tags():
    con, view, _ = convert([FIXTURES / "azure_ea.csv"], "azure-ea")
    got = rows_of(
        con,
        view,
        "ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd, RegionId, RegionName, "
        "SubAccountId, SubAccountName, PublisherName, Tags",
    )
    sub1, sub2 = "0f1e2d3c-0000-4000-8000-000000000001", "0f1e2d3c-0000-4000-8000-000000000002"
    period = (T("2026-09-01T00:00:00Z"), T("2026-10-01T00:00:00Z"))
    assert got[0] == (
        1, T("2026-09-02T00:00:00Z"), T("2026-09-03T00:00:00Z"), *period, "norwayeast", "norwayeast", sub1,
        "prod-abonnement", "Microsoft", '{"env":"prod","team":"data"}',
    )  # fmt: skip
    # the region's display name is normalised to an id; MCA-style tags (with braces) are kept
    assert got[1][5:7] == ("norwayeast", "Norway East")
    assert got[1][10] == '{"env":"test"}'
    assert got[5][10] == '{"env":"test","batch":""}'
    # tax on the last day of the billing period ends at the (exclusive) period end
    assert got[7][1:5] == (T("2026-09-30T00:00:00Z"), T("2026-10-01T00:00:00Z"), *period)
    assert got[8][7:10] == (sub2, "test-abonnement", "Contoso AS")
    assert got[9][10] is None  # unreadable tags
    assert con.execute(
        f"""SELECT DISTINCT BillingAccountId, BillingAccountType, BillingCurrency, ProviderName, InvoiceIssuerName,
                   SubAccountType FROM "{view}" """
    ).fetchall() == [(
        "87654321", "Billing Account", "NOK", "Microsoft", "Microsoft", "Subscription",
    )]  # fmt: skip


def test_azure_mca_spellings_iso_dates_and_no_billing_period_columns(tmp_path):
    mca = tmp_path / "mca.csv"
    mca.write_text(
        "BillingAccountId,BillingAccountName,BillingCurrency,SubscriptionId,SubscriptionName,Date,MeterCategory,"
        "CostInBillingCurrency,Quantity,UnitOfMeasure,UnitPrice,PayGPrice,ChargeType,PricingModel,Tags,"
        "InvoiceId,ResourceLocation\n"
        'ba-1,Etaten,EUR,sub-1,Abonnement,2026-02-28,Storage,1.5,3,1 GB/Month,0.5,0.6,Usage,OnDemand,"{""a"": ""1""}",'
        "G012345,westeurope\n",
        encoding="utf-8",
    )
    con, view, findings = convert([mca], "azure-ea")
    assert findings == []
    assert rows_of(
        con,
        view,
        "BillingCurrency, ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd, BilledCost, "
        "ListCost, InvoiceId, Tags",
    ) == [
        (1, "EUR", T("2026-02-28T00:00:00Z"), T("2026-03-01T00:00:00Z"), T("2026-02-01T00:00:00Z"), T("2026-03-01T00:00:00Z"),
         D("1.5"), D("1.8"), "G012345", '{"a":"1"}'),
    ]  # fmt: skip
    assert_conformant(con, view, 1)


# --- OCI ----------------------------------------------------------------------------------------------------------


def test_oci_costs_corrections_periods_and_tags():
    con, view, findings = convert([FIXTURES / "oci.csv"], "oci")
    assert rows_of(
        con,
        view,
        "ChargeCategory, ChargeClass, BilledCost, EffectiveCost, ContractedCost, ContractedUnitPrice, "
        "PricingQuantity, PricingUnit, ServiceCategory, SubAccountName",
    ) == [
        (1, "Usage", None, D("0.5"), D("0.5"), D("0.5"), D("0.25"), D("2"), "OCPU Per Hour", "Compute", "prod"),
        (2, "Usage", None, D("2.55"), D("2.55"), D("2.55"), D("0.0255"), D("100"), "GB Months", "Storage", "test"),
        (3, "Usage", None, D("3.36"), D("3.36"), D("3.36"), D("3.36"), D("1"), "ECPU Per Hour", "Databases", "prod"),
        (4, "Usage", None, D("1.0825"), D("1.0825"), D("1.0825"), D("0.0866"), D("12.5"), "GB", "Networking",
         "prod"),
        # E-notation cost, kept to the stored scale of 10 decimals
        (5, "Usage", None, D("0.0000000023"), D("0.0000000023"), D("0.0000000023"), D("0.00116188"),
         D("0.000002"), "Million Datapoints", "Management and Governance", "test"),
        (6, "Usage", "Correction", D("-0.25"), D("-0.25"), D("-0.25"), D("0.25"), D("-1"), "OCPU Per Hour",
         "Compute", "prod"),
        (7, "Usage", None, D("1.5"), D("1.5"), D("1.5"), D("1.5"), D("1"), "Hours", "Other", "test"),
    ]  # fmt: skip
    got = rows_of(
        con, view, "ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd, Tags, RegionId"
    )
    assert got[0] == (
        1, T("2026-09-13T10:00:00Z"), T("2026-09-13T11:00:00Z"), T("2026-09-01T00:00:00Z"), T("2026-10-01T00:00:00Z"),
        '{"Oracle-Tags.CreatedBy":"default/kari@example.no","Finance.CostCenter":"4711"}', "eu-stockholm-1",
    )  # fmt: skip
    assert [r[5] is None for r in got] == [False, False, False, True, True, False, True]
    assert findings == [
        Finding(
            "oci-service-category-unknown",
            INFO,
            "ServiceCategory",
            1,
            "1 rows have a service the mapping table does not know (QUANTUM_WIDGETS); "
            "their ServiceCategory is set to 'Other'.",
        )
    ]
    assert con.execute(
        f"""SELECT DISTINCT BillingAccountId, BillingAccountType, BillingCurrency, ProviderName, PublisherName,
                   InvoiceIssuerName, SubAccountType FROM "{view}" """
    ).fetchall() == [("ocid1.tenancy.oc1..aaaaexampletenancy", "Tenancy", "NOK", "Oracle", "Oracle", "Oracle",
                      "Compartment")]  # fmt: skip
    assert_conformant(con, view, 7)


# --- refusals and pass-through ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "fixture", "dropped", "message"),
    [
        (
            "aws-cur",
            "aws_cur.csv",
            "lineItem/UnblendedCost",
            "The aws-cur file lacks the column lineItem/UnblendedCost, which the conversion to FOCUS needs; "
            "is this really a aws-cur export?",
        ),
        (
            "azure-ea",
            "azure_ea.csv",
            "BillingCurrencyCode",
            "The azure-ea file lacks the column BillingCurrencyCode or BillingCurrency, which the conversion to FOCUS "
            "needs; is this really a azure-ea export?",
        ),
        (
            "oci",
            "oci.csv",
            "cost/myCost",
            "The oci file lacks the column cost/myCost, which the conversion to FOCUS needs; "
            "is this really a oci export?",
        ),
    ],
)
def test_a_file_without_a_required_column_is_refused(tmp_path, fmt, fixture, dropped, message):
    path = tmp_path / fixture
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * EXCLUDE ("{dropped}") FROM read_csv('{FIXTURES / fixture}', all_varchar = true))
            TO '{path}' (FORMAT csv, HEADER)"""
    )
    con, view, findings = convert([path], fmt)
    assert findings == [Finding(f"{fmt}-required-column", ERROR, dropped, 0, message)]
    assert view == "source"  # nothing converted; the checker refuses the unconverted rows as well
    assert check_relation(con, view).fatal


@pytest.mark.parametrize(
    ("fmt", "fixture", "row_filter", "id_column"),
    [
        ("aws-cur", "aws_cur.csv", "\"identity/LineItemId\" = 'li-03'", "reservation/ReservationARN"),
        ("azure-ea", "azure_ea.csv", "\"ResourceName\" = 'vm-db-1'", "ReservationId"),
    ],
)
def test_commitment_usage_without_a_commitment_id_is_not_committed(
    tmp_path, fmt, fixture, row_filter, id_column
):
    path = tmp_path / fixture
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * REPLACE (NULL AS "{id_column}") FROM read_csv('{FIXTURES / fixture}', all_varchar = true)
                  WHERE {row_filter})
            TO '{path}' (FORMAT csv, HEADER)"""
    )
    con, view, _ = convert([path], fmt)
    assert rows_of(
        con, view, "ChargeCategory, PricingCategory, CommitmentDiscountId, CommitmentDiscountStatus"
    ) == [(1, "Usage", "Standard", None, None)]
    assert_conformant(con, view, 1)


def test_the_wrong_converter_for_a_file_is_refused():
    _con, view, findings = convert([FIXTURES / "oci.csv"], "aws-cur")
    assert view == "source"
    assert len(findings) == 9
    assert {f.severity for f in findings} == {ERROR}


def test_focus_input_passes_through_unchanged():
    con = duckdb.connect()
    open_sources(con, [str(FIXTURES / "aws_cur.csv")], "source")
    assert to_focus(con, "source", "focus") == ("source", [])


def test_an_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="No converter for format 'gcp'"):
        to_focus(duckdb.connect(), "source", "gcp")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-01T00:00:00Z", "2026-09-01 00:00:00"),
        ("2026-09-01T00:00:00.000Z", "2026-09-01 00:00:00"),
        ("2026-09-01T01:30:00+01:00", "2026-09-01 00:30:00"),
        ("2026-09-01T00:00:00-0200", "2026-09-01 02:00:00"),
        ("2026-09-01 00:00:00", "2026-09-01 00:00:00"),
        ("2026-09-13T10:00Z", "2026-09-13 10:00:00"),  # OCI, no seconds
        ("not a date", None),
    ],
)
def test_times_are_normalised_to_utc(text, expected):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Oslo'")  # the session zone must not matter
    sql = f"SELECT CAST({utc_timestamp('v')} AS VARCHAR) FROM (SELECT ?::VARCHAR AS v)"
    assert one(con, sql, [text]) == (expected,)


def test_aws_cur_commitments_are_conformant_and_only_the_term_balance_is_noted():
    """The converter's commitment rows meet both identities a file can show (purchases with EffectiveCost 0, Usage =
    Used + Unused); the purchase balance holds over the whole term only, so the checker notes it as INFO (it was a
    warning on these 8 rows: the partial-upfront reservation's 500 upfront fee and the month's recurring fees
    against 3 days of amortised usage)."""
    con, view, _ = convert([FIXTURES / "aws_cur.csv"], "aws-cur")
    result = check_relation(con, view)
    commitments = [f for f in result.findings if f.rule_id.endswith("-commitment")]
    assert [(f.rule_id, f.severity, f.column, f.rows) for f in commitments] == [
        ("CommitmentDiscountId-commitment", INFO, "CommitmentDiscountId", 8)
    ]
    assert [f for f in result.findings if f.severity == WARNING] == []
