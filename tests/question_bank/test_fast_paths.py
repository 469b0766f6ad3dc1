"""The reader's fast paths give exactly the answers of the plain rules they short-cut."""

from __future__ import annotations

import hashlib
import json

import pytest

from bench.banks import make_xlsx
from question_bank import InvalidBank, Limits, Question, read_bank
from question_bank.model import _identity_text
from question_bank.normalise import _HAS_INVISIBLE, _INVISIBLE, clean_text, parse_type
from question_bank.table import read_rows

from .files import HEADER


def test_the_content_hash_is_sha256_of_the_json_identity_that_stored_hashes_used():
    stem = '引号" 反斜杠\\ 控制\x01 换行\n Ａ，ｂ 😀 \u2028'
    read = Question("single", stem, (("A", "甲\\N"), ("B", "乙\t")), ("A",), "", "法治", 2, None)
    identity = [
        read.type,
        _identity_text(stem),
        [[key, _identity_text(text)] for key, text in read.options],
    ]
    payload = json.dumps(identity, ensure_ascii=False, separators=(",", ":"))
    assert read.content_hash == hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_the_invisible_character_test_matches_the_table_that_removes_them():
    disagree = [
        code
        for code in range(0x10000)
        if bool(_HAS_INVISIBLE.search(chr(code))) != (code in _INVISIBLE)
    ]
    assert disagree == []


@pytest.mark.parametrize("value", ["a\u200bb", "\ufeff题干", "a\x00b", " a \u3000 b ", "纯文本"])
def test_clean_text_of_a_string_removes_invisible_characters_and_folds_spaces(value):
    expected = " ".join(value.translate(_INVISIBLE).split())
    assert clean_text(value) == expected


def test_a_remembered_parser_still_refuses_an_unknown_value_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="未知题型"):
            parse_type("填空")


def test_a_row_holding_only_a_number_is_not_a_blank_row():
    rows = [HEADER, [None, 0, None, None, None, None, None, None, None, None, None]]
    with pytest.raises(InvalidBank) as caught:
        read_rows(rows, Limits())
    assert {issue.row for issue in caught.value.issues} == {2}


def test_a_workbook_with_shared_strings_as_excel_writes_it_is_read_whole(tmp_path):
    path = tmp_path / "bank.xlsx"
    make_xlsx(path, 30)  # the benchmark's file: t="s" cells, sharedStrings.xml, no empty cells
    bank = read_bank(path.read_bytes(), "bank.xlsx")
    assert [q.type for q in bank.questions[:3]] == ["single", "multiple", "judge"]
    assert len(bank.questions) == 30 and bank.questions[2].options == (("A", "正确"), ("B", "错误"))
