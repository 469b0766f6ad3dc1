"""Unguessable, human-typable codes (join codes, invite codes, vouchers)."""

from __future__ import annotations

import secrets

# No 0/O/1/I: a code read aloud at a school gate or a counter cannot be mistyped that way.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """What a person typed → the stored form (case, spaces and dashes forgiven)."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())
