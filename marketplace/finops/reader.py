"""Open cost files as a DuckDB relation: CSV (plain or gzip) or Parquet, one file or a folder of them.

`open_sources(con, paths, name)` creates the view `name` with the source columns (all VARCHAR for CSV; as typed for
Parquet) plus `x_SourceRow` (1-based row number across the files, in file order) and returns the files read and their
total size. With `number_csv_rows=False` a CSV source has no `x_SourceRow`: numbering CSV rows takes a window over the
whole file, which runs on one thread; the checker then numbers the rows by their order in its table instead.
Anything that is not a readable CSV or Parquet file raises `SourceError` with a message for the user, before any data
is stored.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
SUFFIXES = (".csv", ".csv.gz", ".parquet")


class SourceError(ValueError):
    """The input cannot be read as a cost file; the message says why (English, shown in CLI and UI)."""


@dataclass(frozen=True)
class Sources:
    files: list[Path]
    bytes_total: int
    kind: str  # "csv" or "parquet"


def list_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES))
            if not found:
                raise SourceError(f"{path}: the folder holds no .csv, .csv.gz or .parquet file")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    return files


def sniff(path: Path) -> str:
    """'parquet', 'csv.gz' or 'csv' from the first bytes (not the name); SourceError when it is none of them."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head[:4] == PARQUET_MAGIC:
        return "parquet"
    if head[:2] == GZIP_MAGIC:
        try:
            with gzip.open(path, "rb") as gz:
                sample = gz.read(4096)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(f"{path.name}: broken gzip file ({exc})") from exc
        _require_text(path, sample)
        return "csv.gz"
    _require_text(path, head)
    return "csv"


def _require_text(path: Path, sample: bytes) -> None:
    if not sample.strip():
        raise SourceError(f"{path.name}: the file is empty")
    if b"\x00" in sample:
        raise SourceError(f"{path.name}: not a CSV file (binary content)")
    first_line = sample.splitlines()[0] if sample.splitlines() else b""
    try:
        first_line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: not a UTF-8 CSV file") from exc
    if b"," not in first_line and b";" not in first_line and b"\t" not in first_line:
        raise SourceError(f"{path.name}: no CSV header line (no column separator in the first line)")


def open_sources(
    con: duckdb.DuckDBPyConnection,
    paths: list[str | Path],
    name: str = "source",
    *,
    number_csv_rows: bool = True,
) -> Sources:
    files = list_files(paths)
    kinds = {sniff(f) for f in files}
    kind = "parquet" if kinds == {"parquet"} else "csv"
    if "parquet" in kinds and kinds != {"parquet"}:
        raise SourceError("Mixed CSV and Parquet files in one import; import them separately")
    file_list = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"
    try:
        if kind == "parquet":
            reader = f"read_parquet({file_list}, union_by_name = true)"
            row = _parquet_row_number(con, files, reader)
        else:
            reader = f"read_csv({file_list}, header = true, all_varchar = true, union_by_name = true)"
            row = "row_number() OVER ()" if number_csv_rows else ""
        numbered = f", {row} AS x_SourceRow" if row else ""
        # not temporary: the connection's cursors see it (the ingest writes billing periods on several cursors)
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT *{numbered} FROM {reader}')
        con.execute(f'DESCRIBE "{name}"').fetchall()
    except duckdb.Error as exc:
        raise SourceError(f"Could not read the file(s): {str(exc).splitlines()[0]}") from exc
    return Sources(files=files, bytes_total=sum(f.stat().st_size for f in files), kind=kind)


def parquet_rows(con: duckdb.DuckDBPyConnection, files: list[Path]) -> list[int]:
    """Each Parquet file's row count, from its metadata (no data read)."""
    counts = []
    for path in files:
        found = con.execute("SELECT num_rows FROM parquet_file_metadata(?)", [str(path)]).fetchone()
        counts.append(int(found[0] or 0) if found else 0)
    return counts


def _parquet_row_number(con: duckdb.DuckDBPyConnection, files: list[Path], reader: str) -> str:
    """The 1-based row number across the Parquet files from the reader's virtual columns `file_index` and
    `file_row_number` plus each file's row offset (from the files' metadata): unlike `row_number() OVER ()` it
    needs no window over all rows (which holds the whole source in memory on one thread), and it follows the file
    order whatever the scan order. Falls back to `row_number() OVER ()` when a file has a column of those names."""
    names = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()}
    if names & {"file_index", "file_row_number"}:
        return "row_number() OVER ()"
    offsets = [0]
    for rows in parquet_rows(con, files):
        offsets.append(offsets[-1] + rows)
    if len(files) == 1:
        return "CAST(file_row_number + 1 AS BIGINT)"
    offset_list = f"CAST([{', '.join(str(o) for o in offsets[:-1])}] AS BIGINT[])"
    return f"{offset_list}[CAST(file_index AS BIGINT) + 1] + CAST(file_row_number AS BIGINT) + 1"
