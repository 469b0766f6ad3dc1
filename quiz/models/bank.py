"""Tables for the bank feature (filled in by its issue)."""
