"""FinOps ingest floors: how fast this machine can merely read a synthetic FOCUS source and write it back as Parquet,
with no conformance check at all, against the issue's ingest targets (Parquet >= 1 M rows/s, CSV >= 0.3 M rows/s).

    .venv/bin/python benchmarks/finops_floors.py --rows 1000000 [--runs 3] [--workdir D]

An import stores the checked rows in its own Parquet layout (`schema.py`: the stored columns, narrow decimals,
one file per billing period), so it reads every source value and writes every stored value at least once. The
pipelines timed here do only that, each the fastest way found with the libraries we ship:

- Parquet -> Parquet: DuckDB `COPY` of the source as it is (snappy), DuckDB `COPY` with the decimals cast to the
  stored narrow DECIMAL(18,10), and pyarrow `read_table` + `write_table` (snappy);
- CSV -> Parquet: DuckDB `read_csv` with every column typed (the stored types) `COPY`d to Parquet, and pyarrow
  `csv.read_csv` with the column types given + `write_table`;
- the conformance check alone as ingest runs it on the Parquet source (`check_relation`, direct path: one
  counting pass over the source, no copy).

Each is the best of --runs, wall seconds, on a source generated with `marketplace.finops.synthetic` (seed 1, the
same data as `benchmarks/finops.py`). The best rewrite's rate is a ceiling for any import that rewrites the data,
however cheap its checks; the script prints it next to the target. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workdir", default=None, help="working folder (default: a new temporary one, removed)"
    )
    args = parser.parse_args()

    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from marketplace.finops import reader, synthetic
    from marketplace.finops.focus.check import check_relation
    from marketplace.finops.schema import DECIMAL, FOCUS_COLUMNS, NARROW_DECIMAL, TIMESTAMP

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="mps-bench-floors-"))
    src, out = workdir / "src", workdir / "out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    rows = args.rows
    print(
        f"FinOps ingest floors: {rows:,} rows, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    try:
        pq_src = synthetic.generate(src / "focus.parquet", rows, seed=1)
        csv_src = synthetic.generate(src / "focus.csv", rows, seed=1, fmt="csv")
        print(
            f"sources: Parquet {pq_src.stat().st_size / 1e6:,.0f} MB (zstd), CSV {csv_src.stat().st_size / 1e6:,.0f} MB"
        )
        # row order need not be kept (an import numbers its rows itself), which lets DuckDB write on both threads
        con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
        con.execute("SET enable_progress_bar = false")

        # the stored FOCUS columns the synthetic source has (all but FOCUS 1.3's two provider columns)
        present = {
            row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({q(pq_src)})").fetchall()
        }
        columns = [(name, kind) for name, kind in FOCUS_COLUMNS if name in present]
        names = [name for name, _kind in columns]
        narrow = ", ".join(
            f'CAST("{name}" AS {NARROW_DECIMAL}) AS "{name}"' if kind == DECIMAL else f'"{name}"'
            for name, kind in columns
        )
        csv_types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"
        arrow_types = {
            name: pa.decimal128(28, 10)
            if kind == DECIMAL
            else pa.timestamp("us")
            if kind == TIMESTAMP
            else pa.string()
            for name, kind in columns
        }

        def duck_copy(select: str, target: str) -> None:
            con.execute(f"COPY ({select}) TO {q(out / target)} (FORMAT parquet, COMPRESSION snappy)")

        def arrow_parquet() -> None:
            pq.write_table(pq.read_table(pq_src), out / "pa_pq.parquet", compression="snappy")

        def arrow_csv() -> None:
            table = pacsv.read_csv(
                csv_src,
                convert_options=pacsv.ConvertOptions(
                    column_types=arrow_types, timestamp_parsers=["%Y-%m-%dT%H:%M:%SZ"]
                ),
            )
            pq.write_table(table, out / "pa_csv.parquet", compression="snappy")

        def check_parquet() -> None:
            check_con = duckdb.connect(config={"threads": 2})
            reader.open_sources(check_con, [pq_src], "source")
            result = check_relation(check_con, "source", direct=True)
            assert result.rows == rows, result.rows
            check_con.close()

        timed = [
            (
                "Parquet",
                "DuckDB COPY as is (snappy)",
                lambda: duck_copy(f"SELECT * FROM read_parquet({q(pq_src)})", "dd_pq.parquet"),
            ),
            (
                "Parquet",
                "DuckDB COPY, decimals narrowed",
                lambda: duck_copy(f"SELECT {narrow} FROM read_parquet({q(pq_src)})", "dd_pq_narrow.parquet"),
            ),
            ("Parquet", "pyarrow read_table + write_table", arrow_parquet),
            ("Parquet", "conformance check alone (no write)", check_parquet),
            (
                "CSV",
                "DuckDB read_csv typed, COPY",
                lambda: duck_copy(
                    f"SELECT {', '.join(chr(34) + n + chr(34) for n in names)} FROM read_csv({q(csv_src)}, "
                    f"header = true, columns = {csv_types}, timestampformat = '%Y-%m-%dT%H:%M:%SZ')",
                    "dd_csv.parquet",
                ),
            ),
            ("CSV", "pyarrow read_csv typed + write_table", arrow_csv),
        ]
        results: dict[str, list[tuple[str, float]]] = {"Parquet": [], "CSV": []}
        for kind, label, work in timed:
            seconds = _best(args.runs, work)
            results[kind].append((label, seconds))
            print(f"{kind:<8} {label:<38} {seconds:7.2f} s  {rows / seconds / 1e6:6.3f} M rows/s")
        for kind, target in (("Parquet", 1.0), ("CSV", 0.3)):
            rewrites = [(label, s) for label, s in results[kind] if "check" not in label]
            label, seconds = min(rewrites, key=lambda item: item[1])
            print(
                f"{kind} ceiling without any check: {rows / seconds / 1e6:.3f} M rows/s ({label}); "
                f"target {target} M rows/s"
            )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
