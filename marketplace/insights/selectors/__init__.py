"""Insights reads, one module per area."""
