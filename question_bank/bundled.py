"""The bank shipped with the app: question_bank/data/civic_bank.json, in the bank JSON format."""

from __future__ import annotations

from pathlib import Path

from .model import Bank
from .reader import read_bank

BUNDLED_PATH = Path(__file__).parent / "data" / "civic_bank.json"


def load_bundled() -> Bank:
    """Read and validate the bundled bank; InvalidBank if its content breaks the rules."""
    return read_bank(BUNDLED_PATH.read_bytes(), BUNDLED_PATH.name)
