"""Connection health, diagnosis, circuit breaker and per-connection error log (no typer, no rich)."""
