"""admin_reports API (filled in by its issue)."""
