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

    def run(questions):
        bank = tmp_path / "civic_bank.json"
        bank.write_text(json.dumps({"questions": questions}, ensure_ascii=False), "utf-8")
        monkeypatch.setattr(module, "BANK", bank)
        status = module.main(["check_bank.py", str(tmp_path / "no-facts.md")])
        return status, capsys.readouterr().out

    return run


def single(qid, stem, options, key, source="G04", **extra):
    return {
        "id": qid,
        "type": "single",
        "stem": stem,
        "options": dict(zip("ABCD", options, strict=True)),
        "answer": [key],
        "explanation": EXPLAIN,
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
    assert "#1's stem states #0's answer" in out


def test_the_pair_is_accepted_once_marked_exclusive_with_each_other(check):
    _, out = check(
        [
            single("q001", "全国生态日是每年的哪一天？", DAY, "A", exclusive_with=["q002"]),
            single(
                "q002", "全国生态日定在8月15日，纪念哪一理念？", IDEA, "B", exclusive_with=["q001"]
            ),
        ]
    )
    assert "stems stating another's answer: 1; exclusive_with pairs: 1" in out
    assert "#1's stem states #0's answer" not in out


def test_a_key_far_longer_than_every_distractor_is_an_error(check):
    options = ["用肥皂水和流动清水交替彻底冲洗约15分钟再消毒", "包扎", "涂牙膏", "观察"]
    _, out = check([single("q001", "被猫狗咬伤后，应当首先怎样处理伤口？", options, "A", "E12")])
    assert "#0: key is >= 1.5x longer than every distractor" in out
    assert "longest option is the key: 1 of 1" in out
