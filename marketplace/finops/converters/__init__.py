"""Converters from providers' native cost exports to FOCUS 1.2.

Contract: `to_focus(con, relation, source_format) -> (relation_name, findings)`. `relation` holds the source rows
as read (plus `x_SourceRow`); the returned DuckDB view has FOCUS column names (and keeps `x_SourceRow`). FOCUS
input passes through unchanged. When the source lacks a column a converter needs, the findings carry an ERROR and the
relation comes back unconverted (the ingest refuses the file). Each converter's column mapping is documented in
docs/finops-converters.md.
"""

from __future__ import annotations

from types import ModuleType

import duckdb

from marketplace.finops.converters import aws_cur, azure_ea, oci
from marketplace.finops.focus.findings import Finding

# source_format -> module with `convert(con, relation) -> (view, findings)`
CONVERTERS: dict[str, ModuleType] = {
    "aws-cur": aws_cur,
    "azure-ea": azure_ea,
    "oci": oci,
}


def to_focus(con: duckdb.DuckDBPyConnection, relation: str, source_format: str) -> tuple[str, list[Finding]]:
    if source_format == "focus":
        return relation, []
    converter = CONVERTERS.get(source_format)
    if converter is None:
        raise ValueError(f"No converter for format {source_format!r}")
    view, findings = converter.convert(con, relation)
    return view, findings
