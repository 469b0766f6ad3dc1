"""points API (filled in by its issue)."""
