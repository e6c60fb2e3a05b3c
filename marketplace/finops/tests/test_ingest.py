"""The import service end to end: read, check, store per billing period, replace on re-import, refuse bad files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from decimal import Decimal

import duckdb
import pytest

from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.backend import Scope, costs, execute
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.schema import DECIMAL, NARROW_DECIMAL, STORAGE_COLUMNS
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.storage import absolute, data_root, period_relpath
from marketplace.finops.tests.ingest_files import usage, write_csv, write_csv_gz, write_parquet

pytestmark = pytest.mark.django_db

SEPT_OCT = [
    usage("2026-09-01", "10.5"),
    usage("2026-09-02", "0.0000000001", ServiceName="Objektlagring"),
    usage("2026-10-01", "3.25"),
]


def _stored_files() -> list[str]:
    root = data_root()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _totals(org) -> list[dict]:
    t = costs(Scope((org.pk,)))
    return execute(
        t.group_by("x_BillingPeriod")
        .aggregate(billed=t.BilledCost.sum(), rows=t.count())
        .order_by("x_BillingPeriod")
    )


def test_csv_import_stores_one_file_per_billing_period(tmp_path):
    nve = OrganisationFactory()
    source = write_csv(tmp_path / "costs.csv", SEPT_OCT)

    imp = finops_import(organisation=nve, paths=[source])

    assert imp.status == ImportStatus.DONE, imp.error
    assert (imp.rows_loaded, imp.rows_rejected, imp.focus_version) == (3, 0, "1.0")
    assert imp.bytes_total == imp.bytes_done == source.stat().st_size
    assert imp.started_at is not None
    assert imp.finished_at is not None
    periods = list(
        BillingPeriodData.objects.order_by("billing_period").values_list("billing_period", "rows", "path")
    )
    assert periods == [
        (dt.date(2026, 9, 1), 2, period_relpath(nve.orgnr, dt.date(2026, 9, 1), imp.pk)),
        (dt.date(2026, 10, 1), 1, period_relpath(nve.orgnr, dt.date(2026, 10, 1), imp.pk)),
    ]
    assert _stored_files() == [p[2] for p in periods]
    assert _totals(nve) == [
        {"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("10.5000000001"), "rows": 2},
        {"x_BillingPeriod": dt.date(2026, 10, 1), "billed": Decimal("3.2500000000"), "rows": 1},
    ]


@pytest.mark.parametrize("write", [write_csv, write_parquet], ids=["csv", "parquet"])
def test_stored_file_has_exactly_the_storage_columns_and_our_columns(tmp_path, write):
    """Also for a clean typed Parquet file, whose checked rows are a view of the source (no copy)."""
    nve = OrganisationFactory()
    imp = finops_import(organisation=nve, paths=[write(tmp_path / "c.src", SEPT_OCT)])
    path = absolute(period_relpath(nve.orgnr, dt.date(2026, 9, 1), imp.pk))
    con = duckdb.connect()
    described = [
        (r[0], r[1])
        for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{path}', hive_partitioning = false)"
        ).fetchall()
    ]
    # every value fits the narrow decimal: all decimal columns are stored narrow
    assert described == [
        (name, NARROW_DECIMAL if kind == DECIMAL else kind) for name, kind in STORAGE_COLUMNS
    ]
    rows = con.execute(
        f"SELECT x_Organisation, x_BillingPeriod, x_ImportId, x_SourceRow, ServiceName, ChargePeriodStart "
        f"FROM read_parquet('{path}', hive_partitioning = false) ORDER BY x_SourceRow"
    ).fetchall()
    assert rows == [
        (nve.orgnr, dt.date(2026, 9, 1), imp.pk, 1, "Virtuelle maskiner", dt.datetime(2026, 9, 1)),
        (nve.orgnr, dt.date(2026, 9, 1), imp.pk, 2, "Objektlagring", dt.datetime(2026, 9, 2)),
    ]


def _stored_types(path) -> dict[str, str]:
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}', hive_partitioning = false)")
    return {r[0]: r[1] for r in described.fetchall()}


@pytest.mark.parametrize("write", [write_csv, write_parquet], ids=["csv", "parquet"])
def test_a_decimal_column_too_large_for_the_narrow_type_is_stored_wide_in_that_period_only(tmp_path, write):
    """September holds a list cost of 10^8 and a quantity of 12 digits: those two columns are stored wide in its
    file, every other decimal column narrow; October is all narrow. Costs reads one type with the exact values."""
    nve = OrganisationFactory()
    rows = [
        usage("2026-09-01", "1.5", ListCost="100000000", PricingQuantity="123456789012.0000000001"),
        usage("2026-09-02", "99999999.9999999999"),
        usage("2026-10-01", "-99999999.9999999999", PricingQuantity="0.0000000001"),
    ]
    imp = finops_import(organisation=nve, paths=[write(tmp_path / "c.src", rows)])
    assert imp.status == ImportStatus.DONE, imp.error

    september = _stored_types(absolute(period_relpath(nve.orgnr, dt.date(2026, 9, 1), imp.pk)))
    october = _stored_types(absolute(period_relpath(nve.orgnr, dt.date(2026, 10, 1), imp.pk)))
    decimals = [name for name, kind in STORAGE_COLUMNS if kind == DECIMAL]
    assert {name for name in decimals if september[name] == DECIMAL} == {"ListCost", "PricingQuantity"}
    assert {name for name in decimals if september[name] != DECIMAL} == set(decimals) - {
        "ListCost",
        "PricingQuantity",
    }
    assert all(october[name] == NARROW_DECIMAL for name in decimals)

    t = costs(Scope((nve.pk,)))
    assert t.schema()["ListCost"].precision == 28
    got = execute(t.order_by("ChargePeriodStart").select("BilledCost", "ListCost", "PricingQuantity"))
    assert got == [
        {
            "BilledCost": Decimal("1.5000000000"),
            "ListCost": Decimal("100000000.0000000000"),
            "PricingQuantity": Decimal("123456789012.0000000001"),
        },
        {
            "BilledCost": Decimal("99999999.9999999999"),
            "ListCost": Decimal("99999999.9999999999"),
            "PricingQuantity": Decimal("24.0000000000"),
        },
        {
            "BilledCost": Decimal("-99999999.9999999999"),
            "ListCost": Decimal("-99999999.9999999999"),
            "PricingQuantity": Decimal("0.0000000001"),
        },
    ]
    # the same files in the other order (the wide one last) read the same
    reversed_scope = Scope((nve.pk,), files=tuple(reversed(Scope((nve.pk,)).resolved_files())))
    assert execute(costs(reversed_scope).order_by("ChargePeriodStart").select("ListCost")) == [
        {"ListCost": row["ListCost"]} for row in got
    ]


def test_gzip_csv_and_parquet_load_the_same_rows(tmp_path):
    a, b = OrganisationFactory(), OrganisationFactory()
    gz = write_csv_gz(tmp_path / "costs.csv.gz", [usage("2026-09-01", "10.5", BillingAccountId="ba-a")])
    pq = write_parquet(tmp_path / "costs.parquet", [usage("2026-09-01", "10.5", BillingAccountId="ba-b")])
    assert finops_import(organisation=a, paths=[gz]).status == ImportStatus.DONE
    assert finops_import(organisation=b, paths=[pq]).status == ImportStatus.DONE
    expected = [{"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("10.5000000000"), "rows": 1}]
    assert _totals(a) == expected
    assert _totals(b) == expected


def test_a_folder_imports_every_file_in_it(tmp_path):
    nve = OrganisationFactory()
    folder = tmp_path / "export"
    folder.mkdir()
    write_csv(folder / "a.csv", [usage("2026-09-01", "1")])
    write_csv(folder / "b.csv", [usage("2026-09-02", "2"), usage("2026-09-03", "4")])
    (folder / "readme.txt").write_text("not a cost file")
    imp = finops_import(organisation=nve, paths=[folder])
    assert (imp.status, imp.rows_loaded, imp.source_names) == (ImportStatus.DONE, 3, ["export"])
    assert _totals(nve) == [
        {"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("7.0000000000"), "rows": 3}
    ]


def test_reimport_of_a_period_replaces_it_and_deletes_the_old_file(
    tmp_path, django_capture_on_commit_callbacks
):
    nve = OrganisationFactory()
    first = finops_import(organisation=nve, paths=[write_csv(tmp_path / "1.csv", SEPT_OCT)])
    with django_capture_on_commit_callbacks(execute=True):
        second = finops_import(
            organisation=nve, paths=[write_csv(tmp_path / "2.csv", [usage("2026-09-05", "7")])]
        )
    assert second.status == ImportStatus.DONE
    assert _totals(nve) == [
        {"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("7.0000000000"), "rows": 1},
        {"x_BillingPeriod": dt.date(2026, 10, 1), "billed": Decimal("3.2500000000"), "rows": 1},
    ]
    current = BillingPeriodData.objects.filter(is_current=True).order_by("billing_period")
    assert [(p.billing_period, p.focus_import_id) for p in current] == [
        (dt.date(2026, 9, 1), second.pk),
        (dt.date(2026, 10, 1), first.pk),
    ]
    assert BillingPeriodData.objects.filter(is_current=False).get().focus_import_id == first.pk
    assert _stored_files() == [
        period_relpath(nve.orgnr, dt.date(2026, 9, 1), second.pk),
        period_relpath(nve.orgnr, dt.date(2026, 10, 1), first.pk),
    ]


def test_rejected_rows_are_counted_reported_and_not_stored(tmp_path):
    nve = OrganisationFactory()
    rows = [
        usage("2026-09-01", "10"),
        usage("2026-09-02", "10", BilledCost="ti kroner"),
        usage("2026-09-03", "5"),
    ]
    imp = finops_import(organisation=nve, paths=[write_csv(tmp_path / "c.csv", rows)])
    assert (imp.status, imp.rows_loaded, imp.rows_rejected) == (ImportStatus.DONE, 2, 1)
    rejected = [f for f in imp.findings.all() if f.severity == "error"]
    assert [(("BilledCost" in f.rule_id), f.rows) for f in rejected] == [(True, 1)]
    assert _totals(nve) == [
        {"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("15.0000000000"), "rows": 2}
    ]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_large_source_checked_in_a_file_stage_gives_the_same_import(tmp_path, monkeypatch, kind):
    """Above ingest.STAGE_ON_DISK_ROWS the checked rows go to a DuckDB file instead of an in-memory database: same
    counts, findings (with first rows) and stored rows, written per period by parallel cursors."""
    from marketplace.finops.services import ingest

    rows = [
        usage("2026-09-01", "10"),
        usage("2026-09-02", "10", ChargeCategory="Nonsense"),
        usage("2026-09-03", "5", ChargeCategory="usage"),
        usage("2026-10-01", "2.5"),
    ]
    write = write_csv if kind == "csv" else write_parquet
    results = []
    for threshold in (10**9, 0):
        monkeypatch.setattr(ingest, "STAGE_ON_DISK_ROWS", threshold)
        org = OrganisationFactory()
        account = [{**r, "BillingAccountId": f"ba-{threshold}"} for r in rows]
        imp = finops_import(organisation=org, paths=[write(tmp_path / f"{threshold}.{kind}", account)])
        assert imp.status == ImportStatus.DONE, imp.error
        stored = execute(costs(Scope((org.pk,))).order_by("x_SourceRow"))
        results.append(
            (
                imp.rows_loaded,
                imp.rows_rejected,
                sorted((f.rule_id, f.severity, f.rows, f.message) for f in imp.findings.all()),
                [
                    (r["x_SourceRow"], r["ChargeCategory"], r["BilledCost"], r["x_BillingPeriod"])
                    for r in stored
                ],
            )
        )
    assert results[0] == results[1]
    assert results[0][:2] == (3, 1)
    assert results[0][3] == [
        (1, "Usage", Decimal("10.0000000000"), dt.date(2026, 9, 1)),
        (3, "Usage", Decimal("5.0000000000"), dt.date(2026, 9, 1)),
        (4, "Usage", Decimal("2.5000000000"), dt.date(2026, 10, 1)),
    ]


def test_an_import_is_audited(tmp_path):
    nve = OrganisationFactory()
    imp = finops_import(organisation=nve, paths=[write_csv(tmp_path / "c.csv", SEPT_OCT)])
    event = AuditEvent.objects.get(verb="finops.import")
    assert (event.target_id, event.organisation_id) == (str(imp.pk), nve.pk)
    assert (event.data["rows_loaded"], event.data["periods"]) == (3, ["2026-09", "2026-10"])


# --- bad files: a clear error, nothing stored -------------------------------------------------------------------


def _assert_nothing_stored(imp: FocusImport, *, contains: str) -> None:
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED
    assert contains.lower() in imp.error.lower(), imp.error
    assert (imp.rows_loaded, imp.rows_rejected) == (0, 0)
    assert not BillingPeriodData.objects.exists()
    assert _stored_files() == []


def test_missing_mandatory_columns_fail_with_the_findings(tmp_path):
    nve = OrganisationFactory()
    header = ["BillingPeriodStart", "ChargePeriodStart", "BilledCost", "ServiceName"]
    imp = finops_import(organisation=nve, paths=[write_csv(tmp_path / "c.csv", SEPT_OCT, header=header)])
    _assert_nothing_stored(imp, contains="BillingCurrency")
    assert "BillingCurrency-presence" in {f.rule_id for f in imp.findings.all()}


def _random_bytes(size: int, seed: int = 7) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("name", ["garbage.csv", "garbage.csv.gz", "garbage.parquet"])
def test_random_bytes_are_refused(tmp_path, name):
    nve = OrganisationFactory()
    path = tmp_path / name
    path.write_bytes(_random_bytes(3 * 1024 * 1024))
    imp = finops_import(organisation=nve, paths=[path])
    _assert_nothing_stored(imp, contains="not a CSV")


def test_broken_gzip_is_refused(tmp_path):
    nve = OrganisationFactory()
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + _random_bytes(10_000))
    imp = finops_import(organisation=nve, paths=[path])
    _assert_nothing_stored(imp, contains="gzip")


def test_truncated_gzip_is_refused(tmp_path):
    nve = OrganisationFactory()
    rows = [
        usage(f"2026-09-{day:02d}", f"{day}.5", ResourceId=f"r-{i}") for i in range(300) for day in (1, 2)
    ]
    whole = write_csv_gz(tmp_path / "whole.csv.gz", rows).read_bytes()
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) - 40])
    imp = finops_import(organisation=nve, paths=[path])
    _assert_nothing_stored(imp, contains="")
    assert imp.error


def test_a_2_gb_garbage_file_is_refused_quickly(tmp_path):
    nve = OrganisationFactory()
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 2 GB of zero bytes after a line of text, nothing written to disk
        fh.write(b"BilledCost,BillingCurrency\n")
        fh.truncate(2 * 1024**3)
    started = time.monotonic()
    imp = finops_import(organisation=nve, paths=[path])
    assert time.monotonic() - started < 5
    _assert_nothing_stored(imp, contains="binary")


@pytest.mark.parametrize(("content", "message"), [(b"", "empty"), (b"   \n", "empty"), (b"a,b\n", "missing")])
def test_empty_files_are_refused(tmp_path, content, message):
    nve = OrganisationFactory()
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    _assert_nothing_stored(finops_import(organisation=nve, paths=[path]), contains=message)


def test_header_only_file_is_refused(tmp_path):
    nve = OrganisationFactory()
    imp = finops_import(organisation=nve, paths=[write_csv(tmp_path / "h.csv", [])])
    _assert_nothing_stored(imp, contains="no cost rows")


def test_parquet_with_wrong_types_is_refused(tmp_path):
    nve = OrganisationFactory()
    path = tmp_path / "wrong.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'ba-1' AS BillingAccountId, 'NOK' AS BillingCurrency, 20260901 AS BillingPeriodStart,
                  20261001 AS BillingPeriodEnd, 20260901 AS ChargePeriodStart, 20260902 AS ChargePeriodEnd,
                  'Usage' AS ChargeCategory, 'ti' AS BilledCost, 'ti' AS EffectiveCost, 'VM' AS ServiceName)
            TO '{path}' (FORMAT parquet)"""
    )
    imp = finops_import(organisation=nve, paths=[path])
    _assert_nothing_stored(imp, contains="")
    assert imp.error


def test_a_missing_path_is_refused(tmp_path):
    nve = OrganisationFactory()
    imp = finops_import(organisation=nve, paths=[tmp_path / "nope.csv"])
    _assert_nothing_stored(imp, contains="no such file")


def test_only_buyer_organisations_get_cost_data(tmp_path):
    supplier = SupplierFactory()
    imp = finops_import(organisation=supplier, paths=[write_csv(tmp_path / "c.csv", SEPT_OCT)])
    _assert_nothing_stored(imp, contains="not a public buyer")


def test_a_billing_account_of_another_organisation_is_refused(tmp_path):
    nve, toll = OrganisationFactory(), OrganisationFactory()
    source = write_csv(tmp_path / "c.csv", SEPT_OCT)
    assert finops_import(organisation=nve, paths=[source]).status == ImportStatus.DONE
    before = _stored_files()
    imp = finops_import(organisation=toll, paths=[source])
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED
    assert f"ba-nve-1 belongs to organisation {nve.orgnr}" in imp.error
    assert not BillingPeriodData.objects.filter(organisation=toll).exists()
    assert _stored_files() == before


def test_a_failure_while_writing_keeps_the_current_data_and_removes_what_was_written(tmp_path):
    nve = OrganisationFactory()
    first = finops_import(
        organisation=nve, paths=[write_csv(tmp_path / "1.csv", [usage("2026-09-01", "10")])]
    )
    # October's folder name is taken by a file, so writing October fails after September was written.
    blocker = absolute(period_relpath(nve.orgnr, dt.date(2026, 10, 1), 1)).parent
    blocker.write_text("in the way")
    second = finops_import(organisation=nve, paths=[write_csv(tmp_path / "2.csv", SEPT_OCT)])
    second.refresh_from_db()
    assert second.status == ImportStatus.FAILED
    assert second.error
    assert list(BillingPeriodData.objects.values_list("focus_import_id", "is_current")) == [(first.pk, True)]
    assert _totals(nve) == [
        {"x_BillingPeriod": dt.date(2026, 9, 1), "billed": Decimal("10.0000000000"), "rows": 1}
    ]
    assert sorted(_stored_files()) == sorted(
        [period_relpath(nve.orgnr, dt.date(2026, 9, 1), first.pk), os.path.relpath(blocker, data_root())]
    )


def test_a_queued_import_record_is_reused(tmp_path):
    nve = OrganisationFactory()
    queued = FocusImport.objects.create(
        organisation=nve, source_format="focus", source_names=["opplastet.csv"]
    )
    imp = finops_import(
        organisation=nve, paths=[write_csv(tmp_path / "x.csv", SEPT_OCT)], focus_import=queued
    )
    assert imp.pk == queued.pk
    assert FocusImport.objects.get().source_names == ["opplastet.csv"]
    assert FocusImport.objects.get().status == ImportStatus.DONE


def test_an_unknown_source_format_is_refused(tmp_path):
    nve = OrganisationFactory()
    imp = finops_import(
        organisation=nve, paths=[write_csv(tmp_path / "c.csv", SEPT_OCT)], source_format="sap"
    )
    _assert_nothing_stored(imp, contains="Unknown source format 'sap'")


def test_progress_is_reported_while_a_long_query_runs_and_errors_come_through():
    from marketplace.finops.services.ingest import _connect, _execute_with_progress

    con, _spill = _connect()
    seen: list[float] = []
    _execute_with_progress(
        con,
        "CREATE TEMP TABLE slow AS SELECT count(*) AS n FROM range(60000000) WHERE hash(range) % 7 = 0",
        seen.append,
        every=0.005,
    )
    assert seen
    assert all(0 <= pct <= 100 for pct in seen)
    assert seen == sorted(seen)
    with pytest.raises(duckdb.CatalogException):
        _execute_with_progress(con, "SELECT * FROM no_such_table", seen.append)
    con.close()
    shutil.rmtree(_spill)
