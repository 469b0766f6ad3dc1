"""quiz API (filled in by its issue)."""
