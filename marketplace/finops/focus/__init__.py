"""FOCUS (FinOps Open Cost and Usage Specification): the spec as data and the conformance checker. Pure: reads
DuckDB relations, never the app DB."""
