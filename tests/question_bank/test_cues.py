"""question_bank.cues: each cue planted in a small bank is flagged, a clean bank is not."""

from question_bank import cues, read_bank

EXPLAIN = "解析。（依据：测试）"


def judge(stem, true, **extra):
    return {
        "type": "judge",
        "stem": stem,
        "options": {"A": "正确", "B": "错误"},
        "answer": ["A" if true else "B"],
        "explanation": EXPLAIN,
        "category": "测试",
        **extra,
    }


def choice(stem, options, keys, qtype="single", **extra):
    return {
        "type": qtype,
        "stem": stem,
        "options": dict(zip("ABCDE", options, strict=False)),
        "answer": list(keys),
        "explanation": extra.pop("explanation", EXPLAIN),
        "category": extra.pop("category", "测试"),
        **extra,
    }


def figure(bank, name_start):
    return next(f for f in cues.measure(bank).figures if f.name.startswith(name_start))


def test_judge_items_keyed_by_their_cue_words_are_flagged_by_the_classifier():
    bank = [judge(f"第{n}条：只要登记就可以免检。", False) for n in range(10)]
    bank += [judge(f"第{n}条规定，单位应当设置标志。", True) for n in range(10)]
    rule = figure(bank, "判断 blind rule")
    words = figure(bank, "判断 cue words")
    classifier = figure(bank, "判断 cue-word classifier")
    assert not rule.ok and rule.value.startswith("20/20")
    assert "只→错误 10/10" in words.value
    assert not classifier.ok


def test_judge_items_whose_cue_words_point_both_ways_pass():
    bank = [judge(f"第{n}条：车位充足时老年人也可以使用。", True) for n in range(6)]
    bank += [judge(f"第{n}条：只有本人可以查询。", False) for n in range(4)]
    bank += [judge(f"第{n}条：单位应当每年公示一次。", n % 2 == 0) for n in range(10)]
    assert figure(bank, "判断 cue-word classifier").ok


def test_multiple_choice_nearly_always_three_of_four_is_flagged():
    bank = [
        choice(f"题{n}包括哪些？", ["甲", "乙", "丙", "丁"], "ABC", "multiple") for n in range(4)
    ]
    bank.append(choice("题五包括哪些？", ["甲", "乙", "丙", "丁"], "AB", "multiple"))
    spread = figure(bank, "多选 most common number of keys")
    assert not spread.ok and "3 keys in 4/5 (80%)" in spread.value
    assert not figure(bank, "多选 with 2 keys").ok  # no 4-of-5 item


def test_multiple_choice_with_spread_key_counts_passes():
    bank = [
        choice("题一包括哪些？", ["甲", "乙", "丙", "丁"], "AB", "multiple"),
        choice("题二包括哪些？", ["甲", "乙", "丙", "丁", "戊"], "ABCE", "multiple"),
        choice("题三包括哪些？", ["甲", "乙", "丙", "丁"], "ACD", "multiple"),
    ]
    assert figure(bank, "多选 most common number of keys").ok
    assert figure(bank, "多选 with 2 keys").ok


def test_keys_that_repeat_the_stem_more_than_distractors_are_flagged():
    bank = [
        choice("家庭教育的第一个课堂是哪里？", ["家庭", "学校", "社区", "网络"], "A"),
        choice("公共场所的图像设备只能用于什么？", ["公共安全", "营销", "广告", "出售"], "A"),
    ]
    overlap = figure(bank, "key vs distractor words")
    assert not overlap.ok
    assert overlap.where == ("#0", "#1")


def test_singles_answered_by_avoiding_absolute_words_are_flagged():
    options = ["按规定办理", "只要登记即可", "一律不得办理", "直接办理"]
    absolute = figure([choice("怎样办理？", options, "A")], "单选 with an absolute word")
    assert not absolute.ok and absolute.value.startswith("100% of 1")


def test_a_key_stated_in_another_questions_explanation_is_flagged_whatever_the_source():
    levels = ["新时代文明实践中心", "新时代文明实践站", "新时代文明实践所", "新时代文明实践室"]
    bank = [
        choice("乡镇（街道）一级设的是什么？", levels, "C", id="q001", source="A13"),
        judge(
            "村一级设的是实践中心。",
            False,
            id="q002",
            source="A99",
            explanation="村设实践站，乡镇设实践所。（依据：测试）",
        ),
    ]
    measured = cues.measure(bank)
    assert measured.giveaways == [(1, 0, "explanation")]
    assert not figure(bank, "keys stated in another").ok
    bank[0]["exclusive_with"], bank[1]["exclusive_with"] = ["q002"], ["q001"]
    assert figure(bank, "keys stated in another").ok


def test_a_number_key_is_not_found_inside_a_longer_number():
    ages = ["6周岁", "8周岁", "10周岁", "12周岁"]
    bank = [
        choice("不满几周岁是无民事行为能力人？", ages, "B"),
        judge("18周岁以上为成年人。", True),
    ]
    assert cues.measure(bank).giveaways == []


def test_a_key_in_a_category_name_is_flagged():
    numbers = ["12345", "12315", "96110", "110"]
    bank = [choice("政务服务便民热线是哪个号码？", numbers, "A", category="12345热线")]
    assert figure(bank, "keys stated in a category name").where == ("#0 (12345)",)


def test_imported_questions_are_measured_like_bank_json():
    text = (
        "题型,题干,选项A,选项B,选项C,选项D,答案,分类\n单选,几个大类？,三个,四个,五个,六个,B,测试\n"
    )
    bank = read_bank(text.encode(), "t.csv")
    figures = cues.measure(bank.questions)
    assert figures.ok
    assert any(line.startswith("ok   判断 blind rule") for line in figures.lines())
