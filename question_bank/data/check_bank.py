#!/usr/bin/env python3
"""Check the bundled civic question bank (civic_bank.json).

Usage (from the repo root):
    python3 question_bank/data/check_bank.py [path/to/civic-facts.md]
    python3 question_bank/data/check_bank.py --report [--bank some_bank.json]

--report prints only the cue figures (question_bank/cues.py), each beside its limit, for the
bundled bank or any bank JSON file, and exits 0: advice for an editor, never a failure.

The facts file defaults to ../shared/civic-facts.md relative to the repo root.
If it is missing, the source-ID check is skipped (with a note).
Exit status is 1 if any error is found, 0 otherwise. Standard library only.

Besides validity it measures how easy the bank is to game, and enforces limits:
- longest option is the key: among single-choice questions with a clearly longest option
  (at least 1.1x the runner-up), the share where it is the key (<= 35 %); and no key is
  ever >= 1.5x longer than every distractor;
- multiple-choice questions whose key is every option (<= 8 %);
- single-choice key letters each within +-3 of an even share; judge 正确/错误 within 3;
- rote-date questions (the answer is a date, year or day) <= 8 %;
- every question whose stem or 解析 states another question's key (any source) is paired
  with it in `exclusive_with` (stable `id`s, symmetric), so the daily draw never puts both
  in a day; no key is stated in a category name;
- 判断: the blind cue rule and a cue-word classifier each score <= 65 %;
- 多选: no one number of keys in more than 50 %; 2-key and 4-of-5 items exist;
- keys share no more words with the stem than distractors do; avoiding absolute words
  (只要/一律/直接…) answers <= 35 % of single-choice questions.
The cue measures live in question_bank/cues.py (loaded as a file: no package imports).
"""

import argparse
import collections
import importlib.util
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
BANK = HERE / "civic_bank.json"
DEFAULT_FACTS = REPO_ROOT.parent / "shared" / "civic-facts.md"
CUES_PATH = REPO_ROOT / "question_bank" / "cues.py"


def load_cues():
    """question_bank/cues.py by path, so this script needs neither the package nor openpyxl."""
    spec = importlib.util.spec_from_file_location("question_bank_cues", CUES_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


TYPES = {"single", "multiple", "judge"}
LETTERS = ["A", "B", "C", "D"]
MULTIPLE_LETTERS = (LETTERS, [*LETTERS, "E"])  # 4 options, or 5 (4 keys of 5)
JUDGE_OPTIONS = {"A": "正确", "B": "错误"}
MAX_STEM, MAX_OPTION = 200, 60
MIN_TOTAL, MIN_PER_CATEGORY = 360, 12
CAMPAIGN_CATEGORY, MIN_CAMPAIGN = "文明城市与新时代文明实践", 40
# What citizens do: the campaign category and volunteering together.
CITIZEN_CATEGORIES, MIN_CITIZEN = (CAMPAIGN_CATEGORY, "志愿服务"), 80
CLEARLY_LONGEST, GIVEAWAY = 1.1, 1.5
MAX_LONGEST_IS_KEY = 0.35
MAX_ALL_OPTIONS_KEYS = 0.08
MAX_ROTE_DATES = 0.08
LETTER_SPREAD = 3  # each single-choice key letter within this many of an even share
JUDGE_SPREAD = 3  # |正确 - 错误|
SOURCE_ID = re.compile(r"^[A-Z]\d{2}$")
QUESTION_ID = re.compile(r"^q\d{3}$")
DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年|^\d{1,2}月$|星期")
ASKS_DATE = re.compile(r"哪一天|哪一年|何时|哪个月|什么日子|哪一段时间|几月几日")
STATES_DATE = re.compile(r"每年|定在|定为|施行|通过|公布|印发")


def is_rote_date(q):
    """The question asks for a date, a year or what a given day is."""
    if q["type"] == "judge":
        return bool(DATE.search(q["stem"]) and STATES_DATE.search(q["stem"]))
    dated = sum(bool(DATE.search(v)) for v in q["options"].values())
    return bool(ASKS_DATE.search(q["stem"])) or dated >= 3


def main(argv):
    parser = argparse.ArgumentParser(description="Check the bundled civic question bank.")
    parser.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS)
    parser.add_argument("--report", action="store_true", help="print the cue figures only")
    parser.add_argument("--bank", type=Path, help="another bank JSON file (default: bundled)")
    args = parser.parse_args(argv[1:])
    errors, warnings = [], []
    facts_path = args.facts
    bank_path = args.bank or BANK

    try:
        data = json.loads(bank_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ERROR: cannot read {bank_path}: {exc}")
        return 1
    qs = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(qs, list):
        print('ERROR: top level must be {"questions": [...]}')
        return 1
    figures = load_cues().measure(q for q in qs if isinstance(q, dict))
    if args.report:
        print(f"bank: {bank_path} ({len(qs)} questions)")
        print("\n".join(figures.lines()))
        return 0

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
    ids = {}
    longest_clear = longest_key = 0
    giveaways, all_keys, rote = [], [], []
    n_multiple = 0

    for i, q in enumerate(qs):
        qid = q.get("id")
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            errors.append(f"#{i}: id must look like q001, got {qid!r}")
        elif qid in ids:
            errors.append(f"#{i}: id {qid} already used by #{ids[qid]}")
        else:
            ids[qid] = i
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
            if t == "single" and sorted(opts) != LETTERS:
                err("single must have options A-D")
            if t == "multiple" and sorted(opts) not in MULTIPLE_LETTERS:
                err("multiple must have options A-D or A-E")
            if t == "single":
                if len(ans) != 1:
                    err("single must have exactly one answer")
                else:
                    single_letters[ans[0]] += 1
                    lengths = sorted(((len(v), k) for k, v in opts.items()), reverse=True)
                    if lengths[0][0] >= CLEARLY_LONGEST * lengths[1][0]:
                        longest_clear += 1
                        longest_key += lengths[0][1] == ans[0]
                    rest = max((len(v) for k, v in opts.items() if k != ans[0]), default=0)
                    if ans[0] in opts and len(opts[ans[0]]) >= GIVEAWAY * rest:
                        giveaways.append(i)
            else:
                n_multiple += 1
                if not 2 <= len(ans) <= 4:
                    err("multiple must have 2-4 answers")
                if set(ans) == set(opts):
                    all_keys.append(i)

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
            err("explanation does not cite its source (依据)")
        if is_rote_date(q):
            rote.append(i)
        excl = q.get("exclusive_with", [])
        if not isinstance(excl, list) or not all(isinstance(x, str) for x in excl):
            err("exclusive_with must be a list of question ids")
        else:
            for other in excl:
                if other not in ids:
                    err(f"exclusive_with names unknown id {other!r}")
                elif q.get("id") not in qs[ids[other]].get("exclusive_with", []):
                    err(f"exclusive_with {other} is not mutual")
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
    if by_cat[CAMPAIGN_CATEGORY] < MIN_CAMPAIGN:
        errors.append(f"{CAMPAIGN_CATEGORY}: {by_cat[CAMPAIGN_CATEGORY]} (< {MIN_CAMPAIGN})")
    citizen = sum(by_cat[c] for c in CITIZEN_CATEGORIES)
    if citizen < MIN_CITIZEN:
        errors.append(f"{' + '.join(CITIZEN_CATEGORIES)}: {citizen} (< {MIN_CITIZEN})")
    n_single = sum(single_letters.values())
    for letter in LETTERS:
        if abs(single_letters[letter] - n_single / 4) > LETTER_SPREAD:
            errors.append(
                f"single answer {letter}: {single_letters[letter]} of {n_single} "
                f"(want {n_single / 4:.0f} +-{LETTER_SPREAD})"
            )
    if abs(judge_answers["A"] - judge_answers["B"]) > JUDGE_SPREAD:
        errors.append(
            f"judge answers unbalanced: 正确 {judge_answers['A']}, 错误 {judge_answers['B']}"
        )
    longest_rate = longest_key / longest_clear if longest_clear else 0.0
    if longest_rate > MAX_LONGEST_IS_KEY:
        errors.append(
            f"longest option is the key in {longest_rate:.0%} (> {MAX_LONGEST_IS_KEY:.0%})"
        )
    for i in giveaways:
        errors.append(f"#{i}: key is >= {GIVEAWAY}x longer than every distractor")
    all_rate = len(all_keys) / n_multiple if n_multiple else 0.0
    if all_rate > MAX_ALL_OPTIONS_KEYS:
        errors.append(f"all-options keys {all_rate:.0%} of multiple-choice: {all_keys}")
    rote_rate = len(rote) / total if total else 0.0
    if rote_rate > MAX_ROTE_DATES:
        errors.append(f"rote-date questions {rote_rate:.0%} (> {MAX_ROTE_DATES:.0%}): {rote}")
    stated = sorted({(i, j) for i, j, _ in figures.giveaways})
    for i, j in stated:
        if qs[j].get("id") not in qs[i].get("exclusive_with", []):
            errors.append(
                f"#{i} ({qs[i].get('id')}) states #{j}'s ({qs[j].get('id')}) key in its stem"
                " or 解析: reword or mark exclusive_with"
            )
    for f in figures.figures:
        if not f.ok and not f.name.startswith("keys stated in another"):
            errors.append(f"{f.name}: {f.value} (limit {f.limit})")

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
    print(
        f"longest option is the key: {longest_key} of {longest_clear} singles with a clearly "
        f"longest option ({longest_rate:.0%}); key >= {GIVEAWAY}x every distractor: {len(giveaways)}"
    )
    print(f"all-options keys: {len(all_keys)} of {n_multiple} multiple-choice ({all_rate:.0%})")
    print(f"rote-date questions: {len(rote)} ({rote_rate:.0%})")
    pairs = sum(len(q.get("exclusive_with", [])) for q in qs) // 2
    print(f"keys stated in another's stem or 解析: {len(stated)}; exclusive_with pairs: {pairs}")
    print(f"{' + '.join(CITIZEN_CATEGORIES)}: {citizen}")
    print("cue figures:")
    print("\n".join("  " + line for line in figures.lines()))
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
