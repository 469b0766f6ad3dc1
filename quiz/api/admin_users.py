"""admin_users API (filled in by its issue)."""
