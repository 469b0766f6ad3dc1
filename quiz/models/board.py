"""Tables for the board feature (filled in by its issue)."""
