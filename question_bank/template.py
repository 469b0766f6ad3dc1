"""The Excel template admins download: a 题库 sheet (header, drop-downs, one example of each
question type, marked 【示例】 and shaded: 预检 and imports skip them) and a 说明 sheet explaining
every column, generated with openpyxl.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .model import EXAMPLE_MARK, Limits
from .normalise import FIELDS, header_aliases
from .xlsx import SHEET_NAME

HEADER = [chinese for chinese, _ in FIELDS.values()]
_WIDTHS = {"题型": 8, "题干": 48, "答案": 8, "解析": 40, "分类": 12, "难度": 8, "分值": 8}
_OPTION_WIDTH = 18

EXAMPLES = [
    {
        "题型": "单选",
        "题干": "我国的根本大法是？",
        "选项A": "宪法",
        "选项B": "刑法",
        "选项C": "民法典",
        "选项D": "行政诉讼法",
        "答案": "A",
        "解析": "宪法是国家的根本大法，具有最高的法律效力。",
        "分类": "法治",
        "难度": "易",
    },
    {
        "题型": "多选",
        "题干": "下列属于社会主义核心价值观中公民个人层面价值准则的有？",
        "选项A": "爱国",
        "选项B": "敬业",
        "选项C": "诚信",
        "选项D": "友善",
        "选项E": "民主",
        "答案": "ABCD",
        "解析": "公民个人层面的价值准则是爱国、敬业、诚信、友善；民主属于国家层面。",
        "分类": "核心价值观",
        "难度": "中",
        "分值": 20,
    },
    {
        "题型": "判断",
        "题干": "废旧电池属于有害垃圾，应投放到有害垃圾收集容器。",
        "答案": "对",
        "解析": "废旧电池含有重金属等有害物质，属于有害垃圾。",
        "分类": "生态文明",
        "难度": "易",
    },
]


def _names(name: str) -> str:
    return "、".join(header_aliases(name))


def _guide(limits: Limits) -> list[tuple[str, str, str]]:
    return [
        (
            "题型",
            "必填",
            "单选、多选 或 判断（也可写 单选题/多选题/判断题 或 single / multiple / judge）。"
            "不接受数字代码（1、2、3）：各题库系统的编号含义不同。",
        ),
        ("题干", "必填", f"题目内容，最多 {limits.max_stem_chars} 字。"),
        (
            "选项A…选项F",
            "选择题必填",
            f"至少 2 个、最多 6 个，须从 A 起连续填写；每个最多 {limits.max_option_chars} 字。"
            "判断题可以不填，系统自动使用 A 正确、B 错误。",
        ),
        (
            "答案",
            "必填",
            "选项字母，多选题写多个，如 AC、A,C 或 A、C（全角、小写都可以）。"
            "判断题写 对/错（也可写 正确/错误、是/否、√/×、TRUE/FALSE、1/0、A/B）。单选题和判断题只能有一个答案，"
            "多选题至少两个。",
        ),
        ("解析", "选填", f"答题后展示给用户，最多 {limits.max_explanation_chars} 字。"),
        (
            "示例行",
            "",
            f"灰色底、题干以{EXAMPLE_MARK}开头的三行是示例，预检和导入都会跳过它们；"
            f"可以删除，也可以照着填写（去掉{EXAMPLE_MARK}后才会导入）。",
        ),
        ("分类", "必填", f"知识分类，用于统计知晓率，最多 {limits.max_category_chars} 字。"),
        (
            "难度",
            "选填",
            "易、中、难（也可写 简单/中等/困难，或 1、2、3），不填为 中。"
            "用 1–5 分级的文件（出现 4 或 5）：1–2 为易，3 为中，4–5 为难。",
        ),
        ("分值", "选填", f"答对得分，1–{limits.max_points} 的整数；不填则使用系统默认分值。"),
        (
            "其他规则",
            "",
            "第 1 行必须是表头，列的顺序可以调整，多余的列会被忽略；空行会被跳过；"
            "同一文件中题干和选项都相同的题目视为重复；"
            f"每个文件最多 {limits.max_rows} 题。也可以上传 UTF-8 或 GBK 编码的 CSV。",
        ),
        (
            "合并单元格",
            "",
            "题型、解析、分类、难度、分值列可以向下合并，合并的内容对每一行都有效；"
            "题干、选项和答案列不能合并。",
        ),
        ("公式", "", "可以使用公式，但文件须在 Excel 中保存过，以便带有计算结果。"),
        (
            "其他系统导出的题库",
            "",
            "也接受其他题库系统的列名（可带“（必填）”“*”等标记，全角半角均可）："
            f"题型：{_names('type')}；题干：{_names('stem')}；"
            "选项：选项A…选项F，或只写 A…F；"
            f"答案：{_names('answer')}；解析：{_names('explanation')}；"
            f"分类：{_names('category')}；难度：{_names('difficulty')}；"
            f"分值：{_names('points')}。"
            "表头上方的标题行、说明行会被跳过；序号、题号、图片等其他列会被忽略。",
        ),
    ]


def build_template_xlsx(limits: Limits = Limits(), *, examples_marked: bool = True) -> bytes:
    """The template as .xlsx bytes. Its 3 examples are marked (题干 starting with 【示例】,
    shaded): read back, they are skipped. `examples_marked=False` leaves them plain questions
    (the reader's tests read them back as a bank)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append(HEADER)
    mark = EXAMPLE_MARK if examples_marked else ""
    for example in EXAMPLES:
        sheet.append(
            [mark + example[name] if name == "题干" else example.get(name) for name in HEADER]
        )
    if examples_marked:
        example_fill = PatternFill("solid", start_color="FFEDEDED")
        for row in sheet.iter_rows(min_row=2, max_row=1 + len(EXAMPLES)):
            for cell in row:
                cell.fill = example_fill

    header_fill = PatternFill("solid", start_color="FFDDEBF7")
    for index, name in enumerate(HEADER, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        width = _WIDTHS.get(name, _OPTION_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

    last_row = limits.max_rows + 1
    for column, choices, title in (
        ("题型", "单选,多选,判断", "题型"),
        ("难度", "易,中,难", "难度"),
    ):
        letter = get_column_letter(HEADER.index(column) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error = f"请从下拉列表中选择：{choices.replace(',', '、')}"
        validation.errorTitle = f"{title}无效"
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")

    guide = book.create_sheet("说明")
    guide.append(["列", "是否必填", "说明"])
    for line in _guide(limits):
        guide.append(line)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 14), ("B", 12), ("C", 90)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "A2"

    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
