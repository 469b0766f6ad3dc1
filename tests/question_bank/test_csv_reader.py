"""Reading CSV banks: encodings, delimiters, headers, blank rows."""

import pytest

from question_bank import InvalidBank, read_bank
from tests.question_bank.files import csv_bytes, question, table, xlsx_bytes

ENGLISH = ["type", "stem", "option_a", "option_b", "answer", "explanation", "category"]


def issues_of(data: bytes, filename: str = "bank.csv"):
    with pytest.raises(InvalidBank) as caught:
        read_bank(data, filename)
    return caught.value.issues


def test_gb18030_csv_without_bom_is_decoded():
    data = csv_bytes(table(question(题干="垃圾分类中，废电池属于哪一类？")), encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    bank = read_bank(data, "bank.csv")
    assert bank.questions[0].stem == "垃圾分类中，废电池属于哪一类？"


def test_utf8_bom_csv_with_english_headers_is_read():
    rows = [ENGLISH, ["single", "宪法是？", "根本大法", "普通法律", "A", "", "法治"]]
    bank = read_bank(csv_bytes(rows, encoding="utf-8-sig"), "bank.csv")
    assert bank.questions[0].options == (("A", "根本大法"), ("B", "普通法律"))
    assert bank.source_name == "bank.csv"


def test_utf16_csv_with_bom_is_decoded():
    bank = read_bank(csv_bytes(table(question()), encoding="utf-16"), "bank.csv")
    assert bank.questions[0].stem == "我国的根本大法是？"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_delimiters_are_sniffed(delimiter):
    bank = read_bank(csv_bytes(table(question()), delimiter=delimiter), "bank.csv")
    assert bank.questions[0].answer == ("A",)


def test_columns_in_any_order_with_extra_columns_are_read():
    header = ["备注", "分类", "答案", "选项B", "选项A", "题干", "题型"]
    rows = [header, ["随便写", "法治", "b", "刑法", "宪法", "下列哪一部是刑事法律？", "单选"]]
    question_read = read_bank(csv_bytes(rows), "bank.csv").questions[0]
    assert (question_read.stem, question_read.answer) == ("下列哪一部是刑事法律？", ("B",))


def test_blank_rows_in_the_middle_are_skipped_and_later_rows_keep_their_numbers():
    rows = table(question(), None, None, question(题干="第二题", 分类=""))
    rows.insert(3, ["", " ", "\u3000"])
    issues = issues_of(csv_bytes(rows))
    assert [(issue.row, issue.column) for issue in issues] == [(6, "分类")]


def test_blank_rows_are_counted_as_skipped():
    bank = read_bank(csv_bytes(table(question(), None, question(题干="第二题"), None)), "b.csv")
    assert (len(bank.questions), bank.skipped_blank_rows) == (2, 1)
    assert [q.row for q in bank.questions] == [2, 4]


def test_a_quoted_multiline_cell_is_one_spreadsheet_row():
    rows = table(question(解析="第一行\n第二行"), question(题干="", 题型="单选"))
    issues = issues_of(csv_bytes(rows))
    assert [(issue.row, issue.column) for issue in issues] == [(3, "题干")]


def test_full_width_answers_are_normalised():
    row = question(题型="多选", 答案="Ａ，Ｃ")
    assert read_bank(csv_bytes(table(row)), "bank.csv").questions[0].answer == ("A", "C")


def test_undecodable_csv_is_an_issue():
    [issue] = issues_of(b"\xff\xfe\xfa\xff\x80\x80\xff")
    assert "编码" in issue.message


def test_a_csv_that_is_really_an_excel_workbook_is_reported():
    [issue] = issues_of(xlsx_bytes(table(question())))
    assert ".xlsx" in issue.message


def test_missing_required_header_columns_are_issues_on_row_1():
    rows = [["题干", "选项A", "选项B"], ["x", "y", "z"]]
    issues = issues_of(csv_bytes(rows))
    assert {(issue.row, issue.column) for issue in issues} == {
        (1, "题型"),
        (1, "答案"),
        (1, "分类"),
    }


def test_a_header_named_twice_is_an_issue():
    rows = [["题型", "题干", "答案", "分类", "stem"], ["单选", "x", "A", "y", "z"]]
    [issue] = issues_of(csv_bytes(rows))
    assert (issue.row, issue.column) == (1, "stem")


def test_a_file_with_no_header_is_an_issue():
    [issue] = issues_of(b"\r\n\r\n,,\r\n")
    assert issue.row == 1


def test_a_header_without_questions_is_an_issue():
    [issue] = issues_of(csv_bytes(table()))
    assert "没有题目" in issue.message


def test_an_unbalanced_quote_is_reported_as_a_csv_format_error():
    data = b'type,stem,answer,category\nsingle,"' + b"x" * 200_000 + b",A,c\n"
    [issue] = issues_of(data)
    assert issue.message.startswith("CSV 格式错误")
