"""Leaderboards (filled in by the young-reporters issue)."""

from __future__ import annotations


def record_earning(entry) -> None:
    """Called by the ledger for every earning entry, inside the same transaction."""
