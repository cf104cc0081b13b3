"""Metrics: customer-service KPIs as SQL over canonical event tables, run by DuckDB (or Spark)."""
