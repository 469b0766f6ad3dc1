"""The bank shipped with the app, question_bank/data/civic_bank.json."""

import json

import pytest

import question_bank.bundled
from question_bank import QUESTION_TYPES, load_bundled

requires_bundled_bank_file = pytest.mark.skipif(
    not question_bank.bundled.BUNDLED_PATH.exists(),
    reason="question_bank/data/civic_bank.json has not been written yet",
)


def test_load_bundled_reads_the_json_bank_format(tmp_path, monkeypatch):
    path = tmp_path / "civic_bank.json"
    question = {
        "type": "judge",
        "stem": "宪法是国家的根本大法。",
        "options": {},
        "answer": ["A"],
        "explanation": "",
        "category": "法治",
        "difficulty": 1,
        "points": None,
    }
    path.write_text(json.dumps({"questions": [question]}, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(question_bank.bundled, "BUNDLED_PATH", path)
    bank = load_bundled()
    assert (bank.source_name, len(bank.questions)) == ("civic_bank.json", 1)


@requires_bundled_bank_file
def test_the_bundled_bank_is_valid_and_covers_every_question_type():
    bank = load_bundled()
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES)
    assert len({q.content_hash for q in bank.questions}) == len(bank.questions)
