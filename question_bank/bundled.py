"""The bank shipped with the app: question_bank/data/civic_bank.json, in the bank JSON format.

Besides the bank format, each bundled question has a stable `id` ("q001") and may list, in
`exclusive_with`, the ids of questions that must never be drawn on the same day as it (one
states the other's answer, or they are near-duplicates). `bundled_exclusions` gives those
pairs by content hash, the identity stored with every imported question.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import Bank
from .reader import read_bank

BUNDLED_PATH = Path(__file__).parent / "data" / "civic_bank.json"


def load_bundled() -> Bank:
    """Read and validate the bundled bank; InvalidBank if its content breaks the rules."""
    return read_bank(BUNDLED_PATH.read_bytes(), BUNDLED_PATH.name)


def bundled_exclusions() -> dict[str, frozenset[str]]:
    """content_hash -> content hashes of the questions never to share a day with it.

    Mutual (if a excludes b, b excludes a); questions without exclusions are absent. A
    question edited after import gets a new hash and so drops out of its pairs.
    """
    data = BUNDLED_PATH.read_bytes()
    items = json.loads(data)["questions"]
    questions = read_bank(data, BUNDLED_PATH.name).questions  # file order, no duplicates
    hash_of = {item["id"]: q.content_hash for item, q in zip(items, questions, strict=True)}
    exclusions: dict[str, set[str]] = {}
    for item in items:
        for other in item.get("exclusive_with", []):
            first, second = hash_of[item["id"]], hash_of[other]
            exclusions.setdefault(first, set()).add(second)
            exclusions.setdefault(second, set()).add(first)
    return {key: frozenset(value) for key, value in exclusions.items()}
