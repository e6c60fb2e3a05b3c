"""Insights models, one module per area; each area appends its import line here."""
