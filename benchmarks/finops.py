"""FinOps benchmark: ingest speed (Parquet and CSV, conformance included), report query times, peak memory, and the
same report in plain pandas for the ratio.

    .venv/bin/python benchmarks/finops.py --rows 1000000 [--keep] [--skip-pandas] [--skip-csv]

Steps, in one run, in a temporary folder (a SQLite DB migrated there and MPS_DATA_DIR there; removed at the end
unless --keep):

1. generate N deterministic synthetic FOCUS 1.2 rows (`marketplace.finops.synthetic`, seed 1) as Parquet and as CSV;
2. ingest each through `finops_import` (read → convert → check → Parquet per billing period → DB switch-over) for
   its own organisation, and print rows/s;
3. the report: totals per billing currency (billed, effective, list, contracted cost) and cost by provider and
   currency, the `totals` and `by_provider` sections of `analytics.report.report_build` (as `mps finops report`)
   over `Scope(files=...)` (the stored files listed explicitly), cold (a new DuckDB connection) and warm (best of
   5);
4. the same two sections with plain pandas (`pandas.read_parquet` of the stored files, then one `groupby` by
   provider and currency and the totals summed from it), cold (read + group) and warm (group only, data in
   memory), and the ratio pandas / Ibis;
5. peak RSS of the process (`resource.getrusage`) after each phase.

Targets from the issue (2-core machine): Parquet ingest >= 1 M rows/s, CSV >= 0.3 M rows/s, report over 10 M rows
<= 1 s warm and >= 10x faster than pandas, peak memory <= 4 GB at 100 M rows. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _setup(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MPS_DATA_DIR"] = str(workdir / "data")
    os.environ.setdefault("DEBUG", "1")
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _parquet_rows(path: Path) -> int:
    import duckdb

    from marketplace.finops.reader import parquet_rows

    return sum(parquet_rows(duckdb.connect(), [path])) if path.is_file() else -1


def _organisation(orgnr_seed: int, name: str) -> Any:
    from marketplace.accounts.models import Organisation, OrganisationKind
    from marketplace.accounts.rules import orgnr_first_valid_from

    return Organisation.objects.create(
        orgnr=orgnr_first_valid_from(92000000 + orgnr_seed * 31), name=name, kind=OrganisationKind.STATE
    )


def _ingest(label: str, path: Path, rows: int, org: Any) -> tuple[float, list[str]]:
    from marketplace.finops.services.ingest import finops_import
    from marketplace.finops.storage import absolute

    started, cpu_started = time.perf_counter(), time.process_time()
    imp = finops_import(organisation=org, paths=[path])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if imp.status != "done":
        raise SystemExit(f"{label} ingest failed: {imp.error}")
    assert imp.rows_loaded == rows, (imp.rows_loaded, rows)
    size = path.stat().st_size / 1e6
    print(
        f"ingest {label:<8} {rows:>12,} rows  {elapsed:8.2f} s  {rows / elapsed / 1e6:6.3f} M rows/s  "
        f"(CPU {cpu:.2f} s, all threads)  "
        f"({size:,.0f} MB source, {imp.rows_rejected} rejected, {imp.findings.count()} findings)  "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )
    return elapsed, [str(absolute(p.path)) for p in imp.periods.filter(is_current=True)]


def _ibis_report(files: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The report's `totals` and `by_provider` sections, as `mps finops report` computes them (one grouped read of
    the data, both sections summed from it)."""
    from marketplace.finops.analytics.backend import Scope
    from marketplace.finops.analytics.report import report_build

    built = report_build(Scope(organisation_ids=None, files=tuple(files)), sections=["totals", "by_provider"])
    return built["totals"], built["by_provider"]


def _pandas_report(df: Any) -> tuple[Any, Any]:
    """The same two sections in plain pandas: one groupby (provider, currency) with the four sums, the totals
    summed from it (Decimal objects, as `read_parquet` gives DECIMAL columns)."""
    money = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]
    grouped = df.groupby(["ProviderName", "BillingCurrency"])[money].sum()
    totals = grouped.groupby(level="BillingCurrency")[money].sum().sort_index()
    by_provider = grouped[["BilledCost", "EffectiveCost"]].sort_values("EffectiveCost", ascending=False)
    return totals, by_provider


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--workdir", default=None, help="working folder (default: a new temporary one)")
    parser.add_argument(
        "--reuse-source",
        action="store_true",
        help="in --workdir, take the generated source files of an earlier run when they hold --rows rows",
    )
    args = parser.parse_args()

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="mps-bench-finops-"))
    print(f"FinOps benchmark: {args.rows:,} rows, working folder {workdir}")
    try:
        _setup(workdir)
        import logging

        import duckdb

        from marketplace.finops import synthetic
        from marketplace.finops.analytics import backend

        logging.basicConfig(level=logging.WARNING, format="  %(message)s")
        logging.getLogger("marketplace.finops.services.ingest").setLevel(logging.INFO)
        print(f"DuckDB {duckdb.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        started = time.perf_counter()
        pq = workdir / "src" / "focus.parquet"
        if args.reuse_source and _parquet_rows(pq) == args.rows:
            print(f"reusing {pq}")
        else:
            synthetic.generate(pq, args.rows, seed=1, org="bench-pq")
            print(f"generate parquet {time.perf_counter() - started:8.2f} s")
        _, files = _ingest("parquet", pq, args.rows, _organisation(1, "Benchmark Parquet"))
        if not args.skip_csv:
            started = time.perf_counter()
            csv = synthetic.generate(
                workdir / "src" / "focus.csv", args.rows, seed=1, fmt="csv", org="bench-csv"
            )
            print(f"generate csv     {time.perf_counter() - started:8.2f} s")
            _ingest("csv", csv, args.rows, _organisation(2, "Benchmark CSV"))

        backend._local.connections = {}  # cold: a new engine connection, nothing cached
        started = time.perf_counter()
        totals, by_provider = _ibis_report(files)
        cold = time.perf_counter() - started
        warm_runs, warm_cpu_runs = [], []
        for _ in range(5):
            started, cpu_started = time.perf_counter(), time.process_time()
            _ibis_report(files)
            warm_runs.append(time.perf_counter() - started)
            warm_cpu_runs.append(time.process_time() - cpu_started)
        warm, warm_cpu = min(warm_runs), min(warm_cpu_runs)
        print(
            f"report ibis/duckdb  cold {cold:8.3f} s   warm {warm:8.3f} s (best of 5; CPU {warm_cpu:.3f} s)  "
            f"peak RSS {peak_rss_mb():,.0f} MB"
        )
        for row in totals:
            print(
                f"  {row['currency']}: billed {row['billed_cost']}  effective {row['effective_cost']}  "
                f"list {row['list_cost']}  contracted {row['contracted_cost']}"
            )
        print(f"  by provider: {len(by_provider)} rows")

        if not args.skip_pandas:
            import pandas as pd

            columns = [
                "BillingCurrency",
                "ProviderName",
                "BilledCost",
                "EffectiveCost",
                "ListCost",
                "ContractedCost",
            ]
            started = time.perf_counter()
            df = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
            p_totals, _p_by_provider = _pandas_report(df)
            pandas_cold = time.perf_counter() - started
            pandas_runs, pandas_cpu_runs = [], []
            for _ in range(3):
                started, cpu_started = time.perf_counter(), time.process_time()
                _pandas_report(df)
                pandas_runs.append(time.perf_counter() - started)
                pandas_cpu_runs.append(time.process_time() - cpu_started)
            pandas_warm, pandas_warm_cpu = min(pandas_runs), min(pandas_cpu_runs)
            same = all(p_totals.loc[row["currency"], "BilledCost"] == row["billed_cost"] for row in totals)
            print(
                f"report pandas       cold {pandas_cold:8.3f} s   warm {pandas_warm:8.3f} s (best of 3; CPU "
                f"{pandas_warm_cpu:.3f} s)  "
                f"peak RSS {peak_rss_mb():,.0f} MB  same totals: {same}"
            )
            print(
                f"ratio pandas / ibis: cold {pandas_cold / cold:6.1f}x   warm {pandas_warm / warm:6.1f}x   "
                f"warm CPU {pandas_warm_cpu / warm_cpu:6.1f}x"
            )
        print(f"peak RSS {peak_rss_mb():,.0f} MB")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
