"""Connection health, diagnosis, circuit breaker and per-connection error log; the fleet over time:
the state history, watch rounds, notices and OpenMetrics (no typer, no rich)."""
