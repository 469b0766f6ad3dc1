"""Builders of bank files for the tests: CSV, openpyxl-made and hand-written .xlsx, JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.sax.saxutils import escape

import openpyxl

HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "解析",
    "分类",
    "难度",
    "分值",
]


def question(**fields) -> dict:
    """A valid single-choice row keyed by Chinese header; keyword arguments override cells."""
    row = {
        "题型": "单选",
        "题干": "我国的根本大法是？",
        "选项A": "宪法",
        "选项B": "刑法",
        "选项C": "民法典",
        "选项D": "",
        "答案": "A",
        "解析": "宪法具有最高的法律效力。",
        "分类": "法治",
        "难度": "易",
        "分值": "",
    }
    row.update(fields)
    return row


def table(*rows: dict | None, header: list[str] = HEADER) -> list[list]:
    """Header plus rows; None stands for a blank row."""
    return [list(header)] + [
        [""] * len(header) if row is None else [row.get(name, "") for name in header]
        for row in rows
    ]


def csv_bytes(cells: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(cells)
    return text.getvalue().encode(encoding)


def xlsx_bytes(cells: list[list], *, merges: tuple[str, ...] = (), title: str = "题库") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in cells:
        sheet.append([None if value == "" else value for value in row])
    for ref in merges:
        sheet.merge_cells(ref)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def json_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one member's content replaced."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info)
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="题库" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
</Relationships>"""


def handmade_xlsx(
    rows: list[list],
    *,
    dimension: str | None = None,
    extra: str = "",
    sheet_part: str = "worksheets/sheet1.xml",
    doctype: str = "",
) -> bytes:
    """An .xlsx written the way Excel writes it: shared strings, formulas with cached values.

    A cell is a plain value (str -> shared string, int/float -> number), a dict
    {"f": formula, "v": cached value or None, "t": cell type}, or a dict {"inline": xml}
    written as an inline string (raw XML, so it may use an entity). `sheet_part` is the
    worksheet's part name under xl/, `doctype` a DOCTYPE put in the worksheet's prolog.
    """
    strings: list[str] = []
    xml_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{chr(65 + column)}{row_number}"
            if value is None or value == "":
                continue
            if isinstance(value, dict) and "inline" in value:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value["inline"]}</t></is></c>')
            elif isinstance(value, dict):
                kind = f' t="{value["t"]}"' if value.get("t") else ""
                cached = "" if value.get("v") is None else f"<v>{escape(str(value['v']))}</v>"
                cells.append(f'<c r="{ref}"{kind}><f>{escape(value["f"])}</f>{cached}</c>')
            elif isinstance(value, str):
                strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        xml_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"{doctype}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension_xml}<sheetData>{''.join(xml_rows)}</sheetData>{extra}</worksheet>"
    )
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        default_part = "worksheets/sheet1.xml"
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.replace(default_part, sheet_part))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.replace(default_part, sheet_part)
        )
        archive.writestr(f"xl/{sheet_part}", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
    return output.getvalue()
