"""Tables for the quiz feature (filled in by its issue)."""
