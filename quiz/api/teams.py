"""teams API (filled in by its issue)."""
