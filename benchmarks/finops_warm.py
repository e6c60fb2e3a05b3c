"""Warm-report CPU time: the same small report (EffectiveCost per billing currency) run N times over a fixed set of
stored monthly Parquet files, as a page or the API does on every request. Measures CPU seconds of this process
(`time.process_time`, all threads), not wall time, so a busy shared machine does not skew it; prints /proc/loadavg.

    .venv/bin/python benchmarks/finops_warm.py [--rows 1000000] [--reports 20]

The files are synthetic FOCUS rows (`marketplace.finops.synthetic`, seed 1) split by billing month and padded to the
stored schema, in a temporary folder removed at the end. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import duckdb

    from marketplace.finops import synthetic
    from marketplace.finops.analytics.backend import STORAGE_SCHEMA, Scope, costs, execute

    with tempfile.TemporaryDirectory(prefix="mps-finops-warm-") as tmp:
        source = synthetic.generate(
            Path(tmp) / "rows.parquet",
            args.rows,
            seed=1,
            start=dt.date(2026, 1, 1),
            days=365,
            org="970205039",
        )
        con = duckdb.connect()
        have = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{source}')").fetchall()}
        padding = "".join(f', CAST(NULL AS VARCHAR) AS "{n}"' for n in STORAGE_SCHEMA.names if n not in have)
        for month in range(1, 13):
            con.execute(
                f"COPY (SELECT *{padding} FROM read_parquet('{source}') WHERE month(BillingPeriodStart) = {month}) "
                f"TO '{tmp}/p{month:02d}.parquet' (FORMAT parquet)"
            )
        scope = Scope(None, files=tuple(str(p) for p in sorted(Path(tmp).glob("p*.parquet"))))

        def report() -> list[dict[str, object]]:
            table = costs(scope)
            return execute(table.group_by("BillingCurrency").aggregate(cost=table.EffectiveCost.sum()))

        report()  # cold
        start = time.process_time()
        for _ in range(args.reports):
            report()
        cpu = time.process_time() - start
    load = Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"
    print(f"{args.rows} rows in 12 files; {args.reports} warm reports: {cpu:.2f} CPU s; loadavg {load}")


if __name__ == "__main__":
    main()
