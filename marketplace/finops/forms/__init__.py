"""FinOps forms, one module per area."""
