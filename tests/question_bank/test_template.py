"""The downloadable Excel template."""

import io

import openpyxl

from question_bank import build_template_xlsx, read_bank


def test_the_template_read_back_yields_its_three_examples_with_no_issues():
    bank = read_bank(build_template_xlsx(), "template.xlsx")
    assert [q.type for q in bank.questions] == ["single", "multiple", "judge"]
    assert bank.skipped_blank_rows == 0


def test_the_template_header_is_bold_and_frozen_with_a_type_drop_down():
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    sheet = book["题库"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["题型", "题干", "选项A"] and "答案" in header and "分类" in header
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    drop_downs = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"单选,多选,判断"' in drop_downs


def test_the_template_explains_every_column_in_a_说明_sheet():
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    explained = " ".join(str(row[0]) for row in book["说明"].iter_rows(values_only=True))
    for column in ("题型", "题干", "选项A", "答案", "解析", "分类", "难度", "分值"):
        assert column in explained


def test_the_说明_sheet_lists_the_header_names_accepted_from_other_systems():
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    notes = " ".join(str(row[2]) for row in book["说明"].iter_rows(values_only=True))
    for name in ("正确答案", "答案解析", "知识点", "难易程度", "题目内容", "试题类型", "分数"):
        assert name in notes
