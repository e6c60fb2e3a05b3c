"""The analytics engine: an Ibis backend (DuckDB in-process by default, PySpark local/cluster when
`MPS_ANALYTICS_BACKEND=pyspark`) and the cost table for a scope.

Analyses take a `Scope` and build Ibis expressions on `costs(scope)`; they never write to the app DB. Results come
back as Python values via `execute()` (list of dicts with Decimal money), the same on both engines.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir
from django.conf import settings

from marketplace.finops.schema import STORAGE_COLUMNS
from marketplace.finops.storage import current_files

_local = threading.local()

_IBIS_TYPES = {
    "DECIMAL(28,10)": dtypes.Decimal(28, 10),
    "TIMESTAMP": dtypes.Timestamp(),
    "VARCHAR": dtypes.String(),
    "DATE": dtypes.Date(),
    "BIGINT": dtypes.Int64(),
}
STORAGE_SCHEMA = ibis.schema({name: _IBIS_TYPES[kind] for name, kind in STORAGE_COLUMNS})


@dataclass(frozen=True)
class Scope:
    """Whose data and which billing periods (first-of-month dates, inclusive). `organisation_ids=None` is every
    organisation (MPS aggregates only)."""

    organisation_ids: tuple[int, ...] | None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    files: tuple[str, ...] = field(default=(), compare=False)

    def resolved_files(self) -> list[str]:
        if self.files:
            return list(self.files)
        return current_files(self.organisation_ids, period_from=self.period_from, period_to=self.period_to)


def backend_name() -> str:
    return getattr(settings, "MPS_ANALYTICS_BACKEND", "duckdb")


def connect(name: str | None = None) -> Any:
    """One Ibis connection per thread and engine (a DuckDB connection is not shared between threads)."""
    name = name or backend_name()
    cache = getattr(_local, "connections", None)
    if cache is None:
        cache = _local.connections = {}
    if name not in cache:
        if name == "duckdb":
            con = ibis.duckdb.connect(threads=int(getattr(settings, "MPS_DUCKDB_THREADS", 2)))
            con.raw_sql(f"SET memory_limit = '{getattr(settings, 'MPS_DUCKDB_MEMORY_LIMIT', '4GB')}'")
        elif name == "pyspark":
            cache[name] = ibis.pyspark.connect(spark_session())
            return cache[name]
        else:
            raise ValueError(f"Unknown MPS_ANALYTICS_BACKEND {name!r} (duckdb or pyspark)")
        cache[name] = con
    return cache[name]


def spark_session() -> Any:
    """A local Spark session on loopback with UTC time (imported lazily: PySpark is optional)."""
    from pyspark.sql import SparkSession

    master = getattr(settings, "MPS_SPARK_MASTER", "local[2]")
    return (
        SparkSession.builder.master(master)
        .appName("markedsplassen-finops")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )


def costs(scope: Scope, *, engine: str | None = None) -> ir.Table:
    """The cost rows of the scope as an Ibis table with the storage schema (an empty table when there is none)."""
    con = connect(engine)
    files = scope.resolved_files()
    if not files:
        return ibis.memtable(STORAGE_SCHEMA.to_pyarrow().empty_table())
    if (engine or backend_name()) == "pyspark":
        # Ibis' PySpark read_parquet takes one path; Spark itself reads a list. A file may hold a decimal column
        # narrow (schema.NARROW_DECIMAL): Spark takes the first file's types for all, so it is given the schema
        # with every decimal column at the stored width, which it widens each file's values to.
        view = f"finops_costs_{abs(hash(tuple(files))):x}"
        if view not in con.list_tables():
            session = con._session
            found = session.read.parquet(files[0]).schema
            wide = _spark_wide_schema(found)
            session.read.schema(wide).parquet(*files).createOrReplaceTempView(view)
        table = con.table(view)
        return table.select(*[table[name].cast(kind).name(name) for name, kind in STORAGE_SCHEMA.items()])
    # A stored file is never rewritten (its name holds the import id), so the typed table over a tuple of files
    # can be kept per connection: a warm report skips registering a new read_parquet view and reading the
    # files' schema again. Bounded, oldest dropped first.
    cache = _cost_tables(con)
    key = tuple(files)
    cached = cache.pop(key, None)
    if cached is None:
        # union_by_name: the files' types are merged (a decimal column narrow in one file and wide in another is
        # read wide) instead of the first file's types being forced on the others
        table = con.read_parquet(files, union_by_name=True)
        cached = table.select(*[table[name].cast(kind).name(name) for name, kind in STORAGE_SCHEMA.items()])
    cache[key] = cached
    while len(cache) > COST_TABLES_CACHED:
        cache.pop(next(iter(cache)))
    return cached


COST_TABLES_CACHED = 32


def _spark_wide_schema(found: Any) -> Any:
    """A stored file's Spark schema with every decimal column at the stored width, DECIMAL(28, 10)."""
    from pyspark.sql.types import DecimalType, StructField, StructType

    return StructType(
        [
            StructField(f.name, DecimalType(28, 10), f.nullable) if isinstance(f.dataType, DecimalType) else f
            for f in found.fields
        ]
    )


def _cost_tables(con: Any) -> dict[tuple[str, ...], ir.Table]:
    """The per-connection cache of `costs` tables, in use order (insertion order of the dict)."""
    caches = getattr(_local, "cost_tables", None)
    if caches is None:
        caches = _local.cost_tables = {}
    return caches.setdefault(id(con), {})


def execute(expr: ir.Table, *, engine: str | None = None) -> list[dict[str, Any]]:
    """Run the expression on the engine and return plain rows (Decimal for decimals, datetime/date, str, int)."""
    return connect(engine).to_pyarrow(expr).to_pylist()
