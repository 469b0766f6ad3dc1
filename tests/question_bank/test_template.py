"""The downloadable Excel template."""

import io

import openpyxl
import pytest

from question_bank import InvalidBank, build_template_xlsx, read_bank
from question_bank.model import EXAMPLE_MARK


def test_the_template_read_back_yields_its_three_examples_with_no_issues():
    bank = read_bank(build_template_xlsx(examples_marked=False), "template.xlsx")
    assert [q.type for q in bank.questions] == ["single", "multiple", "judge"]
    assert bank.skipped_blank_rows == 0


def test_the_templates_examples_are_marked_shaded_and_explained():
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    sheet = book["题库"]
    stems = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(stems) == 3 and all(stem.startswith(EXAMPLE_MARK) for stem in stems)
    assert sheet["B2"].fill.start_color.rgb == "FFEDEDED"
    guide = " ".join(str(cell) for row in book["说明"].iter_rows(values_only=True) for cell in row)
    assert "示例" in guide and "跳过" in guide


def test_the_untouched_template_has_nothing_to_import_and_says_why():
    with pytest.raises(InvalidBank) as caught:
        read_bank(build_template_xlsx(), "template.xlsx")
    [issue] = caught.value.issues
    assert "只有示例行" in issue.message


def _template_with(rows) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    for row in rows:
        book["题库"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_added_below_the_examples_are_read_and_the_examples_skipped():
    data = _template_with(
        [["判断", "垃圾分类从我做起。", None, None, None, None, None, None, "对", "", "生态文明"]]
    )
    bank = read_bank(data, "mine.xlsx")
    assert [q.stem for q in bank.questions] == ["垃圾分类从我做起。"]
    assert bank.skipped_example_rows == 3


def test_an_example_row_in_a_csv_is_skipped_too():
    csv = "题型,题干,答案,分类\n判断,【示例】示例题,对,x\n判断,真题,错,x\n".encode()
    bank = read_bank(csv, "bank.csv")
    assert [q.stem for q in bank.questions] == ["真题"] and bank.skipped_example_rows == 1


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
