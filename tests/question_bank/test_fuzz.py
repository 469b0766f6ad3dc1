"""Property tests: whatever the bytes, read_bank returns a Bank or raises InvalidBank."""

import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank import Bank, InvalidBank, build_template_xlsx, read_bank
from tests.question_bank.files import handmade_xlsx, question, replace_member, table

TEMPLATE = build_template_xlsx(examples_marked=False)
HANDMADE = handmade_xlsx(table(question(), question(题干="第二题", 分值={"f": "1+1", "v": 2})))
PARTS = {}
with zipfile.ZipFile(io.BytesIO(HANDMADE)) as _archive:
    for _name in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"):
        PARTS[_name] = _archive.read(_name)
FALLBACK = "文件已损坏或格式不受支持"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_values = (
    scalars
    | st.lists(scalars, max_size=3)
    | st.dictionaries(st.sampled_from(["A", "B", "G", "甲", "key", "text"]), scalars, max_size=3)
)
question_keys = st.sampled_from(
    ["type", "stem", "options", "answer", "explanation", "category", "difficulty", "points"]
)


def read_or_issues(data: bytes, filename: str) -> list[str]:
    """The issue messages, or [] when a Bank came back."""
    try:
        bank = read_bank(data, filename)
    except InvalidBank as exc:
        assert exc.issues
        assert all(isinstance(issue.message, str) and issue.message for issue in exc.issues)
        return [issue.message for issue in exc.issues]
    assert isinstance(bank, Bank)
    return []


@FAST
@given(data=st.binary(max_size=4096), extension=st.sampled_from([".xlsx", ".csv", ".json"]))
def test_random_bytes_with_any_extension_give_a_bank_or_invalid_bank(data, extension):
    read_or_issues(data, "fuzz" + extension)


@FAST
@given(text=st.text(max_size=2000), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_csv_text_never_hits_the_unexpected_failure_path(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    assert not any(FALLBACK in message for message in read_or_issues(data, "fuzz.csv"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions=st.lists(st.dictionaries(question_keys, json_values), max_size=5))
def test_random_json_questions_never_hit_the_unexpected_failure_path(questions):
    data = json.dumps({"questions": questions}).encode()
    assert not any(FALLBACK in message for message in read_or_issues(data, "fuzz.json"))


@settings(max_examples=100, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(TEMPLATE) - 1), st.integers(0, 255)), min_size=1, max_size=6
    ),
    cut=st.integers(1, len(TEMPLATE)),
)
def test_a_corrupted_or_truncated_workbook_gives_a_bank_or_invalid_bank(edits, cut):
    data = bytearray(TEMPLATE)
    for position, value in edits:
        data[position] = value
    read_or_issues(bytes(data), "fuzz.xlsx")
    read_or_issues(bytes(data[:cut]), "fuzz.xlsx")


@settings(max_examples=100, deadline=None)
@given(
    part=st.sampled_from(sorted(PARTS)),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.binary(max_size=8)), min_size=1, max_size=4
    ),
)
def test_a_workbook_with_mangled_xml_inside_a_sound_zip_gives_a_bank_or_invalid_bank(part, edits):
    content = bytearray(PARTS[part])
    for position, replacement in edits:
        position %= len(content)
        content[position : position + len(replacement)] = replacement
    read_or_issues(replace_member(HANDMADE, part, bytes(content)), "fuzz.xlsx")
