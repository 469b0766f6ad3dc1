"""admin_shop API (filled in by its issue)."""
