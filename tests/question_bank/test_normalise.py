"""Normalisation of answers, types, difficulty, points, headers and cell values."""

import datetime as dt

import pytest

from question_bank.normalise import (
    cell_text,
    clean_text,
    header_field,
    parse_answer,
    parse_difficulty,
    parse_points,
    parse_type,
)


@pytest.mark.parametrize(
    "text", ["ＡＣ", "A，C", "A、C", "a c", "A,C", "A C", "CA", "A;C", "ａ，ｃ"]
)
def test_answer_spellings_become_a_sorted_tuple_of_keys(text):
    assert parse_answer(text, "multiple") == ("A", "C")


@pytest.mark.parametrize(
    ("text", "key"),
    [("对", "A"), ("正确", "A"), ("√", "A"), ("✓", "A"), ("T", "A"), ("true", "A"), ("A", "A"),
     ("错", "B"), ("错误", "B"), ("×", "B"), ("✗", "B"), ("F", "B"), ("FALSE", "B"), ("b", "B")],
)  # fmt: skip
def test_judge_answer_words_become_a_or_b(text, key):
    assert parse_answer(text, "judge") == (key,)


def test_an_answer_that_is_not_letters_is_refused():
    with pytest.raises(ValueError, match="无法识别"):
        parse_answer("1", "single")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("单选", "single"), ("单选题", "single"), ("Single", "single"), ("多选", "multiple"),
     ("多选题", "multiple"), ("multiple", "multiple"), ("判断", "judge"), ("判断题", "judge"),
     ("JUDGE", "judge")],
)  # fmt: skip
def test_type_aliases_are_recognised(text, kind):
    assert parse_type(text) == kind


@pytest.mark.parametrize(
    ("text", "level"),
    [("易", 1), ("简单", 1), ("1", 1), ("中", 2), ("中等", 2), ("2", 2), ("难", 3), ("困难", 3),
     ("3", 3), ("", 2)],
)  # fmt: skip
def test_difficulty_words_and_numbers_become_1_to_3_with_2_by_default(text, level):
    assert parse_difficulty(text) == level


def test_points_are_optional_positive_integers():
    assert parse_points("", 1000) is None
    assert parse_points("10", 1000) == 10
    assert parse_points("１０", 1000) == 10
    for bad in ("0", "-1", "1001", "2.5", "十"):
        with pytest.raises(ValueError, match="分值"):
            parse_points(bad, 1000)


def test_text_is_trimmed_and_internal_whitespace_folded_including_full_width_and_nbsp():
    assert clean_text("\u3000我国\xa0 的\n根本\t大法\u200b ") == "我国 的 根本 大法"


def test_control_characters_and_lone_surrogates_are_dropped_from_text():
    assert clean_text("宪\x00法\x07\ud800") == "宪法"


@pytest.mark.parametrize(
    ("label", "field"),
    [(" 题 干 ", "stem"), ("STEM", "stem"), ("Option_A", "option_a"), ("选项Ａ", "option_a"),
     ("option b", "option_b"), ("难度（易/中/难）", "difficulty"), ("题型*", "type"),
     ("选项G", "option_g"), ("备注", None)],
)  # fmt: skip
def test_headers_match_whatever_the_spacing_case_or_width(label, field):
    assert header_field(label) == field


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (2.5, "2.5"), (7, "7"), (True, "正确"), (False, "错误"), (None, ""),
     (dt.datetime(2024, 7, 1), "2024-07-01"), (dt.date(2024, 7, 1), "2024-07-01"),
     (dt.datetime(2024, 7, 1, 8, 30), "2024-07-01 08:30:00")],
)  # fmt: skip
def test_non_text_cells_are_coerced_to_sensible_text(value, text):
    assert cell_text(value) == text
