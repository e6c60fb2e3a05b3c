"""Insights writes, one module per area."""
