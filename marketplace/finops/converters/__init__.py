"""Converters from providers' native cost exports to FOCUS 1.2.

Contract: `to_focus(con, relation, source_format) -> (relation_name, findings)`. `relation` holds the source rows
as read (plus `x_SourceRow`); the returned DuckDB view has FOCUS column names (and keeps `x_SourceRow`). FOCUS
input passes through unchanged. Each converter's column mapping is documented in docs/finops.md.
"""

from __future__ import annotations

import duckdb

from marketplace.finops.focus.findings import Finding

CONVERTERS: dict[
    str, object
] = {}  # source_format -> module with `convert(con, relation) -> (view, findings)`


def to_focus(con: duckdb.DuckDBPyConnection, relation: str, source_format: str) -> tuple[str, list[Finding]]:
    if source_format == "focus":
        return relation, []
    converter = CONVERTERS.get(source_format)
    if converter is None:
        raise ValueError(f"No converter for format {source_format!r}")
    return converter.convert(con, relation)  # type: ignore[attr-defined]
