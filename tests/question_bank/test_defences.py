"""Hostile or broken files end as InvalidBank with a clear Chinese issue, never a crash."""

import io
import zipfile

import pytest

import question_bank.xlsx
from question_bank import InvalidBank, Limits, build_template_xlsx, read_bank
from tests.question_bank.files import csv_bytes, handmade_xlsx, question, replace_member, table

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>"""


def only_issue(data: bytes, filename: str = "bank.xlsx", limits: Limits = Limits()):
    with pytest.raises(InvalidBank) as caught:
        read_bank(data, filename, limits=limits)
    [issue] = caught.value.issues
    return issue


@pytest.fixture
def openpyxl_must_not_run(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed before the archive was checked")

    monkeypatch.setattr(question_bank.xlsx.openpyxl, "load_workbook", refuse)


def test_an_xlsx_that_is_not_a_zip_is_an_issue():
    assert "不是 zip" in only_issue(b"this is plain text, not a workbook").message


def test_an_old_xls_or_password_protected_workbook_is_recognised():
    issue = only_issue(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    assert ".xls" in issue.message


def test_a_zip_that_is_not_a_workbook_is_an_issue():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "[Content_Types].xml" in only_issue(output.getvalue()).message


def test_a_zip_bomb_is_refused_from_the_directory_before_parsing(openpyxl_must_not_run):
    template = build_template_xlsx(examples_marked=False)
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000, 1)
    issue = only_issue(replace_member(template, "xl/worksheets/sheet1.xml", padded))
    assert "压缩炸弹" in issue.message


def test_the_total_uncompressed_size_is_capped(openpyxl_must_not_run):
    issue = only_issue(
        build_template_xlsx(examples_marked=False), limits=Limits(max_uncompressed_bytes=20_000)
    )
    assert "解压后超过" in issue.message


def test_an_encrypted_zip_member_is_refused(openpyxl_must_not_run):
    data = bytearray(build_template_xlsx(examples_marked=False))
    directory = data.index(b"PK\x01\x02")
    data[directory + 8] |= 0x1  # general-purpose flag bit 0: encrypted
    assert "加密" in only_issue(bytes(data)).message


def test_an_xml_doctype_is_refused_before_openpyxl_sees_it(openpyxl_must_not_run):
    data = replace_member(handmade_xlsx(table(question())), "xl/sharedStrings.xml", BILLION_LAUGHS)
    assert "DOCTYPE" in only_issue(data).message


def test_a_declared_dimension_far_over_the_row_limit_is_refused():
    data = handmade_xlsx(table(question()), dimension="A1:K1048576")
    assert "1048576 行" in only_issue(data).message


def test_rows_over_the_limit_are_refused_while_reading_a_workbook():
    rows = table(*(question(题干=f"第{n}题") for n in range(5)))
    issue = only_issue(handmade_xlsx(rows), limits=Limits(max_rows=3))
    assert (issue.row, issue.message) == (5, "题库最多 3 行（不含表头），请拆分成多个文件")


def test_rows_over_the_limit_are_refused_while_reading_a_csv():
    rows = table(*(question(题干=f"第{n}题") for n in range(5)))
    issue = only_issue(csv_bytes(rows), "bank.csv", limits=Limits(max_rows=3))
    assert issue.row == 5 and "最多 3 行" in issue.message


def test_reading_stops_after_too_many_issues():
    rows = table(*(question(题干=f"第{n}题", 分类="") for n in range(50)))
    with pytest.raises(InvalidBank) as caught:
        read_bank(csv_bytes(rows), "bank.csv", limits=Limits(max_issues=5))
    assert len(caught.value.issues) == 6
    assert "问题太多" in caught.value.issues[-1].message


def test_a_file_over_the_size_limit_is_refused():
    data = csv_bytes(table(question()))
    assert "超过" in only_issue(data, "bank.csv", Limits(max_uncompressed_bytes=100)).message


@pytest.mark.parametrize("filename", ["bank.txt", "bank.xls", "bank", "bank.xlsx.exe", ""])
def test_an_unsupported_extension_is_an_issue(filename):
    assert "不支持的文件类型" in only_issue(b"whatever", filename).message


@pytest.mark.parametrize("filename", ["bank.xlsx", "bank.csv", "bank.json"])
def test_an_empty_file_is_an_issue(filename):
    assert only_issue(b"", filename).message == "文件是空的"


def test_an_unexpected_parser_failure_still_ends_as_invalid_bank(monkeypatch):
    def broken(*_args, **_kwargs):
        raise TypeError("openpyxl choked")

    monkeypatch.setattr(question_bank.xlsx.openpyxl, "load_workbook", broken)
    issue = only_issue(build_template_xlsx(examples_marked=False))
    assert issue.message.startswith("文件已损坏或格式不受支持")


def test_a_doctype_in_a_worksheet_part_with_any_name_is_refused(openpyxl_must_not_run):
    entity = '<!DOCTYPE worksheet [<!ENTITY secret "expanded entity text">]>'
    row = question(题干={"inline": "&secret;"})
    data = handmade_xlsx(table(row), sheet_part="worksheets/sheet1.dat", doctype=entity)
    assert "DOCTYPE" in only_issue(data).message


def test_a_worksheet_part_with_another_name_and_no_doctype_is_still_read():
    data = handmade_xlsx(table(question()), sheet_part="worksheets/sheet1.dat")
    assert [q.stem for q in read_bank(data, "bank.xlsx").questions] == ["我国的根本大法是？"]


def test_a_doctype_after_a_long_run_of_whitespace_in_an_oddly_named_part_is_refused():
    entity = '<!DOCTYPE worksheet [<!ENTITY secret "expanded entity text">]>'
    row = question(题干={"inline": "&secret;"})
    data = handmade_xlsx(table(row), sheet_part="worksheets/sheet1.dat", doctype=entity)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.dat")
    # No XML declaration, so whitespace may come first: the check must look past it.
    padded = b" " * 100_000 + sheet[sheet.index(b"?>") + 2 :]
    data = replace_member(data, "xl/worksheets/sheet1.dat", padded)
    assert "DOCTYPE" in only_issue(data).message
