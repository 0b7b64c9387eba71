"""Programme reports: SQL aggregates over the projections, small cells suppressed."""
