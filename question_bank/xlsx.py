"""Reading .xlsx banks defensively.

Order: the zip's central directory is checked before anything is inflated (member count,
total size, compression ratio, encryption); every part that could be XML, whatever its
name, is refused if it declares a DOCTYPE; the chosen sheet's XML is streamed once with expat to learn what openpyxl's
read-only mode hides (declared size, content rows, merged cells, formulas without a cached
value, error cells); only then openpyxl reads the values (read_only, data_only).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from xml.etree import ElementTree
from xml.parsers import expat

import openpyxl

from .model import InvalidBank, Issue, Limits, Question
from .table import MAX_TRAILING_BLANK_ROWS, SheetFacts, read_rows

SHEET_NAME = "题库"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RATIO_FLOOR = 1024 * 1024  # small parts may compress very well without being a bomb
_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_BROKEN_XML = "文件内部的 XML 已损坏，请用 Excel 打开后重新另存为 .xlsx"
NO_CACHED_VALUE = "公式没有计算结果：请在 Excel 中打开并保存后再上传，或把公式改成数值"


def _fail(message: str, row: int = 0, column: str = "") -> InvalidBank:
    return InvalidBank([Issue(row, column, message)])


def read_xlsx(data: bytes, limits: Limits) -> tuple[list[Question], int, int]:
    if data.startswith(_OLE_MAGIC):
        raise _fail(
            "这是旧版 .xls 或设置了密码的 Excel 文件；请在 Excel 中另存为 .xlsx（不设密码）"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise _fail("不是有效的 .xlsx 文件（文件不是 zip 压缩包，可能已损坏）") from None
    try:
        with archive:
            return _read_archive(archive, data, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise _fail("文件已损坏（压缩数据无法解开），请用 Excel 重新另存为 .xlsx") from None
    except ElementTree.ParseError:
        raise _fail(_BROKEN_XML) from None


def _read_archive(archive: zipfile.ZipFile, data: bytes, limits: Limits):
    _check_archive(archive, limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        try:
            sheet = _bank_sheet(book)
            # openpyxl 3.1 keeps the part name privately; the scan needs the same part.
            facts = _scan_sheet(archive, sheet._worksheet_path, limits)
            sheet.reset_dimensions()  # a wrong <dimension> must not cut rows off
            return read_rows(sheet.iter_rows(values_only=True), limits, facts)
        finally:
            book.close()


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise _fail(f"文件内部包含 {len(members)} 个部件，超过上限，不像是正常的题库表格")
    megabytes = limits.max_uncompressed_bytes // (1024 * 1024)
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise _fail(f"文件解压后超过 {megabytes} MB，请拆分成多个文件")
    for member in members:
        if member.flag_bits & 0x1:
            raise _fail("文件已加密，请取消密码后另存为 .xlsx")
        ratio_too_high = member.file_size > limits.max_ratio * max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio_too_high:
            raise _fail("文件的压缩比异常（疑似压缩炸弹），已拒绝读取")
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise _fail("不是有效的 .xlsx 文件（缺少 [Content_Types].xml），请用 Excel 另存为 .xlsx")
    for member in members:
        # Not by name: a relationship may point openpyxl at a worksheet called sheet1.dat.
        if _may_be_xml(archive, member):
            _parse(archive, member)  # parsing stops at the root element, after the prolog


_BYTE_ORDER_MARKS = (
    b"\xef\xbb\xbf",
    b"\x00\x00\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"\xff\xfe",
    b"\xfe\xff",
)
_LEADING_SPACE = b" \t\r\n\x00"  # NUL: the other bytes of "<" in UTF-16 or UTF-32


def _may_be_xml(archive: zipfile.ZipFile, member) -> bool:
    """Every part an XML parser could read is checked, whatever its name (a relationship may
    point openpyxl at a worksheet called sheet1.dat). A part that could be XML starts with
    an optional byte-order mark, optional whitespace (allowed before a DOCTYPE), then "<";
    images and other binary parts do not, and expat would call them broken."""
    if member.filename.endswith((".xml", ".rels")):
        return True
    with archive.open(member) as stream:
        head = stream.read(4)
        for mark in _BYTE_ORDER_MARKS:
            if head.startswith(mark):
                head = head[len(mark) :]
                break
        while True:
            head = head.lstrip(_LEADING_SPACE)
            if head:
                return head.startswith(b"<")
            head = stream.read(_CHUNK)
            if not head:
                return False


class _Stop(Exception):
    """Raised from an expat handler to stop parsing early."""


def _refuse_doctype(*_args) -> None:
    # A DOCTYPE (entities, external references) never appears in a genuine xlsx part.
    raise _fail("文件包含不允许的 XML 声明（DOCTYPE），已拒绝读取")


def _stop(*_args) -> None:
    raise _Stop


def _parse(archive: zipfile.ZipFile, member, start=_stop, end=None, text=None) -> None:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError:
        raise _fail(_BROKEN_XML) from None


def _bank_sheet(book):
    if SHEET_NAME in book.sheetnames and book[SHEET_NAME] in book.worksheets:
        return book[SHEET_NAME]
    if not book.worksheets:
        raise _fail("工作簿里没有工作表")
    return book.worksheets[0]


def _cell_ref(ref: str) -> tuple[int, int] | None:
    """Cell reference to (column, row): "B12" -> (2, 12)."""
    match = _CELL_REF.match(ref or "")
    if not match:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return column, int(match.group(2))


def _range_ref(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = (ref or "").partition(":")
    start, end = _cell_ref(first), _cell_ref(last or first)
    if start is None or end is None:
        return None
    return start[0], start[1], end[0], end[1]


class _SheetScan:
    """expat handlers gathering SheetFacts from one worksheet part."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.facts = SheetFacts()
        self.row = 0
        self.column = 0
        self.row_has_content = False
        self.cell: dict | None = None
        self.in_value = False

    def start(self, name: str, attrs: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            self.column += 1  # used only when a cell has no "r" reference
            self.cell = {"ref": attrs.get("r"), "type": attrs.get("t"), "formula": False}
            self.cell["value"] = []
        elif name == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
            self.row_has_content = False
        elif self.cell is not None and name == "f":
            self.cell["formula"] = True
        elif self.cell is not None and name == "v":
            self.in_value = True
        elif self.cell is not None and name == "is":
            self.row_has_content = True
        elif name == "dimension":
            bounds = _range_ref(attrs.get("ref", ""))
            if bounds and bounds[3] > self.limits.max_rows + 1 + MAX_TRAILING_BLANK_ROWS:
                raise _fail(
                    f"工作表的使用范围声明为 {bounds[3]} 行，超过上限 {self.limits.max_rows} 行；"
                    "请删除多余的行后再上传"
                )
        elif name == "mergeCell":
            bounds = _range_ref(attrs.get("ref", ""))
            if bounds and bounds[:2] != bounds[2:]:
                self.facts.merges.append(bounds)

    def text(self, data: str) -> None:
        if self.in_value:
            self.cell["value"].append(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "v":
            self.in_value = False
        elif name == "c" and self.cell is not None:
            value = "".join(self.cell["value"]).strip()
            problem = None
            if self.cell["formula"] and not value:
                problem = NO_CACHED_VALUE
            elif self.cell["type"] == "e":
                problem = f"单元格是错误值 {value}，请改正公式或改成数值"
            if problem:
                ref = _cell_ref(self.cell["ref"])  # parsed lazily: most cells are fine
                self.column = ref[0] if ref else self.column
                self.facts.bad_cells.setdefault(self.row, {})[self.column] = problem
            if value or self.cell["formula"]:
                self.row_has_content = True
            self.cell = None
        elif name == "row" and self.row_has_content and self.row > self.limits.max_rows + 1:
            raise _fail(
                f"题库最多 {self.limits.max_rows} 行（不含表头），请拆分成多个文件", self.row
            )


# What makes the full expat scan necessary: formulas, error cells, merges, a huge declared size.
_NEEDS_SCAN = re.compile(rb'<(?:\w+:)?(?:f|mergeCell)[\s>/]|\st="e"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[^"]*?(\d{1,9})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")


def _needs_full_scan(archive: zipfile.ZipFile, path: str, limits: Limits) -> bool:
    """A C-speed pass over the inflated sheet: most banks have no formulas or merges, and
    for them the per-element Python scan would cost as much as openpyxl's own read.
    Substring tests (memchr/memmem speed) guard each regex, which then decides."""
    tail = b""
    rows = 0
    row_cap = limits.max_rows + 1 + MAX_TRAILING_BLANK_ROWS
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK * 4):
            window = tail + chunk
            maybe = b"<f" in window or b":f" in window or b"mergeCell" in window
            if (maybe or b't="e"' in window) and _NEEDS_SCAN.search(window):
                return True
            declared = b"dimension" in window and _DIMENSION.search(window)
            if declared and int(declared.group(1)) > row_cap:
                return True
            # "<row" also counts <rowBreaks>: counting too many only costs the full scan.
            rows += len(_ROW_TAG.findall(chunk)) if b":row" in chunk else chunk.count(b"<row")
            if rows > row_cap:
                return True  # the full scan reports exactly where the limit was passed
            tail = window[-64:]
    return False


def _scan_sheet(archive: zipfile.ZipFile, path: str, limits: Limits) -> SheetFacts:
    path = path.lstrip("/")
    if not _needs_full_scan(archive, path, limits):
        return SheetFacts()
    scan = _SheetScan(limits)
    _parse(archive, path, scan.start, scan.end, scan.text)
    return scan.facts
