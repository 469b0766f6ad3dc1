"""leaderboards API (filled in by its issue)."""
