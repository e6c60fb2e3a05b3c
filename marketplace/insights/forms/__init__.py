"""Insights forms, one module per area."""
