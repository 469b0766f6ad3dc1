"""question_bank/data/check_bank.py: the bundled bank's own checks on small made-up banks."""

import importlib.util
import json

import pytest

import question_bank.bundled

SCRIPT = question_bank.bundled.BUNDLED_PATH.parent / "check_bank.py"
EXPLAIN = "解析。（依据：测试）"


@pytest.fixture
def check(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("check_bank", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run(questions, *flags):
        bank = tmp_path / "civic_bank.json"
        bank.write_text(json.dumps({"questions": questions}, ensure_ascii=False), "utf-8")
        monkeypatch.setattr(module, "BANK", bank)
        status = module.main(["check_bank.py", str(tmp_path / "no-facts.md"), *flags])
        return status, capsys.readouterr().out

    return run


def single(qid, stem, options, key, source="G04", explanation=EXPLAIN, **extra):
    return {
        "id": qid,
        "type": "single",
        "stem": stem,
        "options": dict(zip("ABCD", options, strict=True)),
        "answer": [key],
        "explanation": explanation,
        "category": "生态环保",
        "difficulty": 1,
        "source": source,
        **extra,
    }


DAY = ["8月15日", "6月5日", "3月22日", "8月8日"]
IDEA = ["节约资源", "绿水青山就是金山银山", "保护环境", "节水优先"]


def test_a_stem_stating_another_questions_answer_is_an_error(check):
    status, out = check(
        [
            single("q001", "全国生态日是每年的哪一天？", DAY, "A"),
            single("q002", "全国生态日定在8月15日，纪念的是哪一理念？", IDEA, "B"),
        ]
    )
    assert status == 1
    assert "#1 (q002) states #0's (q001) key in its stem or 解析" in out


def test_a_key_stated_in_another_questions_explanation_is_an_error_whatever_the_source(check):
    told = "全国生态日定在8月15日。（依据：测试）"
    status, out = check(
        [
            single("q001", "全国生态日是每年的哪一天？", DAY, "A"),
            single("q002", "“两山”理念是哪一个？", IDEA, "B", "H01", explanation=told),
        ]
    )
    assert status == 1
    assert "#1 (q002) states #0's (q001) key" in out


def test_the_pair_is_accepted_once_marked_exclusive_with_each_other(check):
    _, out = check(
        [
            single("q001", "全国生态日是每年的哪一天？", DAY, "A", exclusive_with=["q002"]),
            single(
                "q002", "全国生态日定在8月15日，纪念哪一理念？", IDEA, "B", exclusive_with=["q001"]
            ),
        ]
    )
    assert "keys stated in another's stem or 解析: 1; exclusive_with pairs: 1" in out
    assert "states #0's (q001) key" not in out


def test_a_key_far_longer_than_every_distractor_is_an_error(check):
    options = ["用肥皂水和流动清水交替彻底冲洗约15分钟再消毒", "包扎", "涂牙膏", "观察"]
    _, out = check([single("q001", "被猫狗咬伤后，应当首先怎样处理伤口？", options, "A", "E12")])
    assert "#0: key is >= 1.5x longer than every distractor" in out
    assert "longest option is the key: 1 of 1" in out


def judge(qid, stem, true):
    answer = ["A" if true else "B"]
    return {
        **single(qid, stem, DAY, "A"),
        "type": "judge",
        "answer": answer,
        "options": {"A": "正确", "B": "错误"},
    }


def multiple(qid, keys, letters="ABCD"):
    options = dict(
        zip(letters, ["节约资源", "保护环境", "节水优先", "绿色发展", "低碳生活"], strict=False)
    )
    return {
        **single(qid, f"题{qid}：下列哪些说法正确？", DAY, "A"),
        "type": "multiple",
        "options": options,
        "answer": list(keys),
    }


CUED = [judge(f"q{n:03}", f"第{n}题：只要登记就可以。", False) for n in range(1, 11)] + [
    judge(f"q{n:03}", f"第{n}题：单位应当设置标志。", True) for n in range(11, 21)
]


def test_a_bank_answerable_by_judge_cue_words_fails(check):
    status, out = check(CUED)
    assert status == 1
    assert "ERROR: 判断 blind rule (只|可以|不必|没有|不违|直接 → 错误): 20/20 (100%)" in out
    assert "ERROR: 判断 cue-word classifier" in out


def test_multiple_choice_all_three_of_four_fails(check):
    status, out = check([multiple(f"q{n:03}", "ABC") for n in range(1, 5)])
    assert status == 1
    assert "ERROR: 多选 most common number of keys: 3 keys in 4/4 (100%)" in out
    assert "ERROR: 多选 with 2 keys / with 4 keys of 5 options: 0 / 0" in out


def test_multiple_choice_may_have_five_options_with_four_keys(check):
    _, out = check([multiple("q001", "ABCE", "ABCDE"), multiple("q002", "AB")])
    assert "must have options" not in out
    assert "ERROR: 多选" not in out


def test_report_prints_each_figure_beside_its_limit_and_never_fails(check):
    status, out = check(CUED, "--report")
    assert status == 0
    assert "OVER 判断 blind rule" in out and "(limit: <= 65%)" in out
    for name in (
        "判断 cue words",
        "多选 most common number of keys",
        "key vs distractor words",
        "单选 with an absolute word",
        "keys stated in another question's stem",
    ):
        assert name in out
    assert "ERROR" not in out


def test_report_reads_any_bank_file(tmp_path, check):
    other = tmp_path / "mine.json"
    other.write_text(json.dumps({"questions": CUED[:2]}, ensure_ascii=False), "utf-8")
    status, out = check([], "--report", "--bank", str(other))
    assert status == 0
    assert f"bank: {other} (2 questions)" in out
