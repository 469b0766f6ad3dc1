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
from dataclasses import dataclass, field
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


@dataclass
class Tally:
    """What the per-question checks count, for the bank-wide limits and the summary."""

    by_type: collections.Counter = field(default_factory=collections.Counter)
    by_cat: collections.Counter = field(default_factory=collections.Counter)
    by_diff: collections.Counter = field(default_factory=collections.Counter)
    single_letters: collections.Counter = field(default_factory=collections.Counter)
    judge_answers: collections.Counter = field(default_factory=collections.Counter)
    stems: dict = field(default_factory=dict)  # stem without spaces -> its question's index
    longest_clear: int = 0  # singles with a clearly longest option
    longest_key: int = 0  # … where that option is the key
    giveaways: list = field(default_factory=list)  # key >= GIVEAWAY x every distractor
    all_keys: list = field(default_factory=list)  # multiples whose keys are every option
    rote: list = field(default_factory=list)
    n_multiple: int = 0

    @property
    def n_single(self):
        return sum(self.single_letters.values())

    @property
    def longest_rate(self):
        return self.longest_key / self.longest_clear if self.longest_clear else 0.0

    @property
    def all_keys_rate(self):
        return len(self.all_keys) / self.n_multiple if self.n_multiple else 0.0


@dataclass(frozen=True)
class Sources:
    """The fact ids a question's `source` may cite; None when the facts file is missing."""

    path: Path
    known_ids: set | None


def main(argv):
    args = parse_args(argv)
    bank_path = args.bank or BANK
    qs = read_questions(bank_path)
    if qs is None:
        return 1
    figures = load_cues().measure(q for q in qs if isinstance(q, dict))
    if args.report:
        print(f"bank: {bank_path} ({len(qs)} questions)")
        print("\n".join(figures.lines()))
        return 0
    sources = read_sources(args.facts)
    warnings = []
    if sources.known_ids is None:
        warnings.append(f"facts file not found ({sources.path}); source-ID check skipped")
    tally = Tally()
    ids, errors = index_ids(qs)
    for i, q in enumerate(qs):
        errors += question_errors(i, q, qs, ids, sources, tally)
    errors += bank_errors(qs, tally, figures)
    print_summary(qs, tally, figures, sources)
    for w in warnings:
        print(f"NOTE: {w}")
    for e in errors:
        print(f"ERROR: {e}")
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 1 if errors else 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Check the bundled civic question bank.")
    parser.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS)
    parser.add_argument("--report", action="store_true", help="print the cue figures only")
    parser.add_argument("--bank", type=Path, help="another bank JSON file (default: bundled)")
    return parser.parse_args(argv[1:])


def read_questions(bank_path):
    """The bank's list of questions, or None after printing why there is none."""
    try:
        data = json.loads(bank_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ERROR: cannot read {bank_path}: {exc}")
        return None
    qs = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(qs, list):
        print('ERROR: top level must be {"questions": [...]}')
        return None
    return qs


def read_sources(facts_path):
    if not facts_path.is_file():
        return Sources(facts_path, None)
    text = facts_path.read_text(encoding="utf-8")
    return Sources(facts_path, set(re.findall(r"^- ([A-Z]\d{2}) ", text, re.M)))


def index_ids(qs):
    """id -> index of the question that first uses it, and the errors of malformed or reused ids."""
    ids, errors = {}, []
    for i, q in enumerate(qs):
        qid = q.get("id")
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            errors.append(f"#{i}: id must look like q001, got {qid!r}")
        elif qid in ids:
            errors.append(f"#{i}: id {qid} already used by #{ids[qid]}")
        else:
            ids[qid] = i
    return ids, errors


# --- one question ---------------------------------------------------------------------------


def question_errors(i, q, qs, ids, sources, tally):
    """Question i's errors, each prefixed with where it is; counts it in `tally`."""
    where = f"#{i} ({str(q.get('stem', ''))[:20]}…)"
    return [f"{where}: {msg}" for msg in question_problems(i, q, qs, ids, sources, tally)]


def question_problems(i, q, qs, ids, sources, tally):
    t = q.get("type")
    if t not in TYPES:
        return [f"bad type {t!r}"]
    tally.by_type[t] += 1
    problems = stem_problems(i, q, tally)
    opts, ans = q.get("options"), q.get("answer")
    if not isinstance(opts, dict) or not isinstance(ans, list) or not ans:
        return [*problems, "options must be an object and answer a non-empty list"]
    problems += option_problems(opts, ans)
    if t == "judge":
        problems += judge_problems(opts, ans, tally)
    elif t == "single":
        problems += single_problems(i, opts, ans, tally)
    else:
        problems += multiple_problems(i, opts, ans, tally)
    problems += difficulty_problems(q, tally)
    problems += category_problems(q, tally)
    problems += explanation_problems(q)
    if is_rote_date(q):
        tally.rote.append(i)
    problems += exclusive_with_problems(q, qs, ids)
    problems += source_problems(q, sources)
    return problems


def stem_problems(i, q, tally):
    problems = []
    stem = q.get("stem")
    if not isinstance(stem, str) or not stem.strip():
        problems.append("empty stem")
        stem = ""
    elif len(stem) > MAX_STEM:
        problems.append(f"stem longer than {MAX_STEM} chars ({len(stem)})")
    norm = re.sub(r"\s+", "", stem)
    if norm in tally.stems:
        problems.append(f"duplicate stem (same as #{tally.stems[norm]})")
    tally.stems[norm] = i
    return problems


def option_problems(opts, ans):
    problems = []
    for k, v in opts.items():
        if not isinstance(v, str) or not v.strip():
            problems.append(f"empty option {k}")
        elif len(v) > MAX_OPTION:
            problems.append(f"option {k} longer than {MAX_OPTION} chars ({len(v)})")
    if len(set(v.strip() for v in opts.values())) != len(opts):
        problems.append("duplicate option texts")
    missing = [a for a in ans if a not in opts]
    if missing:
        problems.append(f"answer keys {missing} not among options")
    if len(set(ans)) != len(ans):
        problems.append("repeated answer key")
    return problems


def judge_problems(opts, ans, tally):
    problems = []
    if opts != JUDGE_OPTIONS:
        problems.append('judge options must be exactly {"A": "正确", "B": "错误"}')
    if len(ans) != 1:
        problems.append("judge must have exactly one answer")
    else:
        tally.judge_answers[ans[0]] += 1
    return problems


def single_problems(i, opts, ans, tally):
    problems = []
    if sorted(opts) != LETTERS:
        problems.append("single must have options A-D")
    if len(ans) != 1:
        problems.append("single must have exactly one answer")
        return problems
    tally.single_letters[ans[0]] += 1
    count_longest_option(i, opts, ans[0], tally)
    return problems


def count_longest_option(i, opts, key, tally):
    """Whether a single's clearly longest option is its key, or its key gives itself away."""
    lengths = sorted(((len(v), k) for k, v in opts.items()), reverse=True)
    if lengths[0][0] >= CLEARLY_LONGEST * lengths[1][0]:
        tally.longest_clear += 1
        tally.longest_key += lengths[0][1] == key
    rest = max((len(v) for k, v in opts.items() if k != key), default=0)
    if key in opts and len(opts[key]) >= GIVEAWAY * rest:
        tally.giveaways.append(i)


def multiple_problems(i, opts, ans, tally):
    problems = []
    if sorted(opts) not in MULTIPLE_LETTERS:
        problems.append("multiple must have options A-D or A-E")
    tally.n_multiple += 1
    if not 2 <= len(ans) <= 4:
        problems.append("multiple must have 2-4 answers")
    if set(ans) == set(opts):
        tally.all_keys.append(i)
    return problems


def difficulty_problems(q, tally):
    if q.get("difficulty") not in (1, 2, 3):
        return [f"difficulty must be 1/2/3, got {q.get('difficulty')!r}"]
    tally.by_diff[q["difficulty"]] += 1
    return []


def category_problems(q, tally):
    cat = q.get("category")
    if not isinstance(cat, str) or not cat.strip():
        return ["missing category"]
    tally.by_cat[cat] += 1
    return []


def explanation_problems(q):
    expl = q.get("explanation")
    if not isinstance(expl, str) or not expl.strip():
        return ["missing explanation"]
    if "依据" not in expl:
        return ["explanation does not cite its source (依据)"]
    return []


def exclusive_with_problems(q, qs, ids):
    excl = q.get("exclusive_with", [])
    if not isinstance(excl, list) or not all(isinstance(x, str) for x in excl):
        return ["exclusive_with must be a list of question ids"]
    problems = []
    for other in excl:
        if other not in ids:
            problems.append(f"exclusive_with names unknown id {other!r}")
        elif q.get("id") not in qs[ids[other]].get("exclusive_with", []):
            problems.append(f"exclusive_with {other} is not mutual")
    return problems


def source_problems(q, sources):
    src = q.get("source")
    if not isinstance(src, str) or not src.strip():
        return ["missing source"]
    problems = []
    for sid in (s.strip() for s in src.split(",")):
        if not SOURCE_ID.match(sid):
            problems.append(f"malformed source id {sid!r}")
        elif sources.known_ids is not None and sid not in sources.known_ids:
            problems.append(f"source id {sid} not found in {sources.path.name}")
    return problems


# --- the whole bank -------------------------------------------------------------------------


def bank_errors(qs, tally, figures):
    """The bank-wide limits, in the order the report lists them."""
    return [
        *size_errors(len(qs), tally.by_cat),
        *balance_errors(tally),
        *gaming_errors(len(qs), tally),
        *stated_key_errors(qs, figures),
        *cue_figure_errors(figures),
    ]


def citizen_count(by_cat):
    return sum(by_cat[c] for c in CITIZEN_CATEGORIES)


def size_errors(total, by_cat):
    errors = []
    if total < MIN_TOTAL:
        errors.append(f"only {total} questions (< {MIN_TOTAL})")
    for cat, n in by_cat.items():
        if n < MIN_PER_CATEGORY:
            errors.append(f"category {cat!r} has only {n} questions (< {MIN_PER_CATEGORY})")
    if by_cat[CAMPAIGN_CATEGORY] < MIN_CAMPAIGN:
        errors.append(f"{CAMPAIGN_CATEGORY}: {by_cat[CAMPAIGN_CATEGORY]} (< {MIN_CAMPAIGN})")
    citizen = citizen_count(by_cat)
    if citizen < MIN_CITIZEN:
        errors.append(f"{' + '.join(CITIZEN_CATEGORIES)}: {citizen} (< {MIN_CITIZEN})")
    return errors


def balance_errors(tally):
    """Single-choice key letters and judge keys spread evenly."""
    errors = []
    n_single, letters, judged = tally.n_single, tally.single_letters, tally.judge_answers
    for letter in LETTERS:
        if abs(letters[letter] - n_single / 4) > LETTER_SPREAD:
            errors.append(
                f"single answer {letter}: {letters[letter]} of {n_single} "
                f"(want {n_single / 4:.0f} +-{LETTER_SPREAD})"
            )
    if abs(judged["A"] - judged["B"]) > JUDGE_SPREAD:
        errors.append(f"judge answers unbalanced: 正确 {judged['A']}, 错误 {judged['B']}")
    return errors


def rote_rate(total, tally):
    return len(tally.rote) / total if total else 0.0


def gaming_errors(total, tally):
    """Longest-option keys, all-options keys and rote dates over their limits."""
    errors = []
    if tally.longest_rate > MAX_LONGEST_IS_KEY:
        errors.append(
            f"longest option is the key in {tally.longest_rate:.0%} (> {MAX_LONGEST_IS_KEY:.0%})"
        )
    for i in tally.giveaways:
        errors.append(f"#{i}: key is >= {GIVEAWAY}x longer than every distractor")
    if tally.all_keys_rate > MAX_ALL_OPTIONS_KEYS:
        errors.append(
            f"all-options keys {tally.all_keys_rate:.0%} of multiple-choice: {tally.all_keys}"
        )
    rote = rote_rate(total, tally)
    if rote > MAX_ROTE_DATES:
        errors.append(f"rote-date questions {rote:.0%} (> {MAX_ROTE_DATES:.0%}): {tally.rote}")
    return errors


def stated_pairs(figures):
    """(i, j): question i's stem or 解析 states question j's key."""
    return sorted({(i, j) for i, j, _ in figures.giveaways})


def stated_key_errors(qs, figures):
    return [
        f"#{i} ({qs[i].get('id')}) states #{j}'s ({qs[j].get('id')}) key in its stem"
        " or 解析: reword or mark exclusive_with"
        for i, j in stated_pairs(figures)
        if qs[j].get("id") not in qs[i].get("exclusive_with", [])
    ]


def cue_figure_errors(figures):
    # Stated keys are already reported pair by pair, by question number.
    return [
        f"{f.name}: {f.value} (limit {f.limit})"
        for f in figures.figures
        if not f.ok and not f.name.startswith("keys stated in another")
    ]


def print_summary(qs, tally, figures, sources):
    """The bank's counts and figures, before its notes and errors."""
    total = len(qs)

    def pct(n):
        return f"{n} ({n / total:.0%})" if total else str(n)

    print(f"bank: {BANK}")
    print(f"total: {total}")
    print(
        "by type: "
        + ", ".join(f"{t} {pct(tally.by_type[t])}" for t in ("single", "multiple", "judge"))
    )
    print("by category:")
    for cat, n in tally.by_cat.most_common():
        print(f"  {cat}: {n}")
    print("by difficulty: " + ", ".join(f"{d}: {tally.by_diff[d]}" for d in (1, 2, 3)))
    letters, judged = tally.single_letters, tally.judge_answers
    print("single answer letters: " + ", ".join(f"{k} {letters[k]}" for k in LETTERS))
    print(f"judge answers: 正确 {judged['A']}, 错误 {judged['B']}")
    print(
        f"longest option is the key: {tally.longest_key} of {tally.longest_clear} singles with a "
        f"clearly longest option ({tally.longest_rate:.0%}); key >= {GIVEAWAY}x every "
        f"distractor: {len(tally.giveaways)}"
    )
    print(
        f"all-options keys: {len(tally.all_keys)} of {tally.n_multiple} multiple-choice "
        f"({tally.all_keys_rate:.0%})"
    )
    print(f"rote-date questions: {len(tally.rote)} ({rote_rate(total, tally):.0%})")
    pairs = sum(len(q.get("exclusive_with", [])) for q in qs) // 2
    print(
        f"keys stated in another's stem or 解析: {len(stated_pairs(figures))}; "
        f"exclusive_with pairs: {pairs}"
    )
    print(f"{' + '.join(CITIZEN_CATEGORIES)}: {citizen_count(tally.by_cat)}")
    print("cue figures:")
    print("\n".join("  " + line for line in figures.lines()))
    if sources.known_ids is not None:
        print(f"source ids checked against {sources.path} ({len(sources.known_ids)} facts)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
