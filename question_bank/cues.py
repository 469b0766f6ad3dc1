"""How much of a bank can be answered without knowing anything: the cues and their figures.

`measure(questions)` takes questions in the bank JSON shape (dicts with type, stem, options,
answer, explanation, category and, in the bundled bank, id and exclusive_with) or
`question_bank.Question` objects, and returns `BankFigures`: each figure beside its limit. The
bundled bank's check script enforces the limits; after an import the same figures are advice.

Standard library only and no package-relative imports, so question_bank/data/check_bank.py can
load this file directly.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The blind rule from the 2026-12 review: a 判断 stem with one of these is keyed 错误, else 正确.
JUDGE_BLIND_RULE = re.compile("只|可以|不必|没有|不违|直接")
# A "word" that predicts a 判断 key: a run of 1–3 characters in at least this many stems,
# keyed the same way in at least this share of them.
CUE_WORD_LENGTHS = (1, 2, 3)
CUE_WORD_MIN_ITEMS = 8
CUE_WORD_PURITY = 0.85
MAX_JUDGE_CLASSIFIER = 0.65
# 多选: no single number of keys in more than half of them; 2-key and 4-of-5 items exist.
MAX_KEY_COUNT_SHARE = 0.5
# Absolute words a test-wise reader avoids in an option ("only", "always", "directly" …).
ABSOLUTE = re.compile(
    "只要|只能|只是|只有|只需|一律|总是|永久|完全|绝对|全部|一定|直接|无需|不必|不用"
)
MAX_ABSOLUTE_RULE = 0.35  # accuracy of "never pick an option with an absolute word"
MIN_KEY_PHRASE = 2
SHORT_KEY = 5
_TEXT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Figure:
    """One measure of the bank beside its limit; `where` names the questions behind it."""

    name: str
    value: str
    limit: str
    ok: bool
    where: tuple[str, ...] = ()


@dataclass
class BankFigures:
    figures: list[Figure] = field(default_factory=list)
    # (i, j, field): question i's `field` ("stem" or "explanation") contains question j's key.
    giveaways: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.figures)

    def lines(self) -> list[str]:
        """One line a figure: name, value, limit, and OK or OVER."""
        width = max((len(f.name) for f in self.figures), default=0)
        out = []
        for f in self.figures:
            mark = "ok  " if f.ok else "OVER"
            out.append(f"{mark} {f.name:<{width}}  {f.value}  (limit: {f.limit})")
            if not f.ok and f.where:
                out.append(f"       {', '.join(f.where[:20])}{' …' if len(f.where) > 20 else ''}")
        return out


@dataclass(frozen=True)
class _Item:
    label: str
    type: str
    stem: str
    options: dict[str, str]
    answer: tuple[str, ...]
    explanation: str
    category: str
    exclusive: frozenset[str]


def _item(index: int, q) -> _Item:
    if isinstance(q, Mapping):
        get = q.get
        options = get("options") or {}
        if not isinstance(options, Mapping):
            options = {}
    else:  # a question_bank.Question

        def get(name, default=None):
            return getattr(q, name, default)

        options = dict(q.options)
    label = get("id") or f"#{index}"
    return _Item(
        label=str(label),
        type=str(get("type") or ""),
        stem=str(get("stem") or ""),
        options={str(k): str(v) for k, v in options.items()},
        answer=tuple(str(a) for a in (get("answer") or ())),
        explanation=str(get("explanation") or ""),
        category=str(get("category") or ""),
        exclusive=frozenset(get("exclusive_with") or ()),
    )


def _plain(text: str) -> str:
    return "".join(_TEXT.findall(text))


def _grams(text: str, n: int) -> set[str]:
    text = _plain(text)
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"


# --- 判断 -------------------------------------------------------------------------------


def _is_true(item: _Item) -> bool:
    return item.answer[:1] == ("A",)


def judge_cue_words(judges: list[_Item]) -> dict[str, tuple[bool, int, int]]:
    """word -> (the key it predicts is 正确, items keyed so, items containing it)."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for item in judges:
        words = set().union(*(_grams(item.stem, n) for n in CUE_WORD_LENGTHS))
        for word in words:
            counts[word][_is_true(item)] += 1
    cues = {}
    for word, (false, true) in counts.items():
        n = false + true
        if n >= CUE_WORD_MIN_ITEMS and max(false, true) >= CUE_WORD_PURITY * n:
            cues[word] = (true > false, max(false, true), n)
    # A longer word that says no more than a shorter one inside it is the same cue.
    return {
        w: v
        for w, v in cues.items()
        if not any(o != w and o in w and cues[o][0] == v[0] for o in cues)
    }


def _classify(item: _Item, cues: Mapping[str, tuple[bool, int, int]]) -> bool:
    """The guess that 正确 is the key: the cue words' vote, else the blind rule."""
    votes = [cues[w] for w in cues if w in _plain(item.stem)]
    if votes:
        return sum(v[1] / v[2] * (1 if v[0] else -1) for v in votes) > 0
    return not JUDGE_BLIND_RULE.search(item.stem)


# --- 多选 and options -----------------------------------------------------------------------


def key_phrases(item: _Item) -> list[str]:
    """What each key of a single/multiple question says that its other options do not.

    A short key (up to SHORT_KEY characters: a date, a number, a word) is itself the phrase.
    From a longer one the prefix and suffix all options share are cut off ("新时代文明实践所"
    among 中心/站/所 → "所"), then the rest is widened back to three characters ("实践所").
    """
    if item.type == "judge" or not item.options:
        return []
    texts = list(item.options.values())
    prefix = _common_prefix(texts)
    suffix = _common_prefix([t[::-1] for t in texts])[::-1]
    phrases = []
    for key in item.answer:
        text = item.options.get(key, "")
        if len(_plain(text)) <= SHORT_KEY:
            if len(_plain(text)) >= MIN_KEY_PHRASE and text not in ("正确", "错误"):
                phrases.append(text)
            continue
        start, end = len(prefix), len(text) - len(suffix)
        if start >= end:
            start, end = 0, len(text)
        while end - start < 3 and (start > 0 or end < len(text)):
            if start > 0:
                start -= 1
            else:
                end += 1
        phrase = text[start:end]
        if len(_plain(phrase)) >= MIN_KEY_PHRASE and phrase not in ("正确", "错误"):
            phrases.append(phrase)
    return phrases


def states(text: str, phrase: str) -> bool:
    """`phrase` occurs in `text`, a number only as a whole number ("8周岁" is not in "18周岁")."""
    before = "(?<![0-9])" if phrase[:1].isdigit() else ""
    # "4月" is not in "4月29日": a number or a month ending a phrase must end in the text too.
    after = "(?![0-9])" if phrase[-1:].isdigit() or phrase[-1:] == "月" else ""
    return re.search(before + re.escape(phrase) + after, text) is not None


def _common_prefix(texts: list[str]) -> str:
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _overlap(option: str, stem_grams: set[str]) -> float:
    grams = _grams(option, 2) or _grams(option, 1)
    return len(grams & stem_grams) / len(grams) if grams else 0.0


# --- all together ---------------------------------------------------------------------------


def measure(questions: Iterable) -> BankFigures:
    """Every cue figure of `questions` beside its limit."""
    items = [_item(i, q) for i, q in enumerate(questions)]
    out = BankFigures()
    out.figures += _judge_figures(items)
    out.figures += _key_count_figures(items)
    out.figures += [_stem_echo_figure(items), _absolute_word_figure(items)]
    phrases = [key_phrases(q) for q in items]
    out.giveaways = _giveaways(items, phrases)
    out.figures += [
        _open_giveaways_figure(items, out.giveaways),
        _keys_in_categories_figure(items, phrases),
    ]
    return out


def _judge_figures(items: list[_Item]) -> list[Figure]:
    """判断: how far the blind rule, the cue words and both together predict the key."""
    judges = [q for q in items if q.type == "judge" and q.answer]
    cues = judge_cue_words(judges)
    return [_blind_rule_figure(judges), _cue_words_figure(cues), _classifier_figure(judges, cues)]


def _blind_rule_figure(judges: list[_Item]) -> Figure:
    right = [q for q in judges if (not JUDGE_BLIND_RULE.search(q.stem)) == _is_true(q)]
    rate = len(right) / len(judges) if judges else 0.0
    return Figure(
        "判断 blind rule (只|可以|不必|没有|不违|直接 → 错误)",
        _pct(len(right), len(judges)),
        f"<= {MAX_JUDGE_CLASSIFIER:.0%}",
        rate <= MAX_JUDGE_CLASSIFIER,
    )


def _cue_words_figure(cues: Mapping[str, tuple[bool, int, int]]) -> Figure:
    return Figure(
        f"判断 cue words (one key in >= {CUE_WORD_PURITY:.0%} of >= {CUE_WORD_MIN_ITEMS})",
        ", ".join(f"{w}→{'正确' if t else '错误'} {k}/{n}" for w, (t, k, n) in sorted(cues.items()))
        or "none",
        "advice: each one counts in the classifier below",
        True,
    )


def _classifier_figure(judges: list[_Item], cues: Mapping[str, tuple[bool, int, int]]) -> Figure:
    right = [q for q in judges if _classify(q, cues) == _is_true(q)]
    rate = len(right) / len(judges) if judges else 0.0
    return Figure(
        "判断 cue-word classifier (cue words, else the blind rule)",
        _pct(len(right), len(judges)),
        f"<= {MAX_JUDGE_CLASSIFIER:.0%}",
        rate <= MAX_JUDGE_CLASSIFIER,
    )


def _key_count_figures(items: list[_Item]) -> list[Figure]:
    """多选: whether the number of keys gives the answer away."""
    multiples = [q for q in items if q.type == "multiple"]
    shapes = collections.Counter((len(q.answer), len(q.options)) for q in multiples)
    by_keys = collections.Counter(len(q.answer) for q in multiples)
    top, top_n = max(by_keys.items(), key=lambda kv: kv[1], default=(0, 0))
    two, four_of_five = by_keys[2], shapes[(4, 5)]
    return [
        Figure(
            "多选 most common number of keys",
            f"{top} keys in {_pct(top_n, len(multiples))}; "
            + ", ".join(f"{k} of {n}: {c}" for (k, n), c in sorted(shapes.items())),
            f"<= {MAX_KEY_COUNT_SHARE:.0%}",
            top_n <= MAX_KEY_COUNT_SHARE * len(multiples),
        ),
        Figure(
            "多选 with 2 keys / with 4 keys of 5 options",
            f"{two} / {four_of_five}",
            ">= 1 each",
            not multiples or (two >= 1 and four_of_five >= 1),
        ),
    ]


def _choices(items: list[_Item]) -> list[_Item]:
    """The single- and multiple-choice questions that have options."""
    return [q for q in items if q.type in ("single", "multiple") and q.options]


def _stem_echo_figure(items: list[_Item]) -> Figure:
    """Whether keys repeat the stem's words more than distractors do."""
    key_overlap, other_overlap, echoes = [], [], []
    for q in _choices(items):
        stem_grams = _grams(q.stem, 2)
        keys = [q.options[k] for k in q.answer if k in q.options]
        others = [v for k, v in q.options.items() if k not in q.answer]
        ks = [_overlap(t, stem_grams) for t in keys]
        ds = [_overlap(t, stem_grams) for t in others]
        key_overlap += ks
        other_overlap += ds
        if ks and ds and min(ks) > 0 and max(ds) == 0:
            echoes.append(q.label)
    key_mean = sum(key_overlap) / len(key_overlap) if key_overlap else 0.0
    other_mean = sum(other_overlap) / len(other_overlap) if other_overlap else 0.0
    return Figure(
        "key vs distractor words shared with the stem",
        f"{key_mean:.1%} vs {other_mean:.1%}; keys alone echoing the stem: {len(echoes)}",
        "keys <= distractors",
        key_mean <= other_mean,
        tuple(echoes),
    )


def _absolute_word_figure(items: list[_Item]) -> Figure:
    """单选: how often "never pick an option with an absolute word" finds the key."""
    hits, counted = 0.0, 0
    for q in _choices(items):
        if q.type != "single":
            continue
        plain = [k for k, v in q.options.items() if not ABSOLUTE.search(v)]
        if 0 < len(plain) < len(q.options):
            counted += 1
            hits += (q.answer[0] in plain) / len(plain)
    rate = hits / counted if counted else 0.0
    return Figure(
        "单选 with an absolute word (只要/一律/直接…) in some options: avoiding them scores",
        f"{rate:.0%} of {counted} (chance 25%)",
        f"<= {MAX_ABSOLUTE_RULE:.0%}",
        rate <= MAX_ABSOLUTE_RULE,
    )


def _giveaways(items: list[_Item], phrases: list[list[str]]) -> list[tuple[int, int, str]]:
    """(i, j, field) for each question i whose `field` states a key phrase of question j."""
    found = set()
    for j, key_phrases_of_j in enumerate(phrases):
        for phrase in key_phrases_of_j:
            for i, other in enumerate(items):
                if i == j:
                    continue
                for name in ("stem", "explanation"):
                    if states(getattr(other, name), phrase):
                        found.add((i, j, name))
    return sorted(found)


def _open_giveaways_figure(items: list[_Item], giveaways: list[tuple[int, int, str]]) -> Figure:
    """The giveaway pairs not kept apart by exclusive_with."""
    pairs = {(i, j) for i, j, _ in giveaways}
    open_pairs = [
        f"{items[i].label}→{items[j].label}"
        for i, j in sorted(pairs)
        if items[j].label not in items[i].exclusive
    ]
    return Figure(
        "keys stated in another question's stem or 解析, not exclusive_with",
        f"{len(open_pairs)} of {len(pairs)}",
        "0",
        not open_pairs,
        tuple(open_pairs),
    )


def _keys_in_categories_figure(items: list[_Item], phrases: list[list[str]]) -> Figure:
    categories = {q.category for q in items if q.category}
    in_category = [
        f"{q.label} ({phrase})"
        for q, key_phrases_of_q in zip(items, phrases, strict=True)
        for phrase in key_phrases_of_q
        if any(phrase in c for c in categories)
    ]
    return Figure(
        "keys stated in a category name",
        str(len(in_category)),
        "0",
        not in_category,
        tuple(in_category),
    )
