"""Import cost files: read → convert to FOCUS → check conformance → store one Parquet file per billing period.

`finops_import(...)` is the one entry point (CLI, upload worker, demo). Nothing is half-stored:

1. the sources are read and checked in DuckDB (`reader.open_sources` → `converters.to_focus` →
   `focus.check.check_relation`, which reads the source once into a table of checked rows, reporting progress; a
   clean typed FOCUS source is only counted, and its checked rows are a view of the source); a fatal finding fails
   the import with the findings and stores nothing;
2. the usable rows (`x_RejectReason IS NULL`) are written per billing period to a temporary name next to the final
   file, fsynced and renamed to `storage.period_relpath(...)`;
3. one transaction makes the new files current (the previous files of those periods stop being current), saves the
   counts and findings and records the audit event; the superseded files are deleted after the commit.

Any error before the commit removes the files written and marks the import failed with the message; the data that
was current stays current. Re-importing a period therefore replaces it (no double counting).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_record
from marketplace.finops import converters, reader
from marketplace.finops.focus.check import check_relation
from marketplace.finops.focus.findings import ERROR, Finding
from marketplace.finops.models import (
    BillingAccountOwner,
    BillingPeriodData,
    FocusImport,
    ImportFinding,
    ImportFormat,
    ImportStatus,
)
from marketplace.finops.schema import DECIMAL, FOCUS_COLUMNS, NARROW_DECIMAL, STORAGE_COLUMNS
from marketplace.finops.storage import absolute, period_relpath

__all__ = ["IngestError", "finops_import", "import_summary"]

_PERIOD_NULL_RULE = "BillingPeriodStart-nullability"

# Snappy rather than zstd for the stored files: about 1.5x the size, but the reports decode the DECIMAL money columns
# about a third faster (CPU 0.08 s instead of 0.11 s for four sums over 1 M rows, measured) and the write is cheaper;
# every Parquet reader (DuckDB, Spark, pandas) reads it.
STORED_COMPRESSION = "snappy"

logger = logging.getLogger(__name__)


class IngestError(ValueError):
    """The import cannot go on; the message is for the user (English, as the checker's findings)."""


@dataclass
class _Written:
    period: dt.date
    relpath: str
    rows: int


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect() -> tuple[duckdb.DuckDBPyConnection, str]:
    spill = tempfile.mkdtemp(prefix="mps-finops-ingest-")
    con = duckdb.connect(
        config={
            "threads": int(getattr(settings, "MPS_DUCKDB_THREADS", 2)),
            "memory_limit": str(getattr(settings, "MPS_DUCKDB_MEMORY_LIMIT", "4GB")),
            "temp_directory": spill,
            "preserve_insertion_order": False,
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    # Progress is computed (for `query_progress`, read by `_execute_with_progress`) but never printed.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute("SET progress_bar_time = 0")
    return con, spill


def _progress(focus_import: FocusImport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(focus_import, name, value)
    FocusImport.objects.filter(pk=focus_import.pk).update(**fields)


def _start(
    *,
    organisation: Organisation,
    paths: Sequence[str | Path],
    source_format: str,
    user: Any,
    focus_import: FocusImport | None,
) -> FocusImport:
    names = [Path(p).name for p in paths]
    if focus_import is None:
        focus_import = FocusImport.objects.create(
            organisation=organisation,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            source_format=source_format,
            source_names=names,
        )
    fields: dict[str, Any] = {
        "status": ImportStatus.RUNNING,
        "started_at": timezone.now(),
        "error": "",
        "bytes_done": 0,
    }
    if not focus_import.source_names:
        fields["source_names"] = names
    _progress(focus_import, **fields)
    return focus_import


def finops_import(
    *,
    organisation: Organisation,
    paths: Sequence[str | Path],
    source_format: str = ImportFormat.FOCUS,
    focus_version: str | None = None,
    user: Any = None,
    focus_import: FocusImport | None = None,
) -> FocusImport:
    """Import the files for the organisation; return the import (status done or failed, never raises for bad
    input: the reason is in `error` and the findings)."""
    focus_import = _start(
        organisation=organisation,
        paths=paths,
        source_format=source_format,
        user=user,
        focus_import=focus_import,
    )
    findings: list[Finding] = []
    written: list[_Written] = []
    stages: dict[str, tuple[float, float]] = {}  # stage -> (wall seconds, CPU seconds of the process)
    clock, cpu_clock = time.perf_counter(), time.process_time()

    def stage(name: str) -> None:
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), time.process_time()
        stages[name] = (round(now - clock, 3), round(cpu_now - cpu_clock, 3))
        clock, cpu_clock = now, cpu_now

    con, spill = _connect()
    try:
        if not organisation.is_buyer:
            raise IngestError(
                f"Organisation {organisation.orgnr} ({organisation.name}) is not a public buyer organisation; "
                "cost data can only be imported for buyers"
            )
        if source_format not in ImportFormat.values:
            raise IngestError(
                f"Unknown source format {source_format!r} (one of {', '.join(ImportFormat.values)})"
            )
        try:
            # FOCUS CSV rows are numbered by the checker (in parallel) rather than by a window in the reader;
            # the converters read x_SourceRow from the source
            sources = reader.open_sources(
                con, list(paths), "source", number_csv_rows=source_format != ImportFormat.FOCUS
            )
        except reader.SourceError as exc:
            raise IngestError(str(exc)) from exc
        except zlib.error as exc:  # the reader's gzip sniff lets zlib's own error through
            raise IngestError(f"Broken gzip file ({exc})") from exc
        _progress(focus_import, bytes_total=sources.bytes_total)
        try:
            relation, converter_findings = converters.to_focus(con, "source", source_format)
        except ValueError as exc:
            raise IngestError(str(exc)) from exc
        findings.extend(converter_findings)
        total_bytes = sources.bytes_total
        stage_db = _stage(con, sources, spill)
        result = check_relation(
            con,
            relation,
            version=focus_version,
            stage=stage_db,
            direct=source_format == ImportFormat.FOCUS,
            execute=lambda sql: _execute_with_progress(
                con,
                sql,
                lambda pct: _progress(
                    focus_import, bytes_done=min(total_bytes, int(total_bytes * max(pct, 0.0) / 100))
                ),
            ),
        )
        findings.extend(result.findings)
        _progress(focus_import, focus_version=result.focus_version, bytes_done=total_bytes)
        stage("read_and_check")
        if result.fatal:
            errors = [f.message for f in result.findings if f.severity == ERROR] or ["the file is not usable"]
            raise IngestError("The file does not conform to FOCUS: " + " ".join(errors))
        rejected = _checked_view(con, result.table)
        total, loaded, periods = _counts(con)
        if total == 0:
            raise IngestError("The file holds no cost rows")
        if loaded == 0:
            raise IngestError(f"All {total} rows were rejected; nothing was imported")
        findings.extend(_reject_findings(rejected, findings))
        accounts = _accounts(con)
        _check_accounts(organisation, accounts)
        stage("counts")
        _write_periods(con, result.table, organisation, focus_import, periods, written)
        stage("write_parquet")
        superseded = _commit(
            organisation=organisation,
            focus_import=focus_import,
            user=user,
            written=written,
            findings=findings,
            loaded=loaded,
            rejected=total - loaded,
            accounts=accounts,
        )
        stage("commit")
    except Exception as exc:
        for item in written:
            absolute(item.relpath).unlink(missing_ok=True)
        _fail(focus_import, organisation=organisation, user=user, message=_message(exc), findings=findings)
        return focus_import
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    transaction.on_commit(lambda: _delete_files(superseded))
    logger.info(
        "finops import %s: %s rows; (wall, CPU) seconds per stage %s",
        focus_import.pk,
        focus_import.rows_loaded,
        stages,
    )
    return focus_import


# Sources estimated above this many rows are checked into a DuckDB file in the spill folder (stored compressed, about a
# tenth of the size: 87 MB instead of 1 GB for 1 M synthetic rows) rather than an in-memory database (uncompressed,
# spilled uncompressed beyond the memory limit): costs about 2.5 CPU seconds more per million rows, measured, but
# keeps 100 M rows within memory and disk.
STAGE_ON_DISK_ROWS = 2_000_000
_CSV_BYTES_PER_ROW = 700  # a FOCUS CSV row with every column (synthetic data: 742 bytes)
_GZIP_RATIO = 8


def _estimated_rows(con: duckdb.DuckDBPyConnection, sources: reader.Sources) -> int:
    if sources.kind == "parquet":
        return sum(reader.parquet_rows(con, sources.files))
    size = sum(f.stat().st_size * (_GZIP_RATIO if reader.sniff(f) == "csv.gz" else 1) for f in sources.files)
    return size // _CSV_BYTES_PER_ROW


def _stage(con: duckdb.DuckDBPyConnection, sources: reader.Sources, spill: str) -> str:
    """Attach the database for the checked rows: in memory, or a DuckDB file in the spill folder for a large source.
    An attached database (unlike a temporary table) is seen by the connection's cursors, which write the billing
    periods in parallel."""
    if _estimated_rows(con, sources) <= STAGE_ON_DISK_ROWS:
        con.execute("ATTACH ':memory:' AS finops_stage")
    else:
        con.execute(f"ATTACH {_q(str(Path(spill) / 'stage.duckdb'))} AS finops_stage")
    return "finops_stage"


def _message(exc: Exception) -> str:
    if isinstance(exc, IngestError):
        return str(exc)
    if isinstance(exc, duckdb.Error):
        return "Could not read or convert the rows: " + str(exc).splitlines()[0]
    return f"Import failed: {type(exc).__name__}: {exc}"


def _execute_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, on_progress: Callable[[float], None], *, every: float = 1.0
) -> None:
    """Run `sql` in a helper thread and report DuckDB's progress (percent) from this thread while it runs, so the
    progress is saved on this thread's DB connection."""
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=work, name="finops-ingest", daemon=True)
    worker.start()
    last = -1.0
    while True:
        worker.join(timeout=every)
        if not worker.is_alive():
            break
        pct = con.query_progress()
        if pct >= 0 and pct - last >= 1:
            last = pct
            on_progress(pct)
    if failure:
        raise failure[0]


def _checked_view(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, int]]:
    """The checked rows (the checker's table) as the view `checked` with the billing period (the table's
    `x_BillingPeriod`, a stored column, so that a write per period skips the other periods' row groups); rows
    without a billing period are rejected here (they cannot be placed in a period). Returns (reject reason, rows)
    for the rejected rows."""
    columns = ", ".join(f'"{name}"' for name, _kind in FOCUS_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW checked AS
        SELECT {columns}, x_SourceRow,
               CASE WHEN x_RejectReason IS NULL AND "BillingPeriodStart" IS NULL
                    THEN {_q(_PERIOD_NULL_RULE)} ELSE x_RejectReason END AS x_RejectReason,
               x_BillingPeriod
        FROM {table}
        """
    )
    return [
        (str(reason), int(rows))
        for reason, rows in con.execute(
            "SELECT x_RejectReason, count(*) FROM checked WHERE x_RejectReason IS NOT NULL "
            "GROUP BY ALL ORDER BY 2 DESC, 1"
        ).fetchall()
    ]


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, list[tuple[dt.date, int]]]:
    total_row = con.execute(
        "SELECT count(*), count(*) FILTER (x_RejectReason IS NULL) FROM checked"
    ).fetchone()
    total, loaded = (int(total_row[0]), int(total_row[1])) if total_row else (0, 0)
    periods = [
        (period, int(rows))
        for period, rows in con.execute(
            "SELECT x_BillingPeriod, count(*) FROM checked WHERE x_RejectReason IS NULL GROUP BY ALL ORDER BY 1"
        ).fetchall()
    ]
    return total, loaded, periods


def _accounts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        str(row[0])
        for row in con.execute(
            'SELECT DISTINCT "BillingAccountId" FROM checked '
            'WHERE x_RejectReason IS NULL AND "BillingAccountId" IS NOT NULL ORDER BY 1'
        ).fetchall()
    ]


def _check_accounts(organisation: Organisation, accounts: list[str]) -> None:
    """Refuse rows of a billing account already imported for another organisation (a file under the wrong org)."""
    clash = (
        BillingAccountOwner.objects.filter(billing_account_id__in=accounts)
        .exclude(organisation=organisation)
        .select_related("organisation")
        .first()
    )
    if clash is not None:
        raise IngestError(
            f"Billing account {clash.billing_account_id} belongs to organisation {clash.organisation.orgnr} "
            f"({clash.organisation.name}), not {organisation.orgnr}: check --org; nothing was imported"
        )


def _reject_findings(rejected: list[tuple[str, int]], findings: list[Finding]) -> list[Finding]:
    """One ERROR finding per reject rule with its row count, for rules the checker did not report itself.

    `rejected` holds (reason, rows) where a reason lists the rule ids that reject a row, comma-separated."""
    known = {f.rule_id for f in findings}
    counts: dict[str, int] = {}
    for reason, rows in rejected:
        for rule_id in reason.split(","):
            if rule_id and rule_id not in known:
                counts[rule_id] = counts.get(rule_id, 0) + rows
    return [
        Finding(rule_id[:80], ERROR, "", rows, f"{rows} row(s) rejected by rule {rule_id}")
        for rule_id, rows in sorted(counts.items())
    ]


def _storage_select(organisation: Organisation, import_id: int, *, wide: Collection[str] = ()) -> str:
    """The stored columns from the checked rows. Decimal columns are written as NARROW_DECIMAL except those named in
    `wide` (see `schema`); a value too large for its narrow column fails the COPY with a ConversionException."""
    focus_names = {name for name, _kind in FOCUS_COLUMNS}
    extra = {
        "x_Organisation": _q(organisation.orgnr),
        "x_BillingPeriod": "x_BillingPeriod",
        "x_ImportId": str(int(import_id)),
        "x_SourceRow": "x_SourceRow",
    }
    parts = []
    for name, kind in STORAGE_COLUMNS:
        source = f'"{name}"' if name in focus_names else extra[name]
        if kind == DECIMAL and name not in wide:
            # from the stored type, so a source's extra fraction digits are rounded exactly as in a wide column
            parts.append(f'CAST(CAST({source} AS {kind}) AS {NARROW_DECIMAL}) AS "{name}"')
        else:
            parts.append(f'CAST({source} AS {kind}) AS "{name}"')
    return ", ".join(parts)


_DECIMAL_COLUMNS = [name for name, kind in STORAGE_COLUMNS if kind == DECIMAL]


def _wide_columns(cursor: duckdb.DuckDBPyConnection, rows: str) -> set[str]:
    """The decimal columns of `rows` (a FROM ... WHERE ... clause) with a value that NARROW_DECIMAL cannot hold."""
    found = cursor.execute(
        "SELECT "
        + ", ".join(
            f'bool_or(TRY_CAST(CAST("{name}" AS {DECIMAL}) AS {NARROW_DECIMAL}) IS NULL AND "{name}" IS NOT NULL)'
            for name in _DECIMAL_COLUMNS
        )
        + f" {rows}"
    ).fetchone()
    return {name for name, wide in zip(_DECIMAL_COLUMNS, found or (), strict=False) if wide}


def _write_periods(
    con: duckdb.DuckDBPyConnection,
    table: str,
    organisation: Organisation,
    focus_import: FocusImport,
    periods: list[tuple[dt.date, int]],
    written: list[_Written],
) -> None:
    """One plain COPY per period from the checked rows (faster and leaner than one partitioned COPY, measured), each
    to a temporary name next to its final one, fsynced and renamed; appended to `written` as each is renamed, so that
    a failure can remove what was written.

    A period's file is usually one or a few row groups, which DuckDB writes on one thread; so the periods are written
    by as many cursors (threads) as DuckDB has threads, each COPY reading `table` (the checker's table in the
    attached stage database, or its view of a clean typed source: usable rows have no reject reason and a billing
    period). The period is selected as a range of BillingPeriodStart (x_BillingPeriod is its month), which the
    Parquet reader of a source view and the stage table's zone maps use to skip the other periods' row groups.

    Decimal columns are written narrow (`schema.NARROW_DECIMAL`). No pass looks for large values first: when one
    does not fit, the COPY fails, one aggregate finds the columns that need the wide type, and the period is written
    again with those wide."""
    select = _storage_select(organisation, focus_import.pk)
    threads = max(1, int(getattr(settings, "MPS_DUCKDB_THREADS", 2)))
    lock = threading.Lock()

    def write(period: dt.date, rows: int) -> None:
        relpath = period_relpath(organisation.orgnr, period, focus_import.pk)
        target = absolute(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        temp = Path(temp_name)
        cursor = con.cursor()
        source = (
            f"FROM {table} WHERE x_RejectReason IS NULL "
            f'AND "BillingPeriodStart" >= TIMESTAMP {_q(period.isoformat())} '
            f'AND "BillingPeriodStart" < TIMESTAMP {_q(_next_month(period).isoformat())}'
        )
        target_options = f"TO {_q(str(temp))} (FORMAT parquet, COMPRESSION {STORED_COMPRESSION})"
        try:
            try:
                cursor.execute(f"COPY (SELECT {select} {source}) {target_options}")
            except duckdb.ConversionException:
                wide = _wide_columns(cursor, source)
                if not wide:
                    raise
                wide_select = _storage_select(organisation, focus_import.pk, wide=wide)
                cursor.execute(f"COPY (SELECT {wide_select} {source}) {target_options}")
            with temp.open("rb") as fh:
                os.fsync(fh.fileno())
            with lock:
                os.replace(temp, target)
                written.append(_Written(period=period, relpath=relpath, rows=rows))
            _fsync_dir(target.parent)
        finally:
            cursor.close()
            temp.unlink(missing_ok=True)

    if threads == 1 or len(periods) == 1:
        for period, rows in periods:
            write(period, rows)
    else:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="finops-write") as pool:
            futures = [pool.submit(write, period, rows) for period, rows in periods]
            errors = [f.exception() for f in futures]
        failed = next((e for e in errors if e is not None), None)
        if failed is not None:
            raise failed
    written.sort(key=lambda w: w.period)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(
    *,
    organisation: Organisation,
    focus_import: FocusImport,
    user: Any,
    written: list[_Written],
    findings: list[Finding],
    loaded: int,
    rejected: int,
    accounts: list[str],
) -> list[str]:
    """Make the written files current in one transaction; return the superseded files' relative paths."""
    with transaction.atomic():
        periods = [w.period for w in written]
        previous = list(
            BillingPeriodData.objects.select_for_update().filter(
                organisation=organisation, billing_period__in=periods, is_current=True
            )
        )
        BillingPeriodData.objects.filter(pk__in=[p.pk for p in previous]).update(is_current=False)
        BillingPeriodData.objects.bulk_create(
            [
                BillingPeriodData(
                    organisation=organisation,
                    focus_import=focus_import,
                    billing_period=w.period,
                    path=w.relpath,
                    rows=w.rows,
                )
                for w in written
            ]
        )
        known = set(
            BillingAccountOwner.objects.filter(billing_account_id__in=accounts).values_list(
                "billing_account_id", flat=True
            )
        )
        BillingAccountOwner.objects.bulk_create(
            [
                BillingAccountOwner(
                    billing_account_id=a, organisation=organisation, first_import=focus_import
                )
                for a in accounts
                if a not in known
            ]
        )
        _save_findings(focus_import, findings)
        _progress(
            focus_import,
            status=ImportStatus.DONE,
            rows_loaded=loaded,
            rows_rejected=rejected,
            bytes_done=focus_import.bytes_total,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            verb="finops.import",
            target=focus_import,
            organisation=organisation,
            data={
                "status": ImportStatus.DONE,
                "files": list(focus_import.source_names),
                "source_format": focus_import.source_format,
                "focus_version": focus_import.focus_version,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "periods": [f"{p:%Y-%m}" for p in periods],
                "replaced_imports": sorted({p.focus_import_id for p in previous}),
            },
        )
    return [p.path for p in previous if p.path not in {w.relpath for w in written}]


def _save_findings(focus_import: FocusImport, findings: list[Finding]) -> None:
    ImportFinding.objects.filter(focus_import=focus_import).delete()
    ImportFinding.objects.bulk_create(
        [
            ImportFinding(
                focus_import=focus_import,
                rule_id=f.rule_id[:80],
                severity=f.severity,
                column=(f.column or "")[:80],
                rows=f.rows,
                message=f.message,
            )
            for f in findings
        ]
    )


def _fail(
    focus_import: FocusImport, *, organisation: Organisation, user: Any, message: str, findings: list[Finding]
) -> None:
    with transaction.atomic():
        _save_findings(focus_import, findings)
        _progress(
            focus_import,
            status=ImportStatus.FAILED,
            error=message,
            rows_loaded=0,
            rows_rejected=0,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            verb="finops.import",
            target=focus_import,
            organisation=organisation,
            data={
                "status": ImportStatus.FAILED,
                "files": list(focus_import.source_names),
                "source_format": focus_import.source_format,
                "error": message,
            },
        )


def _delete_files(relpaths: list[str]) -> None:
    for relpath in relpaths:
        absolute(relpath).unlink(missing_ok=True)


def import_summary(focus_import: FocusImport) -> dict[str, Any]:
    """The JSON summary of an import (CLI `--format json`, API)."""
    return {
        "import_id": focus_import.pk,
        "status": focus_import.status,
        "organisation": focus_import.organisation.orgnr,
        "source_format": focus_import.source_format,
        "files": list(focus_import.source_names),
        "focus_version": focus_import.focus_version,
        "rows_loaded": focus_import.rows_loaded,
        "rows_rejected": focus_import.rows_rejected,
        "periods": [
            {"period": f"{p.billing_period:%Y-%m}", "rows": p.rows, "path": p.path}
            for p in focus_import.periods.order_by("billing_period")
        ],
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity,
                "column": f.column,
                "rows": f.rows,
                "message": f.message,
            }
            for f in focus_import.findings.all()
        ],
        "error": focus_import.error,
    }
