"""Tables for the shop feature (filled in by its issue)."""
