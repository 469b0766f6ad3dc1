"""Bank import benchmark: a 10,000-question .xlsx, raw openpyxl read vs. validate + import.

    python -m bench.banks [--questions 10000] [--rounds 3] [--pg URL]

Each phase runs in its own process so its peak memory (ru_maxrss) is its own. The baseline
(a) is openpyxl's read-only iteration over every cell — the least any .xlsx import can do;
(b) is `question_bank.read_bank` (validation and normalisation) plus the import into SQLite
and into PostgreSQL through `quiz.services.banks.import_bank`, committed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from quiz.runtime import runtime_of

DEFAULT_PG = "postgresql+psycopg://quiz:quiz@localhost:5433/quiz_bench_bank"
CATEGORIES = ["垃圾分类", "交通文明", "志愿服务", "健康与公共卫生", "生态环保", "法治与诚信"]


_HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类", "难度"]
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def bank_rows(count: int) -> list[list[str | None]]:
    rows: list[list[str | None]] = [_HEADER]
    for i in range(count):
        kind = ("单选", "多选", "判断")[i % 3]
        stem = f"第{i}题：关于文明城市建设的第{i}条知识，下列说法正确的是哪一项？"
        if kind == "判断":
            rows.append(
                [
                    kind,
                    stem,
                    None,
                    None,
                    None,
                    None,
                    "对" if i % 2 else "错",
                    f"第{i}题的解析。",
                    CATEGORIES[i % 6],
                    "易",
                ]
            )
        else:
            answer = "ABCD"[i % 4] if kind == "单选" else ("AB", "ACD", "BCD")[i % 3]
            rows.append(
                [
                    kind,
                    stem,
                    f"选项甲{i}",
                    f"选项乙{i}",
                    f"选项丙{i}",
                    f"选项丁{i}",
                    answer,
                    f"第{i}题的解析。",
                    CATEGORIES[i % 6],
                    "中",
                ]
            )
    return rows


def make_xlsx(path: Path, count: int) -> None:
    """Write the workbook the way Excel does: every text cell a shared string (t="s" indexing
    xl/sharedStrings.xml), a <dimension>, and no element for an empty cell. openpyxl 3.1
    writes inline strings (and, in write-only mode, no dimension), which makes openpyxl's own
    read — the baseline — much slower than on a file saved by Excel or WPS."""
    from xml.sax.saxutils import escape

    rows = bank_rows(count)
    strings: dict[str, int] = {}
    sheet = [
        _XML_DECL,
        f'<worksheet xmlns="{_NS}" xmlns:r="{_REL}">',
        f'<dimension ref="A1:J{len(rows)}"/><sheetViews><sheetView tabSelected="1" '
        'workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>',
    ]
    for number, row in enumerate(rows, start=1):
        sheet.append(f'<row r="{number}" spans="1:10">')
        for column, value in enumerate(row):
            if value is not None:
                index = strings.setdefault(value, len(strings))
                sheet.append(f'<c r="{"ABCDEFGHIJ"[column]}{number}" t="s"><v>{index}</v></c>')
        sheet.append("</row>")
    sheet.append(
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
        'header="0.3" footer="0.3"/></worksheet>'
    )
    shared = [
        _XML_DECL,
        f'<sst xmlns="{_NS}" count="{sum(map(len, rows))}" uniqueCount="{len(strings)}">',
    ]
    shared += [f"<si><t>{escape(text)}</t></si>" for text in strings]
    shared.append("</sst>")
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="题库" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="等线"/>'
            '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
            '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
            '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="常规" '
            'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/sharedStrings.xml": "".join(shared),
        "xl/worksheets/sheet1.xml": "".join(sheet),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            body = text if text.startswith("<?xml") else _XML_DECL + text
            archive.writestr(name, body.encode("utf-8"))


def phase_raw(path: Path) -> dict:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        cells += sum(1 for value in row if value is not None)
    book.close()
    return {"seconds": time.perf_counter() - start, "cells": cells}


def phase_import(path: Path, url: str) -> dict:
    os.environ["QUIZ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-bank-")
    from quiz import create_app
    from quiz.extensions import db
    from quiz.services import banks

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-not-for-production"}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        data = path.read_bytes()
        start = time.perf_counter()
        bank = banks.read_file(data, path.name)
        read = time.perf_counter() - start
        report = banks.import_bank(
            bank,
            filename=path.name,
            uploader_id=None,
            dry_run=False,
            now=runtime_of(app).clock.now(),
        )
        db.session.commit()
        total = time.perf_counter() - start
        db.drop_all()
    return {"seconds": total, "validate_seconds": read, "created": report.created}


def run_phase(name: str, path: Path, url: str | None) -> dict:
    args = [sys.executable, "-m", "bench.banks", "--phase", name, "--file", str(path)]
    if url:
        args += ["--url", url]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _median_run(found: list[dict]) -> dict:
    ordered = sorted(found, key=lambda run: run["seconds"])
    middle = dict(ordered[len(ordered) // 2])
    middle["peak_rss_mb"] = max(run["peak_rss_mb"] for run in found)
    middle["rounds"] = [run["seconds"] for run in found]
    return middle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_BANK_PG_URL", DEFAULT_PG))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phase")
    parser.add_argument("--file")
    parser.add_argument("--url")
    args = parser.parse_args(argv)

    if args.phase:  # child process: one measurement, printed as JSON with its peak memory
        path = Path(args.file)
        result = phase_raw(path) if args.phase == "raw" else phase_import(path, args.url)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0

    phases = {
        "raw openpyxl read": ("raw", None),
        "validate + import, SQLite": ("import", "sqlite"),
        "validate + import, PostgreSQL": ("import", args.pg),
    }
    runs: dict[str, list[dict]] = {name: [] for name in phases}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.xlsx"
        make_xlsx(path, args.questions)
        size_kb = path.stat().st_size / 1024
        # Rounds interleave the phases so that a burst of load on a shared machine hits them
        # alike; each phase reports its median.
        for _ in range(args.rounds):
            for name, (phase, url) in phases.items():
                if url == "sqlite":
                    url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
                runs[name].append(run_phase(phase, path, url))
    results = {name: _median_run(found) for name, found in runs.items()}
    base = results["raw openpyxl read"]["seconds"]
    print(
        f"bank import: {args.questions} questions, {size_kb:.0f} KiB .xlsx, "
        f"median of {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'phase':<32}{'seconds':>9}{'× raw':>8}{'validate s':>12}{'peak RSS MB':>13}"
        "  every round (s)"
    )
    for name, r in results.items():
        validate = f"{r['validate_seconds']:.2f}" if "validate_seconds" in r else "-"
        every = " ".join(f"{run['seconds']:.2f}" for run in runs[name])
        print(
            f"{name:<32}{r['seconds']:>9.2f}{r['seconds'] / base:>8.2f}{validate:>12}"
            f"{r['peak_rss_mb']:>13.0f}  {every}"
        )
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "banks.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
