#!/usr/bin/env python3
"""Check the bundled civic question bank (civic_bank.json).

Usage (from the repo root):
    python3 question_bank/data/check_bank.py [path/to/civic-facts.md]

The facts file defaults to ../shared/civic-facts.md relative to the repo root.
If it is missing, the source-ID check is skipped (with a note).
Exit status is 1 if any error is found, 0 otherwise. Standard library only.
"""

import collections
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
BANK = HERE / "civic_bank.json"
DEFAULT_FACTS = REPO_ROOT.parent / "shared" / "civic-facts.md"

TYPES = {"single", "multiple", "judge"}
LETTERS = ["A", "B", "C", "D"]
JUDGE_OPTIONS = {"A": "正确", "B": "错误"}
MAX_STEM, MAX_OPTION = 200, 60
MIN_TOTAL, MIN_PER_CATEGORY = 170, 12
SINGLE_LETTER_SHARE = (0.20, 0.30)
SOURCE_ID = re.compile(r"^[A-Z]\d{2}$")


def main(argv):
    errors, warnings = [], []
    facts_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_FACTS

    try:
        data = json.loads(BANK.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ERROR: cannot read {BANK}: {exc}")
        return 1
    qs = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(qs, list):
        print('ERROR: top level must be {"questions": [...]}')
        return 1

    known_ids = None
    if facts_path.is_file():
        known_ids = set(
            re.findall(r"^- ([A-Z]\d{2}) ", facts_path.read_text(encoding="utf-8"), re.M)
        )
    else:
        warnings.append(f"facts file not found ({facts_path}); source-ID check skipped")

    by_type = collections.Counter()
    by_cat = collections.Counter()
    by_diff = collections.Counter()
    single_letters = collections.Counter()
    judge_answers = collections.Counter()
    stems = {}

    for i, q in enumerate(qs):
        where = f"#{i} ({str(q.get('stem', ''))[:20]}…)"

        def err(msg, where=where):
            errors.append(f"{where}: {msg}")

        t = q.get("type")
        if t not in TYPES:
            err(f"bad type {t!r}")
            continue
        by_type[t] += 1
        stem = q.get("stem")
        if not isinstance(stem, str) or not stem.strip():
            err("empty stem")
            stem = ""
        elif len(stem) > MAX_STEM:
            err(f"stem longer than {MAX_STEM} chars ({len(stem)})")
        norm = re.sub(r"\s+", "", stem)
        if norm in stems:
            err(f"duplicate stem (same as #{stems[norm]})")
        stems[norm] = i

        opts = q.get("options")
        ans = q.get("answer")
        if not isinstance(opts, dict) or not isinstance(ans, list) or not ans:
            err("options must be an object and answer a non-empty list")
            continue
        for k, v in opts.items():
            if not isinstance(v, str) or not v.strip():
                err(f"empty option {k}")
            elif len(v) > MAX_OPTION:
                err(f"option {k} longer than {MAX_OPTION} chars ({len(v)})")
        if len(set(v.strip() for v in opts.values())) != len(opts):
            err("duplicate option texts")
        missing = [a for a in ans if a not in opts]
        if missing:
            err(f"answer keys {missing} not among options")
        if len(set(ans)) != len(ans):
            err("repeated answer key")

        if t == "judge":
            if opts != JUDGE_OPTIONS:
                err('judge options must be exactly {"A": "正确", "B": "错误"}')
            if len(ans) != 1:
                err("judge must have exactly one answer")
            else:
                judge_answers[ans[0]] += 1
        else:
            if sorted(opts) != LETTERS:
                err("single/multiple must have options A-D")
            if t == "single":
                if len(ans) != 1:
                    err("single must have exactly one answer")
                else:
                    single_letters[ans[0]] += 1
            elif not 2 <= len(ans) <= 4:
                err("multiple must have 2-4 answers")

        if q.get("difficulty") not in (1, 2, 3):
            err(f"difficulty must be 1/2/3, got {q.get('difficulty')!r}")
        else:
            by_diff[q["difficulty"]] += 1
        cat = q.get("category")
        if not isinstance(cat, str) or not cat.strip():
            err("missing category")
        else:
            by_cat[cat] += 1
        expl = q.get("explanation")
        if not isinstance(expl, str) or not expl.strip():
            err("missing explanation")
        elif "依据" not in expl:
            warnings.append(f"{where}: explanation does not name its source (依据)")
        src = q.get("source")
        if not isinstance(src, str) or not src.strip():
            err("missing source")
        else:
            for sid in (s.strip() for s in src.split(",")):
                if not SOURCE_ID.match(sid):
                    err(f"malformed source id {sid!r}")
                elif known_ids is not None and sid not in known_ids:
                    err(f"source id {sid} not found in {facts_path.name}")

    total = len(qs)
    if total < MIN_TOTAL:
        errors.append(f"only {total} questions (< {MIN_TOTAL})")
    for cat, n in by_cat.items():
        if n < MIN_PER_CATEGORY:
            errors.append(f"category {cat!r} has only {n} questions (< {MIN_PER_CATEGORY})")
    n_single = sum(single_letters.values())
    if n_single:
        lo, hi = SINGLE_LETTER_SHARE
        for letter in LETTERS:
            share = single_letters[letter] / n_single
            if not lo <= share <= hi:
                errors.append(
                    f"single answer {letter} is {share:.0%} of singles (want {lo:.0%}-{hi:.0%})"
                )

    def pct(n):
        return f"{n} ({n / total:.0%})" if total else str(n)

    print(f"bank: {BANK}")
    print(f"total: {total}")
    print(
        "by type: " + ", ".join(f"{t} {pct(by_type[t])}" for t in ("single", "multiple", "judge"))
    )
    print("by category:")
    for cat, n in by_cat.most_common():
        print(f"  {cat}: {n}")
    print("by difficulty: " + ", ".join(f"{d}: {by_diff[d]}" for d in (1, 2, 3)))
    print("single answer letters: " + ", ".join(f"{k} {single_letters[k]}" for k in LETTERS))
    print(f"judge answers: 正确 {judge_answers['A']}, 错误 {judge_answers['B']}")
    if known_ids is not None:
        print(f"source ids checked against {facts_path} ({len(known_ids)} facts)")
    for w in warnings:
        print(f"NOTE: {w}")
    for e in errors:
        print(f"ERROR: {e}")
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
