"""Read-only analyses of cost data, one module per question, written as Ibis expressions so the same code runs on
DuckDB (default) and on PySpark (`MPS_ANALYTICS_BACKEND=pyspark`). Start from `backend.costs(scope)`."""
