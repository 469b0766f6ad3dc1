"""admin_banks API (filled in by its issue)."""
