"""`read_bank`: bytes and a file name in, a Bank out, or InvalidBank listing every problem.

CSV text may be UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030 (Excel on Chinese
Windows); the delimiter (comma, semicolon or tab) is taken from the header line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import PurePosixPath

from .model import Bank, InvalidBank, Issue, Limits, Question
from .normalise import clean_text, header_field
from .table import Collector, read_rows
from .validate import validate_question
from .xlsx import read_xlsx

logger = logging.getLogger(__name__)
_ZIP_MAGIC = b"PK\x03\x04"


def _fail(message: str, row: int = 0, column: str = "") -> InvalidBank:
    return InvalidBank([Issue(row, column, message)])


def read_bank(data: bytes, filename: str, *, limits: Limits = Limits()) -> Bank:
    """Read a .xlsx, .csv or .json bank; raises InvalidBank (and nothing else) when it is bad."""
    try:
        with gc_paused():
            questions, skipped, examples = _read(bytes(data), str(filename or ""), limits)
    except InvalidBank:
        raise
    except Exception as exc:  # a hostile or broken file must never surface as a crash
        logger.info("unreadable question bank %r", filename, exc_info=True)
        message = f"文件已损坏或格式不受支持，无法读取（{type(exc).__name__}）"
        raise _fail(message) from None
    return Bank(
        questions=tuple(questions),
        skipped_blank_rows=skipped,
        source_name=filename,
        skipped_example_rows=examples,
    )


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bank is read.

    Reading 10,000 rows keeps ~100,000 new container objects alive, which triggers several
    full collections; in a process that also holds a web app each one walks every object
    of both, and together they cost about a third of the read. Reading makes no reference
    cycles worth collecting early, so the collector waits until the last overlapping read
    ends (counted, for threads) and is then switched back on — unless it was off before.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _read(data: bytes, filename: str, limits: Limits) -> tuple[list[Question], int, int]:
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension not in (".xlsx", ".csv", ".json"):
        shown = extension or "（无扩展名）"
        raise _fail(f"不支持的文件类型 {shown}，请上传 .xlsx、.csv 或 .json 文件")
    if len(data) > limits.max_uncompressed_bytes:
        megabytes = limits.max_uncompressed_bytes // (1024 * 1024)
        raise _fail(f"文件超过 {megabytes} MB，请拆分成多个文件")
    if not data.strip():
        raise _fail("文件是空的")
    if extension == ".xlsx":
        return read_xlsx(data, limits)
    if data.startswith(_ZIP_MAGIC):
        raise _fail(f"文件内容是 Excel 工作簿，但扩展名是 {extension}；请把扩展名改为 .xlsx")
    if extension == ".csv":
        return read_rows(_csv_rows(decode_text(data)), limits)
    return _read_json(decode_text(data), limits), 0, 0


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; InvalidBank otherwise."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise _fail("文件开头标明了 Unicode 编码，但内容无法按该编码解码") from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail("无法识别文件的文字编码，请另存为“CSV UTF-8（逗号分隔）”后再上传")


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=header.count)  # ties keep the comma, listed first


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error:
        message = (
            f"CSV 格式错误（第 {reader.line_num} 行附近）：可能有未配对的英文引号，或单元格过长"
        )
        raise _fail(message, reader.line_num) from None


def _read_json(text: str, limits: Limits) -> list[Question]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近，{exc.msg}") from None
    except (RecursionError, ValueError):
        raise _fail("JSON 嵌套过深或数字过长，无法读取") from None
    if not isinstance(document, dict):
        raise _fail('JSON 的最外层应为对象：{"questions": [...]}')
    items = document.get("questions")
    if not isinstance(items, list):
        raise _fail('JSON 缺少 "questions" 列表', column="questions")
    if len(items) > limits.max_rows:
        raise _fail(f"题库最多 {limits.max_rows} 题，请拆分成多个文件", column="questions")
    found = Collector(limits)
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems = [Issue(row, "questions", f'第 {row} 题应为对象，如 {{"stem": …}}')]
            keep_going = found.add(row, None, problems, "stem")
        else:
            question, problems = validate_question(item, row=row, limits=limits)
            stem = next((key for key in item if header_field(key) == "stem"), "stem")
            difficulty = next(
                (value for key, value in item.items() if header_field(key) == "difficulty"), ""
            )
            if not isinstance(difficulty, (str, int)) or isinstance(difficulty, bool):
                difficulty = ""
            keep_going = found.add(row, question, problems, stem, clean_text(difficulty))
        if not keep_going:
            break
    return found.result()
