"""SQL building blocks shared by the converters (DuckDB SQL by design, like the rest of the ingest pipeline).

A converter reads the source relation as `open_sources` made it (all VARCHAR for CSV, typed for Parquet) and builds
one TEMP VIEW with FOCUS 1.2 column names. Every source value goes through text first, so a Parquet DOUBLE becomes
its shortest decimal text and then an exact DECIMAL (never float arithmetic). The column mapping of each provider is
documented in docs/finops-converters.md.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

import duckdb

from marketplace.finops.focus.findings import ERROR, INFO, WARNING, Finding
from marketplace.finops.schema import STORAGE_COLUMNS

MONEY = "DECIMAL(28,10)"
SERVICE_CATEGORIES_FILE = Path(__file__).with_name("service_categories.csv")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {quote_ident(relation)}").fetchall()]


class Source:
    """The source relation's columns, and SQL expressions over them that tolerate optional (absent) columns."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, relation: str, alias: Callable[[str], str] | None = None
    ) -> None:
        self.relation = relation
        self.columns = columns_of(con, relation)
        self.present = set(self.columns)
        self.alias = (
            alias  # another spelling of a column name to look for (AWS: the Athena/Parquet snake_case)
        )

    def has(self, name: str) -> bool:
        return name in self.present

    def first(self, *names: str) -> str | None:
        """The first of `names` the source has (exports spell some columns differently: EA vs MCA), each name tried
        as given and then in its alias spelling."""
        for name in names:
            for candidate in (name, self.alias(name) if self.alias else name):
                if candidate in self.present:
                    return candidate
        return None

    def text(self, *names: str) -> str:
        """Trimmed text of the first present column of `names`, NULL when empty or when none is present."""
        name = self.first(*names)
        if name is None:
            return "NULL::VARCHAR"
        return f"NULLIF(TRIM(CAST({quote_ident(name)} AS VARCHAR)), '')"

    def dec(self, *names: str) -> str:
        return f"TRY_CAST({self.text(*names)} AS {MONEY})"

    def timestamp(self, *names: str) -> str:
        return utc_timestamp(self.text(*names))

    def missing(self, fmt: str, required: Iterable[str | Sequence[str]]) -> list[Finding]:
        """An ERROR finding per required column (or group of alternative spellings) the source lacks."""
        findings = []
        for spec in required:
            names = (spec,) if isinstance(spec, str) else tuple(spec)
            if self.first(*names) is None:
                shown = " or ".join(names)
                findings.append(
                    Finding(
                        f"{fmt}-required-column",
                        ERROR,
                        names[0],
                        0,
                        f"The {fmt} file lacks the column {shown}, which the conversion to FOCUS needs; "
                        f"is this really a {fmt} export?",
                    )
                )
        return findings


def utc_timestamp(text_expr: str) -> str:
    """A UTC TIMESTAMP from ISO 8601 text: an explicit offset is applied, `Z` or no offset is UTC (the providers'
    exports are UTC). NULL when it is not a date/time. Only text with an offset after the seconds takes the slower
    time-zone path."""
    offset = f"substr({text_expr}, 20)"
    return (
        f"(CASE WHEN contains({offset}, '+') OR contains({offset}, '-') "
        f"THEN timezone('UTC', TRY_CAST({text_expr} AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST({text_expr} AS TIMESTAMP) END)"
    )


def money(expr: str) -> str:
    return f"CAST({expr} AS {MONEY})"


def product(a: str, b: str) -> str:
    """a × b rounded to the stored scale; NULL when either is NULL."""
    return money(f"({a}) * ({b})")


def tags_from_columns(src: Source, columns: list[tuple[str, str]]) -> str:
    """A JSON object text from (key, column) pairs, leaving out empty values; NULL when no pair has a value."""
    if not columns:
        return "NULL::VARCHAR"
    entries = ", ".join(f"{{'k': {quote_literal(key)}, 'v': {src.text(col)}}}" for key, col in columns)
    kept = f"list_filter([{entries}], lambda e: e.v IS NOT NULL)"
    return (
        f"(CASE WHEN len({kept}) = 0 THEN NULL "
        f"ELSE CAST(to_json(map_from_entries(list_transform({kept}, lambda e: {{'key': e.k, 'value': e.v}}))) "
        "AS VARCHAR) END)"
    )


@cache
def service_categories(provider: str) -> dict[str, str]:
    """Provider service name (lower-case) -> FOCUS ServiceCategory, from service_categories.csv."""
    with SERVICE_CATEGORIES_FILE.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {
            row["service"].strip().lower(): row["service_category"].strip()
            for row in rows
            if row["provider"].strip() == provider
        }


def service_category_join(con: duckdb.DuckDBPyConnection, provider: str, key_expr: str) -> str:
    """A LEFT JOIN clause adding `__service_category` (NULL when the service is unknown) to a FROM over the source.

    The table behind it is a TEMP table of the connection, made from service_categories.csv; a hash join is much
    cheaper per row than a CASE over a few hundred names."""
    table = f"finops_service_categories_{provider}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} (__service VARCHAR PRIMARY KEY, __service_category VARCHAR)"
    )
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(service_categories(provider).items()))
    return f"LEFT JOIN {table} ON {table}.__service = lower({key_expr})"


def unknown_services_finding(
    con: duckdb.DuckDBPyConnection, relation: str, provider: str, fmt: str, key_expr: str
) -> list[Finding]:
    """INFO: how many rows had a service name the mapping table does not know (mapped to 'Other')."""
    known = service_categories(provider)
    rows = con.execute(
        f"SELECT {key_expr} AS k, count(*) FROM {quote_ident(relation)} GROUP BY k ORDER BY count(*) DESC, k"
    ).fetchall()
    unknown = [(k, n) for k, n in rows if k is not None and k.lower() not in known]
    if not unknown:
        return []
    total = sum(n for _k, n in unknown)
    names = ", ".join(k for k, _n in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
    return [
        Finding(
            f"{fmt}-service-category-unknown",
            INFO,
            "ServiceCategory",
            total,
            f"{total} rows have a service the mapping table does not know ({names}); "
            "their ServiceCategory is set to 'Other'.",
        )
    ]


def count_finding(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    condition: str,
    *,
    rule_id: str,
    severity: str,
    column: str,
    message: str,
) -> list[Finding]:
    """One finding with the number of source rows matching `condition` (none when no row matches);
    `message` may use {rows}."""
    (rows,) = con.execute(f"SELECT count(*) FROM {quote_ident(relation)} WHERE {condition}").fetchone() or (
        0,
    )
    if not rows:
        return []
    return [Finding(rule_id, severity, column, rows, message.format(rows=rows))]


def create_view(con: duckdb.DuckDBPyConnection, view: str, select_sql: str) -> str:
    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(view)} AS {select_sql}")
    return view


def focus_columns(passthrough: list[tuple[str, str]], computed: list[tuple[str, str]]) -> tuple[str, str]:
    """The converters' two SELECT lists: `passthrough` columns (expressions over the source columns) are computed
    in the first CTE as `__p_<Column>`, so the later CTEs never carry the source columns (whose names could clash
    with the working columns: DuckDB names are case-insensitive); `computed` columns use the working columns.
    Returns (first-CTE select list, final select list in the stored FOCUS column order)."""
    order = {name: i for i, (name, _type) in enumerate(STORAGE_COLUMNS)}
    final = [(name, quote_ident(f"__p_{name}")) for name, _expr in passthrough] + computed
    final.sort(key=lambda pair: order.get(pair[0], len(order)))
    return select_list([(f"__p_{name}", expr) for name, expr in passthrough]), select_list(final)


def select_list(columns: Sequence[tuple[str, str]]) -> str:
    """`expr AS "Column"` pairs joined for a SELECT; `x_SourceRow` must be among them."""
    return ",\n  ".join(f"{expr} AS {quote_ident(name)}" for name, expr in columns)


__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "Finding",
    "Source",
    "count_finding",
    "create_view",
    "focus_columns",
    "money",
    "product",
    "quote_ident",
    "quote_literal",
    "select_list",
    "service_category_join",
    "tags_from_columns",
    "unknown_services_finding",
    "utc_timestamp",
]
