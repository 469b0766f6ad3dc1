"""The bank shipped with the app, question_bank/data/civic_bank.json."""

import json
import subprocess
import sys

import pytest

import question_bank.bundled
from question_bank import QUESTION_TYPES, bundled_exclusions, load_bundled

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


def _bank_file(tmp_path, monkeypatch, questions):
    path = tmp_path / "civic_bank.json"
    path.write_text(json.dumps({"questions": questions}, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(question_bank.bundled, "BUNDLED_PATH", path)


def _judge(qid, stem, exclusive_with=()):
    return {
        "id": qid,
        "type": "judge",
        "stem": stem,
        "answer": ["A"],
        "category": "法治",
        "exclusive_with": list(exclusive_with),
    }


def test_bundled_exclusions_pair_questions_by_content_hash_both_ways(tmp_path, monkeypatch):
    _bank_file(
        tmp_path,
        monkeypatch,
        [
            _judge("q001", "国家宪法日是12月4日。", ["q002"]),
            _judge("q002", "现行宪法于1982年12月4日通过。", ["q001"]),
            _judge("q003", "宪法是国家的根本大法。"),
        ],
    )
    first, second, third = (q.content_hash for q in load_bundled().questions)
    assert bundled_exclusions() == {first: {second}, second: {first}}
    assert third not in bundled_exclusions()


@requires_bundled_bank_file
def test_the_bundled_bank_keeps_the_traffic_safety_day_pair_apart():
    bank = load_bundled()
    day = next(q for q in bank.questions if q.stem == "“全国交通安全日”是每年的哪一天？")
    why = next(q for q in bank.questions if q.stem.startswith("“全国交通安全日”的日期取自"))
    assert why.content_hash in bundled_exclusions()[day.content_hash]


@requires_bundled_bank_file
def test_the_bundled_bank_passes_its_own_check_script():
    script = question_bank.bundled.BUNDLED_PATH.parent / "check_bank.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "longest option is the key" in done.stdout
